import { formatBps, formatStx } from "../format/stx";
import type { ClaimSummary, PoolSummary, ProtocolSummary } from "./registry";
import { html, htmlLink, isoDay, pathSegment, utcTime, type SafeHtml } from "./html";
import { shell } from "./layout";

/**
 * The public registry of insured DApps: server-rendered HTML, one style sheet and a small script for
 * search and filters (both from this origin). Fast to load, readable on a phone, and no wallet needed.
 */

/** How far above a chart's bottom edge its dates stand (px). */
const CHART_DATE_LIFT = 8;

const verdictCell = (p: ProtocolSummary): SafeHtml => {
  switch (p.verdict) {
    case "insured":
      return html`<span class="verdict insured">Insured · ${formatStx(BigInt(p.coverInForce))}</span>`;
    case "claim open":
      return html`<span class="verdict open">Claim open</span>`;
    case "cover starting":
      return html`<span class="verdict pending">Cover starts ${utcTime(p.coverStartsAt ?? 0)}</span>`;
    case "not listed":
      return html`<span class="verdict not">Not listed (${p.status})</span>`;
    default:
      return html`<span class="verdict not">Not insured</span>`;
  }
};

export function registryPage(protocols: ProtocolSummary[]) {
  const chains = [...new Set(protocols.map((p) => p.chain))].sort();
  const rows = protocols.map(
    (p) => html`<tr data-name="${p.name.toLowerCase()}" data-chain="${p.chain}" data-verdict="${p.verdict}">
    <td><a href="/protocols/${pathSegment(p.name)}">${p.name}</a><div class="muted">${p.category}${p.status === "paused" ? " · paused" : ""}</div></td>
    <td>${verdictCell(p)}</td><td class="hide-small">${p.chain}</td>
    <td class="hide-small">${p.audit ? html`${p.audit.verdict}<div class="muted">${p.audit.critical} critical, ${p.audit.high} high</div>` : "Not audited"}</td>
    <td>${p.risk ? html`Tier ${p.risk.tier}<div class="muted">${formatBps(BigInt(p.risk.rateBps))} a year</div>` : "–"}</td>
    <td class="hide-small">${p.openClaims} open / ${p.pastClaims} past</td></tr>`,
  );
  return shell(
    "Insured DApps",
    html`
  <h1>Insured DApps</h1>
  <p class="muted">Every protocol with an approved listing, read from the chain. A protocol is insured when cover is in force now
  (past its waiting period, before its end); if a DApp is not here, its users must trust its team.</p>
  <div class="tools"><input id="search" type="search" placeholder="Search by name" aria-label="Search by name">
    <select id="chain" aria-label="Chain"><option value="">All chains</option>${chains.map((c) => html`<option>${c}</option>`)}</select>
    <select id="verdict" aria-label="Cover"><option value="">Any cover</option><option value="insured">Insured</option>
      <option value="cover starting">Cover starting</option><option value="claim open">Claim open</option>
      <option value="not insured">Not insured</option></select></div>
  <p id="count" class="muted">${protocols.length} of ${protocols.length} protocols</p>
  <table><thead><tr><th>Protocol</th><th>Cover</th><th class="hide-small">Chain</th><th class="hide-small">Latest audit</th><th>Risk</th>
  <th class="hide-small">Claims</th></tr></thead><tbody>${rows.length ? rows : html`<tr><td colspan="6">No protocols are listed yet.</td></tr>`}</tbody></table>`,
    { script: "/assets/registry.js" },
  );
}

/** A step chart of a series over time, as inline SVG (no library, no script). */
export function lineChart(
  series: { t: number; value: bigint }[],
  label: (v: bigint) => string,
  title: string,
): SafeHtml {
  const W = 640,
    H = 200,
    P = 40;
  if (series.length === 0) return html`<p class="muted">${title}: nothing yet.</p>`;
  const t0 = series[0]!.t,
    t1 = Math.max(series.at(-1)!.t, t0 + 1);
  const max = series.reduce((m, p) => (p.value > m ? p.value : m), 1n);
  const x = (t: number) => P + ((t - t0) / (t1 - t0)) * (W - 2 * P);
  const y = (v: bigint) => H - P + 10 - Number((v * BigInt(H - 2 * P)) / max);
  let d = `M${x(series[0]!.t).toFixed(1)},${y(0n).toFixed(1)}`;
  for (const p of series)
    d += ` L${x(p.t).toFixed(1)},${d.split(" ").at(-1)!.split(",")[1]} L${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`;
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}"><title>${title}</title>
    <line x1="${P}" y1="${H - P + 10}" x2="${W - P}" y2="${H - P + 10}" stroke="#c8ced6"/>
    <path d="${d}" fill="none" stroke="#3b5bdb" stroke-width="2"/>
    <text x="${P}" y="16" font-size="12" fill="#5b6673">${label(max)}</text>
    <text x="${P}" y="${H - CHART_DATE_LIFT}" font-size="12" fill="#5b6673">${isoDay(t0)}</text>
    <text x="${W - P}" y="${H - CHART_DATE_LIFT}" font-size="12" fill="#5b6673" text-anchor="end">${isoDay(t1)}</text></svg>`;
}

export function protocolPage(
  p: ProtocolSummary,
  claims: ClaimSummary[],
  policies: {
    count: number;
    coverSold: string;
    premiums: string;
    paidOut: string;
    series: { t: number; value: bigint }[];
  },
  badge: { url: string; markdown: string; html: string } | null,
  txUrl: (txid: string) => string,
) {
  const claimRows = claims.map(
    (
      c,
    ) => html`<tr><td>#${c.id}</td><td>${c.status}${c.status === "paid" ? html`<div class="muted">${formatStx(BigInt(c.paid))} paid</div>` : ""}</td>
    <td>${formatStx(BigInt(c.amount))}</td><td class="hide-small">${c.description}</td>
    <td>${c.transactions.map((t, i) => html`${i ? " · " : ""}${htmlLink(t.topic.replace(/^claim-/, ""), txUrl(t.txid))}`)}</td></tr>`,
  );
  return shell(
    `${p.name} · Insured DApps`,
    html`
  <h1>${p.name} ${verdictCell(p)}</h1>
  ${p.listed ? "" : html`<p class="notice" id="not-listed">This listing is ${p.status}: it is not offered as insurable, and no badge is offered for it.</p>`}
  ${badge ? html`<p><img src="${badge.url}" alt="${p.name} cover badge"></p>` : ""}
  <div class="cards">
    <div class="card"><div class="k">Cover in force</div><div class="v" id="active-cover">${formatStx(BigInt(p.coverInForce))}</div></div>
    ${BigInt(p.coverWaiting) > 0n ? html`<div class="card"><div class="k">In waiting period</div><div class="v" id="waiting-cover">${formatStx(BigInt(p.coverWaiting))}</div></div>` : ""}
    <div class="card"><div class="k">Risk</div><div class="v">${p.risk ? `Tier ${p.risk.tier} · ${formatBps(BigInt(p.risk.rateBps))}` : "–"}</div></div>
    <div class="card"><div class="k">Policies</div><div class="v">${policies.count}</div></div>
    <div class="card"><div class="k">Paid out</div><div class="v">${formatStx(BigInt(policies.paidOut))}</div></div>
  </div>
  <h2>About</h2>
  <p>${p.category} on ${p.chain} · listing ${p.status} · ${p.incidentCount} incident(s) ·
  ${p.website ? html`${htmlLink("website", p.website)} · ` : ""}${htmlLink("source code", p.sourceUrl)}</p>
  <p>${p.coverAvailable ? "New cover is available." : `New cover is not available: ${p.coverUnavailableReason ?? ""}.`}</p>
  <h2>Audit</h2>
  ${
    p.audit
      ? html`<p>Latest of ${p.auditCount}: <b>${p.audit.verdict}</b> · ${p.audit.critical} critical, ${p.audit.high} high, ${p.audit.medium} medium, ${p.audit.low} low
  · ${htmlLink("report", p.audit.reportUri)}<br><span class="muted">SHA-256 <code>${p.audit.reportHash}</code></span></p>`
      : html`<p>Not audited.</p>`
  }
  <h2>Cover over time</h2>
  ${lineChart(policies.series, (v) => formatStx(v), `${p.name} active cover over time`)}
  <h2>Claims</h2>
  <table><thead><tr><th>Claim</th><th>Outcome</th><th>Amount</th><th class="hide-small">Description</th><th>Transactions</th></tr></thead>
  <tbody id="claims">${claimRows.length ? claimRows : html`<tr><td colspan="5">No claims.</td></tr>`}</tbody></table>
  ${
    badge
      ? html`<h2>Embed the badge</h2>
  <p class="muted">Markdown</p><pre id="badge-markdown">${badge.markdown}</pre>
  <p class="muted">HTML</p><pre id="badge-html">${badge.html}</pre>`
      : ""
  }`,
  );
}

export function poolPage(
  pool: PoolSummary,
  history: {
    capital: { t: number; value: bigint }[];
    premiums: { t: number; value: bigint }[];
    utilization: { t: number; value: bigint }[];
  },
) {
  return shell(
    "Capital pool · Insured DApps",
    html`
  <h1>Capital pool</h1>
  <div class="cards">
    <div class="card"><div class="k">Capital</div><div class="v" id="capital">${formatStx(BigInt(pool.totalCapital))}</div></div>
    <div class="card"><div class="k">Active cover</div><div class="v">${formatStx(BigInt(pool.activeCover))}</div></div>
    <div class="card"><div class="k">Utilization</div><div class="v">${formatBps(BigInt(pool.utilizationBps))}</div></div>
    <div class="card"><div class="k">Free capacity</div><div class="v">${formatStx(BigInt(pool.freeCapacity))}</div></div>
    <div class="card"><div class="k">Share price</div><div class="v">${formatStx(BigInt(pool.sharePrice))}</div></div>
    <div class="card"><div class="k">Premiums earned</div><div class="v">${formatStx(BigInt(pool.premiumsEarned))}</div></div>
  </div>
  <h2>Capital over time</h2>${lineChart(history.capital, (v) => formatStx(v), "Pool capital over time")}
  <h2>Utilization at each purchase</h2>${lineChart(history.utilization, (v) => formatBps(v), "Utilization over time")}
  <h2>Premiums earned over time</h2>${lineChart(history.premiums, (v) => formatStx(v), "Premiums earned over time")}`,
  );
}
