import type { ProtocolSummary } from "./registry";

/**
 * The "insured" badge, in the flat style READMEs already use: "insured | 250k STX", "insured | claim
 * open", "cover | not insured", "cover | unknown protocol". It links to the protocol's registry page
 * when opened on its own; in a README the snippet wraps it in that link.
 */

const COLORS = { insured: "#2ea44f", open: "#fe7d37", none: "#9f9f9f", unknown: "#e05d44", label: "#555" };

export function compactStx(micro: bigint): string {
  const stx = Number(micro / 1_000_000n);
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1).replace(/\.0$/, "") : n.toFixed(2).replace(/\.?0+$/, ""));
  if (stx >= 1e9) return `${fmt(stx / 1e9)}B STX`;
  if (stx >= 1e6) return `${fmt(stx / 1e6)}M STX`;
  if (stx >= 1e3) return `${fmt(stx / 1e3)}k STX`;
  return `${stx} STX`;
}

export function badgeFor(summary: ProtocolSummary | null): { label: string; message: string; color: string } {
  if (!summary) return { label: "cover", message: "unknown protocol", color: COLORS.unknown };
  if (summary.verdict === "claim open") return { label: "insured", message: "claim open", color: COLORS.open };
  if (summary.verdict === "insured") return { label: "insured", message: compactStx(BigInt(summary.activeCover)), color: COLORS.insured };
  return { label: "cover", message: "not insured", color: COLORS.none };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
/** Verdana 11px, as the badge services measure it, closely enough for short texts. */
const width = (text: string) => Math.round([...text].reduce((w, c) => w + (/[ilj.,:|!]/.test(c) ? 3.5 : /[mwMW]/.test(c) ? 10 : /[A-Z0-9]/.test(c) ? 7.5 : 6.6), 0)) + 12;

export function badgeSvg(badge: { label: string; message: string; color: string }, link: string): string {
  const lw = width(badge.label);
  const mw = width(badge.message);
  const total = lw + mw;
  const title = `${badge.label}: ${badge.message}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${total}" height="20" role="img" aria-label="${esc(title)}">`
    + `<title>${esc(title)}</title>`
    + `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`
    + `<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>`
    + `<a xlink:href="${esc(link)}" href="${esc(link)}" target="_blank"><g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${COLORS.label}"/>`
    + `<rect x="${lw}" width="${mw}" height="20" fill="${badge.color}"/><rect width="${total}" height="20" fill="url(#s)"/></g>`
    + `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`
    + `<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${esc(badge.label)}</text><text x="${lw / 2}" y="14">${esc(badge.label)}</text>`
    + `<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${esc(badge.message)}</text><text x="${lw + mw / 2}" y="14">${esc(badge.message)}</text>`
    + `</g></a></svg>`;
}

export function badgeSnippets(badgeUrl: string, pageUrl: string, name: string) {
  return {
    markdown: `[![${name} cover](${badgeUrl})](${pageUrl})`,
    html: `<a href="${pageUrl}"><img src="${badgeUrl}" alt="${esc(name)} cover"></a>`,
  };
}
