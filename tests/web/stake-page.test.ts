import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, serializeCV } from "@stacks/transactions";
import type { Browser, Page } from "playwright-core";
import { startStack, opt, type Stack } from "../bot/harness";
import { discordMessenger, tellTransactionResults } from "../../bot/jobs/transaction-results";
import { advanceLocalChain, STX } from "../../devnet/scenario";
import {
  connectedAt,
  launchBrowser,
  pageErrors,
  postConditionsOf,
  refusalsOf,
  screenshotPath,
  signedCall,
  signingWallet,
} from "./browser";

let s: Stack;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const STAKE = 500n * STX;
const UNSTAKE = 200n * STX;
const stakeOf = (who: string) => s.p.read("assessor-staking", "get-assessor", [Cl.principal(who)]);

const stakingId = () => `${s.api.chain.deployer}.assessor-staking`;

const connected = (page: Page, path: string) => connectedAt(page, `${s.bot.web!.url}${path}`, "#position");

describe("the staking pages, in headless Chromium with a test wallet", () => {
  it("stakes: the wallet signs stake in deny mode sending at most the amount, the stake is active, and the page and /stake say it was mined", async () => {
    const assessor = s.who.assessors[0]!;
    const member = s.member();
    await s.bot.ctx.store.linkWallet(member, assessor.address);
    const command = await s.run("stake", [opt.str("amount", "500")], member);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, assessor, s.p.network);
    await page.goto(`${s.bot.web!.url}/stake?amount=${STAKE}`);
    await expect.poll(() => page.title()).toBe("Stake as an assessor");
    expect(await page.inputValue("#amount")).toBe("500");
    expect(await refusalsOf(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("stake-page-desktop"), fullPage: true });
    const call = await signedCall(page, asked);
    expect(call.params).toMatchObject({
      contract: stakingId(),
      functionName: "stake",
      functionArgs: [serializeCV(Cl.uint(STAKE))],
      postConditionMode: "deny",
    });
    expect(postConditionsOf(call.params)).toEqual([
      { type: "stx-postcondition", address: assessor.address, condition: "lte", amount: String(STAKE) },
    ]);
    expect((await stakeOf(assessor.address)).active).toBe(STAKE);
    // The page reported the transaction: once the bot's pass reads how it ended, the page and the member's
    // command (which opened the page) both say so.
    await expect.poll(() => page.textContent("#result")).toBe("Waiting for the network to mine it.");
    expect(await tellTransactionResults(s.bot.ctx, discordMessenger(s.bot.client))).toEqual({ checked: 1, told: 1 });
    await expect
      .poll(() => page.textContent("#result"), { timeout: 10_000 })
      .toMatch(/^Mined in block \d+: the contract did what you signed\.$/);
    expect(await page.getAttribute("#result", "data-kind")).toBe("done");
    await s.discord.waitFor(() => command.followUps[0], 10_000, "the result under /stake");
    expect(command.followUps[0]!.embeds?.[0]?.title).toBe("Done: stake");
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("stake-page-phone"), fullPage: true });
    await page.close();
  });

  it("unstakes in two signed steps: asks (no STX moves), then withdraws exactly what was unstaking once free", async () => {
    const assessor = s.who.assessors[0]!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, assessor, s.p.network);
    await connected(page, `/unstake?amount=${UNSTAKE}`);
    expect(await page.textContent("#active")).toBe("500 STX");
    expect(await page.inputValue("#step")).toBe("unstake");
    await page.fill("#amount", "600");
    await expect.poll(() => refusalsOf(page)).toEqual(["You have 500 STX staked."]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.fill("#amount", "200");
    await expect.poll(() => refusalsOf(page)).toEqual([]);
    const ask = await signedCall(page, asked);
    expect(ask.params).toMatchObject({
      functionName: "request-unstake",
      functionArgs: [serializeCV(Cl.uint(UNSTAKE))],
    });
    expect(postConditionsOf(ask.params)).toEqual([]);
    expect(await stakeOf(assessor.address)).toMatchObject({ active: STAKE - UNSTAKE, unstaking: UNSTAKE });
    // Not free yet: the withdraw step says when, and does not sign.
    await connected(page, "/unstake");
    await page.selectOption("#step", "withdraw");
    await expect.poll(() => refusalsOf(page)).toEqual([expect.stringMatching(/^Your unstaked 200 STX is free /)]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await advanceLocalChain(s.p, 7 * 86_400 + 60);
    await connected(page, "/unstake");
    await expect.poll(() => page.inputValue("#step")).toBe("withdraw");
    await expect.poll(() => refusalsOf(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("unstake-page-desktop"), fullPage: true });
    const before = s.api.chain.balance(assessor.address);
    const take = await signedCall(page, asked);
    expect(take.params).toMatchObject({ functionName: "withdraw-stake", functionArgs: [] });
    expect(postConditionsOf(take.params)).toEqual([
      { type: "stx-postcondition", address: stakingId(), condition: "eq", amount: String(UNSTAKE) },
    ]);
    expect(await stakeOf(assessor.address)).toMatchObject({ active: STAKE - UNSTAKE, unstaking: 0n });
    expect(s.api.chain.balance(assessor.address)).toBeGreaterThan(before + UNSTAKE - STX);
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("unstake-page-phone"), fullPage: true });
    await page.close();
  });

  it("answers a bad link or check with a clear error", async () => {
    const status = async (path: string) => (await fetch(`${s.bot.web!.url}${path}`)).status;
    expect(await status("/stake?amount=abc")).toBe(400);
    expect(await status("/unstake?amount=0")).toBe(400);
    expect(await status("/api/stake/check?step=drain")).toBe(400);
    expect(await status("/api/stake/check?step=stake&address=nobody")).toBe(400);
    const check = await (await fetch(`${s.bot.web!.url}/api/stake/check?step=stake&amount=0.5`)).json();
    expect(check.refusals).toEqual(["A stake must come to at least 1 STX."]);
  });
});
