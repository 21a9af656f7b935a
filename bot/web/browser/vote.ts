/**
 * The vote page's script: asks the member's own wallet (through @stacks/connect) for an address,
 * shows whether and with what weight it can vote, and asks the wallet to sign exactly one call:
 * claims-assessment.vote(claim-id, approve), in post-condition deny mode (a vote moves no STX).
 * The choice is read once, when the button is pressed, and the controls stay locked until the wallet
 * answers, so what is signed is what the page shows; the confirmation repeats the call that was signed.
 */
import { request } from "@stacks/connect";
import { Cl } from "@stacks/transactions";
import { pageConfig, showSigned, stacksAddress, statusLine, walletOptions } from "./wallet";

type PageConfig = {
  claimId: string;
  choice: "approve" | "deny";
  contract: string;
  network: "mainnet" | "testnet";
  explorerTx: string;
};
type Eligibility = {
  stake: string;
  weight: string;
  voted: boolean;
  conflict: boolean;
  open: boolean;
  weightText: string;
};

const config = pageConfig<PageConfig>();
const say = statusLine();
const button = document.getElementById("sign") as HTMLButtonElement;
const radios = [...document.querySelectorAll<HTMLInputElement>("input[name=choice]")];
const lock = (locked: boolean) => {
  button.disabled = locked;
  for (const r of radios) r.disabled = locked;
};

function chosen(): "approve" | "deny" {
  return radios.find((r) => r.checked)?.value === "deny" ? "deny" : "approve";
}

async function eligibility(address: string): Promise<Eligibility> {
  const answer = await fetch(`/api/claims/${config.claimId}/eligibility?address=${encodeURIComponent(address)}`);
  const body = (await answer.json()) as Eligibility & { error?: { message: string } };
  if (!answer.ok) throw new Error(body.error?.message ?? `HTTP ${answer.status}`);
  return body;
}

button.addEventListener("click", async () => {
  // Fixed here: a radio changed while the wallet prompt is open cannot change what is signed.
  const choice = chosen();
  lock(true);
  try {
    const options = walletOptions();
    say("Asking your wallet for your address…");
    const address = await stacksAddress(options);
    const e = await eligibility(address);
    document.getElementById("voter")!.textContent = `${address} · weight ${e.weightText}`;
    if (!e.open) return say("Voting on this claim is closed.", "error");
    if (e.voted) return say("This address has already voted on this claim.", "error");
    if (e.conflict) return say("The claimant and the protocol's team cannot vote on this claim.", "error");
    if (e.weight === "0")
      return say("This address had no stake when the claim opened, so its vote would weigh nothing.", "error");
    say(`Sign the vote in your wallet: ${choice} claim #${config.claimId}…`);
    const result = await request(options, "stx_callContract", {
      contract: config.contract as `${string}.${string}`,
      functionName: "vote",
      functionArgs: [Cl.uint(config.claimId), Cl.bool(choice === "approve")],
      postConditionMode: "deny",
      postConditions: [],
      network: config.network,
    });
    const txid = result.txid ?? "";
    say(`Vote sent: ${choice}. It counts once the transaction is in a block.`, "ok");
    showSigned(
      `Signed: ${config.contract}.vote(u${config.claimId}, ${choice === "approve"}) in post-condition deny mode.`,
      config.explorerTx,
      txid,
    );
  } catch (e) {
    say(`Not sent: ${(e as Error).message}`, "error");
  } finally {
    lock(false);
  }
});
