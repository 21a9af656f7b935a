import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { Cl } from "@stacks/transactions";
import cron from "node-cron";
import { startStack, opt, type Stack } from "./harness";
import { STX } from "../../devnet/scenario";
import { sendReminders } from "../../bot/jobs/reminders";
import { postPoolReport } from "../../bot/jobs/pool-report";
import { startJobs, SCHEDULES } from "../../bot/jobs/scheduler";

let s: Stack;
let claims: string;
const HOUR = 3_600;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const shown = () => s.discord.channelMessages(claims).map((m) => m.content);

beforeEach(async () => {
  // The keeper signs with its own devnet key (wallet_4 here), never a member's.
  s = await startStack({ env: { KEEPER_PRIVATE_KEY: "" } });
  claims = s.discord.channel("claims").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  await s.run("setup", [opt.sub("assessor-role", [opt.role("role", s.discord.role("assessors").id)])], admin);
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  await s.p.call(s.who.assessors[1]!, "assessor-staking", "stake", [Cl.uint(800_000n * STX)]);
  await s.p.call(s.who.assessors[2]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  await advance(3 * 86_400 + 2 * HOUR);
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(50_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Drained"),
    Cl.bufferFromHex("aa".repeat(32)),
    Cl.stringAscii("https://e.example/x"),
  ]);
  await s.discord.waitFor(() => shown()[0], 10_000, "the alert");
  await s.p.call(s.who.assessors[0]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
});
afterEach(async () => s?.stop());

/** A reminder pass once the index has followed the chain (reminders find what is due there). */
async function remind() {
  await s.indexed();
  return sendReminders(s.bot.ctx);
}

describe("reminders", () => {
  // The two staked assessors who have not voted, linked (reminders mention only linked members who can vote).
  let waiting: string[];
  beforeEach(async () => {
    waiting = [s.member("assessor1"), s.member("assessor2")];
    for (const [i, id] of waiting.entries()) await s.bot.ctx.store.linkWallet(id, s.who.assessors[i + 1]!.address);
  });

  it("mentions the assessors who have not voted 24 hours and 1 hour before the vote closes, with the distance to quorum, once each", async () => {
    expect(await remind()).toBe(0); // nearly three days left
    await advance(2 * 86_400 + HOUR);
    expect(await remind()).toBe(1);
    expect(await remind()).toBe(0);
    // One vote carries the stake quorum, but a claim of 1,000 STX or more needs three different voters.
    expect(shown()[1]).toMatch(
      new RegExp(
        `^<@${waiting[0]}> <@${waiting[1]}> ⏰ Voting on claim #1 closes <t:\\d+:R>\\. Enough stake has voted, but quorum needs 3 different voters: 2 more are needed\\.$`,
      ),
    );
    await advance(22 * HOUR);
    expect(await remind()).toBe(1);
    expect(shown()).toHaveLength(3);
    expect(s.discord.channelMessages(claims)[2]!.mentions.map((u) => u.id)).toEqual(waiting);
    expect(s.discord.channelMessages(claims)[2]!.mention_roles).toEqual([]);
  });

  it("reminds once when the bot is killed between sending a reminder and recording it, and restarted", async () => {
    await advance(2 * 86_400 + HOUR);
    const store = s.bot.ctx.store;
    const record = store.markPosted.bind(store);
    // The process dies the moment Discord has the reminder: its record is never written.
    store.markPosted = async (key: string) => {
      if (key.startsWith("reminder:")) throw new Error("killed");
      return record(key);
    };
    await expect(remind()).rejects.toThrow("killed");
    expect(shown().filter((c) => c.includes("⏰ Voting on claim #1"))).toHaveLength(1);
    await s.restart();
    await remind();
    expect(shown().filter((c) => c.includes("⏰ Voting on claim #1"))).toHaveLength(1);
    expect(await remind()).toBe(0);
  });

  it("says how much stake is still missing when quorum is not reached", async () => {
    // A second policy and claim, opened after more stake arrived: 10 % of 2,000,000 STX is needed.
    await s.p.call(s.who.assessors[1]!, "assessor-staking", "stake", [Cl.uint(1_000_000n * STX)]);
    const quote = await s.p.quote(1, 10_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(10_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    await advance(3 * 86_400 + HOUR);
    await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
      Cl.uint(2),
      Cl.uint(1_000n * STX),
      Cl.uint(s.api.chain.time - 60),
      Cl.stringUtf8("Second"),
      Cl.bufferFromHex("bb".repeat(32)),
      Cl.stringAscii("https://e.example/y"),
    ]);
    await s.discord.waitFor(() => shown().some((c) => c.includes("New claim #2")), 10_000, "the second alert");
    await s.p.call(s.who.assessors[0]!, "claims-assessment", "vote", [Cl.uint(2), Cl.bool(true)], "deny");
    await advance(2 * 86_400 + HOUR);
    await remind();
    const reminder = shown().find((c) => c.includes("Voting on claim #2 closes"));
    expect(reminder).toMatch(
      /100,000 STX of 200,000 STX stake has voted \(50% of quorum\): 100,000 STX more is needed\.$/,
    );
  });
});

describe("the keeper", () => {
  it("finalizes after the window, pays after the veto window, and expires policies after their term and grace period", async () => {
    const keeperStack = s.bot.keeper;
    expect(keeperStack).toBeUndefined(); // no key configured in this stack
    const { Keeper } = await import("../../bot/jobs/keeper");
    const keeper = new Keeper(s.bot.ctx, (s.bot.ctx.reader as any).client, s.who.oracle.privateKey);
    await s.indexed();
    expect(await keeper.run()).toEqual({ finalized: [], paid: [], expired: [], capRefreshed: false });
    for (const i of [1, 2])
      await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
    await advance(3 * 86_400);
    await s.indexed();
    expect(await keeper.run()).toMatchObject({ finalized: [1n] });
    await s.discord.waitFor(() => shown()[1], 10_000, "the result");
    expect(shown()[1]).toContain("✅ Claim #1 approved by vote");
    await advance(86_400);
    await s.indexed();
    expect(await keeper.run()).toMatchObject({ paid: [1n] });
    await s.discord.waitFor(() => shown()[2], 10_000, "the payout");
    expect(shown()[2]).toContain("💸 Claim #1 paid: 45,000 STX");
    // The policy bought when the stack was seeded (90 days) runs out; claims may still come for 14 days.
    await advance(90 * 86_400);
    await s.bot.watcher.poll();
    await s.indexed();
    expect(await keeper.run()).toMatchObject({ expired: [] });
    expect((await s.p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]))?.status).toBe(1n);
    await advance(14 * 86_400);
    const mark = async () => (await s.p.read("capital-pool", "get-pool-stats")).protocolCapMark;
    expect(await mark()).toBeGreaterThan(0n);
    // The local chain mines each call at once, so the same pass sees the policy gone and no protocol with
    // cover: it proves that, and the pool's bound comes down.
    await s.indexed();
    expect(await keeper.run()).toMatchObject({ expired: [1n], capRefreshed: true });
    expect(await mark()).toBe(0n);
    const policy = await s.p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]);
    expect(policy?.status).toBe(2n);
    await s.bot.watcher.poll();
    await s.indexed();
    expect(await keeper.run()).toEqual({ finalized: [], paid: [], expired: [], capRefreshed: false });
  });
});

describe("the keeper on the real API's terms", () => {
  const closeVote = async () => {
    for (const i of [1, 2])
      await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
    await advance(3 * 86_400);
  };
  const keeper = async () => {
    const { Keeper } = await import("../../bot/jobs/keeper");
    return new Keeper(s.bot.ctx, s.bot.ctx.reader.client, s.who.oracle.privateKey);
  };

  it("keeps finalizing and paying with the deprecated v1 routes switched off (410), counting its own nonce", async () => {
    s.api.deprecatedGone = true;
    const k = await keeper();
    await closeVote();
    const nonceReads = () => s.api.requests.get("GET /extended/v3/principals/{principal}/nonces") ?? 0;
    const readsBefore = nonceReads();
    await s.indexed();
    expect(await k.run()).toMatchObject({ finalized: [1n] });
    await advance(86_400);
    await s.indexed();
    expect(await k.run()).toMatchObject({ paid: [1n] });
    const nonces = s.logs.filter((l) => l.includes("keeper call sent")).map((l) => BigInt(JSON.parse(l).nonce));
    // Read once, then counted: finalize, payout (and the cap refresh the payout allows), one nonce after another.
    expect(nonces.length).toBeGreaterThanOrEqual(2);
    expect(nonces).toEqual(nonces.map((_n, i) => nonces[0]! + BigInt(i)));
    expect(nonceReads() - readsBefore).toBe(1);
    expect(s.logs.join("")).not.toContain("keeper call refused");
    // The pool page reads transaction times in batches (/extended/v1/tx/multiple, current in v9), not the gone v1 route.
    expect((await fetch(`${s.bot.web!.url}/pool`)).status).toBe(200);
  });

  it("signs nothing when the node's fee estimate is above KEEPER_MAX_FEE_USTX, says so, and goes on once it is below", async () => {
    const k = await keeper();
    await closeVote();
    s.api.feeRate = 500_000; // about 90 STX for a finalize, as seen on a busy node
    const sent = s.api.chain.txs.size;
    await s.indexed();
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(s.api.chain.txs.size).toBe(sent);
    const warning = JSON.parse(s.logs.find((l) => l.includes("fee estimate is above KEEPER_MAX_FEE_USTX"))!);
    expect(warning).toMatchObject({ functionName: "finalize-claim", cap: "100000" });
    expect(BigInt(warning.fee)).toBeGreaterThan(100_000n);
    s.api.feeRate = 1;
    await s.indexed();
    expect(await k.run()).toMatchObject({ finalized: [1n] });
  });
});

describe("the daily pool report and the schedule", () => {
  it("posts the pool report once a day per server", async () => {
    expect(await postPoolReport(s.bot.ctx, "2026-11-22")).toBe(1);
    expect(await postPoolReport(s.bot.ctx, "2026-11-22")).toBe(0);
    const report = s.discord.channelMessages(claims).at(-1)!;
    expect(report.content).toBe("📊 Daily pool report, 2026-11-22");
    expect(report.embeds[0]!.title).toBe("Capital pool");
  });

  it("posts the pool report once when the bot stopped between sending it and recording it", async () => {
    await postPoolReport(s.bot.ctx, "2026-11-23");
    await s.bot.ctx.store.sql.run("DELETE FROM posted_events WHERE event_key LIKE 'pool-report:%'");
    await postPoolReport(s.bot.ctx, "2026-11-23");
    expect(
      s.discord.channelMessages(claims).filter((m) => m.content === "📊 Daily pool report, 2026-11-23"),
    ).toHaveLength(1);
  });

  it("schedules every job with node-cron, the keeper only when it has a key", async () => {
    const without = startJobs(s.bot.client, s.bot.ctx);
    expect(without.map((t) => t.name).sort()).toEqual([
      "index-check",
      "link-nonce-purge",
      "outbox-prune",
      "pool-refresh",
      "pool-report",
      "protocol-refresh",
      "reminders",
      "role-sync",
      "transaction-results",
    ]);
    for (const t of without) await t.stop();
    const { Keeper } = await import("../../bot/jobs/keeper");
    const withKeeper = startJobs(
      s.bot.client,
      s.bot.ctx,
      new Keeper(s.bot.ctx, (s.bot.ctx.reader as any).client, s.who.oracle.privateKey),
    );
    expect(withKeeper.map((t) => t.name).sort()).toEqual([
      "index-check",
      "keeper",
      "link-nonce-purge",
      "outbox-prune",
      "pool-refresh",
      "pool-report",
      "protocol-refresh",
      "reminders",
      "role-sync",
      "transaction-results",
    ]);
    for (const t of withKeeper) await t.stop();
    for (const expression of Object.values(SCHEDULES)) expect(cron.validate(expression)).toBe(true);
  });
});
