/**
 * The staking pages' script. Stake: the amount typed is checked as it changes, and the wallet signs
 * assessor-staking.stake(amount) in deny mode, the assessor sending at most the amount. Unstake: once the wallet
 * shares its address the page shows the stake and the step it is at, and signs request-unstake(amount) (no STX
 * moves: deny mode with no condition) or withdraw-stake() (deny mode, the staking contract sending the assessor
 * exactly what is unstaking). Every step is checked once more with the wallet's address before it signs.
 */
import { request } from "@stacks/connect";
import { Cl, Pc, type ClarityValue, type PostCondition } from "@stacks/transactions";
import { formatStx } from "../../format/stx";
import {
  getJson,
  pageConfig,
  rechecker,
  showRefusals,
  showSigned,
  stacksAddress,
  statusLine,
  walletOptions,
} from "./wallet";

type PageConfig = { staking: string; network: "mainnet" | "testnet"; explorerTx: string };
type Check = {
  refusals: string[];
  amount: string | null;
  position: Record<"active" | "locked" | "available" | "unstaking" | "unstakeAt", string> | null;
  free: boolean;
};
type Call = { functionName: string; functionArgs: ClarityValue[]; postConditions: PostCondition[]; text: string };

const config = pageConfig<PageConfig>();
const say = statusLine();
const $ = (id: string) => document.getElementById(id) as HTMLInputElement;
const button = $("sign") as unknown as HTMLButtonElement;
const staking = !document.getElementById("connect");
let assessor: string | null = null;
let sent = false;
let current: Check | null = null;

const step = () => (staking ? "stake" : $("step").value);
const MS_PER_SECOND = 1_000;

function checkQuery() {
  const q = new URLSearchParams({ step: step(), amount: $("amount").value });
  if (assessor) q.set("address", assessor);
  return q;
}
const check = () => getJson<Check>(`/api/stake/check?${checkQuery()}`);

function callOf(c: Check): Call | null {
  const s = step();
  if (s === "withdraw") {
    const unstaking = BigInt(c.position?.unstaking ?? "0");
    return {
      functionName: "withdraw-stake",
      functionArgs: [],
      postConditions: [Pc.principal(config.staking).willSendEq(unstaking).ustx()],
      text: `withdraw-stake() in post-condition deny mode: the staking contract sends you exactly ${formatStx(unstaking)}, and nothing moves from your address.`,
    };
  }
  if (!c.amount) return null;
  const amount = BigInt(c.amount);
  if (s === "unstake")
    return {
      functionName: "request-unstake",
      functionArgs: [Cl.uint(amount)],
      postConditions: [],
      text: `request-unstake(u${amount}) in post-condition deny mode with no condition: asking moves no STX.`,
    };
  return {
    functionName: "stake",
    functionArgs: [Cl.uint(amount)],
    postConditions: assessor ? [Pc.principal(assessor).willSendLte(amount).ustx()] : [],
    text: `stake(u${amount}) in post-condition deny mode: your address sends at most ${formatStx(amount)}, and nothing else moves from it.`,
  };
}

function show(c: Check) {
  current = c;
  const p = c.position;
  if (p) {
    $("assessor").textContent = assessor;
    if (!staking) {
      document.getElementById("position")!.hidden = false;
      document.getElementById("stake")!.hidden = false;
      $("active").textContent = formatStx(BigInt(p.active));
      $("locked").textContent = formatStx(BigInt(p.locked));
      $("unstaking").textContent =
        p.unstaking === "0"
          ? "nothing"
          : `${formatStx(BigInt(p.unstaking))}, free ${new Date(Number(p.unstakeAt) * MS_PER_SECOND).toUTCString()}`;
      document.getElementById("amount-field")!.hidden = step() !== "unstake";
    }
  }
  const ok = showRefusals(c.refusals);
  document.getElementById("call-text")!.textContent = callOf(c)?.text ?? "";
  button.disabled = sent || !ok || (!staking && !assessor);
}
const checkSoon = rechecker(check, show, (e) => say(`Could not read your stake: ${e.message}`, "error"));
document.getElementById("stake")!.addEventListener("input", () => {
  button.disabled = true;
  checkSoon();
});
document.getElementById("stake")!.addEventListener("submit", (e) => e.preventDefault());

async function connect() {
  const options = walletOptions();
  say("Asking your wallet for your address…");
  assessor = await stacksAddress(options);
  const c = await check();
  // Withdraw once unstaked STX is free; otherwise the first step.
  if (!staking && c.free) {
    $("step").value = "withdraw";
    show(await check());
  } else show(c);
  say("Your wallet signs; this page never sees your keys.");
  return options;
}

document
  .getElementById("connect")
  ?.addEventListener("click", () => connect().catch((e: Error) => say(`Not connected: ${e.message}`, "error")));

button.addEventListener("click", async () => {
  button.disabled = true;
  try {
    const options = assessor ? walletOptions() : await connect();
    say("Reading your stake again…");
    const c = await check();
    show(c);
    const call = callOf(c);
    if (c.refusals.length > 0 || !call) {
      say("Not sent: the staking contract would refuse this (see Before you sign).", "error");
      return;
    }
    say(`Sign in your wallet: ${call.functionName}…`);
    const result = await request(options, "stx_callContract", {
      contract: config.staking as `${string}.${string}`,
      functionName: call.functionName,
      functionArgs: call.functionArgs,
      postConditionMode: "deny",
      postConditions: call.postConditions,
      network: config.network,
    });
    sent = true;
    say("Sent. Your stake changes once the transaction is in a block.", "ok");
    showSigned(`Signed: ${config.staking}.${call.text}`, config.explorerTx, result.txid ?? "");
  } catch (e) {
    say(`Not sent: ${(e as Error).message}`, "error");
  } finally {
    button.disabled = sent || (current?.refusals.length ?? 1) > 0;
  }
});
