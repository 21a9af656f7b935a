import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, serializeCV } from "@stacks/transactions";
import type { Browser } from "playwright-core";
import { startStack, type Stack } from "../bot/harness";
import { STX } from "../../devnet/scenario";
import { formatStx } from "../../bot/format/stx";
import { maxPremium } from "../../bot/format/max-premium";
import { launchBrowser, pageErrors, postConditionsOf, screenshotPath, signingWallet } from "./browser";

let s: Stack;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const COVER = 10_000n * STX;

describe("the buy-cover page, in headless Chromium with a test wallet", () => {
  it("shows the live premium and signs purchase-coverage in deny mode, sending at most the premium and its slippage; the policy exists", async () => {
    const buyer = s.who.buyer;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, buyer, s.p.network);
    const quote = await s.p.quote(1, COVER, 30);
    const before: bigint = await s.p.read("cybersecurity-insurance-defi", "get-last-policy-id");
    await page.goto(`${s.bot.web!.url}/buy/1?amount=${COVER}&days=30`);
    await expect.poll(() => page.title()).toBe("Buy cover on stackswap");
    expect(await page.textContent("#cover")).toBe("10,000 STX for 30 days");
    expect(await page.textContent("#premium")).toContain(formatStx(quote.premium));
    expect(await page.textContent("#max-premium")).toBe(formatStx(maxPremium(quote.premium, 100)));
    expect(await page.textContent("#starts")).toMatch(/^after a waiting period of 3 days: about /);
    await page.screenshot({ path: screenshotPath("buy-page-desktop"), fullPage: true });
    // 2 % slippage chosen before signing: the bound the page shows and the one signed are the same.
    await page.selectOption("#slippage", "200");
    const most = maxPremium(quote.premium, 200);
    expect(await page.textContent("#bound")).toBe(formatStx(most));
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=ok]", { timeout: 15_000 });
    const call = asked.find((a) => a.method === "stx_callContract")!;
    expect(call.params).toMatchObject({
      contract: `${s.api.chain.deployer}.cybersecurity-insurance-defi`,
      functionName: "purchase-coverage",
      functionArgs: [Cl.uint(1), Cl.uint(COVER), Cl.uint(30), Cl.uint(most)].map(serializeCV),
      postConditionMode: "deny",
      network: "testnet",
    });
    // Exactly one condition: the buyer sends at most the bound, in micro-STX.
    expect(postConditionsOf(call.params)).toEqual([
      { type: "stx-postcondition", address: buyer.address, condition: "lte", amount: String(most) },
    ]);
    expect(asked.map((a) => a.method)).toEqual(["getAddresses", "stx_callContract"]);
    expect(await page.textContent("#signed")).toBe(
      `Signed: ${s.api.chain.deployer}.cybersecurity-insurance-defi.purchase-coverage(u1, u${COVER}, u30, u${most}) in post-condition deny mode, sending at most ${most} µSTX.`,
    );
    // The chain made the policy: the buyer's, this cover, and charged the quoted premium (within the bound).
    const id: bigint = await s.p.read("cybersecurity-insurance-defi", "get-last-policy-id");
    expect(id).toBe(before + 1n);
    const policy = await s.p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(id)]);
    expect(policy).toMatchObject({ holder: buyer.address, coverageAmount: COVER, premium: quote.premium });
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("buy-page-phone"), fullPage: true });
    await page.close();
  });

  it("says the contract's refusal before signing and offers no signing", async () => {
    const page = await browser.newPage();
    const asked = await signingWallet(page, s.who.buyer, s.p.network);
    await page.goto(`${s.bot.web!.url}/buy/1?amount=${COVER}&days=5`);
    expect(await page.textContent("#refusal")).toBe("Cover lasts 14 to 365 days; pick a length in that range.");
    expect(await page.isDisabled("#sign")).toBe(true);
    expect(asked).toEqual([]);
    await page.close();
  });

  it("answers a link with bad terms or an unknown protocol with a page that says so", async () => {
    const status = async (path: string) => (await fetch(`${s.bot.web!.url}${path}`)).status;
    expect(await status("/buy/1?amount=abc&days=30")).toBe(400);
    expect(await status("/buy/1?amount=0&days=30")).toBe(400);
    expect(await status(`/buy/1?amount=${COVER}&days=0`)).toBe(400);
    expect(await status(`/buy/99?amount=${COVER}&days=30`)).toBe(404);
    const page = await (await fetch(`${s.bot.web!.url}/buy/1?amount=abc&days=30`)).text();
    expect(page).toContain("The amount of cover must be a whole number of micro-STX above 0.");
  });
});
