/**
 * The claim-filing page's script. The evidence file is read here and only its SHA-256 leaves the browser
 * (crypto.subtle); the form is checked against the chain by the server's pre-filing check as it is filled,
 * and the signing button stays locked while any reason to refuse the claim stands. On signing it asks the
 * wallet for its address, runs the check once more with it (holder, balance for the bond, fresh chain), and
 * only when nothing stands in the way asks the wallet to sign exactly one call:
 * cybersecurity-insurance-defi.submit-claim(policy-id, amount, incident-time, description, evidence-hash,
 * evidence-uri), in post-condition deny mode with one condition: the claimant sends at most the bond.
 */
import { request } from "@stacks/connect";
import { Cl, Pc } from "@stacks/transactions";
import { formatStx } from "../../format/stx";
import {
  getJson,
  pageConfig,
  rechecker,
  showRefusals,
  sha256Hex,
  showSigned,
  stacksAddress,
  statusLine,
  walletOptions,
} from "./wallet";

type PageConfig = { policyId: string; contract: string; network: "mainnet" | "testnet"; explorerTx: string };
type Check = {
  refusals: string[];
  amount: string | null;
  bond: string | null;
  deductible: string | null;
  payable: string | null;
};

const config = pageConfig<PageConfig>();
const say = statusLine();
const field = (id: string) => document.getElementById(id) as HTMLInputElement;
const button = document.getElementById("sign") as HTMLButtonElement;
const form = document.getElementById("claim") as HTMLFormElement;
let evidenceHash: string | null = null;
let claimant: string | null = null;
let busy = false;
// Once a claim is sent the page offers no second one (the contract keeps one open claim per policy).
let sent = false;

const MS_PER_SECOND = 1_000;

/** The incident time typed in the form, read as UTC, in Unix seconds. */
function incidentSeconds(): string {
  const value = field("incident").value;
  if (!value) return "";
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? "" : String(Math.floor(ms / MS_PER_SECOND));
}

function formQuery() {
  const q = new URLSearchParams({
    amount: field("amount").value,
    incident: incidentSeconds(),
    description: (document.getElementById("description") as HTMLTextAreaElement).value,
    hash: evidenceHash ?? "",
    uri: field("uri").value,
  });
  if (claimant) q.set("address", claimant);
  return q;
}

const check = () => getJson<Check>(`/api/policies/${config.policyId}/filing-check?${formQuery()}`);

/** The call as the wallet will sign it, arguments as Clarity writes them. */
function callText(c: Check) {
  const q = formQuery();
  return `submit-claim(u${config.policyId}, u${c.amount}, u${q.get("incident")}, u${JSON.stringify(q.get("description"))}, 0x${evidenceHash}, ${JSON.stringify(q.get("uri")!.trim())})`;
}

/** Shows the check's answer: every refusal, the bond and what would be paid; the button follows it. */
function show(c: Check) {
  document.getElementById("ready")!.hidden = !showRefusals(c.refusals);
  if (c.bond !== null) {
    document.getElementById("bond")!.textContent = `${formatStx(BigInt(c.bond))}, sent from your wallet with the claim`;
    document.getElementById("bound")!.textContent = formatStx(BigInt(c.bond));
    document.getElementById("payable")!.textContent =
      `${formatStx(BigInt(c.payable!))} (after a deductible of ${formatStx(BigInt(c.deductible!))})`;
  }
  if (c.refusals.length === 0) document.getElementById("call")!.textContent = callText(c);
  button.disabled = busy || sent || c.refusals.length > 0;
}

/** Checks again a moment after the form last changed; the button stays locked until the answer. */
const checkSoon = rechecker(check, show, (e) => say(`Could not check the claim: ${e.message}`, "error"));
function recheck() {
  button.disabled = true;
  checkSoon();
}

form.addEventListener("input", (event) => {
  if ((event.target as HTMLElement).id !== "evidence") recheck();
});
form.addEventListener("submit", (event) => event.preventDefault());

field("evidence").addEventListener("change", async () => {
  const file = field("evidence").files?.[0];
  evidenceHash = null;
  document.getElementById("hash")!.textContent = file ? "computing…" : "none yet";
  if (file) {
    evidenceHash = await sha256Hex(await file.arrayBuffer());
    document.getElementById("hash")!.textContent = `${evidenceHash} (${file.name}, ${file.size} bytes)`;
  }
  recheck();
});

/** Asks the wallet to sign the claim the check passed, bounded by its bond. */
async function sign(options: ReturnType<typeof walletOptions>, from: string, c: Check) {
  const q = formQuery();
  const bond = BigInt(c.bond!);
  const args = [
    Cl.uint(config.policyId),
    Cl.uint(c.amount!),
    Cl.uint(q.get("incident")!),
    Cl.stringUtf8(q.get("description")!),
    Cl.bufferFromHex(evidenceHash!),
    Cl.stringAscii(q.get("uri")!.trim()),
  ];
  say(`Sign in your wallet: a claim of ${formatStx(BigInt(c.amount!))}, with a bond of ${formatStx(bond)}…`);
  const result = await request(options, "stx_callContract", {
    contract: config.contract as `${string}.${string}`,
    functionName: "submit-claim",
    functionArgs: args,
    postConditionMode: "deny",
    postConditions: [Pc.principal(from).willSendLte(bond).ustx()],
    network: config.network,
  });
  sent = true;
  say("Claim sent. It opens for assessment once the transaction is in a block.", "ok");
  showSigned(
    `Signed: ${config.contract}.${callText(c)} in post-condition deny mode, sending at most ${bond} µSTX.`,
    config.explorerTx,
    result.txid ?? "",
  );
}

button.addEventListener("click", async () => {
  busy = true;
  button.disabled = true;
  try {
    const options = walletOptions();
    say("Asking your wallet for your address…");
    claimant = await stacksAddress(options);
    document.getElementById("claimant")!.textContent = claimant;
    say("Checking the claim against the chain again…");
    const c = await check();
    show(c);
    if (c.refusals.length > 0) {
      say("Not sent: the contract would refuse this claim (see Before you sign).", "error");
      return;
    }
    await sign(options, claimant, c);
  } catch (e) {
    say(`Not sent: ${(e as Error).message}`, "error");
  } finally {
    busy = false;
    button.disabled = sent || document.querySelectorAll("#refusals li").length > 0;
  }
});
