import { chromium, type Browser, type Page } from "playwright-core";
import {
  PostConditionMode,
  broadcastTransaction,
  deserializePostConditionWire,
  hexToCV,
  makeContractCall,
  privateKeyToPublic,
  wireToPostCondition,
  type ClarityValue,
} from "@stacks/transactions";
import type { StacksNetwork } from "@stacks/network";
import { existsSync, mkdirSync } from "node:fs";

/** Debian's Chromium (installed by .ci/run), headless, with nothing reaching outside the machine. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function screenshotPath(name: string) {
  mkdirSync("test-results/screenshots", { recursive: true });
  return `test-results/screenshots/${name}.png`;
}

/**
 * A test wallet in the page: a SIP-030 provider (window.StacksProvider) whose every request is answered
 * by `answer` here in Node, where the test signs with a devnet key.
 */
export async function installTestWallet(page: Page, answer: (method: string, params: any) => Promise<unknown>) {
  await page.exposeFunction("__testWallet", answer);
  await page.addInitScript(() => {
    (window as any).StacksProvider = {
      request: async (method: string, params: unknown) => ({
        jsonrpc: "2.0",
        id: "1",
        result: await (window as any).__testWallet(method, params),
      }),
    };
  });
}

/** Console errors and uncaught exceptions of a page, collected for a test to assert none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** The post-conditions a page asked the wallet for, as @stacks/connect sends them (hex), read back. */
export const postConditionsOf = (params: { postConditions?: string[] }) =>
  (params.postConditions ?? []).map((hex) => wireToPostCondition(deserializePostConditionWire(hex)));

/**
 * A test wallet for `who` that shares its address and signs the contract call a page asks for, with the
 * post-condition mode and conditions asked for, and broadcasts it to `network`. Returns what it was asked.
 */
export async function signingWallet(
  page: Page,
  who: { address: string; privateKey: string },
  network: StacksNetwork,
): Promise<{ method: string; params: any }[]> {
  const asked: { method: string; params: any }[] = [];
  await installTestWallet(page, async (method: string, params: any) => {
    asked.push({ method, params });
    if (method === "getAddresses")
      return { addresses: [{ symbol: "STX", address: who.address, publicKey: privateKeyToPublic(who.privateKey) }] };
    if (method === "stx_callContract") {
      const [contractAddress, contractName] = String(params.contract).split(".") as [string, string];
      const transaction = await makeContractCall({
        contractAddress,
        contractName,
        functionName: params.functionName,
        functionArgs: (params.functionArgs as string[]).map((a) => hexToCV(a) as ClarityValue),
        senderKey: who.privateKey,
        network,
        postConditionMode: params.postConditionMode === "deny" ? PostConditionMode.Deny : PostConditionMode.Allow,
        postConditions: postConditionsOf(params),
      });
      const sent = await broadcastTransaction({ transaction, network });
      if ("error" in sent) throw new Error(sent.reason);
      return { txid: sent.txid };
    }
    throw new Error(`unexpected wallet method ${method}`);
  });
  return asked;
}

/** Presses the page's sign button, waits for "sent", and returns the contract call the wallet was asked for. */
export async function signedCall(page: Page, asked: { method: string; params: any }[]) {
  const before = asked.length;
  await page.click("#sign");
  await page.waitForSelector("#status[data-kind=ok]", { timeout: 15_000 });
  return asked.slice(before).find((a) => a.method === "stx_callContract")!;
}

/** What the page lists under "Before you sign". */
export const refusalsOf = (page: Page) => page.$$eval("#refusals li", (items) => items.map((li) => li.textContent));

/** Opens `url`, connects the wallet and waits until `shown` (what the page fills in from the wallet's address) is visible. */
export async function connectedAt(page: Page, url: string, shown: string) {
  await page.goto(url);
  await page.click("#connect");
  await page.waitForSelector(`${shown}:not([hidden])`);
}
