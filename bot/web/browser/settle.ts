/**
 * The settle page's script. Once the wallet shares its address the page lists the assessor's votes on closed
 * claims with the reward each pays (from the bot's index); the vote chosen is read again from the chain, and
 * the wallet signs claims-assessment.settle-vote(claim-id) in deny mode: the capital pool sends the assessor
 * exactly the reward, the staking contract sends exactly the slash (if the vote approved a vetoed claim) to
 * the pool, and nothing moves from the assessor's address.
 */
import { Cl, Pc, type PostCondition } from "@stacks/transactions";
import { formatStx } from "../../format/stx";
import { getJson, onSign, pageConfig, showRefusals, statusLine, walletSession } from "./wallet";

type PageConfig = {
  claims: string;
  pool: string;
  staking: string;
  claimId: string | null;
  network: "mainnet" | "testnet";
  explorerTx: string;
};
type Listed = {
  claimId: string;
  protocol: string;
  status: string;
  approve: boolean;
  withOutcome: boolean;
  rewardText: string;
  slashed: boolean;
};
type List = { total: number; waiting: number; votes: Listed[] };
type Check = { refusals: string[]; reward: string; slash: string; withOutcome: boolean | null };

const config = pageConfig<PageConfig>();
const say = statusLine();
const button = document.getElementById("sign") as HTMLButtonElement;
const list = document.getElementById("votes")!;
let assessor: string | null = null;
const settled = new Set<string>();
/** The claim whose check last passed (the button signs nothing else). */
let ready: string | null = null;

const chosen = () => list.querySelector<HTMLInputElement>("input[name=claim]:checked")?.value ?? null;

function callText(claimId: string, c: Check): string {
  const moves = [
    BigInt(c.reward) > 0n ? `the capital pool sends you exactly ${formatStx(BigInt(c.reward))}` : null,
    BigInt(c.slash) > 0n
      ? `the staking contract sends exactly ${formatStx(BigInt(c.slash))} of your stake to the pool`
      : null,
  ].filter((m) => m !== null);
  return (
    `settle-vote(u${claimId}) in post-condition deny mode: ${moves.length ? moves.join(", and ") : "no STX moves"}, ` +
    "and nothing moves from your address."
  );
}

function postConditions(c: Check): PostCondition[] {
  const conditions: PostCondition[] = [];
  if (BigInt(c.reward) > 0n) conditions.push(Pc.principal(config.pool).willSendEq(BigInt(c.reward)).ustx());
  if (BigInt(c.slash) > 0n) conditions.push(Pc.principal(config.staking).willSendEq(BigInt(c.slash)).ustx());
  return conditions;
}

async function check(claimId: string): Promise<Check> {
  const c = await getJson<Check>(`/api/settle/check?${new URLSearchParams({ claim: claimId, address: assessor! })}`);
  const ok = showRefusals(c.refusals);
  document.getElementById("call-text")!.textContent = ok ? callText(claimId, c) : "nothing";
  ready = ok && !settled.has(claimId) ? claimId : null;
  button.disabled = ready === null;
  return c;
}

/** One vote as a choice; every text from the index is set as text, never as markup. */
function row(v: Listed): HTMLLabelElement {
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "radio";
  input.name = "claim";
  input.value = v.claimId;
  input.disabled = settled.has(v.claimId);
  const side = v.withOutcome ? "with the outcome" : "against the outcome";
  const pays = v.slashed
    ? "pays nothing; part of the stake it used is slashed"
    : v.withOutcome
      ? `pays ${v.rewardText}`
      : "pays nothing";
  label.append(
    input,
    ` Claim #${v.claimId} · ${v.protocol} · ${v.status} · you voted ${v.approve ? "approve" : "deny"} (${side}): ${pays}`,
  );
  return label;
}

async function showList() {
  const l = await getJson<List>(`/api/settle/votes?${new URLSearchParams({ address: assessor! })}`);
  const legend = list.querySelector("legend")!;
  list.replaceChildren(legend, ...l.votes.map(row));
  const summary = document.getElementById("summary")!;
  summary.hidden = false;
  summary.textContent =
    `${l.total} vote${l.total === 1 ? "" : "s"} ready to settle` +
    (l.total > l.votes.length ? ` (the first ${l.votes.length} shown)` : "") +
    (l.waiting ? `; ${l.waiting} on claims not closed yet.` : ".");
  const preferred = [...list.querySelectorAll<HTMLInputElement>("input[name=claim]")].find(
    (i) => !i.disabled && (i.value === config.claimId || config.claimId === null),
  );
  if (preferred) {
    preferred.checked = true;
    await check(preferred.value);
  } else if (config.claimId !== null && !settled.has(config.claimId)) {
    // The claim the link came from is not in the list: the chain says why (no vote, settled, not closed).
    await check(config.claimId);
  } else {
    showRefusals(["Choose a vote to settle."]);
    button.disabled = true;
  }
}

const wallet = walletSession(say, async (address) => {
  assessor = address;
  document.getElementById("assessor")!.textContent = assessor;
  await showList();
});
list.addEventListener("change", () => {
  const id = chosen();
  button.disabled = true;
  if (id) check(id).catch((e: Error) => say(`Could not read the vote: ${e.message}`, "error"));
});

// Fixed when the button is pressed: a choice changed while the wallet prompt is open cannot change what is signed.
let signing: string | null = null;
onSign({
  say,
  config,
  wallet,
  check: async () => {
    signing = chosen() ?? config.claimId;
    if (!signing) return { refusals: ["Choose a vote to settle."], reward: "0", slash: "0", withOutcome: null };
    return check(signing);
  },
  callOf: (c) =>
    signing === null
      ? null
      : {
          contract: config.claims,
          functionName: "settle-vote",
          functionArgs: [Cl.uint(signing)],
          postConditions: postConditions(c),
          text: callText(signing, c),
        },
  words: {
    refuser: "the claims contract",
    rereading: "your vote",
    sent: "The reward and your stake change once the transaction is in a block.",
  },
  onSent: () => {
    settled.add(signing!);
    for (const input of list.querySelectorAll<HTMLInputElement>(`input[value="${signing}"]`)) input.disabled = true;
  },
  ready: () => ready !== null && !settled.has(ready),
});
