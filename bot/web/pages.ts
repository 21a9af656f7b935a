import type { Claim } from "../chain/protocol-reader";
import { formatShareOf, formatStx } from "../format/stx";
import { html, htmlLink, utcTime } from "./html";
import { shell } from "./layout";

/** The pages where a member's own wallet signs: small, readable on a phone, working before the script loads. */

const when = (seconds: bigint) => utcTime(Number(seconds));

export function votePage(claim: Claim, protocolName: string, choice: "approve" | "deny", config: unknown) {
  const voted = claim.approveWeight + claim.denyWeight;
  const share = formatShareOf(claim.approveWeight, voted);
  const open = claim.status === "voting";
  return shell(
    `Vote on claim #${claim.id}`,
    html`
  <h1>Claim #${claim.id} · ${protocolName}</h1>
  <p>${claim.description}</p>
  <dl>
    <dt>Amount</dt><dd id="amount">${formatStx(claim.amount)} (pays ${formatStx(claim.payable)} after the deductible)</dd>
    <dt>Incident</dt><dd>${when(claim.incidentTime)}</dd>
    <dt>Evidence</dt><dd>${htmlLink(claim.evidenceUri, claim.evidenceUri)}<br><span class="muted">SHA-256 ${claim.evidenceHash}</span></dd>
    <dt>Status</dt><dd id="claim-status">${open ? `Voting, closes ${when(claim.votingEndsAt)}` : claim.status}</dd>
    <dt>Tally</dt><dd id="tally">For ${formatStx(claim.approveWeight)} (${share}) · Against ${formatStx(claim.denyWeight)} · ${claim.voterCount} votes</dd>
    <dt>Quorum</dt><dd>${formatStx(claim.votedStake)} of ${formatStx(claim.quorumStake)} stake</dd>
    <dt>Your wallet</dt><dd id="voter" class="muted">not connected</dd>
  </dl>
  <fieldset id="choices"><legend class="muted">Your vote</legend>
    <label><input type="radio" name="choice" value="approve" ${choice === "approve" ? html`checked` : ""}> Approve: pay the claim</label>
    <label><input type="radio" name="choice" value="deny" ${choice === "deny" ? html`checked` : ""}> Deny</label>
  </fieldset>
  <button id="sign" ${open ? "" : html`disabled`}>Sign the vote with my wallet</button>
  <p id="status" data-kind="info">${open ? "Your wallet signs; this page never sees your keys. A vote moves no STX." : "Voting on this claim is closed."}</p>
  <p id="signed" class="muted" hidden></p>
  <p><a id="tx" hidden rel="noopener noreferrer"></a></p>`,
    { config, script: "/assets/vote.js", narrow: true },
  );
}

export function linkPage(config: { discordId: string; nonce: string; expires: number }, pageConfig: unknown) {
  return shell(
    "Link your wallet",
    html`
  <h1>Link your wallet to Discord</h1>
  <p>Your wallet signs a message naming your Discord account and this one-time link. Nothing is sent on-chain and no STX moves.</p>
  <dl><dt>Discord account</dt><dd>${config.discordId}</dd><dt>Link valid until</dt><dd>${utcTime(config.expires)}</dd></dl>
  <p></p><button id="sign">Sign with my wallet</button><p id="status" data-kind="info"></p>`,
    { config: pageConfig, script: "/assets/link.js", narrow: true },
  );
}

export function messagePage(title: string, text: string) {
  return shell(title, html`<h1>${title}</h1><p>${text}</p>`, { narrow: true });
}
