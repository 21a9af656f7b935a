import type { Protocol, Quote } from "../chain/protocol-reader";
import { DESCRIPTION_MAX, EVIDENCE_URI_MAX, type FilingFacts } from "../chain/filing-check";
import { formatBps, formatStx } from "../format/stx";
import { maxPremium, SLIPPAGE_CHOICES_BPS } from "../format/max-premium";
import { html, utcTime } from "./html";
import { shell } from "./layout";

/** The pages where a member's own wallet signs: small, readable on a phone, working before the script loads. */

const when = (seconds: bigint) => utcTime(Number(seconds));

/** The vote page has its own module; kept here under its old name for callers of this one. */
export { votePage } from "./vote-page";

const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_HOUR = 3_600;

/** A length of time in days, or hours under a day. */
function duration(seconds: bigint) {
  const s = Number(seconds);
  if (s >= SECONDS_PER_DAY) return `${Math.round((s / SECONDS_PER_DAY) * 10) / 10} days`;
  return `${Math.round(s / SECONDS_PER_HOUR)} hours`;
}

export type BuyOffer = { quote: Quote } | { refusal: string };

/**
 * The buy-cover page: the terms, the live premium and the most the wallet will let the call take (the premium
 * and the chosen slippage), when cover starts and ends, and exactly what the wallet signs. A refusal of the
 * contract is said in its words, and the page offers no signing.
 */
export function buyPage(p: {
  protocol: Protocol;
  amount: bigint;
  days: bigint;
  offer: BuyOffer;
  waitingSeconds: bigint;
  now: number;
  slippageBps: number;
  config: unknown;
}) {
  const quote = "quote" in p.offer ? p.offer.quote : null;
  const starts = p.now + Number(p.waitingSeconds);
  const ends = starts + Number(p.days) * SECONDS_PER_DAY;
  const max = quote ? maxPremium(quote.premium, p.slippageBps) : 0n;
  const options = SLIPPAGE_CHOICES_BPS.map(
    (bps) =>
      html`<option value="${String(bps)}" ${bps === p.slippageBps ? html`selected` : ""}>${formatBps(bps)}</option>`,
  );
  return shell(
    `Buy cover on ${p.protocol.name}`,
    html`
  <h1>Buy cover · ${p.protocol.name}</h1>
  <dl>
    <dt>Cover</dt><dd id="cover">${formatStx(p.amount)} for ${String(p.days)} days</dd>
    <dt>Premium now</dt><dd id="premium">${quote ? html`${formatStx(quote.premium)} (${formatBps(quote.rateBps)} a year, tier ${String(quote.tier)})` : "no quote"}</dd>
    <dt>Slippage allowed</dt><dd><select id="slippage" ${quote ? "" : html`disabled`}>${options}</select></dd>
    <dt>You pay at most</dt><dd id="max-premium">${quote ? formatStx(max) : "nothing"}</dd>
    <dt>Cover starts</dt><dd id="starts">after a waiting period of ${duration(p.waitingSeconds)}: about ${utcTime(starts)}</dd>
    <dt>Cover ends</dt><dd id="ends">about ${utcTime(ends)}</dd>
    <dt>Your wallet</dt><dd id="buyer" class="muted">not connected</dd>
  </dl>
  <h2>What your wallet signs</h2>
  <p id="call"><code>${"purchase-coverage"}(u${String(p.protocol.id)}, u${String(p.amount)}, u${String(p.days)}, u<span id="call-max">${String(max)}</span>)</code>
    in post-condition deny mode: your address sends at most <span id="bound">${formatStx(max)}</span>, and nothing else moves from it.</p>
  <button id="sign" ${quote ? "" : html`disabled`}>Buy with my wallet</button>
  <p id="status" data-kind="${quote ? "info" : "error"}">${quote ? "Your wallet signs; this page never sees your keys. The premium is read again when you sign." : html`Not offered: <span id="refusal">${"refusal" in p.offer ? p.offer.refusal : ""}</span>`}</p>
  <p id="signed" class="muted" hidden></p>
  <p><a id="tx" hidden rel="noopener noreferrer"></a></p>
  <p id="result" data-kind="info" hidden></p>`,
    { config: p.config, script: "/assets/buy.js", narrow: true },
  );
}

/**
 * The claim-filing page: the policy's cover and deadline, the form (amount, incident time in UTC, description,
 * the evidence file whose SHA-256 the browser computes, and where assessors can read it), the bond, every
 * reason the contract would refuse the claim as it stands, and exactly what the wallet signs.
 */
export function claimFilePage(p: {
  facts: FilingFacts;
  protocolName: string;
  refusals: string[];
  terms: { bond: bigint; deductible: bigint; payable: bigint };
  config: unknown;
}) {
  const { policy } = p.facts;
  return shell(
    `File a claim on policy #${policy.id}`,
    html`
  <h1>File a claim · policy #${String(policy.id)} · ${p.protocolName}</h1>
  <dl>
    <dt>Holder</dt><dd id="holder">${policy.holder}</dd>
    <dt>Cover left</dt><dd id="remaining">${formatStx(policy.remainingCover)} of ${formatStx(policy.coverageAmount)}</dd>
    <dt>Cover</dt><dd id="cover-window">${when(policy.activeFrom)} to ${when(policy.endsAt)}</dd>
    <dt>File by</dt><dd id="deadline">${when(p.facts.filingDeadline)}</dd>
    <dt>Your wallet</dt><dd id="claimant" class="muted">not connected</dd>
  </dl>
  <form id="claim" class="form">
    <label>Amount claimed, in STX <input id="amount" name="amount" inputmode="decimal" autocomplete="off" value="${formatStx(policy.remainingCover).replace(/ STX$/, "")}"></label>
    <label>When the incident happened (UTC) <input id="incident" name="incident" type="datetime-local" step="1"></label>
    <label>What happened (at most ${String(DESCRIPTION_MAX)} characters) <textarea id="description" name="description" rows="4" maxlength="${String(DESCRIPTION_MAX)}"></textarea></label>
    <label>Evidence file (read here, never uploaded) <input id="evidence" name="evidence" type="file"></label>
    <p class="muted">SHA-256 <span id="hash" class="inert">none yet</span></p>
    <label>Where assessors can read the evidence <input id="uri" name="uri" inputmode="url" autocomplete="off" maxlength="${String(EVIDENCE_URI_MAX)}" placeholder="ipfs://… or https://…"></label>
  </form>
  <dl>
    <dt>Bond</dt><dd id="bond">${formatStx(p.terms.bond)}, sent from your wallet with the claim</dd>
    <dt>Paid if approved</dt><dd id="payable">${formatStx(p.terms.payable)} (after a deductible of ${formatStx(p.terms.deductible)})</dd>
  </dl>
  <h2>Before you sign</h2>
  <ul id="refusals">${p.refusals.map((r) => html`<li>${r}</li>`)}</ul>
  <p id="ready" class="muted" ${p.refusals.length ? html`hidden` : ""}>Nothing stands in the way of this claim.</p>
  <h2>What your wallet signs</h2>
  <p><code id="call">submit-claim(u${String(policy.id)}, …)</code> in post-condition deny mode: your address sends at most the bond, <span id="bound">${formatStx(p.terms.bond)}</span>, and nothing else moves from it.</p>
  <button id="sign" ${p.refusals.length ? html`disabled` : ""}>File the claim with my wallet</button>
  <p id="status" data-kind="info">Your wallet signs; this page never sees your keys. Every check is made again when you sign.</p>
  <p id="signed" class="muted" hidden></p>
  <p><a id="tx" hidden rel="noopener noreferrer"></a></p>
  <p id="result" data-kind="info" hidden></p>`,
    { config: p.config, script: "/assets/claim-file.js", narrow: true },
  );
}

/**
 * The wallet-link page names the member as Discord shows them (their name and avatar, kept when they ran /link:
 * bot/storage/member-links.ts), never by their numeric id; the name is escaped like any text a stranger chose.
 */
export function linkPage(
  config: { member: { name: string; avatarUrl: string | null } | null; nonce: string; expires: number },
  pageConfig: unknown,
) {
  const { member } = config;
  const account = member
    ? html`${member.avatarUrl ? html`<img src="${member.avatarUrl}" alt="" width="32" height="32" referrerpolicy="no-referrer"> ` : ""}${member.name}`
    : "The Discord account that ran /link";
  return shell(
    "Link your wallet",
    html`
  <h1>Link your wallet to Discord</h1>
  <p>Your wallet signs a message naming your Discord account and this one-time link. Nothing is sent on-chain and no STX moves.</p>
  <dl><dt>Discord account</dt><dd id="member">${account}</dd><dt>Link valid until</dt><dd>${utcTime(config.expires)}</dd></dl>
  <p></p><button id="sign">Sign with my wallet</button><p id="status" data-kind="info"></p>`,
    { config: pageConfig, script: "/assets/link.js", narrow: true },
  );
}

export function messagePage(title: string, text: string) {
  return shell(title, html`<h1>${title}</h1><p>${text}</p>`, { narrow: true });
}
