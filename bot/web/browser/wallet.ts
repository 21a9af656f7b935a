/**
 * What every page where a member's wallet signs shares: its settings from the page, its status line, the
 * wallet (any SIP-030 wallet through @stacks/connect: Leather, Xverse), the address it shares, and the
 * confirmation that repeats what was signed with a link to the transaction.
 */
import { request, getStacksProvider } from "@stacks/connect";
import type { ClarityValue, PostCondition } from "@stacks/transactions";

/** The page's settings, which the server writes into it as JSON. */
export function pageConfig<T>(): T {
  return JSON.parse(document.getElementById("page-config")!.textContent!) as T;
}

/** Says how things stand under the button: info, done (ok) or refused (error). */
export function statusLine() {
  const status = document.getElementById("status")!;
  return (text: string, kind: "info" | "ok" | "error" = "info") => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
}

/** The wallet to ask: the one installed, else the wallet picker; nothing kept in the browser's storage. */
export function walletOptions() {
  const provider = getStacksProvider();
  return { provider, enableLocalStorage: false, forceWalletSelect: !provider };
}

/** The Stacks address the wallet shares. */
export async function stacksAddress(options: ReturnType<typeof walletOptions>): Promise<string> {
  const { addresses } = await request(options, "getAddresses");
  const address = addresses.map((a) => a.address).find((a) => /^S[PTMN]/.test(a));
  if (!address) throw new Error("your wallet did not share a Stacks address");
  return address;
}

/** Shows what was signed and links its transaction in the explorer (`{txid}` in `explorerTx` is replaced). */
export function showSigned(signedText: string, explorerTx: string, txid: string) {
  const signed = document.getElementById("signed")!;
  signed.textContent = signedText;
  signed.hidden = false;
  const link = document.getElementById("tx") as HTMLAnchorElement;
  link.href = explorerTx.replace("{txid}", txid.startsWith("0x") ? txid : `0x${txid}`);
  link.textContent = "See the transaction";
  link.hidden = false;
  if (txid) void followResult(txid);
}

/** How often the page asks how its transaction ended, and for how long (the bot gives up on it after a day). */
const RESULT_POLL_MS = 3_000;
const RESULT_POLL_MAX = 400;

type TransactionState = { status: string; kind: "pending" | "done" | "refused" | "dropped"; text: string };

/**
 * Reports the transaction to the bot, which follows it on the chain and tells the member linked to its sender
 * in Discord; then shows here how it ended, as the bot learns it (the bot's store answers: no chain request).
 */
async function followResult(txid: string) {
  const result = document.getElementById("result");
  if (!result) return;
  const show = (s: Pick<TransactionState, "kind" | "text">) => {
    result.textContent = s.text;
    result.dataset.kind = s.kind;
    result.hidden = false;
  };
  try {
    const answer = await fetch("/api/transactions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txid }),
    });
    const body = (await answer.json()) as TransactionState & { error?: { message: string } };
    if (!answer.ok) return show({ kind: "pending", text: body.error?.message ?? `HTTP ${answer.status}` });
    let state: TransactionState = body;
    show(state);
    for (let i = 0; i < RESULT_POLL_MAX && state.kind === "pending"; i++) {
      await new Promise((r) => setTimeout(r, RESULT_POLL_MS));
      state = await getJson<TransactionState>(`/api/transactions/${encodeURIComponent(txid)}`);
      show(state);
    }
  } catch (e) {
    show({ kind: "pending", text: `How it ends is not shown here (${(e as Error).message}); see the transaction.` });
  }
}

/** Lists the reasons the contract would refuse under "Before you sign"; true when there are none. */
export function showRefusals(refusals: string[]): boolean {
  const list = document.getElementById("refusals")!;
  list.replaceChildren(
    ...refusals.map((r) => {
      const li = document.createElement("li");
      li.textContent = r;
      return li;
    }),
  );
  return refusals.length === 0;
}

/**
 * Asks again a moment after the last call of the returned function (the form rests), and applies only the
 * latest answer: an earlier, slower one never overwrites it.
 */
export function rechecker<T>(
  ask: () => Promise<T>,
  apply: (answer: T) => void,
  fail: (e: Error) => void,
  delayMs = 250,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const answer = await ask();
        if (mine === asked) apply(answer);
      } catch (e) {
        if (mine === asked) fail(e as Error);
      }
    }, delayMs);
  };
}

/** A JSON answer of this server's API, or its error message as the error. */
export async function getJson<T>(path: string): Promise<T> {
  const answer = await fetch(path);
  const body = (await answer.json()) as T & { error?: { message: string } };
  if (!answer.ok) throw new Error(body.error?.message ?? `HTTP ${answer.status}`);
  return body;
}

const HEX = 16;
/** The SHA-256 of some bytes as 64 hex digits, computed in the browser (crypto.subtle): nothing leaves it. */
export async function sha256Hex(data: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(HEX).padStart(2, "0")).join("");
}

/** One contract call a page asks the wallet to sign, with its exact post-conditions and the words that show it. */
export type ContractCall = {
  contract: string;
  functionName: string;
  functionArgs: ClarityValue[];
  postConditions: PostCondition[];
  /** The call after the contract's name, as "What your wallet signs" shows it. */
  text: string;
};

/** A page's wallet: the address it shared (null until then) and the step that asks for it. */
export type WalletSession = { address: () => string | null; connect: () => Promise<void> };

/**
 * The connect step every signing page shares, run by its connect button (if it has one) or by the sign
 * button: asks the wallet for its address and hands it to `onAddress`, which reads what the page shows for it.
 */
export function walletSession(
  say: ReturnType<typeof statusLine>,
  onAddress: (address: string) => Promise<void>,
): WalletSession {
  let address: string | null = null;
  const connect = async () => {
    say("Asking your wallet for your address…");
    address = await stacksAddress(walletOptions());
    await onAddress(address);
    say("Your wallet signs; this page never sees your keys.");
  };
  document
    .getElementById("connect")
    ?.addEventListener("click", () => connect().catch((e: Error) => say(`Not connected: ${e.message}`, "error")));
  return { address: () => address, connect };
}

/**
 * The sign button every signing page shares: connects the wallet if it is not yet, checks once more against
 * the chain, and asks the wallet to sign exactly the call worked out from that check, in post-condition deny
 * mode; then repeats what was signed with a link to the transaction. Nothing is sent while a refusal stands.
 */
export function onSign<C extends { refusals: string[] }>(p: {
  say: ReturnType<typeof statusLine>;
  config: { network: "mainnet" | "testnet"; explorerTx: string };
  wallet: WalletSession;
  /** Reads the chain again; `show` puts the answer on the page. */
  check: () => Promise<C>;
  show?: (c: C) => void;
  callOf: (c: C) => ContractCall | null;
  /** Who would refuse ("the pool"), what is read again ("your stake"), what happens once mined. */
  words: { refuser: string; rereading: string; sent: string };
  onSent?: (call: ContractCall) => void;
  /** Whether the button may be pressed again once the wallet answered. */
  ready: () => boolean;
}) {
  const button = document.getElementById("sign") as HTMLButtonElement;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if (!p.wallet.address()) await p.wallet.connect();
      const options = walletOptions();
      p.say(`Reading ${p.words.rereading} again…`);
      const c = await p.check();
      p.show?.(c);
      const call = p.callOf(c);
      if (c.refusals.length > 0 || !call)
        return p.say(`Not sent: ${p.words.refuser} would refuse this (see Before you sign).`, "error");
      p.say(`Sign in your wallet: ${call.functionName}…`);
      const result = await request(options, "stx_callContract", {
        contract: call.contract as `${string}.${string}`,
        functionName: call.functionName,
        functionArgs: call.functionArgs,
        postConditionMode: "deny",
        postConditions: call.postConditions,
        network: p.config.network,
      });
      p.onSent?.(call);
      p.say(`Sent. ${p.words.sent}`, "ok");
      showSigned(`Signed: ${call.contract}.${call.text}`, p.config.explorerTx, result.txid ?? "");
    } catch (e) {
      p.say(`Not sent: ${(e as Error).message}`, "error");
    } finally {
      button.disabled = !p.ready();
    }
  });
}
