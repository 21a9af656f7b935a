import { describe, it, expect, beforeEach, afterEach, vi } from "vitest";
import { Cl } from "@stacks/transactions";
import type { APIEmbed } from "discord-api-types/v10";
import { startStack, opt, type Stack } from "./harness";
import { STX } from "../../devnet/scenario";
import { startChainhooksSender, type LocalChainhooksSender } from "../../devnet/chainhooks-sender";
import { WATCHED_CONTRACTS } from "../../bot/app";
import { ClaimFeed } from "../../bot/discord/claim-feed";
import type { ProtocolEvent } from "../../bot/chain/events";

/**
 * The claim lifecycle with EVENT_SOURCE=chainhooks: every event reaches the bot as a Chainhooks 2.0 delivery
 * from the local sender (devnet/chainhooks-sender.ts), never by polling. The poller's safety net is an hour
 * apart, so after its start-up catch-up it reads no contract log: the tests count the local API's contract-log
 * requests to show it.
 */

const SECRET = "local-consumer-secret-0123456789";
const LOGS = "GET /extended/v2/smart-contracts/{id}/logs";
/** Longer than any test: the safety net never polls on its own here. */
const SAFETY_NET_MS = 3_600_000;

let s: Stack;
let sender: LocalChainhooksSender;
let claims: string;
let logReadsAtStart: number;

const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const channel = () => s.discord.channelMessages(claims);
const fields = (embed: APIEmbed | undefined) => Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
const waitFor = <T>(what: string, f: () => T | undefined | false) => s.discord.waitFor(f, 10_000, what);
const logReads = () => s.api.requests.get(LOGS) ?? 0;
const receiverUrl = () => `${s.bot.web!.url}/chainhooks/events`;

beforeEach(async () => {
  s = await startStack({
    env: { EVENT_SOURCE: "chainhooks", CHAINHOOKS_CONSUMER_SECRET: SECRET },
    bot: { pollMs: SAFETY_NET_MS },
  });
  // A hook registered now: blocks from here on, with a log of a watched contract.
  sender = startChainhooksSender(s.api.chain, {
    url: receiverUrl(),
    secret: SECRET,
    contracts: WATCHED_CONTRACTS.map((c) => s.p.id(c)),
    attempts: 200,
    backoffMs: 50,
    maxBackoffMs: 200,
  });
  claims = s.discord.channel("claims").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  await s.run("setup", [opt.sub("assessor-role", [opt.role("role", s.discord.role("assessors").id)])], admin);
  for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries()) {
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  }
  await advance(3 * 86_400 + 7_200);
  logReadsAtStart = logReads();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await sender?.stop();
  await s?.stop();
});

async function fileClaim() {
  const txid = await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(60_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Reentrancy in the swap router"),
    Cl.bufferFromHex("cd".repeat(32)),
    Cl.stringAscii("https://evidence.example/incident.tar.gz"),
  ]);
  const alert = await s.discord.waitFor(() => channel()[0], 10_000, "the claim alert");
  return { txid, alert };
}

const vote = (i: number, approve: boolean) =>
  s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(approve)], "deny");

/** How many blocks from the tip down to (and with) the one that holds the transaction. */
const depthOf = (txid: string) => s.api.chain.tipHeight - s.api.chain.txs.get(`0x${txid}`)!.blockHeight! + 1;

describe("events pushed by Chainhooks", () => {
  it("a claim's alert, its live tally and its outcome, each from a delivery; the poller reads no log", async () => {
    const { alert } = await fileClaim();
    expect(alert.content).toMatch(/^<@&\d+> New claim #1 on \*\*stackswap\*\* for 60,000 STX\.$/);
    const txids = [await vote(0, true), await vote(1, true), await vote(2, false)];
    await waitFor(
      "the tally edit",
      () =>
        fields(alert.embeds[0]).Tally ===
        "`████████░░` 83.3% approve · 16.7% deny\n3 votes, 180,000 weight · approval needs over 60%",
    );
    await waitFor("every vote linked", () =>
      txids.every((txid) => fields(alert.embeds[0])["Latest votes"]?.includes(txid)),
    );
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the result", () => channel()[1]);
    expect(channel()[1]!.content).toMatch(
      /^✅ Claim #1 approved by vote: 83\.3% approve · 16\.7% deny of 180,000 weight, 3 votes\./,
    );
    await sender.idle();
    // Eight blocks with watched logs (the three stakes, the claim, three votes, the finalization), each delivered
    // once, with the secret.
    expect(sender.deliveries.map((d) => [d.ok, d.attempts, d.status])).toEqual(Array(8).fill([true, 1, 200]));
    expect(sender.deliveries.flatMap((d) => d.payload.event.rollback)).toEqual([]);
    expect(logReads()).toBe(logReadsAtStart);
    // The safety net, run now, finds nothing it has not seen: the keys of pushed events are the poller's.
    await s.bot.watcher.poll();
    await s.bot.feed.coalescer.idle();
    expect(logReads()).toBeGreaterThan(logReadsAtStart);
    expect(channel()).toHaveLength(2);
    expect(fields(alert.embeds[0])["Latest votes"]!.split("\n")).toHaveLength(3);
  }, 90_000);

  it("a vote made while deliveries fail is caught up at start-up by the poller; the redelivery is skipped by key", async () => {
    const { alert } = await fileClaim();
    await vote(0, true);
    await waitFor("the first vote", () => fields(alert.embeds[0]).Tally?.includes("\n1 vote, "));
    await sender.idle();
    // The bot goes away (its address answers nothing); Chainhooks keeps retrying the next block.
    sender.url = "http://127.0.0.1:9/chainhooks/events";
    const handled: ProtocolEvent[] = [];
    const handle = ClaimFeed.prototype.handle;
    vi.spyOn(ClaimFeed.prototype, "handle").mockImplementation(function (this: ClaimFeed, event) {
      handled.push(event);
      return handle.call(this, event);
    });
    const missed = await vote(1, false);
    // A purchase moves STX before it prints: its events' indexes count those transfers (Chainhooks: two operations each).
    const quote = await s.p.quote(1, 1_000n * STX, 30);
    const bought = await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    const purchase = s.api.chain.txs.get(`0x${bought}`)!;
    expect(purchase.events.findIndex((e) => e.kind === "log")).toBeGreaterThan(0);
    const failedSoFar = sender.deliveries.length;
    await s.restart();
    // Caught up before any delivery is accepted: by the poller, from the position the deliveries left.
    expect(logReads()).toBeGreaterThan(logReadsAtStart);
    const seen = () => handled.map((e) => `${e.topic} ${e.txid} ${e.eventIndex}`).sort();
    const caughtUp = seen();
    expect(caughtUp).toContain(`vote-cast 0x${missed} 0`);
    expect(caughtUp.filter((e) => e.startsWith(`policy-purchased 0x${bought} `))).toHaveLength(1);
    sender.url = receiverUrl();
    await sender.idle();
    // Chainhooks' redeliveries (the vote's block, then the purchase's) are answered 200, and skipped by key.
    const redelivered = sender.deliveries.slice(failedSoFar);
    expect(redelivered.map((d) => d.payload.event.apply[0]!.transactions[0]!.transaction_identifier.hash)).toEqual([
      `0x${missed}`,
      `0x${bought}`,
    ]);
    expect(redelivered.map((d) => [d.ok, d.status])).toEqual([
      [true, 200],
      [true, 200],
    ]);
    expect(redelivered[0]!.attempts).toBeGreaterThan(1);
    expect(seen()).toEqual(caughtUp);
    await waitFor("the tally after the restart", () => fields(alert.embeds[0]).Tally?.includes("\n2 votes, "));
  }, 90_000);

  it("a re-organisation: the delivery rolls the claim's block back and its alert says it was dropped", async () => {
    const { txid, alert } = await fileClaim();
    await sender.idle();
    s.api.chain.reorg(depthOf(txid));
    await waitFor("the dropped alert", () => alert.content.startsWith("⚠️ **Dropped by a chain re-organisation.**"));
    expect(alert.content).toContain("Claim #1 told of a");
    expect(alert.content).toContain(txid);
    expect(alert.embeds).toEqual([]);
    expect(alert.components).toEqual([]);
    await sender.idle();
    const reorg = sender.deliveries.at(-1)!;
    expect(reorg.ok).toBe(true);
    expect(reorg.payload.event.rollback.map((b) => b.transactions[0]!.transaction_identifier.hash)).toEqual([
      `0x${txid}`,
    ]);
    expect(reorg.payload.event.apply).toEqual([]);
    expect(channel()).toHaveLength(1);
    expect(logReads()).toBe(logReadsAtStart);
  }, 90_000);

  it("a re-organisation that mines the claim again: rolled back, then applied, in one delivery; announced again", async () => {
    const { txid } = await fileClaim();
    await sender.idle();
    s.api.chain.reorg(depthOf(txid), { remine: 1 });
    // What the bot wrote to the channel: the alert, then (the rollback) its edit, then (the apply) the claim again.
    const writes = () =>
      s.discord.requests
        .filter(
          (r) => r.method !== "GET" && /^\/channels\/\d+\/messages(\/\d+)?$/.test(r.path) && r.path.includes(claims),
        )
        .map((r) => [r.method, String((r.body as { content?: string } | undefined)?.content ?? "").slice(0, 44)]);
    await waitFor("the claim announced again", () => writes().length >= 3);
    expect(writes()).toEqual([
      ["POST", expect.stringMatching(/^<@&\d+> New claim #1 on/)],
      ["PATCH", expect.stringMatching(/^⚠️ \*\*Dropped by a chain re-organisation\.\*\*/)],
      ["POST", expect.stringMatching(/^<@&\d+> New claim #1 on/)],
    ]);
    // The channel as members see it: the first alert says it was dropped, the claim is announced again below it.
    await waitFor("the new alert", () => channel()[1]);
    expect(channel().map((m) => m.content)).toEqual([
      expect.stringMatching(/^⚠️ \*\*Dropped/),
      expect.stringMatching(/^<@&\d+> New claim/),
    ]);
    await sender.idle();
    const reorg = sender.deliveries.at(-1)!;
    const blocks = (list: typeof reorg.payload.event.apply) =>
      list.map((b) => [b.block_identifier.index, b.transactions.map((t) => t.transaction_identifier.hash)]);
    const height = s.api.chain.txs.get(`0x${txid}`)!.blockHeight!;
    expect([reorg.ok, blocks(reorg.payload.event.rollback), blocks(reorg.payload.event.apply)]).toEqual([
      true,
      [[height, [`0x${txid}`]]],
      [[height, [`0x${txid}`]]],
    ]);
    expect(reorg.payload.event.rollback[0]!.block_identifier.hash).not.toBe(
      reorg.payload.event.apply[0]!.block_identifier.hash,
    );
    expect(logReads()).toBe(logReadsAtStart);
  }, 90_000);
});
