import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, serializeCV } from "@stacks/transactions";
import type { Browser, Page } from "playwright-core";
import { answerOf, startStack, type Stack } from "../bot/harness";
import { advanceLocalChain, STX } from "../../devnet/scenario";
import { formatStx } from "../../bot/format/stx";
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

/**
 * The settle page: claim 1 paid (assessors 0 and 1 approved, 2 denied), claim 2 vetoed by the council (0 and 1
 * approved, 2 denied), claim 3 still voting. Each assessor's wallet settles its own votes on the page.
 */

let s: Stack;
let browser: Browser;
const DAY = 86_400;

async function fileClaim(amount: bigint) {
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(amount),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Oracle manipulation drained the lending pool"),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://evidence.example/oracle.tar.gz"),
  ]);
  return Number(await s.p.read("claims-assessment", "get-last-claim-id"));
}
const voteAll = async (claimId: number, approvals: boolean[]) => {
  for (const [i, approve] of approvals.entries())
    await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(approve)]);
};

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
  for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries())
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  await advanceLocalChain(s.p, 3 * DAY + 7_200);
  const paid = await fileClaim(60_000n * STX);
  await voteAll(paid, [true, true, false]);
  await advanceLocalChain(s.p, 3 * DAY);
  await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(paid)]);
  await advanceLocalChain(s.p, DAY);
  await s.p.call(s.who.oracle, "claims-assessment", "execute-payout", [Cl.uint(paid)]);
  const vetoed = await fileClaim(20_000n * STX);
  await voteAll(vetoed, [true, true, false]);
  await advanceLocalChain(s.p, 3 * DAY);
  await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(vetoed)]);
  await s.p.call(s.who.council, "claims-assessment", "council-veto", [
    Cl.uint(vetoed),
    Cl.bufferFromHex("cd".repeat(32)),
  ]);
  const voting = await fileClaim(10_000n * STX);
  await s.p.call(s.who.assessors[1]!, "claims-assessment", "vote", [Cl.uint(voting), Cl.bool(true)]);
  await s.indexed();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const choices = (page: Page) => page.$$eval("#votes label", (items) => items.map((l) => l.textContent!.trim()));
const ballot = (claimId: number, who: string) =>
  s.p.read("claims-assessment", "get-vote", [Cl.uint(claimId), Cl.principal(who)]);
const assessorOf = (who: string) => s.p.read("assessor-staking", "get-assessor", [Cl.principal(who)]);

/** What settle-vote pays by the chain's own numbers: the reward pot split by weight among the winning side. */
async function rewardOf(claimId: number, who: string) {
  const claim = (await s.p.read("claims-assessment", "get-claim", [Cl.uint(claimId)]))!;
  return (claim.rewardPot * (await ballot(claimId, who))!.weight) / claim.winningWeight;
}

const connected = (page: Page, path: string) => connectedAt(page, `${s.bot.web!.url}${path}`, "#summary");

// First: the page's tests below settle these votes.
describe("/settle", () => {
  it("answers a linked assessor privately with their votes ready to settle, the reward each pays and a button to the page", async () => {
    const member = s.member();
    await s.bot.ctx.store.linkWallet(member, s.who.assessors[1]!.address);
    const record = await s.run("settle", [], member);
    const answer = answerOf(record);
    expect(answer.ephemeral).toBe(true);
    expect(answer.embed.title).toBe("2 votes ready to settle");
    const reward = await rewardOf(1, s.who.assessors[1]!.address);
    expect(answer.embed.description).toBe(
      `Claim #1 · stackswap · paid: pays ${formatStx(reward)}\n` +
        "Claim #2 · stackswap · vetoed: pays nothing; part of the stake it used is slashed",
    );
    expect(answer.fields).toMatchObject({ "Rewards of these": formatStx(reward) });
    expect(answer.embed.footer?.text).toContain("1 more vote waits for its claim to close.");
    const button = (record.reply!.components![0] as { components: { url?: string; label?: string }[] }).components[0]!;
    expect(button).toMatchObject({ label: "Open the settle page", url: `${s.bot.web!.url}/settle` });
  });

  it("tells a member with nothing to settle so, and an unlinked member how to link", async () => {
    const member = s.member();
    await s.bot.ctx.store.linkWallet(member, s.who.buyer.address);
    const none = answerOf(await s.run("settle", [], member));
    expect(none.embed.title).toBe("No votes to settle");
    const unlinked = await s.run("settle", [], s.member());
    expect(answerOf(unlinked)).toMatchObject({
      ephemeral: true,
      content: expect.stringContaining("Your wallet is not linked: run `/link`"),
    });
  });
});

describe("the settle page, in headless Chromium with a test wallet", () => {
  it("settles a winning vote: the pool sends exactly the reward (deny mode), then a slashed vote: the staking contract sends exactly the slash", async () => {
    const assessor = s.who.assessors[0]!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, assessor, s.p.network);
    const reward = await rewardOf(1, assessor.address);
    expect(reward).toBeGreaterThan(0n);
    await connected(page, "/settle?claim=1");
    expect(await page.textContent("#summary")).toBe("2 votes ready to settle.");
    expect(await choices(page)).toEqual([
      expect.stringMatching(/^Claim #1 · stackswap · paid · you voted approve \(with the outcome\): pays [\d,.]+ STX$/),
      "Claim #2 · stackswap · vetoed · you voted approve (against the outcome): pays nothing; part of the stake it used is slashed",
    ]);
    expect(await page.isChecked("#votes input[value='1']")).toBe(true);
    await expect.poll(() => refusalsOf(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("settle-page-desktop"), fullPage: true });
    const before = s.api.chain.balance(assessor.address);
    const first = await signedCall(page, asked);
    expect(first.params).toMatchObject({
      contract: s.p.id("claims-assessment"),
      functionName: "settle-vote",
      functionArgs: [serializeCV(Cl.uint(1))],
      postConditionMode: "deny",
    });
    expect(postConditionsOf(first.params)).toEqual([
      { type: "stx-postcondition", address: s.p.id("capital-pool"), condition: "eq", amount: String(reward) },
    ]);
    expect(await ballot(1, assessor.address)).toMatchObject({ settled: true });
    expect(s.api.chain.balance(assessor.address)).toBeGreaterThan(before + reward - STX);
    // The vetoed claim: approving it costs veto-slash-bps of the stake the vote used.
    const slashBps: bigint = await s.p.read("insurance-council", "get-parameter", [Cl.stringAscii("veto-slash-bps")]);
    const slash = (100_000n * STX * slashBps) / 10_000n;
    expect(slash).toBeGreaterThan(0n);
    await page.check("#votes input[value='2']");
    await expect.poll(() => page.textContent("#call-text")).toContain("the staking contract sends exactly");
    const second = await signedCall(page, asked);
    expect(second.params).toMatchObject({ functionName: "settle-vote", functionArgs: [serializeCV(Cl.uint(2))] });
    expect(postConditionsOf(second.params)).toEqual([
      { type: "stx-postcondition", address: s.p.id("assessor-staking"), condition: "eq", amount: String(slash) },
    ]);
    // Both votes settled: the stake they locked is free, less the slash.
    expect(await assessorOf(assessor.address)).toMatchObject({
      active: 100_000n * STX - slash,
      locked: 0n,
      openVotes: 0n,
    });
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("settle-page-phone"), fullPage: true });
    // Opened again from claim 1's outcome: it is no longer listed, and the chain says why.
    await connected(page, "/settle?claim=1");
    expect(await choices(page)).toEqual([]);
    await expect.poll(() => refusalsOf(page)).toEqual(["Your vote on claim #1 is already settled."]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.close();
  });

  it("settles a losing vote with no STX moving (deny mode, no condition), and lists what waits for a claim to close", async () => {
    const assessor = s.who.assessors[1]!;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const asked = await signingWallet(page, assessor, s.p.network);
    await connected(page, "/settle");
    expect(await page.textContent("#summary")).toBe("2 votes ready to settle; 1 on claims not closed yet.");
    // Assessor 2 denied both: claim 1's vote (paid) pays nothing, claim 2's (vetoed) its share of the bond.
    const denier = s.who.assessors[2]!;
    const denierPage = await browser.newPage();
    const askedDenier = await signingWallet(denierPage, denier, s.p.network);
    await connected(denierPage, "/settle?claim=1");
    await expect.poll(() => refusalsOf(denierPage)).toEqual([]);
    expect(await denierPage.textContent("#call-text")).toBe(
      "settle-vote(u1) in post-condition deny mode: no STX moves, and nothing moves from your address.",
    );
    const losing = await signedCall(denierPage, askedDenier);
    expect(postConditionsOf(losing.params)).toEqual([]);
    expect(await ballot(1, denier.address)).toMatchObject({ settled: true });
    const bondShare = await rewardOf(2, denier.address);
    expect(bondShare).toBeGreaterThan(0n);
    await denierPage.check("#votes input[value='2']");
    await expect.poll(() => denierPage.textContent("#call-text")).toContain("the capital pool sends you exactly");
    const winning = await signedCall(denierPage, askedDenier);
    expect(postConditionsOf(winning.params)).toEqual([
      { type: "stx-postcondition", address: s.p.id("capital-pool"), condition: "eq", amount: String(bondShare) },
    ]);
    expect(await assessorOf(denier.address)).toMatchObject({ locked: 0n, openVotes: 0n });
    await denierPage.close();
    expect(asked).toEqual([expect.objectContaining({ method: "getAddresses" })]);
    await page.close();
  });

  it("says before signing why settle-vote would be refused: no vote, not closed, no such claim", async () => {
    const check = async (claim: number, who: string) =>
      (await (await fetch(`${s.bot.web!.url}/api/settle/check?claim=${claim}&address=${who}`)).json()).refusals;
    expect(await check(3, s.who.assessors[1]!.address)).toEqual([
      "Claim #3 is voting: a vote is settled once its claim is paid, denied or vetoed.",
    ]);
    expect(await check(1, s.who.buyer.address)).toEqual(["This address did not vote on claim #1."]);
    expect(await check(99, s.who.buyer.address)).toEqual(["There is no claim #99."]);
    const page = await browser.newPage();
    await signingWallet(page, s.who.buyer, s.p.network);
    await connected(page, "/settle?claim=3");
    expect(await page.textContent("#summary")).toBe("0 votes ready to settle.");
    await expect.poll(() => refusalsOf(page)).toEqual(["This address did not vote on claim #3."]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.close();
  });

  it("answers a bad link or check with a clear error", async () => {
    const status = async (path: string) => (await fetch(`${s.bot.web!.url}${path}`)).status;
    expect(await status("/settle?claim=abc")).toBe(400);
    expect(await status("/settle?claim=1&extra=1")).toBe(400);
    expect(await status("/api/settle/votes?address=nobody")).toBe(400);
    expect(await status("/api/settle/check?claim=1&address=nobody")).toBe(400);
    expect(await status(`/api/settle/check?claim=-1&address=${s.who.buyer.address}`)).toBe(400);
  });
});
