/**
 * The council page's script. Once the wallet shares its address, what the form names (an action on a claim or
 * a proposal) is checked against the chain as it changes, and the wallet signs exactly one call: council-
 * approve-claim, council-deny-claim or council-veto(claim, reason-hash) on claims-assessment, or approve or
 * execute on insurance-council, each in post-condition deny mode with no condition (none of them moves STX).
 * The veto's reason is hashed here (SHA-256 of its UTF-8 text); only the hash is sent.
 */
import { Cl, type ClarityValue } from "@stacks/transactions";
import {
  type ContractCall,
  getJson,
  onSign,
  pageConfig,
  rechecker,
  sha256Hex,
  showRefusals,
  statusLine,
  walletSession,
} from "./wallet";

type PageConfig = { claims: string; council: string; network: "mainnet" | "testnet"; explorerTx: string };
type Check = {
  refusals: string[];
  member: boolean;
  council: { threshold: string; memberCount: string };
  progress: string | null;
  proposal: string | null;
};
const CALLS = {
  "approve-claim": { contract: "claims", fn: "council-approve-claim" },
  "deny-claim": { contract: "claims", fn: "council-deny-claim" },
  veto: { contract: "claims", fn: "council-veto" },
  "approve-proposal": { contract: "council", fn: "approve" },
  "execute-proposal": { contract: "council", fn: "execute" },
} as const;
type Action = keyof typeof CALLS;

const config = pageConfig<PageConfig>();
const say = statusLine();
const $ = (id: string) => document.getElementById(id) as HTMLInputElement;
const button = $("sign") as unknown as HTMLButtonElement;
let member: string | null = null;
let reasonHash: string | null = null;
let ready = false;
let sent = false;

const action = () => $("action").value as Action;
const subject = () => $("subject").value.trim();
const onClaim = () => CALLS[action()].contract === "claims";

/** The form as it stands: which field applies, the reason's hash, and the call it would sign. */
async function showForm() {
  $("subject-label").textContent = onClaim() ? "Claim number" : "Proposal number";
  const veto = action() === "veto";
  document.getElementById("reason-field")!.hidden = !veto;
  document.getElementById("reason-hash-line")!.hidden = !veto;
  const reason = $("reason").value.trim();
  reasonHash = veto && reason ? `0x${await sha256Hex(new TextEncoder().encode(reason))}` : null;
  $("reason-hash").textContent = reasonHash ?? "none yet";
}

function callOf(): ContractCall | null {
  const id = subject();
  if (!/^\d{1,12}$/.test(id)) return null;
  const call = CALLS[action()];
  const contractId = config[call.contract];
  const args: ClarityValue[] = [Cl.uint(id)];
  if (action() === "veto") {
    if (!reasonHash) return null;
    args.push(Cl.bufferFromHex(reasonHash.slice(2)));
  }
  const shown = action() === "veto" ? `u${id}, ${reasonHash}` : `u${id}`;
  return {
    contract: contractId,
    functionName: call.fn,
    functionArgs: args,
    postConditions: [],
    text: `${call.fn}(${shown}) in post-condition deny mode with no condition: no STX moves.`,
  };
}

type Call = NonNullable<ReturnType<typeof callOf>>;

/** Checks the form as it is now; the answer carries the call worked out from that same form. */
async function check(): Promise<Check & { call: Call | null }> {
  await showForm();
  const id = subject();
  if (!/^\d{1,12}$/.test(id)) throw new Error(`type the ${onClaim() ? "claim" : "proposal"} number`);
  const call = callOf();
  const q = new URLSearchParams({ action: action(), id, address: member! });
  if (reasonHash) q.set("reason", reasonHash);
  return { ...(await getJson<Check>(`/api/council/check?${q}`)), call };
}

function show(c: Check & { call: Call | null }) {
  $("council-size").textContent = `${c.council.threshold} of ${c.council.memberCount} members must sign`;
  $("progress").textContent = c.progress ?? "-";
  $("proposal-text").textContent = c.proposal ?? "-";
  const ok = showRefusals(c.refusals);
  document.getElementById("call-text")!.textContent = ok && c.call ? `${c.call.contract}.${c.call.text}` : "nothing";
  ready = ok && c.call !== null;
  button.disabled = sent || !ready;
}
const checkSoon = rechecker(check, show, (e) => {
  showRefusals([`Not checked: ${e.message}.`]);
  ready = false;
  button.disabled = true;
});

const form = document.getElementById("council")!;
form.addEventListener("submit", (e) => e.preventDefault());
form.addEventListener("input", () => {
  button.disabled = true;
  sent = false;
  if (member) checkSoon();
  else showForm().catch(() => undefined);
});
showForm().catch(() => undefined);

const wallet = walletSession(say, async (address) => {
  member = address;
  $("member").textContent = member;
  show(await check());
});
onSign({
  say,
  config,
  wallet,
  check,
  show,
  // What is signed is the call worked out from the form that was checked.
  callOf: (c) => c.call,
  words: {
    refuser: "the contract",
    rereading: "the chain",
    sent: "Your signature counts once the transaction is in a block.",
  },
  onSent: () => {
    sent = true;
  },
  ready: () => !sent && ready,
});
