import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { Cl, serializeCV } from "@stacks/transactions";
import type { Browser } from "playwright-core";
import { startStack, type Stack } from "../bot/harness";
import { advanceLocalChain, STX } from "../../devnet/scenario";
import {
  launchBrowser,
  pageErrors,
  postConditionsOf,
  refusalsOf,
  screenshotPath,
  signedCall,
  signingWallet,
} from "./browser";

/**
 * The council page: the founding member executes, on the page, the proposal that adds a second member; with a
 * threshold of 2 of 2, the second member approves a parameter proposal; then both decide a claim that missed
 * quorum and the first signs a veto with a reason hashed in the browser. Every call is deny mode with no
 * condition (none moves STX), and the chain records each signature.
 */

let s: Stack;
let browser: Browser;
const DAY = 86_400;
const founder = () => s.who.council;
const second = () => s.who.provider;
const lastProposal = async () => Number(await s.p.read("insurance-council", "get-last-proposal-id"));
const proposalOf = async (id: number) => (await s.p.read("insurance-council", "get-proposal", [Cl.uint(id)]))!;
const claimOf = async (id: number) => (await s.p.read("claims-assessment", "get-claim", [Cl.uint(id)]))!;
let memberProposal = 0;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
  // With a threshold of 1 a proposal is approved as it is made; adding a member waits for no timelock.
  await s.p.call(founder(), "insurance-council", "propose-member", [Cl.principal(second().address), Cl.bool(true)]);
  memberProposal = await lastProposal();
  await advanceLocalChain(s.p, 3 * DAY + 7_200);
  // A claim nobody votes on: it misses quorum and waits for the council.
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(40_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Bridge relayer key leaked"),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://evidence.example/relayer.tar.gz"),
  ]);
  await advanceLocalChain(s.p, 3 * DAY);
  await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
  await s.indexed();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function opened(path: string, who: { address: string; privateKey: string }, width = 1280) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors = pageErrors(page);
  const asked = await signingWallet(page, who, s.p.network);
  await page.goto(`${s.bot.web!.url}${path}`);
  await page.click("#connect");
  await page.waitForFunction(() => document.getElementById("member")!.textContent !== "not connected");
  return { page, errors, asked };
}
const noCondition = (call: { params: any }) => {
  expect(call.params.postConditionMode).toBe("deny");
  expect(postConditionsOf(call.params)).toEqual([]);
};

describe("the council page, in headless Chromium with a test wallet", () => {
  it("executes and approves proposals: the member added, then a parameter proposal approved by the second member", async () => {
    const { page, errors, asked } = await opened(
      `/council?proposal=${memberProposal}&action=execute-proposal`,
      founder(),
    );
    await expect.poll(() => refusalsOf(page)).toEqual([]);
    expect(await page.textContent("#proposal-text")).toBe(`add council member ${second().address}`);
    const executed = await signedCall(page, asked);
    expect(executed.params).toMatchObject({
      contract: s.p.id("insurance-council"),
      functionName: "execute",
      functionArgs: [serializeCV(Cl.uint(memberProposal))],
    });
    noCondition(executed);
    expect(await s.p.read("insurance-council", "is-member", [Cl.principal(second().address)])).toBe(true);
    // Two of two from here on.
    await s.p.call(founder(), "insurance-council", "propose-threshold", [Cl.uint(2)]);
    await s.p.call(founder(), "insurance-council", "execute", [Cl.uint(await lastProposal())]);
    await s.p.call(founder(), "insurance-council", "propose-parameter", [
      Cl.stringAscii("claim-bond-bps"),
      Cl.uint(200),
    ]);
    const parameter = await lastProposal();
    await page.close();
    const other = await opened(`/council?proposal=${parameter}&action=approve-proposal`, second());
    await expect.poll(() => refusalsOf(other.page)).toEqual([]);
    expect(await other.page.textContent("#progress")).toBe("1 of 2 approvals");
    expect(await other.page.textContent("#council-size")).toBe("2 of 2 members must sign");
    const approved = await signedCall(other.page, other.asked);
    expect(approved.params).toMatchObject({ functionName: "approve", functionArgs: [serializeCV(Cl.uint(parameter))] });
    noCondition(approved);
    expect(await proposalOf(parameter)).toMatchObject({ approvals: 2n });
    // Approved, but a parameter change waits out its timelock: executing is refused before signing.
    await other.page.selectOption("#action", "execute-proposal");
    await expect
      .poll(() => refusalsOf(other.page))
      .toEqual([
        expect.stringMatching(new RegExp(`^Proposal #${parameter} is in its timelock: it can be executed from `)),
      ]);
    expect(await other.page.isDisabled("#sign")).toBe(true);
    await other.page.selectOption("#action", "approve-proposal");
    await expect.poll(() => refusalsOf(other.page)).toEqual([`You have approved proposal #${parameter} already.`]);
    expect([...errors, ...other.errors]).toEqual([]);
    await other.page.close();
  });

  it("decides a claim that missed quorum with two signatures, each recorded on-chain", async () => {
    const { page, errors, asked } = await opened("/council?claim=1", founder());
    expect(await page.$$eval("#waiting li", (items) => items.map((li) => li.textContent))).toEqual([
      "Claim #1 · stackswap · 40,000 STX missed quorum: the council decides",
    ]);
    await expect.poll(() => refusalsOf(page)).toEqual([]);
    expect(await page.textContent("#progress")).toBe("0 of 2 to approve, 0 of 2 to deny");
    await page.screenshot({ path: screenshotPath("council-page-desktop"), fullPage: true });
    const first = await signedCall(page, asked);
    expect(first.params).toMatchObject({
      contract: s.p.id("claims-assessment"),
      functionName: "council-approve-claim",
      functionArgs: [serializeCV(Cl.uint(1))],
    });
    noCondition(first);
    expect(await claimOf(1)).toMatchObject({ status: 2n, council: { approvals: 1n } });
    await page.reload();
    await page.click("#connect");
    await expect.poll(() => refusalsOf(page)).toEqual(["You have signed the council's decision on claim #1 already."]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.close();
    const other = await opened("/council?claim=1&action=approve-claim", second(), 390);
    await expect.poll(() => refusalsOf(other.page)).toEqual([]);
    await other.page.screenshot({ path: screenshotPath("council-page-phone"), fullPage: true });
    noCondition(await signedCall(other.page, other.asked));
    expect(await claimOf(1)).toMatchObject({ status: 4n, decidedBy: "council" });
    expect([...errors, ...other.errors]).toEqual([]);
    await other.page.close();
  });

  it("signs a veto with the SHA-256 of the reason typed, and says what stops a veto before signing", async () => {
    const { page, asked } = await opened("/council?claim=1&action=veto", founder());
    await expect
      .poll(() => refusalsOf(page))
      .toEqual(["Write the reason for the veto: its SHA-256 is recorded on-chain."]);
    expect(await page.isDisabled("#sign")).toBe(true);
    const reason = "The team drained its own pool: see the thread.";
    const hash = createHash("sha256").update(reason).digest("hex");
    await page.fill("#reason", reason);
    await expect.poll(() => page.textContent("#reason-hash")).toBe(`0x${hash}`);
    await expect.poll(() => refusalsOf(page)).toEqual([]);
    const vetoed = await signedCall(page, asked);
    expect(vetoed.params).toMatchObject({
      functionName: "council-veto",
      functionArgs: [serializeCV(Cl.uint(1)), serializeCV(Cl.bufferFromHex(hash))],
    });
    noCondition(vetoed);
    expect(
      await s.p.read("claims-assessment", "get-council-signature", [Cl.uint(1), Cl.principal(founder().address)]),
    ).toEqual({ decided: true, vetoed: true });
    expect((await claimOf(1)).council).toMatchObject({ vetoes: 1n });
    await page.close();
  });

  it("refuses, before signing, a wallet that is not on the council and an action the claim or proposal is not open to", async () => {
    const check = async (q: string, who = founder().address) =>
      (await (await fetch(`${s.bot.web!.url}/api/council/check?${q}&address=${who}`)).json()).refusals;
    expect(await check("action=deny-claim&id=1", s.who.buyer.address)).toEqual([
      "This address is not a member of the council.",
      expect.stringMatching(/^Claim #1 is approved: the council decides a claim only when/),
    ]);
    expect(await check("action=approve-claim&id=9")).toEqual(["There is no claim #9."]);
    expect(await check("action=approve-proposal&id=99")).toEqual(["There is no proposal #99."]);
    expect(await check(`action=execute-proposal&id=${memberProposal}`)).toEqual([
      `Proposal #${memberProposal} has been executed.`,
    ]);
    await advanceLocalChain(s.p, 2 * DAY);
    expect(await check(`action=veto&id=1&reason=0x${"ab".repeat(32)}`, second().address)).toEqual([
      expect.stringMatching(/^The veto window of claim #1 closed /),
    ]);
    const { page } = await opened("/council?claim=1&action=deny-claim", s.who.buyer);
    await expect.poll(() => refusalsOf(page)).toContain("This address is not a member of the council.");
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.close();
  });

  it("answers a bad link or check with a clear error", async () => {
    const status = async (path: string) => (await fetch(`${s.bot.web!.url}${path}`)).status;
    expect(await status("/council?action=drain")).toBe(400);
    expect(await status("/council?claim=1&proposal=1")).toBe(400);
    expect(await status("/council?claim=x")).toBe(400);
    expect(await status("/council?proposal=1&action=veto")).toBe(400);
    expect(await status("/council?claim=1&action=execute-proposal")).toBe(400);
    expect(await status(`/api/council/check?action=veto&id=1&address=${founder().address}&reason=abc`)).toBe(400);
    expect(await status(`/api/council/check?action=veto&id=x&address=${founder().address}`)).toBe(400);
    expect(await status("/api/council/check?action=veto&id=1&address=nobody")).toBe(400);
    expect(await status("/council")).toBe(200);
  });
});
