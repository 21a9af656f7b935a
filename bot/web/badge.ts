import type { ProtocolSummary } from "./registry";
import { html, isoDay } from "./html";

/**
 * The "insured" badge, in the flat style READMEs already use. Its left half names the protocol (so a
 * README cannot pass another protocol's badge off as its own) and its right half says what is true now:
 * "insured 250k STX" (cover in force), "cover starts 2026-12-04" (only cover in its waiting period),
 * "claim open", "not insured", "not listed" (pending, rejected or delisted), "unknown protocol".
 */

const COLORS = {
  insured: "#2ea44f",
  open: "#fe7d37",
  starting: "#1971c2",
  none: "#9f9f9f",
  unknown: "#e05d44",
  label: "#555",
};
/** A name is cut so the badge stays badge-sized; the page it links to has the full name. */
export const BADGE_NAME_MAX = 24;

const MICRO_PER_STX = 1_000_000n;
/** Amounts are shortened to the largest of these that fits ("250k STX"). */
const SCALES = [
  { size: 1e9, suffix: "B" },
  { size: 1e6, suffix: "M" },
  { size: 1e3, suffix: "k" },
] as const;
/** From this many (of a scale) up, no decimals are shown; from 10 up, one; below, two. */
const WHOLE_FROM = 100;

/** Verdana 11px character widths (px) as the badge services measure them, and the padding of each half. */
const GLYPH_WIDTH = { narrow: 3.5, wide: 10, capital: 7.5, other: 6.6 };
const HALF_PADDING = 12;

export function compactStx(micro: bigint): string {
  const stx = Number(micro / MICRO_PER_STX);
  const fmt = (n: number) =>
    n >= WHOLE_FROM ? n.toFixed(0) : n >= 10 ? n.toFixed(1).replace(/\.0$/, "") : n.toFixed(2).replace(/\.?0+$/, "");
  for (const { size, suffix } of SCALES) if (stx >= size) return `${fmt(stx / size)}${suffix} STX`;
  return `${stx} STX`;
}

/** Printable ASCII only (names are string-ascii on-chain), cut with "…". */
export function badgeName(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, "").trim() || "?";
  return clean.length > BADGE_NAME_MAX ? `${clean.slice(0, BADGE_NAME_MAX - 1)}…` : clean;
}

export function badgeFor(summary: ProtocolSummary | null): { label: string; message: string; color: string } {
  if (!summary) return { label: "cover", message: "unknown protocol", color: COLORS.unknown };
  const label = badgeName(summary.name);
  switch (summary.verdict) {
    case "not listed":
      return { label, message: summary.status === "delisted" ? "delisted" : "not listed", color: COLORS.none };
    case "claim open":
      return { label, message: "claim open", color: COLORS.open };
    case "insured":
      return { label, message: `insured ${compactStx(BigInt(summary.coverInForce))}`, color: COLORS.insured };
    case "cover starting":
      return { label, message: `cover starts ${isoDay(summary.coverStartsAt ?? 0)}`, color: COLORS.starting };
    default:
      return { label, message: "not insured", color: COLORS.none };
  }
}

/** Verdana 11px, as the badge services measure it, closely enough for short texts. */
const glyphWidth = (c: string) =>
  /[ilj.,:|!]/.test(c)
    ? GLYPH_WIDTH.narrow
    : /[mwMW]/.test(c)
      ? GLYPH_WIDTH.wide
      : /[A-Z0-9]/.test(c)
        ? GLYPH_WIDTH.capital
        : GLYPH_WIDTH.other;
const width = (text: string) => Math.round([...text].reduce((w, c) => w + glyphWidth(c), 0)) + HALF_PADDING;

export function badgeSvg(badge: { label: string; message: string; color: string }, link: string): string {
  const lw = width(badge.label);
  const mw = width(badge.message);
  const total = lw + mw;
  const title = `${badge.label}: ${badge.message}`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${total}" height="20" role="img" aria-label="${title}">\
<title>${title}</title>\
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>\
<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>\
<a xlink:href="${link}" href="${link}" target="_blank"><g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${COLORS.label}"/>\
<rect x="${lw}" width="${mw}" height="20" fill="${badge.color}"/><rect width="${total}" height="20" fill="url(#s)"/></g>\
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">\
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${badge.label}</text><text x="${lw / 2}" y="14">${badge.label}</text>\
<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${badge.message}</text><text x="${lw + mw / 2}" y="14">${badge.message}</text>\
</g></a></svg>`.text;
}

/** README snippets, only for a listed protocol; the name inside is reduced to what Markdown and HTML cannot misread. */
export function badgeSnippets(badgeUrl: string, pageUrl: string, name: string) {
  const alt = `${badgeName(name).replace(/[[\]\\`*_<>]/g, "")} cover`;
  return {
    markdown: `[![${alt}](${badgeUrl})](${pageUrl})`,
    html: html`<a href="${pageUrl}"><img src="${badgeUrl}" alt="${alt}"></a>`.text,
  };
}
