import { describe, it, expect, beforeAll, afterAll } from "vitest";
import {
  Cl,
  PostConditionMode,
  broadcastTransaction,
  makeContractCall,
  privateKeyToAddress,
} from "@stacks/transactions";
import type { APIEmbed } from "discord-api-types/v10";
import { startStack, opt, type Stack } from "./harness";
import { STX, stakeAssessors, openClaims } from "../../devnet/scenario";

const CLAIMS = 10;
const VOTERS = 30;
const WINDOW_MS = 1_000;
let s: Stack;
let channelId: string;
const voters = Array.from({ length: VOTERS }, (_v, i) => {
  const privateKey = `${(i + 1000).toString(16).padStart(64, "0")}01`;
  return { privateKey, address: privateKeyToAddress(privateKey, "testnet") };
});
const tally = (embed: APIEmbed | undefined) => embed?.fields?.find((f) => f.name === "Tally")?.value;

beforeAll(async () => {
  s = await startStack({ bot: { editWindowMs: WINDOW_MS } });
  channelId = s.discord.channel("claims").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", channelId)])], admin);
  await stakeAssessors(s.p, s.api.url, voters);
  await openClaims(s.p, s.api, s.who.buyer, CLAIMS, 500n * STX);
  await s.discord.waitFor(() => s.discord.channelMessages(channelId).length >= CLAIMS, 30_000, "ten alerts");
}, 180_000);
afterAll(async () => s?.stop());

describe("a burst of 300 votes in one block", () => {
  it("draws no 429, edits each alert at most once per window, and ends with every tally equal to the chain's", async () => {
    const editsBefore = s.bot.feed.coalescer.edits.length;
    s.api.chain.autoMine = false;
    for (let c = 1; c <= CLAIMS; c++) {
      for (const [i, v] of voters.entries()) {
        const tx = await makeContractCall({
          contractAddress: s.api.chain.deployer,
          contractName: "claims-assessment",
          functionName: "vote",
          functionArgs: [Cl.uint(c), Cl.bool(i % 3 !== 0)],
          senderKey: v.privateKey,
          network: s.p.network,
          postConditionMode: PostConditionMode.Deny,
        });
        const sent = await broadcastTransaction({ transaction: tx, network: s.p.network });
        expect("error" in sent).toBe(false);
      }
    }
    const block = s.api.chain.mineMempool()!;
    s.api.chain.autoMine = true;
    expect(block.txids).toHaveLength(CLAIMS * VOTERS);
    // 20 of 30 voters approve, each with 1,000 STX of stake at 1x.
    const expected = "`███████░░░` 66.7% approve · 33.3% deny\n30 votes, 30,000 weight · approval needs over 60%";
    await s.discord.waitFor(
      () =>
        s.discord
          .channelMessages(channelId)
          .slice(0, CLAIMS)
          .every((m) => tally(m.embeds[0]) === expected),
      60_000,
      "every alert to show the final tally",
    );
    await s.bot.feed.coalescer.idle();
    for (let c = 1; c <= CLAIMS; c++) {
      const onChain = await s.p.read("claims-assessment", "get-claim", [Cl.uint(c)]);
      expect([onChain!.approveWeight, onChain!.denyWeight, onChain!.voterCount]).toEqual([
        20_000n * STX,
        10_000n * STX,
        30n,
      ]);
    }
    expect(s.discord.requests.filter((r) => r.status === 429)).toEqual([]);
    const edits = s.bot.feed.coalescer.edits.slice(editsBefore);
    for (let c = 1; c <= CLAIMS; c++) {
      const times = edits.filter((e) => e.claimId === c).map((e) => e.at);
      expect(times.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(WINDOW_MS);
    }
    // Ten alerts and no other messages: the burst produced edits, not posts.
    expect(s.discord.channelMessages(channelId)).toHaveLength(CLAIMS);
  });
});
