import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { hexToCV, privateKeyToPublic, signStructuredData, type ClarityValue } from "@stacks/transactions";
import type { Browser } from "playwright-core";
import { startStack, answerOf, type Stack } from "../bot/harness";
import { installTestWallet, launchBrowser, pageErrors } from "./browser";

let s: Stack;
let browser: Browser;
beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe("the wallet-link page, in headless Chromium with a test wallet", () => {
  it("asks the wallet to sign the link message under the page's Content-Security-Policy, and links the wallet", async () => {
    const member = s.member("linker");
    const answer = answerOf(await s.run("link", [], member));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/link\/[0-9a-f]{32})/.exec(answer.content)![1]!;
    const wallet = s.who.assessors[0]!;
    const page = await browser.newPage();
    const errors = pageErrors(page);
    const asked: { method: string; params: any }[] = [];
    await installTestWallet(page, async (method: string, params: any) => {
      asked.push({ method, params });
      if (method === "getAddresses")
        return {
          addresses: [{ symbol: "STX", address: wallet.address, publicKey: privateKeyToPublic(wallet.privateKey) }],
        };
      if (method === "stx_signStructuredMessage") {
        const cv = (v: unknown) => (typeof v === "string" ? hexToCV(v) : v) as ClarityValue;
        return {
          signature: signStructuredData({
            message: cv(params.message),
            domain: cv(params.domain),
            privateKey: wallet.privateKey,
          }),
        };
      }
      throw new Error(`unexpected wallet method ${method}`);
    });
    const response = await page.goto(url);
    expect(response!.headers()["content-security-policy"]).toContain("script-src 'self'");
    expect(response!.headers()["cache-control"]).toBe("no-store");
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=ok]", { timeout: 15_000 });
    expect(await page.textContent("#status")).toBe(`Linked ${wallet.address}. You can close this page.`);
    expect(asked.map((a) => a.method)).toEqual(["getAddresses", "stx_signStructuredMessage"]);
    expect(await s.bot.ctx.store.linkedWallet(member)).toBe(wallet.address);
    expect(errors).toEqual([]);
    // The nonce is spent: the page is gone.
    expect((await page.goto(url))!.status()).toBe(404);
    await page.close();
  });
});
