import { html } from "./html";
import { shell } from "./layout";
import { signingBlock } from "./capital-pages";

/**
 * The page where an assessor's own wallet settles votes on closed claims: collects the reward of a vote with
 * the outcome, takes the reputation change (and the slash of a vote to approve a vetoed claim), and unlocks
 * the stake the votes held. The list is filled in by the page's script once the wallet shares its address.
 */
export function settlePage(p: { claimId: bigint | null; config: unknown }) {
  return shell(
    "Settle your votes",
    html`
  <h1>Settle your votes</h1>
  <p>Once a claim is paid, denied or vetoed, each vote on it is settled: a vote with the outcome collects its share
  of the reward pot, reputation moves up or down, and stake locked by your votes unlocks when the last of them is
  settled. Anyone may settle a vote for you; settling it yourself collects the reward now.</p>
  ${p.claimId === null ? "" : html`<p id="chosen">From the outcome of claim #${String(p.claimId)}.</p>`}
  <dl><dt>Your wallet</dt><dd id="assessor" class="muted">not connected</dd></dl>
  <button id="connect">Show my votes</button>
  <p id="summary" class="muted" hidden></p>
  <fieldset id="votes" class="list"><legend class="muted">Votes ready to settle</legend></fieldset>
  ${signingBlock({
    refusals: ["Connect your wallet and choose a vote to settle."],
    call: html`nothing yet`,
    button: "Settle with my wallet",
    note: "Your wallet signs; this page never sees your keys. The vote is read again from the chain when you sign.",
  })}`,
    { config: p.config, script: "/assets/settle.js", narrow: true },
  );
}
