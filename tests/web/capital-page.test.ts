import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, serializeCV } from "@stacks/transactions";
import type { Browser, Page } from "playwright-core";
import { startStack, type Stack } from "../bot/harness";
import { advanceLocalChain, STX } from "../../devnet/scenario";
import { formatStx } from "../../bot/format/stx";
import { leastAccepted } from "../../bot/format/max-premium";
import { launchBrowser, pageErrors, postConditionsOf, screenshotPath, signedCall, signingWallet } from "./browser";

let s: Stack;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const DEPOSIT = 1_000n * STX;
const position = (who: string) => s.p.read("capital-pool", "get-provider", [Cl.principal(who)]);
const refusals = (page: Page) => page.$$eval("#refusals li", (items) => items.map((li) => li.textContent));
const poolId = () => `${s.api.chain.deployer}.capital-pool`;

describe("the capital pages, in headless Chromium with a test wallet", () => {
  it("deposits: the wallet signs deposit in deny mode sending at most the amount, and the shares are minted", async () => {
    const provider = s.who.provider;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, provider, s.p.network);
    const expected: bigint = await s.p.read("capital-pool", "shares-for-amount", [Cl.uint(DEPOSIT)]);
    const before = await position(provider.address);
    await page.goto(`${s.bot.web!.url}/capital/deposit?amount=${DEPOSIT}`);
    await expect.poll(() => page.title()).toBe("Deposit capital");
    expect(await page.inputValue("#amount")).toBe("1,000");
    expect(await page.textContent("#shares")).toBe(`${expected} share units, worth 1,000 STX now`);
    expect(await page.textContent("#terms")).toBe("after a cooldown of 7 days, within 7 days after that");
    await page.screenshot({ path: screenshotPath("capital-deposit-desktop"), fullPage: true });
    const call = await signedCall(page, asked);
    expect(call.params).toMatchObject({
      contract: poolId(),
      functionName: "deposit",
      functionArgs: [serializeCV(Cl.uint(DEPOSIT))],
      postConditionMode: "deny",
    });
    expect(postConditionsOf(call.params)).toEqual([
      { type: "stx-postcondition", address: provider.address, condition: "lte", amount: String(DEPOSIT) },
    ]);
    // Minted at the price of the block it landed in: premiums earned meanwhile move it by a hair, never up.
    const minted = (await position(provider.address)).shares - before.shares;
    expect(minted).toBeLessThanOrEqual(expected);
    expect(minted).toBeGreaterThan((expected * 9_999n) / 10_000n);
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("capital-deposit-phone"), fullPage: true });
    await page.close();
  });

  it("refuses a deposit below the minimum before signing, and one larger than the wallet can pay when it connects", async () => {
    const page = await browser.newPage();
    const asked = await signingWallet(page, s.who.auditor, s.p.network);
    await page.goto(`${s.bot.web!.url}/capital/deposit?amount=500000`);
    expect(await refusals(page)).toEqual(["The pool takes deposits of at least 1 STX."]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.fill("#amount", "900000000");
    await expect.poll(() => page.isDisabled("#sign")).toBe(false);
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=error]");
    expect((await refusals(page))[0]).toMatch(/^Your wallet can spend [\d,.]+ STX; the deposit is 900,000,000 STX\.$/);
    expect(asked.map((a) => a.method)).toEqual(["getAddresses"]);
    expect(await (await fetch(`${s.bot.web!.url}/capital/deposit?amount=abc`)).status).toBe(400);
    expect(await (await fetch(`${s.bot.web!.url}/capital/lend`)).status).toBe(404);
    expect(await (await fetch(`${s.bot.web!.url}/api/capital/check?step=steal`)).status).toBe(400);
    expect(await (await fetch(`${s.bot.web!.url}/api/capital/check?step=request&percent=7`)).status).toBe(400);
    await page.close();
  });

  it("withdraws in three signed steps: asks for a part, waits out the cooldown, takes at least the least accepted", async () => {
    const provider = s.who.provider;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, provider, s.p.network);
    await page.goto(`${s.bot.web!.url}/capital/withdraw`);
    await page.click("#connect");
    await page.waitForSelector("#position:not([hidden])");
    const held = await position(provider.address);
    // Ask for a tenth of the position: no STX moves, so deny mode with no condition.
    expect(await page.inputValue("#step")).toBe("request");
    await page.selectOption("#part", "10");
    await expect.poll(() => page.textContent("#call-text")).toContain(`request-withdrawal(u${held.shares / 10n})`);
    const ask = await signedCall(page, asked);
    expect(ask.params).toMatchObject({
      functionName: "request-withdrawal",
      functionArgs: [serializeCV(Cl.uint(held.shares / 10n))],
      postConditionMode: "deny",
    });
    expect(postConditionsOf(ask.params)).toEqual([]);
    expect((await position(provider.address)).pendingShares).toBe(held.shares / 10n);
    // Before the cooldown is over the page says when it unlocks and does not sign.
    await page.reload();
    await page.click("#connect");
    await expect.poll(() => refusals(page)).toEqual([expect.stringMatching(/^Your request unlocks /)]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await advanceLocalChain(s.p, 7 * 86_400 + 60);
    await page.reload();
    await page.click("#connect");
    await expect.poll(() => page.inputValue("#step")).toBe("withdraw");
    await expect.poll(() => refusals(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("capital-withdraw-desktop"), fullPage: true });
    const pending = (await position(provider.address)).pendingValue;
    const least = leastAccepted(pending, 100);
    expect(await page.textContent("#call-text")).toBe(
      `withdraw(u${least}) in post-condition deny mode: the pool sends you at least ${formatStx(least)}, and nothing moves from your address.`,
    );
    const balanceBefore = await s.api.chain.balance(provider.address);
    const take = await signedCall(page, asked);
    expect(take.params).toMatchObject({ functionName: "withdraw", functionArgs: [serializeCV(Cl.uint(least))] });
    // The pool (not the provider) is bounded: it must send at least the least accepted.
    expect(postConditionsOf(take.params)).toEqual([
      { type: "stx-postcondition", address: poolId(), condition: "gte", amount: String(least) },
    ]);
    const after = await position(provider.address);
    expect([after.shares, after.pendingShares]).toEqual([held.shares - held.shares / 10n, 0n]);
    expect(s.api.chain.balance(provider.address)).toBeGreaterThan(balanceBefore + least - STX);
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("capital-withdraw-phone"), fullPage: true });
    await page.close();
  });
});
