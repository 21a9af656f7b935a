/**
 * The capital pages' script. Deposit: the amount typed is checked against the pool as it changes, and the
 * wallet signs capital-pool.deposit(amount) in deny mode, the provider sending at most the amount. Withdraw:
 * once the wallet shares its address the page shows the position and the step it is at, and signs one of
 * request-withdrawal(shares) or cancel-withdrawal() (no STX moves: deny mode with no condition) or
 * withdraw(min-amount) (deny mode, the pool sending the provider at least min-amount). Every step is checked
 * once more against the chain, with the wallet's address, before the wallet is asked to sign.
 */
import { Cl, Pc } from "@stacks/transactions";
import { formatShares, formatStx } from "../../format/stx";
import {
  type ContractCall,
  getJson,
  onSign,
  pageConfig,
  rechecker,
  showRefusals,
  statusLine,
  walletSession,
} from "./wallet";

type PageConfig = { pool: string; network: "mainnet" | "testnet"; explorerTx: string };
type Check = {
  refusals: string[];
  stage: "none" | "cooling" | "open" | "expired";
  position: Record<"shares" | "value" | "pendingShares" | "pendingValue" | "unlocksAt" | "expiresAt", string> | null;
  amount?: string | null;
  shares?: string;
  value?: string;
  minAmount?: string;
};

const config = pageConfig<PageConfig>();
const say = statusLine();
const $ = (id: string) => document.getElementById(id) as HTMLInputElement;
const button = $("sign") as unknown as HTMLButtonElement;
const depositing = !document.getElementById("connect");
let provider: string | null = null;
let sent = false;

const step = () => (depositing ? "deposit" : $("step").value);
const MS_PER_SECOND = 1_000;
const time = (seconds: string) => new Date(Number(seconds) * MS_PER_SECOND).toUTCString();

function checkQuery() {
  const q = new URLSearchParams({ step: step() });
  if (depositing) q.set("amount", $("amount").value);
  else {
    q.set("percent", $("part").value);
    q.set("slippage", $("slippage").value);
  }
  if (provider) q.set("address", provider);
  return q;
}
const check = () => getJson<Check>(`/api/capital/check?${checkQuery()}`);

/** The one call this step signs, with its exact post-conditions, from the check's numbers. */
function callOf(c: Check): ContractCall | null {
  const s = step();
  if (s === "deposit" && c.amount) {
    const amount = BigInt(c.amount);
    return {
      contract: config.pool,
      functionName: "deposit",
      functionArgs: [Cl.uint(amount)],
      postConditions: provider ? [Pc.principal(provider).willSendLte(amount).ustx()] : [],
      text: `deposit(u${amount}) in post-condition deny mode: your address sends at most ${formatStx(amount)}, and nothing else moves from it.`,
    };
  }
  if (s === "request" && c.shares)
    return {
      contract: config.pool,
      functionName: "request-withdrawal",
      functionArgs: [Cl.uint(c.shares)],
      postConditions: [],
      text: `request-withdrawal(u${c.shares}) in post-condition deny mode with no condition: asking moves no STX.`,
    };
  if (s === "cancel")
    return {
      contract: config.pool,
      functionName: "cancel-withdrawal",
      functionArgs: [],
      postConditions: [],
      text: "cancel-withdrawal() in post-condition deny mode with no condition: cancelling moves no STX.",
    };
  if (s === "withdraw" && c.minAmount) {
    const least = BigInt(c.minAmount);
    return {
      contract: config.pool,
      functionName: "withdraw",
      functionArgs: [Cl.uint(least)],
      postConditions: [Pc.principal(config.pool).willSendGte(least).ustx()],
      text: `withdraw(u${least}) in post-condition deny mode: the pool sends you at least ${formatStx(least)}, and nothing moves from your address.`,
    };
  }
  return null;
}

function showPosition(c: Check) {
  const p = c.position;
  if (!p) return;
  $("provider").textContent = provider;
  if (depositing) return;
  document.getElementById("position")!.hidden = false;
  document.getElementById("capital")!.hidden = false;
  $("shares").textContent = formatShares(BigInt(p.shares));
  $("value").textContent = formatStx(BigInt(p.value));
  $("request").textContent = {
    none: "none",
    cooling: `${formatShares(BigInt(p.pendingShares))} shares (${formatStx(BigInt(p.pendingValue))}), unlocks ${time(p.unlocksAt)}`,
    open: `${formatShares(BigInt(p.pendingShares))} shares (${formatStx(BigInt(p.pendingValue))}), open until ${time(p.expiresAt)}`,
    expired: `lapsed ${time(p.expiresAt)}, unused`,
  }[c.stage];
}

let current: Check | null = null;
function show(c: Check) {
  current = c;
  showPosition(c);
  const ok = showRefusals(c.refusals);
  if (depositing && c.shares !== undefined) $("shares").textContent = `${c.shares} share units`;
  document.getElementById("call-text")!.textContent = callOf(c)?.text ?? "";
  if (!depositing) {
    // Only the choice the step takes is shown.
    document.getElementById("part-field")!.hidden = step() !== "request";
    document.getElementById("slippage-field")!.hidden = step() !== "withdraw";
  }
  button.disabled = sent || !ok || (!depositing && !provider);
}
const checkSoon = rechecker(check, show, (e) => say(`Could not read the pool: ${e.message}`, "error"));
const recheck = () => {
  button.disabled = true;
  checkSoon();
};
document.getElementById("capital")!.addEventListener("input", recheck);
document.getElementById("capital")!.addEventListener("submit", (e) => e.preventDefault());

const wallet = walletSession(say, async (address) => {
  provider = address;
  const c = await check();
  // The step the position is at: ask when there is no live request, else withdraw (or wait for it).
  if (!depositing) {
    $("step").value = c.stage === "none" || c.stage === "expired" ? "request" : "withdraw";
    show(await check());
  } else show(c);
});
onSign({
  say,
  config,
  wallet,
  check,
  show,
  callOf,
  words: { refuser: "the pool", rereading: "the pool", sent: "The pool changes once the transaction is in a block." },
  onSent: () => {
    sent = true;
  },
  ready: () => !sent && (current?.refusals.length ?? 1) === 0,
});
