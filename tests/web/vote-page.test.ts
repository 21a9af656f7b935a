import { describe, it, expect, beforeAll, afterAll } from "vitest";
import {
  Cl,
  PostConditionMode,
  broadcastTransaction,
  hexToCV,
  makeContractCall,
  serializeCV,
  privateKeyToPublic,
  type ClarityValue,
} from "@stacks/transactions";
import type { Browser } from "playwright-core";
import { startStack, opt, type Stack } from "../bot/harness";
import { STX } from "../../devnet/scenario";
import { installTestWallet, launchBrowser, pageErrors, screenshotPath, signingWallet } from "./browser";
import { channelTranscriptHtml } from "../../devnet/local-discord/transcript";

let s: Stack;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", s.discord.channel("claims").id)])], admin);
  for (const [i, amount] of [100_000n, 50_000n].entries())
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  await fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 3 * 86_400 + 7_200 }) });
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(60_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Oracle manipulated through a flash loan"),
    Cl.bufferFromHex("ef".repeat(32)),
    Cl.stringAscii("https://evidence.example/oracle.tar.gz"),
  ]);
  await s.discord.waitFor(() => s.discord.channelMessages(s.discord.channel("claims").id)[0], 10_000, "the alert");
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe("the vote page, in headless Chromium with a test wallet", () => {
  it("shows the claim, asks the wallet for exactly the vote call in deny mode, and the signed vote moves the tally the bot shows", async () => {
    const voter = s.who.assessors[0]!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    // The test wallet: answers as a SIP-030 provider would, signing with the voter's devnet key here in Node.
    const asked = await signingWallet(page, voter, s.p.network);
    await page.goto(`${s.bot.web!.url}/vote/1?choice=deny`);
    await expect.poll(() => page.title()).toBe("Vote on claim #1");
    expect(await page.textContent("h1")).toBe("Claim #1 · stackswap");
    expect(await page.textContent("#amount")).toBe("60,000 STX (pays 54,000 STX after the deductible)");
    // Each line as shown (a <br> between lines).
    const lines = (selector: string) => page.$eval(selector, (el) => el.innerHTML.split("<br>"));
    expect(await lines("#tally")).toEqual(["░░░░░░░░░░ No votes yet", "approval needs over 60%"]);
    // Quorum counts stake (10% of the 150,000 STX staked) and, on a claim this size, 3 different voters.
    expect(await lines("#quorum")).toEqual([
      "░░░░░░░░░░ 15,000 STX more stake and 3 more voters needed",
      "0 STX of 15,000 STX stake voted · 0 of 3 voters",
    ]);
    expect(await page.textContent("#claim-status")).toMatch(/^Voting closes .+ \(in \d+ days\)$/);
    expect(await page.textContent("#claimant")).toContain("Earlier claims: None: this is the claimant's first claim.");
    expect(await page.textContent("#policy")).toMatch(/^#1 · [\d,]+ STX of cover, [\d,]+ STX left · \d+ days, /);
    expect(await page.textContent("#bond")).toMatch(
      /^[\d,]+ STX: returned to the claimant with the payout; forfeited if/,
    );
    expect(await page.$$eval("#risks li", (items) => items.map((li) => li.textContent))).toEqual([
      "Locks: your stake held when the claim opened, until you settle the vote once the claim is closed (/settle).",
      "With the outcome: a share of the reward by weight, and reputation by up to +0.1×.",
      "Against it: reputation by up to −0.2× (less on a claim small against your stake), so less weight next time.",
      "Approving a claim the council vetoes: 10% of the stake your vote used is slashed.",
    ]);
    expect(await page.isChecked("input[value=deny]")).toBe(true);
    await page.screenshot({ path: screenshotPath("vote-page-desktop"), fullPage: true });
    await page.click("input[value=approve]");
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=ok]", { timeout: 15_000 });
    expect(await page.textContent("#voter")).toBe(`${voter.address} · weight 100,000 STX`);
    // Exactly one call: vote(claim 1, approve) in post-condition deny mode, no post-conditions.
    const call = asked.find((a) => a.method === "stx_callContract")!;
    expect(call.params).toMatchObject({
      contract: `${s.api.chain.deployer}.claims-assessment`,
      functionName: "vote",
      functionArgs: [serializeCV(Cl.uint(1)), serializeCV(Cl.bool(true))],
      postConditionMode: "deny",
      postConditions: [],
      network: "testnet",
    });
    expect(asked.map((a) => a.method)).toEqual(["getAddresses", "stx_callContract"]);
    const link = await page.getAttribute("#tx", "href");
    expect(link).toMatch(/^https:\/\/explorer\.hiro\.so\/txid\/0x[0-9a-f]{64}\?chain=testnet/);
    // The chain took the vote, and the bot's alert shows it.
    const claim = await s.p.read("claims-assessment", "get-claim", [Cl.uint(1)]);
    expect(claim?.approveWeight).toBe(100_000n * STX);
    const alert = s.discord.channelMessages(s.discord.channel("claims").id)[0]!;
    await s.discord.waitFor(
      () =>
        alert.embeds[0]?.fields?.find((f) => f.name === "Tally")?.value ===
        "`██████████` 100.0% approve · 0.0% deny\n1 vote, 100,000 weight · approval needs over 60%",
      10_000,
      "the tally in the channel",
    );
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), "nothing wider than a phone").toBe(390);
    await page.screenshot({ path: screenshotPath("vote-page-phone"), fullPage: true });
    await page.close();
  });

  it("shows the claim's alert on a 390 × 844 phone without scrolling, and its details in the thread", async () => {
    const claims = s.discord.channel("claims").id;
    const alert = s.discord.channelMessages(claims)[0]!;
    // The details post opens the claim's thread, once.
    const thread = s.discord.threads.find((t) => t.id === alert.id)!;
    const details = await s.discord.waitFor(
      () => s.discord.channelMessages(thread.id).find((m) => m.embeds[0]?.title === "Claim #1 · details"),
      10_000,
      "the details in the thread",
    );
    expect(
      s.discord.channelMessages(thread.id).filter((m) => m.embeds[0]?.title === "Claim #1 · details"),
    ).toHaveLength(1);
    const names = details.embeds[0]!.fields!.map((f) => f.name);
    expect(names).toEqual([
      "Evidence",
      "Incident",
      "Claimant",
      "Claimant's earlier claims",
      "Policy",
      "Protocol",
      "Bond",
      "Rules",
      "What your vote locks and risks",
    ]);
    expect(details.embeds[0]!.fields!.find((f) => f.name === "Evidence")!.value).toContain(
      `SHA-256 \`${"ef".repeat(32)}\``,
    );
    // The first view: the claim, amounts, the deadline once, tally, quorum, latest votes, buttons.
    expect(alert.embeds[0]!.fields!.map((f) => f.name)).toEqual(["Tally", "Quorum", "Latest votes"]);
    expect(`${alert.content}${alert.embeds[0]!.description}`.match(/<t:\d+:R>/g)).toHaveLength(1);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.setContent(channelTranscriptHtml(s.discord, claims, "claims", { now: s.api.chain.time }));
    const box = await page.locator(`article[data-message-id="${alert.id}"]`).boundingBox();
    expect(box!.height, "the alert's height at 390 px").toBeLessThanOrEqual(844);
    expect(box!.y + box!.height, "the alert ends within the first screen").toBeLessThanOrEqual(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), "nothing wider than a phone").toBe(390);
    await page.screenshot({ path: screenshotPath("claim-alert-phone") });
    await page.locator(`#thread-${thread.id}`).screenshot({ path: screenshotPath("claim-details-phone") });
    await page.close();
  });

  it("signs the choice shown when the button was pressed: the controls lock while the wallet is open, and the confirmation repeats the signed call", async () => {
    const voter = s.who.assessors[1]!;
    const page = await browser.newPage();
    const calls: any[] = [];
    let release!: () => void;
    const walletOpen = new Promise<void>((resolve) => {
      release = resolve;
    });
    let prompted!: () => void;
    const promptShown = new Promise<void>((resolve) => {
      prompted = resolve;
    });
    await installTestWallet(page, async (method: string, params: any) => {
      if (method === "getAddresses")
        return {
          addresses: [{ symbol: "STX", address: voter.address, publicKey: privateKeyToPublic(voter.privateKey) }],
        };
      calls.push(params);
      prompted();
      await walletOpen; // the wallet's prompt stays open until the test has tried to change the vote
      const [contractAddress, contractName] = String(params.contract).split(".") as [string, string];
      const transaction = await makeContractCall({
        contractAddress,
        contractName,
        functionName: params.functionName,
        functionArgs: (params.functionArgs as string[]).map((a) => hexToCV(a) as ClarityValue),
        senderKey: voter.privateKey,
        network: s.p.network,
        postConditionMode: PostConditionMode.Deny,
        postConditions: [],
      });
      const sent = await broadcastTransaction({ transaction, network: s.p.network });
      if ("error" in sent) throw new Error(sent.reason);
      return { txid: sent.txid };
    });
    await page.goto(`${s.bot.web!.url}/vote/1?choice=deny`);
    await page.click("#sign");
    await promptShown;
    expect(await page.isDisabled("input[value=approve]")).toBe(true);
    expect(await page.isDisabled("#sign")).toBe(true);
    await page.click("input[value=approve]", { force: true }); // a disabled control: nothing changes
    expect(await page.isChecked("input[value=deny]")).toBe(true);
    expect(await page.textContent("#status")).toBe("Sign the vote in your wallet: deny claim #1…");
    release();
    await page.waitForSelector("#status[data-kind=ok]", { timeout: 15_000 });
    expect(calls.map((c) => c.functionArgs)).toEqual([[serializeCV(Cl.uint(1)), serializeCV(Cl.bool(false))]]);
    expect(await page.textContent("#status")).toBe("Vote sent: deny. It counts once the transaction is in a block.");
    expect(await page.textContent("#signed")).toBe(
      `Signed: ${s.api.chain.deployer}.claims-assessment.vote(u1, false) in post-condition deny mode.`,
    );
    expect(await page.isDisabled("input[value=approve]")).toBe(false);
    await page.close();
  });

  it("tells a member without stake at the opening that the vote would weigh nothing, and sends nothing", async () => {
    const stranger = s.who.team; // on the protocol's team and without stake
    const page = await browser.newPage();
    const asked: string[] = [];
    await installTestWallet(page, async (method: string) => {
      asked.push(method);
      return {
        addresses: [{ symbol: "STX", address: stranger.address, publicKey: privateKeyToPublic(stranger.privateKey) }],
      };
    });
    await page.goto(`${s.bot.web!.url}/vote/1?choice=approve`);
    await page.click("#sign");
    await page.waitForSelector("#status[data-kind=error]");
    expect(await page.textContent("#status")).toBe("The claimant and the protocol's team cannot vote on this claim.");
    expect(asked).toEqual(["getAddresses"]);
    await page.close();
  });

  it("answers an unknown claim with a page that says so", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${s.bot.web!.url}/vote/99`);
    expect(response!.status()).toBe(404);
    expect(await page.textContent("p")).toBe("There is no claim #99.");
    await page.close();
  });
});
