/**
 * The buy-cover page's script: asks the buyer's own wallet (through @stacks/connect) for an address, reads the
 * quote again (the premium decides the money), and asks the wallet to sign exactly one call:
 * cybersecurity-insurance-defi.purchase-coverage(protocol-id, coverage-amount, duration-days, max-premium), in
 * post-condition deny mode with one condition: the buyer sends at most max-premium micro-STX. The slippage is read
 * once, when the button is pressed, and the controls stay locked until the wallet answers.
 */
import { request } from "@stacks/connect";
import { Cl, Pc } from "@stacks/transactions";
import { maxPremium } from "../../format/max-premium";
import { formatStx } from "../../format/stx";
import { pageConfig, showSigned, stacksAddress, statusLine, walletOptions } from "./wallet";

type PageConfig = {
  protocolId: string;
  protocolName: string;
  amount: string;
  days: string;
  slippageBps: number;
  /** The quoted premium when the page was served (null: the contract refused the cover). */
  premium: string | null;
  contract: string;
  network: "mainnet" | "testnet";
  explorerTx: string;
};

const config = pageConfig<PageConfig>();
const say = statusLine();
const button = document.getElementById("sign") as HTMLButtonElement;
const slippage = document.getElementById("slippage") as HTMLSelectElement;
const premiumText = document.getElementById("premium")!;
// The premium the page was served with, until it is read again when the buyer signs.
let premium: bigint | null = config.premium === null ? null : BigInt(config.premium);

const lock = (locked: boolean) => {
  button.disabled = locked;
  slippage.disabled = locked;
};
/** The most the call may take at the slippage chosen, shown where the page says what is signed. */
function showMax(): bigint | null {
  if (premium === null) return null;
  const max = maxPremium(premium, Number(slippage.value));
  document.getElementById("max-premium")!.textContent = formatStx(max);
  document.getElementById("bound")!.textContent = formatStx(max);
  document.getElementById("call-max")!.textContent = String(max);
  return max;
}

/** The premium purchase-coverage would charge now, or the contract's refusal in words. */
async function freshQuote(): Promise<bigint> {
  const q = new URLSearchParams({ protocol: config.protocolName, amount: config.amount, days: config.days });
  const answer = await fetch(`/api/v1/quote?${q}`);
  const body = (await answer.json()) as { premium?: string; error?: { message: string } };
  if (!answer.ok || body.premium === undefined) throw new Error(body.error?.message ?? `HTTP ${answer.status}`);
  return BigInt(body.premium);
}

slippage.addEventListener("change", () => showMax());

button.addEventListener("click", async () => {
  lock(true);
  try {
    const options = walletOptions();
    say("Asking your wallet for your address…");
    const address = await stacksAddress(options);
    document.getElementById("buyer")!.textContent = address;
    say("Reading the premium again…");
    premium = await freshQuote();
    premiumText.textContent = `${formatStx(premium)} (read just now)`;
    // Fixed here: a slippage changed while the wallet prompt is open cannot change what is signed.
    const max = showMax()!;
    say(
      `Sign in your wallet: cover of ${formatStx(BigInt(config.amount))} for ${config.days} days, paying at most ${formatStx(max)}…`,
    );
    const result = await request(options, "stx_callContract", {
      contract: config.contract as `${string}.${string}`,
      functionName: "purchase-coverage",
      functionArgs: [Cl.uint(config.protocolId), Cl.uint(config.amount), Cl.uint(config.days), Cl.uint(max)],
      postConditionMode: "deny",
      postConditions: [Pc.principal(address).willSendLte(max).ustx()],
      network: config.network,
    });
    const txid = result.txid ?? "";
    say("Purchase sent. Your policy exists once the transaction is in a block.", "ok");
    showSigned(
      `Signed: ${config.contract}.purchase-coverage(u${config.protocolId}, u${config.amount}, u${config.days}, u${max}) in post-condition deny mode, sending at most ${max} µSTX.`,
      config.explorerTx,
      txid,
    );
  } catch (e) {
    say(`Not sent: ${(e as Error).message}`, "error");
  } finally {
    lock(false);
  }
});
