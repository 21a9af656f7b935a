import type { CouncilAction } from "../chain/council-check";
import type { IndexedClaim } from "../index/records";
import { formatStx } from "../format/stx";
import { html, utcTime } from "./html";
import { shell } from "./layout";
import { signingBlock } from "./capital-pages";

/** The page where a council member's own wallet signs a claim's decision or veto, or approves or executes a proposal. */

const ACTIONS: [CouncilAction, string][] = [
  ["approve-claim", "Approve a claim (council-approve-claim)"],
  ["deny-claim", "Deny a claim (council-deny-claim)"],
  ["veto", "Veto an approved claim (council-veto)"],
  ["approve-proposal", "Approve a proposal (approve)"],
  ["execute-proposal", "Execute a proposal (execute)"],
];

/** A claim the council can act on, as a link that fills the form in. */
function waitingItem(claim: IndexedClaim, name: string) {
  const veto = claim.status === "approved";
  const action: CouncilAction = veto ? "veto" : "approve-claim";
  const what = veto
    ? `approved, veto window closes ${utcTime(Number(claim.vetoEndsAt))}`
    : claim.status === "no-quorum"
      ? "missed quorum: the council decides"
      : "large claim approved by vote: needs the council's sign-off";
  return html`<li><a href="/council?claim=${String(claim.id)}&amp;action=${action}">Claim #${String(claim.id)} · ${name} · ${formatStx(claim.amount)}</a> <span class="muted">${what}</span></li>`;
}

export function councilPage(p: {
  action: CouncilAction;
  id: bigint | null;
  waiting: { claim: IndexedClaim; name: string }[];
  config: unknown;
}) {
  const options = ACTIONS.map(
    ([value, label]) => html`<option value="${value}" ${value === p.action ? html`selected` : ""}>${label}</option>`,
  );
  return shell(
    "Sign as the council",
    html`
  <h1>Sign as the council</h1>
  <p>Council members sign, each with their own wallet, the decision on a claim that missed quorum or needs the
  council's sign-off, the veto of an approved claim during its veto window, and the approval and execution of
  proposals. A decision takes effect when the threshold of members has signed. None of these moves STX.</p>
  <h2>Claims waiting for the council</h2>
  <ul id="waiting">${p.waiting.length ? p.waiting.map((w) => waitingItem(w.claim, w.name)) : html`<li class="muted">None now.</li>`}</ul>
  <form id="council" class="form">
    <label>What to sign <select id="action">${options}</select></label>
    <label><span id="subject-label">Claim number</span> <input id="subject" name="subject" inputmode="numeric" autocomplete="off" value="${p.id === null ? "" : String(p.id)}"></label>
    <label id="reason-field">Reason for the veto (only its SHA-256 goes on-chain: publish the text in the claim's thread) <textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea></label>
    <p id="reason-hash-line" class="muted">Reason's SHA-256 <span id="reason-hash" class="inert">none yet</span></p>
  </form>
  <dl>
    <dt>Your wallet</dt><dd id="member" class="muted">not connected</dd>
    <dt>Council</dt><dd id="council-size" class="muted">shown once your wallet is connected</dd>
    <dt>Signed so far</dt><dd id="progress" class="muted">-</dd>
    <dt>Proposal</dt><dd id="proposal-text" class="muted">-</dd>
  </dl>
  <button id="connect">Connect my wallet</button>
  ${signingBlock({
    refusals: ["Connect your wallet to check your council seat."],
    call: html`nothing yet`,
    button: "Sign with my wallet",
    note: "Your wallet signs; this page never sees your keys. Everything is read again from the chain when you sign.",
  })}`,
    { config: p.config, script: "/assets/council.js", narrow: true },
  );
}
