import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { Cl, serializeCV } from "@stacks/transactions";
import type { Browser, Page } from "playwright-core";
import { startStack, type Stack } from "../bot/harness";
import { advanceLocalChain, STX } from "../../devnet/scenario";
import { formatStx } from "../../bot/format/stx";
import { launchBrowser, pageErrors, postConditionsOf, screenshotPath, signingWallet } from "./browser";

let s: Stack;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
  // Past the seeded policy's waiting period (3 days): its cover is in force.
  await advanceLocalChain(s.p, 3 * 86_400 + 3_600);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const EVIDENCE = Buffer.from("forensic report: the bridge's signer key leaked at block 1234\n");
const CLAIMED = 10_000n * STX;
const param = (name: string): Promise<bigint> => s.p.read("insurance-council", "get-parameter", [Cl.stringAscii(name)]);
/** A time as the page's datetime-local field takes it (UTC). */
const fieldTime = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19);
const refusals = (page: Page) => page.$$eval("#refusals li", (items) => items.map((li) => li.textContent));

async function fill(page: Page, f: { amount: string; incident: number; description: string; uri: string }) {
  await page.fill("#amount", f.amount);
  await page.fill("#incident", fieldTime(f.incident));
  await page.fill("#description", f.description);
  await page.fill("#uri", f.uri);
}

describe("the claim-filing page, in headless Chromium with a test wallet", () => {
  it("says every reason the claim would be refused as the form is filled, and keeps the wallet closed while one stands", async () => {
    const page = await browser.newPage();
    const errors = pageErrors(page);
    // Someone other than the holder connects.
    const asked = await signingWallet(page, s.who.team, s.p.network);
    await page.goto(`${s.bot.web!.url}/claim-file/${s.seeded.policyId}`);
    await expect.poll(() => page.title()).toBe(`File a claim on policy #${s.seeded.policyId}`);
    // Served with the cover left filled in, and what is still missing said.
    expect(await page.inputValue("#amount")).toBe("250,000");
    expect(await refusals(page)).toEqual([
      "Say when the incident happened.",
      "Describe the incident.",
      "Choose the evidence file: its SHA-256 is what the claim records.",
      "Give the address where assessors can read the evidence (https://, ipfs:// or ar://).",
    ]);
    expect(await page.isDisabled("#sign")).toBe(true);
    // More than the cover, an incident in the future, an address that is not a link.
    await fill(page, {
      amount: "300000",
      incident: s.api.chain.time + 86_400,
      description: "Bridge drained",
      uri: "evidence.example/report",
    });
    await expect
      .poll(() => refusals(page))
      .toEqual([
        "You can claim at most the cover left on the policy: 250,000 STX.",
        "The incident time is in the future; give the time it happened.",
        "Choose the evidence file: its SHA-256 is what the claim records.",
        "The evidence address must start with https://, ipfs:// or ar:// and hold no spaces or non-ASCII letters.",
      ]);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.fill("#amount", "12,5x");
    await expect
      .poll(() => refusals(page))
      .toContain('"12,5x" is not an amount of STX: type a number such as 250000 or 1500.5.');
    // All typed right: the button opens, but the wallet that connects does not hold the policy.
    await fill(page, {
      amount: "10000",
      incident: s.api.chain.time - 600,
      description: "Bridge drained",
      uri: "ipfs://bafyreport",
    });
    await page.setInputFiles("#evidence", { name: "report.txt", mimeType: "text/plain", buffer: EVIDENCE });
    await expect.poll(() => page.isDisabled("#sign")).toBe(false);
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=error]");
    expect(await refusals(page)).toEqual([
      `Only the policy's holder can file on it: policy #${s.seeded.policyId} is held by ${s.who.buyer.address}, not ${s.who.team.address}.`,
    ]);
    expect(await page.textContent("#status")).toBe(
      "Not sent: the contract would refuse this claim (see Before you sign).",
    );
    // The wallet was asked for an address, never to sign.
    expect(asked.map((a) => a.method)).toEqual(["getAddresses"]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("signs submit-claim with the evidence file's SHA-256 in deny mode, sending at most the bond; the claim opens", async () => {
    const buyer = s.who.buyer;
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = pageErrors(page);
    const asked = await signingWallet(page, buyer, s.p.network);
    const [bondBps, minBond, deductibleBps] = await Promise.all(
      ["claim-bond-bps", "min-claim-bond", "deductible-bps"].map(param),
    );
    const share = (CLAIMED * bondBps!) / 10_000n;
    const bond = share > minBond! ? share : minBond!;
    const payable = CLAIMED - (CLAIMED * deductibleBps!) / 10_000n;
    const incident = s.api.chain.time - 600;
    const sha = createHash("sha256").update(EVIDENCE).digest("hex");
    await page.goto(`${s.bot.web!.url}/claim-file/${s.seeded.policyId}`);
    await fill(page, {
      amount: "10000",
      incident,
      description: "Bridge drained through a leaked signer key",
      uri: "ipfs://bafyreport",
    });
    await page.setInputFiles("#evidence", { name: "report.txt", mimeType: "text/plain", buffer: EVIDENCE });
    await expect.poll(() => page.isDisabled("#sign")).toBe(false);
    expect(await page.textContent("#hash")).toBe(`${sha} (report.txt, ${EVIDENCE.length} bytes)`);
    expect(await page.textContent("#bond")).toBe(`${formatStx(bond)}, sent from your wallet with the claim`);
    expect(await page.textContent("#payable")).toContain(formatStx(payable));
    expect(await page.isVisible("#ready")).toBe(true);
    expect(await page.textContent("#call")).toBe(
      `submit-claim(u${s.seeded.policyId}, u${CLAIMED}, u${incident}, u"Bridge drained through a leaked signer key", 0x${sha}, "ipfs://bafyreport")`,
    );
    await page.screenshot({ path: screenshotPath("claim-file-page-desktop"), fullPage: true });
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=ok]", { timeout: 15_000 });
    const call = asked.find((a) => a.method === "stx_callContract")!;
    expect(call.params).toMatchObject({
      contract: `${s.api.chain.deployer}.cybersecurity-insurance-defi`,
      functionName: "submit-claim",
      functionArgs: [
        Cl.uint(s.seeded.policyId),
        Cl.uint(CLAIMED),
        Cl.uint(incident),
        Cl.stringUtf8("Bridge drained through a leaked signer key"),
        Cl.bufferFromHex(sha),
        Cl.stringAscii("ipfs://bafyreport"),
      ].map(serializeCV),
      postConditionMode: "deny",
      network: "testnet",
    });
    expect(postConditionsOf(call.params)).toEqual([
      { type: "stx-postcondition", address: buyer.address, condition: "lte", amount: String(bond) },
    ]);
    // The chain opened the claim with the file's hash, and took the bond.
    const id: bigint = await s.p.read("claims-assessment", "get-last-claim-id");
    const claim = await s.p.read("claims-assessment", "get-claim", [Cl.uint(id)]);
    expect(claim).toMatchObject({
      claimant: buyer.address,
      policyId: s.seeded.policyId,
      amount: CLAIMED,
      incidentTime: BigInt(incident),
      evidenceHash: `0x${sha}`,
      evidenceUri: "ipfs://bafyreport",
      bond,
    });
    // Sent once: the page offers no second claim.
    expect(await page.isDisabled("#sign")).toBe(true);
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("claim-file-page-phone"), fullPage: true });
    await page.close();
  });

  it("answers the pre-filing check from the chain: an open claim refuses another, whoever asks", async () => {
    const q = new URLSearchParams({
      address: s.who.buyer.address,
      amount: "1000",
      incident: String(s.api.chain.time - 600),
      description: "Second incident",
      hash: "ab".repeat(32),
      uri: "https://evidence.example/2",
    });
    const answer = await fetch(`${s.bot.web!.url}/api/policies/${s.seeded.policyId}/filing-check?${q}`);
    expect(answer.status).toBe(200);
    const last: bigint = await s.p.read("claims-assessment", "get-last-claim-id");
    expect((await answer.json()).refusals).toEqual([
      `Claim #${last} is already open on this policy; a new one can be filed once it is decided.`,
    ]);
  });

  it("answers a bad policy number or a bad check with a clear error", async () => {
    const status = async (path: string) => (await fetch(`${s.bot.web!.url}${path}`)).status;
    expect(await status("/claim-file/99")).toBe(404);
    expect(await status("/claim-file/abc")).toBe(404);
    expect(await status("/api/policies/99/filing-check")).toBe(404);
    expect(await status("/api/policies/1/filing-check?address=nobody")).toBe(400);
    expect(await status("/api/policies/1/filing-check?incident=yesterday")).toBe(400);
    expect(await status("/api/policies/1/filing-check?colour=red")).toBe(400);
    const page = await (await fetch(`${s.bot.web!.url}/claim-file/99`)).text();
    expect(page).toContain("There is no policy #99.");
  });
});
