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
    expect(await page.textContent("#tally")).toBe("For 0 STX (0%) · Against 0 STX · 0 votes");
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
        "For 100,000 STX (100%) · Against 0 STX (0%) · 1 vote",
      10_000,
      "the tally in the channel",
    );
    expect(errors).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("vote-page-phone"), fullPage: true });
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
