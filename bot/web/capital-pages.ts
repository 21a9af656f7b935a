import type { CapitalFacts } from "../chain/capital-check";
import { WHOLE_PERCENT, WITHDRAW_PERCENTS } from "../chain/capital-check";
import { formatBps, formatStx } from "../format/stx";
import { DEFAULT_SLIPPAGE_BPS, SLIPPAGE_CHOICES_BPS } from "../format/max-premium";
import { html, type SafeHtml } from "./html";
import { shell } from "./layout";

/** The pages where a capital provider's own wallet signs: deposit, and the withdrawal's three steps. */

const SECONDS_PER_DAY = 86_400n;
const days = (seconds: bigint) => `${seconds / SECONDS_PER_DAY} days`;

/** The pool as the chain has it now: what a provider's decision rests on. */
function poolFacts(facts: CapitalFacts): SafeHtml {
  const { pool } = facts;
  return html`<dl>
    <dt>Share price</dt><dd id="share-price">${formatStx(pool.sharePrice)}</dd>
    <dt>Capital</dt><dd>${formatStx(pool.totalCapital)}</dd>
    <dt>Free capital</dt><dd id="free-capital">${formatStx(pool.freeCapital)} (the rest backs cover sold and claims)</dd>
    <dt>Utilization</dt><dd>${formatBps(pool.utilizationBps)}</dd>
    <dt>Withdrawals</dt><dd id="terms">after a cooldown of ${days(facts.cooldown)}, within ${days(facts.window)} after that</dd>
    <dt>Your wallet</dt><dd id="provider" class="muted">not connected</dd>
  </dl>`;
}

/** The parts every signing page ends with: refusals, the call, the button, the status and what was signed. */
export function signingBlock(p: { refusals: string[]; call: SafeHtml; button: string; note: string }): SafeHtml {
  return html`
  <h2>Before you sign</h2>
  <ul id="refusals">${p.refusals.map((r) => html`<li>${r}</li>`)}</ul>
  <h2>What your wallet signs</h2>
  <p id="call-text">${p.call}</p>
  <button id="sign" ${p.refusals.length ? html`disabled` : ""}>${p.button}</button>
  <p id="status" data-kind="info">${p.note}</p>
  <p id="signed" class="muted" hidden></p>
  <p><a id="tx" hidden rel="noopener noreferrer"></a></p>
  <p id="result" data-kind="info" hidden></p>`;
}

export function depositPage(p: {
  facts: CapitalFacts;
  amount: bigint;
  shares: bigint;
  refusals: string[];
  config: unknown;
}) {
  return shell(
    "Deposit capital",
    html`
  <h1>Deposit capital in the pool</h1>
  ${poolFacts(p.facts)}
  <form id="capital" class="form">
    <label>Amount to deposit, in STX <input id="amount" name="amount" inputmode="decimal" autocomplete="off" value="${formatStx(p.amount).replace(/ STX$/, "")}"></label>
  </form>
  <dl><dt>Shares you get</dt><dd id="shares">${String(p.shares)} share units, worth ${formatStx(p.amount)} now</dd></dl>
  ${signingBlock({
    refusals: p.refusals,
    call: html`<code id="call">deposit(u<span id="call-amount">${String(p.amount)}</span>)</code> in post-condition deny mode: your address sends at most <span id="bound">${formatStx(p.amount)}</span>, and nothing else moves from it.`,
    button: "Deposit with my wallet",
    note: "Your wallet signs; this page never sees your keys. The pool is read again when you sign.",
  })}`,
    { config: p.config, script: "/assets/capital.js", narrow: true },
  );
}

export function withdrawPage(p: { facts: CapitalFacts; config: unknown }) {
  const slippage = SLIPPAGE_CHOICES_BPS.map(
    (bps) =>
      html`<option value="${String(bps)}" ${bps === DEFAULT_SLIPPAGE_BPS ? html`selected` : ""}>${formatBps(bps)}</option>`,
  );
  const parts = WITHDRAW_PERCENTS.map(
    (pct) =>
      html`<option value="${String(pct)}" ${pct === WHOLE_PERCENT ? html`selected` : ""}>${String(pct)}%</option>`,
  );
  return shell(
    "Withdraw capital",
    html`
  <h1>Withdraw capital from the pool</h1>
  ${poolFacts(p.facts)}
  <p>A withdrawal takes three steps, each signed by your wallet: ask (the cooldown starts), wait, then withdraw
  within the window. The page shows the step your position is at once your wallet shares its address.</p>
  <button id="connect">Show my position</button>
  <dl id="position" hidden>
    <dt>Your shares</dt><dd id="shares"></dd>
    <dt>Worth now</dt><dd id="value"></dd>
    <dt>Request</dt><dd id="request"></dd>
  </dl>
  <form id="capital" class="form" hidden>
    <label id="part-field">Part of your position to withdraw <select id="part">${parts}</select></label>
    <label id="slippage-field">Least accepted, below the value now <select id="slippage">${slippage}</select></label>
    <label id="choose-step">Step <select id="step">
      <option value="request">Ask to withdraw (starts the cooldown)</option>
      <option value="cancel">Cancel the request</option>
      <option value="withdraw">Withdraw</option>
    </select></label>
  </form>
  ${signingBlock({
    refusals: ["Connect your wallet to see your position."],
    call: html`<code id="call">nothing yet</code>`,
    button: "Sign with my wallet",
    note: "Your wallet signs; this page never sees your keys. Your position is read again when you sign.",
  })}`,
    { config: p.config, script: "/assets/capital.js", narrow: true },
  );
}
