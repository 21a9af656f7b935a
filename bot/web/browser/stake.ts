/**
 * The staking pages' script. Stake: the amount typed is checked as it changes, and the wallet signs
 * assessor-staking.stake(amount) in deny mode, the assessor sending at most the amount. Unstake: once the wallet
 * shares its address the page shows the stake and the step it is at, and signs request-unstake(amount) (no STX
 * moves: deny mode with no condition) or withdraw-stake() (deny mode, the staking contract sending the assessor
 * exactly what is unstaking). Every step is checked once more with the wallet's address before it signs.
 */
import { Cl, Pc } from "@stacks/transactions";
import { formatStx } from "../../format/stx";
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

type PageConfig = { staking: string; network: "mainnet" | "testnet"; explorerTx: string };
type Check = {
  refusals: string[];
  amount: string | null;
  position: Record<"active" | "locked" | "available" | "unstaking" | "unstakeAt", string> | null;
  free: boolean;
};

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

function callOf(c: Check): ContractCall | null {
  const s = step();
  if (s === "withdraw") {
    const unstaking = BigInt(c.position?.unstaking ?? "0");
    return {
      contract: config.staking,
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
      contract: config.staking,
      functionName: "request-unstake",
      functionArgs: [Cl.uint(amount)],
      postConditions: [],
      text: `request-unstake(u${amount}) in post-condition deny mode with no condition: asking moves no STX.`,
    };
  return {
    contract: config.staking,
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

const wallet = walletSession(say, async (address) => {
  assessor = address;
  const c = await check();
  // Withdraw once unstaked STX is free; otherwise the first step.
  if (!staking && c.free) {
    $("step").value = "withdraw";
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
  words: {
    refuser: "the staking contract",
    rereading: "your stake",
    sent: "Your stake changes once the transaction is in a block.",
  },
  onSent: () => {
    sent = true;
  },
  ready: () => !sent && (current?.refusals.length ?? 1) === 0,
});
