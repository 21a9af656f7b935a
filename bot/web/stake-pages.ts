import type { StakeFacts } from "../chain/stake-check";
import { formatStx } from "../format/stx";
import { html, type SafeHtml } from "./html";
import { shell } from "./layout";
import { signingBlock } from "./capital-pages";

/** The pages where an assessor's own wallet signs: stake, and unstaking's two steps. */

const SECONDS_PER_DAY = 86_400n;

function stakeTerms(facts: StakeFacts): SafeHtml {
  return html`<dl>
    <dt>Least stake</dt><dd>${formatStx(facts.minStake)}</dd>
    <dt>Unstaking</dt><dd id="terms">free ${String(facts.cooldown / SECONDS_PER_DAY)} days after you ask; stake locked by a vote unlocks when the vote is settled</dd>
    <dt>Your wallet</dt><dd id="assessor" class="muted">not connected</dd>
  </dl>`;
}

const amountField = (label: string, amount: bigint) =>
  html`<label>${label} <input id="amount" name="amount" inputmode="decimal" autocomplete="off" value="${formatStx(amount).replace(/ STX$/, "")}"></label>`;

export function stakePage(p: { facts: StakeFacts; amount: bigint; refusals: string[]; config: unknown }) {
  return shell(
    "Stake as an assessor",
    html`
  <h1>Stake as an assessor</h1>
  <p>Stake is what your votes on claims weigh (times your reputation). It counts on claims filed after it is staked.</p>
  ${stakeTerms(p.facts)}
  <form id="stake" class="form">${amountField("Amount to stake, in STX", p.amount)}</form>
  ${signingBlock({
    refusals: p.refusals,
    call: html`stake(u${String(p.amount)}) in post-condition deny mode: your address sends at most ${formatStx(p.amount)}, and nothing else moves from it.`,
    button: "Stake with my wallet",
    note: "Your wallet signs; this page never sees your keys.",
  })}`,
    { config: p.config, script: "/assets/stake.js", narrow: true },
  );
}

export function unstakePage(p: { facts: StakeFacts; amount: bigint; config: unknown }) {
  return shell(
    "Unstake",
    html`
  <h1>Unstake</h1>
  <p>Unstaking takes two steps, each signed by your wallet: ask (the stake stops counting and the cooldown
  starts), then withdraw once it is free. The page shows the step you are at once your wallet shares its address.</p>
  ${stakeTerms(p.facts)}
  <button id="connect">Show my stake</button>
  <dl id="position" hidden>
    <dt>Staked</dt><dd id="active"></dd>
    <dt>Locked by votes</dt><dd id="locked"></dd>
    <dt>Unstaking</dt><dd id="unstaking"></dd>
  </dl>
  <form id="stake" class="form" hidden>
    <label>Step <select id="step">
      <option value="unstake">Ask to unstake (starts the cooldown)</option>
      <option value="withdraw">Withdraw unstaked STX</option>
    </select></label>
    <span id="amount-field">${amountField("Amount to unstake, in STX", p.amount)}</span>
  </form>
  ${signingBlock({
    refusals: ["Connect your wallet to see your stake."],
    call: html`nothing yet`,
    button: "Sign with my wallet",
    note: "Your wallet signs; this page never sees your keys. Your stake is read again when you sign.",
  })}`,
    { config: p.config, script: "/assets/stake.js", narrow: true },
  );
}
