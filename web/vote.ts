/**
 * The vote page's script: asks the member's own wallet (through @stacks/connect) for an address,
 * shows whether and with what weight it can vote, and asks the wallet to sign exactly one call:
 * claims-assessment.vote(claim-id, approve), in post-condition deny mode (a vote moves no STX).
 */
import { request, getStacksProvider } from "@stacks/connect";
import { Cl } from "@stacks/transactions";

type PageConfig = { claimId: string; choice: "approve" | "deny"; contract: string; network: "mainnet" | "testnet"; explorerTx: string };

const config = JSON.parse(document.getElementById("page-config")!.textContent!) as PageConfig;
const status = document.getElementById("status")!;
const button = document.getElementById("sign") as HTMLButtonElement;
const say = (text: string, kind: "info" | "ok" | "error" = "info") => {
  status.textContent = text;
  status.dataset.kind = kind;
};

function choice(): "approve" | "deny" {
  return (document.querySelector("input[name=choice]:checked") as HTMLInputElement | null)?.value === "deny" ? "deny" : "approve";
}

button.addEventListener("click", async () => {
  button.disabled = true;
  try {
    const provider = getStacksProvider();
    const options = { provider, enableLocalStorage: false, forceWalletSelect: !provider };
    say("Asking your wallet for your address…");
    const { addresses } = await request(options, "getAddresses");
    const address = addresses.map((a) => a.address).find((a) => /^S[PTMN]/.test(a));
    if (!address) throw new Error("your wallet did not share a Stacks address");
    const eligibility = await (await fetch(`/api/claims/${config.claimId}/eligibility?address=${address}`)).json() as
      { stake: string; weight: string; voted: boolean; conflict: boolean; open: boolean; error?: string; weightText: string };
    if (eligibility.error) throw new Error(eligibility.error);
    document.getElementById("voter")!.textContent = `${address} · weight ${eligibility.weightText}`;
    if (!eligibility.open) return say("Voting on this claim is closed.", "error");
    if (eligibility.voted) return say("This address has already voted on this claim.", "error");
    if (eligibility.conflict) return say("The claimant and the protocol's team cannot vote on this claim.", "error");
    if (eligibility.weight === "0") return say("This address had no stake when the claim opened, so its vote would weigh nothing.", "error");
    say("Sign the vote in your wallet…");
    const result = await request(options, "stx_callContract", {
      contract: config.contract as `${string}.${string}`,
      functionName: "vote",
      functionArgs: [Cl.uint(config.claimId), Cl.bool(choice() === "approve")],
      postConditionMode: "deny",
      postConditions: [],
      network: config.network,
    });
    const txid = result.txid ?? "";
    say(`Vote sent: ${choice()}. It counts once the transaction is in a block.`, "ok");
    const link = document.getElementById("tx") as HTMLAnchorElement;
    link.href = config.explorerTx.replace("{txid}", txid.startsWith("0x") ? txid : `0x${txid}`);
    link.textContent = "See the transaction";
    link.hidden = false;
  } catch (e) {
    say(`Not sent: ${(e as Error).message}`, "error");
  } finally {
    button.disabled = false;
  }
});
