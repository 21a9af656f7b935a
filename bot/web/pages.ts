import type { Claim } from "../chain/protocol-reader";
import { formatStx, formatBps } from "../format/stx";
import { safeLinkTarget } from "../format/untrusted";

/**
 * The one way a page links a URI: only https (or ipfs through the gateway) becomes an href, through the
 * same rule as Discord (safeLinkTarget); anything else is inert, escaped text.
 */
export function htmlLink(label: string, uri: string): string {
  const target = safeLinkTarget(uri);
  return target ? `<a href="${escape(target)}" rel="noopener noreferrer">${escape(label)}</a>` : `<span class="inert">${escape(uri)}</span> (not a link)`;
}

/** The HTML of the bot's pages: small, readable on a phone, working before the script loads. */

export const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const json = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");
const when = (seconds: bigint) => new Date(Number(seconds) * 1000).toUTCString();

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
  main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.4rem; margin: 0.5rem 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; background: #fff; padding: 1rem; border-radius: 8px; }
  dt { color: #5b6673; } dd { margin: 0; overflow-wrap: anywhere; }
  fieldset { border: 0; padding: 0; margin: 1rem 0; display: flex; gap: 1rem; }
  label { background: #fff; padding: 0.5rem 1rem; border-radius: 8px; cursor: pointer; }
  button { font: inherit; padding: 0.75rem 1.25rem; border: 0; border-radius: 8px; background: #3b5bdb; color: #fff; cursor: pointer; width: 100%; }
  button:disabled { opacity: 0.6; }
  #status { margin-top: 1rem; min-height: 1.5rem; } #status[data-kind=error] { color: #c92a2a; } #status[data-kind=ok] { color: #2b8a3e; }
  .muted { color: #5b6673; font-size: 0.9rem; }`;

function page(title: string, body: string, config: unknown, script: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main>
<script type="application/json" id="page-config">${json(config)}</script><script type="module" src="${script}"></script></body></html>`;
}

export function votePage(claim: Claim, protocolName: string, choice: "approve" | "deny", config: unknown) {
  const voted = claim.approveWeight + claim.denyWeight;
  const share = voted === 0n ? "0%" : formatBps((claim.approveWeight * 10_000n) / voted);
  const open = claim.status === "voting";
  return page(`Vote on claim #${claim.id}`, `
  <h1>Claim #${claim.id} · ${escape(protocolName)}</h1>
  <p>${escape(claim.description)}</p>
  <dl>
    <dt>Amount</dt><dd id="amount">${formatStx(claim.amount)} (pays ${formatStx(claim.payable)} after the deductible)</dd>
    <dt>Incident</dt><dd>${when(claim.incidentTime)}</dd>
    <dt>Evidence</dt><dd>${htmlLink(claim.evidenceUri, claim.evidenceUri)}<br><span class="muted">SHA-256 ${claim.evidenceHash}</span></dd>
    <dt>Status</dt><dd id="claim-status">${open ? `Voting, closes ${when(claim.votingEndsAt)}` : escape(claim.status)}</dd>
    <dt>Tally</dt><dd id="tally">For ${formatStx(claim.approveWeight)} (${share}) · Against ${formatStx(claim.denyWeight)} · ${claim.voterCount} votes</dd>
    <dt>Quorum</dt><dd>${formatStx(claim.votedStake)} of ${formatStx(claim.quorumStake)} stake</dd>
    <dt>Your wallet</dt><dd id="voter" class="muted">not connected</dd>
  </dl>
  <fieldset><legend class="muted">Your vote</legend>
    <label><input type="radio" name="choice" value="approve" ${choice === "approve" ? "checked" : ""}> Approve: pay the claim</label>
    <label><input type="radio" name="choice" value="deny" ${choice === "deny" ? "checked" : ""}> Deny</label>
  </fieldset>
  <button id="sign" ${open ? "" : "disabled"}>Sign the vote with my wallet</button>
  <p id="status" data-kind="info">${open ? "Your wallet signs; this page never sees your keys. A vote moves no STX." : "Voting on this claim is closed."}</p>
  <p><a id="tx" hidden rel="noopener"></a></p>`, config, "/assets/vote.js");
}

export function linkPage(config: { discordId: string; nonce: string; expires: number }, pageConfig: unknown) {
  return page("Link your wallet", `
  <h1>Link your wallet to Discord</h1>
  <p>Your wallet signs a message naming your Discord account and this one-time link. Nothing is sent on-chain and no STX moves.</p>
  <dl><dt>Discord account</dt><dd>${escape(config.discordId)}</dd><dt>Link valid until</dt><dd>${new Date(config.expires * 1000).toUTCString()}</dd></dl>
  <p></p><button id="sign">Sign with my wallet</button><p id="status" data-kind="info"></p>`, pageConfig, "/assets/link.js");
}

export function messagePage(title: string, text: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main><h1>${escape(title)}</h1><p>${escape(text)}</p></main></body></html>`;
}
