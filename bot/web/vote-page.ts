import type { Claim } from "../chain/protocol-reader";
import type { ClaimDetails } from "../index/records";
import { quorumText, tallyText, votingRisks } from "../format/claim-tally";
import { formatBps, formatStx } from "../format/stx";
import { html, htmlLink, utcTime } from "./html";
import { shell } from "./layout";

/**
 * The vote page: the alert's facts (what happened, how much, the deadline, the tally by weight and quorum by
 * stake, worded as the alert words them: bot/format/claim-tally.ts), the thread's details (evidence, the
 * claimant's earlier claims, the policy, the protocol's audit and risk, the bond), what a vote locks and risks,
 * and the one call the wallet signs. Every chain string goes through `html`, which escapes it.
 */

const when = (seconds: bigint) => utcTime(Number(seconds));
const lines = (text: string) => text.split("\n").map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`));
const SECONDS_PER_HOUR = 3_600n;
const HOURS_PER_DAY = 24n;

/** "in 2 days" / "5 hours ago", from the chain's time as the index last saw it. */
function relative(at: bigint, now: bigint): string {
  const ahead = at >= now;
  const hours = (ahead ? at - now : now - at) / SECONDS_PER_HOUR;
  const span =
    hours >= 2n * HOURS_PER_DAY
      ? `${hours / HOURS_PER_DAY} days`
      : hours >= 1n
        ? `${hours} hours`
        : "less than an hour";
  return ahead ? `in ${span}` : `${span} ago`;
}

function statusText(claim: Claim, now: bigint | null): string {
  const open = claim.status === "voting" && (now === null || now < claim.votingEndsAt);
  const at = `${when(claim.votingEndsAt)}${now === null ? "" : ` (${relative(claim.votingEndsAt, now)})`}`;
  return open ? `Voting closes ${at}` : `Voting closed ${at}: ${claim.status.replace("-", " ")}`;
}

function earlierClaims(d: Omit<ClaimDetails, "claim">) {
  const { total, claims } = d.earlierClaims;
  if (total === 0) return html`None: this is the claimant's first claim.`;
  const more = total - claims.length;
  return html`${String(total)} before this one: ${claims.map(
    (c, i) => html`${i ? ", " : ""}#${String(c.id)} (${formatStx(c.amount)}, ${c.status.replace("-", " ")})`,
  )}${more > 0 ? ` and ${more} more` : ""}`;
}

function protocolFacts(d: Omit<ClaimDetails, "claim">) {
  const p = d.protocol;
  if (!p) return html`not in the index yet`;
  const audit = p.latestAudit
    ? html`audit ${p.latestAudit.verdict} (${String(p.latestAudit.critical)} critical, ${String(p.latestAudit.high)} high), ${htmlLink("report", p.latestAudit.reportUri)}`
    : html`no audit recorded`;
  const risk = p.risk ? `risk tier ${p.risk.tier} (score ${p.risk.score})` : "risk not scored";
  return html`${audit} · ${risk} · ${String(p.incidentCount)} paid incidents`;
}

function policyFacts(claim: Claim, d: Omit<ClaimDetails, "claim">) {
  const p = d.policy;
  if (!p) return html`#${String(claim.policyId)}`;
  return html`#${String(p.id)} · ${formatStx(p.coverageAmount)} of cover, ${formatStx(p.remainingCover)} left · ${String(p.durationDays)} days, ${when(p.activeFrom)} to ${when(p.endsAt)}`;
}

export function votePage(
  claim: Claim,
  protocolName: string,
  choice: "approve" | "deny",
  config: unknown,
  details: Omit<ClaimDetails, "claim"> | null = null,
  now: bigint | null = null,
) {
  const open = claim.status === "voting" && (now === null || now < claim.votingEndsAt);
  return shell(
    `Vote on claim #${claim.id}`,
    html`
  <h1>Claim #${claim.id} · ${protocolName}</h1>
  <p>${claim.description}</p>
  <dl>
    <dt>Amount</dt><dd id="amount">${formatStx(claim.amount)} (pays ${formatStx(claim.payable)} after the deductible)</dd>
    <dt>Status</dt><dd id="claim-status">${statusText(claim, now)}</dd>
    <dt>Tally</dt><dd id="tally">${lines(tallyText(claim))}</dd>
    <dt>Quorum</dt><dd id="quorum">${lines(quorumText(claim))}</dd>
    <dt>Incident</dt><dd>${when(claim.incidentTime)}</dd>
    <dt>Evidence</dt><dd>${htmlLink(claim.evidenceUri, claim.evidenceUri)}<br><span class="muted">SHA-256 ${claim.evidenceHash}</span></dd>
    <dt>Claimant</dt><dd id="claimant">${claim.claimant}${details ? html`<br><span class="muted">Earlier claims: ${earlierClaims(details)}</span>` : ""}</dd>
    <dt>Policy</dt><dd id="policy">${details ? policyFacts(claim, details) : `#${claim.policyId}`}</dd>
    ${details ? html`<dt>Protocol</dt><dd id="protocol">${protocolFacts(details)}</dd>` : ""}
    <dt>Bond</dt><dd id="bond">${formatStx(claim.bond)}: returned to the claimant with the payout; forfeited if the claim is denied or vetoed</dd>
    <dt>Rules</dt><dd>Quorum: ${formatStx(claim.quorumStake)} of stake${claim.minVoters > 0n ? ` and ${claim.minVoters} different voters` : ""}; approval needs over ${formatBps(claim.approvalBps)} of the voted weight${claim.large ? "; a large claim: the council must also sign off" : ""}</dd>
    <dt>Your wallet</dt><dd id="voter" class="muted">not connected</dd>
  </dl>
  <h2>What your vote locks and risks</h2>
  <ul id="risks">${votingRisks(details?.terms ?? null).map((r) => html`<li><b>${r.label}:</b> ${r.text}</li>`)}</ul>
  <fieldset id="choices"><legend class="muted">Your vote</legend>
    <label><input type="radio" name="choice" value="approve" ${choice === "approve" ? html`checked` : ""}> Approve: pay the claim</label>
    <label><input type="radio" name="choice" value="deny" ${choice === "deny" ? html`checked` : ""}> Deny</label>
  </fieldset>
  <button id="sign" ${open ? "" : html`disabled`}>Sign the vote with my wallet</button>
  <p id="status" data-kind="info">${open ? "Your wallet signs; this page never sees your keys. A vote moves no STX." : "Voting on this claim is closed."}</p>
  <p id="signed" class="muted" hidden></p>
  <p><a id="tx" hidden rel="noopener noreferrer"></a></p>
  <p id="result" data-kind="info" hidden></p>`,
    { config, script: "/assets/vote.js", narrow: true },
  );
}
