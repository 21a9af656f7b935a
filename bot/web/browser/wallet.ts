/**
 * What every page where a member's wallet signs shares: its settings from the page, its status line, the
 * wallet (any SIP-030 wallet through @stacks/connect: Leather, Xverse), the address it shares, and the
 * confirmation that repeats what was signed with a link to the transaction.
 */
import { request, getStacksProvider } from "@stacks/connect";

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
