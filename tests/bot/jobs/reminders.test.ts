import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { startStack, opt, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";
import { sendReminders } from "../../../bot/jobs/reminders";

/**
 * Reminders before a claim's vote closes mention only the members who can still vote: linked wallets with stake,
 * in the server, that have not voted. Marks come from REMINDER_HOURS (here 30 and 2 hours, not the default 24
 * and 1). One stack: one claim whose vote runs its 72 hours through both marks.
 */
let s: Stack;
let claims: string;
const HOUR = 3_600;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const reminders = () => s.discord.channelMessages(claims).filter((m) => m.content.includes("⏰"));
const remind = async () => {
  await s.indexed();
  return sendReminders(s.bot.ctx);
};
/** The four linked assessors with stake, in the server. */
let assessors: string[];
let unstaked: string;
let outsider: string;
let votingEndsAt: number;

beforeAll(async () => {
  s = await startStack({ env: { REMINDER_HOURS: "2, 30" } });
  claims = s.discord.channel("claims").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  const stakers = [...s.who.assessors, s.who.auditor];
  for (const who of [...stakers, s.who.provider])
    await s.p.call(who, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  assessors = [];
  for (const [i, who] of stakers.entries()) {
    const id = s.member(`assessor${i}`);
    await s.bot.ctx.store.linkWallet(id, who.address);
    assessors.push(id);
  }
  // Two of them also asked for DMs about claims they can vote on: one votes, the other does not.
  for (const id of [assessors[0]!, assessors[2]!]) await s.run("notify", [opt.bool("unvoted-claims", true)], id);
  // Linked without stake; and linked with stake but not a member of this server.
  unstaked = s.member("no-stake");
  await s.bot.ctx.store.linkWallet(unstaked, s.who.oracle.address);
  outsider = s.discord.addUser("elsewhere").id;
  await s.bot.ctx.store.linkWallet(outsider, s.who.provider.address);
  await advance(3 * 86_400 + 2 * HOUR);
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(50_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Drained"),
    Cl.bufferFromHex("aa".repeat(32)),
    Cl.stringAscii("https://e.example/x"),
  ]);
  await s.discord.waitFor(() => s.discord.channelMessages(claims)[0], 10_000, "the alert");
  await s.indexed();
  votingEndsAt = Number((await s.bot.ctx.store.index.claim(1n))!.votingEndsAt);
  for (const who of stakers.slice(0, 2))
    await s.p.call(who, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
}, 120_000);
afterAll(async () => s?.stop());

/** Moves the chain to `hours` before the vote closes. */
const until = (hours: number) => advance(votingEndsAt - hours * HOUR - s.api.chain.time);

describe("reminders", () => {
  it("at the configured marks, mention only the linked assessors in the server who have not voted, once", async () => {
    await until(31);
    expect(await remind()).toBe(0); // before the furthest mark
    await until(29); // within 30 hours: the default 24-hour mark would not be due yet
    expect(await remind()).toBe(1);
    expect(await remind()).toBe(0);
    const [reminder] = reminders();
    const [, , third, fourth] = assessors;
    expect(reminder!.content).toMatch(
      new RegExp(`^<@${third}> <@${fourth}> ⏰ Voting on claim #1 closes <t:\\d+:R>\\. Enough stake has voted, but`),
    );
    expect(reminder!.mentions.map((u) => u.id)).toEqual([third, fourth]);
    expect(reminder!.mention_roles).toEqual([]);
    expect(reminder!.message_reference).toMatchObject({ message_id: s.discord.channelMessages(claims)[0]!.id });
    for (const never of [assessors[0], assessors[1], unstaked, outsider])
      expect(reminder!.content).not.toContain(never);
    // By DM, to those who asked: the claim when it opened, and the reminder only to the one who has not voted.
    const dms = (id: string) => s.discord.dms(id).map((m) => m.content);
    expect(dms(third!)).toEqual([
      expect.stringMatching(/^🗳️ New claim #1 on \*\*stackswap\*\* for 50,000 STX, and your stake can vote on it/),
      expect.stringMatching(/^⏰ You have not voted on claim #1 yet: voting closes <t:\d+:R>\. Enough stake has voted/),
    ]);
    expect(dms(assessors[0]!)).toEqual([expect.stringMatching(/^🗳️ New claim #1 /)]);
  });

  it("posts no reminder at all once every linked assessor has voted", async () => {
    for (const who of [s.who.assessors[2]!, s.who.auditor])
      await s.p.call(who, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(false)], "deny");
    await until(1); // within the 2-hour mark
    expect(await remind()).toBe(0);
    expect(reminders()).toHaveLength(1);
    expect(s.discord.dms(assessors[2]!)).toHaveLength(2);
  });
});
