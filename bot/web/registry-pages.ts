import { formatBps, formatStx } from "../format/stx";
import type { ClaimSummary, PoolSummary, ProtocolSummary } from "./registry";
import { escape, htmlLink } from "./pages";

/**
 * The public registry of insured DApps: server-rendered HTML with inline CSS and a few lines of script
 * for search and filters. Fast to load, readable on a phone, and no wallet needed.
 */

const STYLE = `
  * { box-sizing: border-box; } body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
  header.site { background: #1d232b; color: #fff; padding: 0.75rem 1rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
  header.site a { color: #fff; text-decoration: none; } header.site b { font-size: 1.1rem; }
  main { max-width: 68rem; margin: 0 auto; padding: 1rem; } h1 { font-size: 1.5rem; margin: 0.25rem 0 1rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
  .tools { display: flex; gap: 0.5rem; flex-wrap: wrap; margin-bottom: 1rem; }
  input, select { font: inherit; padding: 0.5rem; border: 1px solid #c8ced6; border-radius: 6px; background: #fff; } input { flex: 1 1 14rem; }
  table { width: 100%; border-collapse: collapse; background: #fff; border-radius: 8px; overflow: hidden; }
  th, td { text-align: left; padding: 0.5rem 0.75rem; border-bottom: 1px solid #eceff3; vertical-align: top; } th { background: #eef1f5; font-size: 0.85rem; }
  .verdict { font-weight: 600; white-space: nowrap; } .insured { color: #2b8a3e; } .open { color: #d9480f; } .not { color: #868e96; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; }
  .card { background: #fff; border-radius: 8px; padding: 0.75rem 1rem; } .card .k { color: #5b6673; font-size: 0.85rem; } .card .v { font-size: 1.15rem; font-weight: 600; }
  code, pre { background: #eef1f5; border-radius: 4px; padding: 0.1rem 0.3rem; overflow-wrap: anywhere; white-space: pre-wrap; }
  svg.chart { width: 100%; height: auto; background: #fff; border-radius: 8px; } .muted { color: #5b6673; font-size: 0.9rem; }
  @media (max-width: 40rem) { .hide-small { display: none; } th, td { padding: 0.4rem; } }`;

function shell(title: string, body: string, script = "") {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><link rel="icon" href="/favicon.svg"><style>${STYLE}</style></head><body>
<header class="site"><b><a href="/">Insured DApps</a></b><a href="/pool">Pool</a><a href="/api/v1/openapi.json">API</a></header>
<main>${body}</main>${script ? `<script>${script}</script>` : ""}</body></html>`;
}

const verdictCell = (p: ProtocolSummary) => {
  const cls = p.verdict === "insured" ? "insured" : p.verdict === "claim open" ? "open" : "not";
  const text = p.verdict === "insured" ? `Insured · ${formatStx(BigInt(p.activeCover))}` : p.verdict === "claim open" ? "Claim open" : "Not insured";
  return `<span class="verdict ${cls}">${text}</span>`;
};

export function registryPage(protocols: ProtocolSummary[]) {
  const chains = [...new Set(protocols.map((p) => p.chain))].sort();
  const rows = protocols.map((p) => `<tr data-name="${escape(p.name.toLowerCase())}" data-chain="${escape(p.chain)}" data-verdict="${p.verdict}">
    <td><a href="/protocols/${encodeURIComponent(p.name)}">${escape(p.name)}</a><div class="muted">${escape(p.category)}</div></td>
    <td>${verdictCell(p)}</td><td class="hide-small">${escape(p.chain)}</td>
    <td class="hide-small">${p.audit ? `${escape(p.audit.verdict)}<div class="muted">${p.audit.critical} critical, ${p.audit.high} high</div>` : "Not audited"}</td>
    <td>${p.risk ? `Tier ${p.risk.tier}<div class="muted">${formatBps(BigInt(p.risk.rateBps))} a year</div>` : "–"}</td>
    <td class="hide-small">${p.openClaims} open / ${p.pastClaims} past</td></tr>`).join("");
  const script = `
  const q = document.getElementById("search"), chain = document.getElementById("chain"), verdict = document.getElementById("verdict");
  function filter() {
    const text = q.value.trim().toLowerCase(); let shown = 0;
    for (const row of document.querySelectorAll("tbody tr[data-name]")) {
      const ok = row.dataset.name.includes(text) && (!chain.value || row.dataset.chain === chain.value) && (!verdict.value || row.dataset.verdict === verdict.value);
      row.hidden = !ok; if (ok) shown++;
    }
    document.getElementById("count").textContent = shown + " of ${protocols.length} protocols";
  }
  for (const el of [q, chain, verdict]) el.addEventListener("input", filter);`;
  return shell("Insured DApps", `
  <h1>Insured DApps</h1>
  <p class="muted">Every protocol listed with the cover protocol, read from the chain. A protocol is insured when it has active cover;
  if a DApp is not here, its users must trust its team.</p>
  <div class="tools"><input id="search" type="search" placeholder="Search by name" aria-label="Search by name">
    <select id="chain" aria-label="Chain"><option value="">All chains</option>${chains.map((c) => `<option>${escape(c)}</option>`).join("")}</select>
    <select id="verdict" aria-label="Cover"><option value="">Any cover</option><option value="insured">Insured</option>
      <option value="claim open">Claim open</option><option value="not insured">Not insured</option></select></div>
  <p id="count" class="muted">${protocols.length} of ${protocols.length} protocols</p>
  <table><thead><tr><th>Protocol</th><th>Cover</th><th class="hide-small">Chain</th><th class="hide-small">Latest audit</th><th>Risk</th>
  <th class="hide-small">Claims</th></tr></thead><tbody>${rows || `<tr><td colspan="6">No protocols are listed yet.</td></tr>`}</tbody></table>`, script);
}

/** A step chart of a series over time, as inline SVG (no library, no script). */
export function lineChart(series: { t: number; value: bigint }[], label: (v: bigint) => string, title: string) {
  const W = 640, H = 200, P = 40;
  if (series.length === 0) return `<p class="muted">${escape(title)}: nothing yet.</p>`;
  const t0 = series[0]!.t, t1 = Math.max(series.at(-1)!.t, t0 + 1);
  const max = series.reduce((m, p) => (p.value > m ? p.value : m), 1n);
  const x = (t: number) => P + ((t - t0) / (t1 - t0)) * (W - 2 * P);
  const y = (v: bigint) => H - P + 10 - Number((v * BigInt(H - 2 * P)) / max);
  let d = `M${x(series[0]!.t).toFixed(1)},${y(0n).toFixed(1)}`;
  for (const p of series) d += ` L${x(p.t).toFixed(1)},${d.split(" ").at(-1)!.split(",")[1]} L${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`;
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escape(title)}"><title>${escape(title)}</title>
    <line x1="${P}" y1="${H - P + 10}" x2="${W - P}" y2="${H - P + 10}" stroke="#c8ced6"/>
    <path d="${d}" fill="none" stroke="#3b5bdb" stroke-width="2"/>
    <text x="${P}" y="16" font-size="12" fill="#5b6673">${escape(label(max))}</text>
    <text x="${P}" y="${H - 8}" font-size="12" fill="#5b6673">${day(t0)}</text>
    <text x="${W - P}" y="${H - 8}" font-size="12" fill="#5b6673" text-anchor="end">${day(t1)}</text></svg>`;
}

export function protocolPage(p: ProtocolSummary, claims: ClaimSummary[], policies: { count: number; coverSold: string; premiums: string; paidOut: string;
  series: { t: number; value: bigint }[] }, badge: { url: string; markdown: string; html: string }, txUrl: (txid: string) => string) {
  const claimRows = claims.map((c) => `<tr><td>#${c.id}</td><td>${escape(c.status)}${c.status === "paid" ? `<div class="muted">${formatStx(BigInt(c.paid))} paid</div>` : ""}</td>
    <td>${formatStx(BigInt(c.amount))}</td><td class="hide-small">${escape(c.description)}</td>
    <td>${c.transactions.map((t) => htmlLink(t.topic.replace(/^claim-/, ""), txUrl(t.txid))).join(" · ")}</td></tr>`).join("");
  return shell(`${p.name} · Insured DApps`, `
  <h1>${escape(p.name)} ${verdictCell(p)}</h1>
  <p><img src="${escape(badge.url)}" alt="${escape(p.name)} cover badge"></p>
  <div class="cards">
    <div class="card"><div class="k">Active cover</div><div class="v" id="active-cover">${formatStx(BigInt(p.activeCover))}</div></div>
    <div class="card"><div class="k">Risk</div><div class="v">${p.risk ? `Tier ${p.risk.tier} · ${formatBps(BigInt(p.risk.rateBps))}` : "–"}</div></div>
    <div class="card"><div class="k">Policies</div><div class="v">${policies.count}</div></div>
    <div class="card"><div class="k">Paid out</div><div class="v">${formatStx(BigInt(policies.paidOut))}</div></div>
  </div>
  <h2>About</h2>
  <p>${escape(p.category)} on ${escape(p.chain)} · listing ${escape(p.status)} · ${p.incidentCount} incident(s) ·
  ${p.website ? `${htmlLink("website", p.website)} · ` : ""}${htmlLink("source code", p.sourceUrl)}</p>
  <p>${p.coverAvailable ? "New cover is available." : `New cover is not available: ${escape(p.coverUnavailableReason ?? "")}.`}</p>
  <h2>Audit</h2>
  ${p.audit ? `<p>Latest of ${p.auditCount}: <b>${escape(p.audit.verdict)}</b> · ${p.audit.critical} critical, ${p.audit.high} high, ${p.audit.medium} medium, ${p.audit.low} low
  · ${htmlLink("report", p.audit.reportUri)}<br><span class="muted">SHA-256 <code>${escape(p.audit.reportHash)}</code></span></p>` : "<p>Not audited.</p>"}
  <h2>Cover over time</h2>
  ${lineChart(policies.series, (v) => formatStx(v), `${p.name} active cover over time`)}
  <h2>Claims</h2>
  <table><thead><tr><th>Claim</th><th>Outcome</th><th>Amount</th><th class="hide-small">Description</th><th>Transactions</th></tr></thead>
  <tbody id="claims">${claimRows || `<tr><td colspan="5">No claims.</td></tr>`}</tbody></table>
  <h2>Embed the badge</h2>
  <p class="muted">Markdown</p><pre id="badge-markdown">${escape(badge.markdown)}</pre>
  <p class="muted">HTML</p><pre id="badge-html">${escape(badge.html)}</pre>`);
}

export function poolPage(pool: PoolSummary, history: { capital: { t: number; value: bigint }[]; premiums: { t: number; value: bigint }[];
  utilization: { t: number; value: bigint }[] }) {
  return shell("Capital pool · Insured DApps", `
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
  <h2>Premiums earned over time</h2>${lineChart(history.premiums, (v) => formatStx(v), "Premiums earned over time")}`);
}
