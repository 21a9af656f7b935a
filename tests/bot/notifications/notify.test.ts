import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { PermissionFlagsBits } from "discord.js";
import { startStack, answerOf, opt, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";

/**
 * `/notify` DMs and the council ping, driven through one claim's whole life on the local chain: filed, voted on
 * by one assessor (too few voters: no quorum), escalated, approved by the council (veto window open), paid.
 * Alice (linked to the council's wallet, with stake, a voter) could be told of every kind but chose two; Bob holds
 * the policy and chose its claims' status.
 */
let s: Stack;
let claims: string;
let council: string;
let alice: string;
let bob: string;
/** The web server's address when the DMs and pings were sent (a restart binds another port). */
let web: string;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const dmsOf = (id: string) => s.discord.dms(id).map((m) => m.content);
const buttonsOf = (m: { components?: unknown[] }) =>
  ((m.components?.[0] as { components: { label: string; url: string }[] } | undefined)?.components ?? []).map((b) => [
    b.label,
    b.url,
  ]);
const waitFor = <T>(what: string, f: () => T | undefined | false) => s.discord.waitFor(f, 15_000, what);

async function fileClaim(policyId: bigint, amount = 60_000n) {
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(policyId),
    Cl.uint(amount * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Reentrancy"),
    Cl.bufferFromHex("cd".repeat(32)),
    Cl.stringAscii("https://evidence.example/x"),
  ]);
}

beforeAll(async () => {
  s = await startStack();
  claims = s.discord.channel("claims").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  council = s.discord.addRole("council", { mentionable: true }).id;
  expect(answerOf(await s.run("setup", [opt.sub("council-role", [opt.role("role", council)])], admin)).content).toBe(
    `When a claim needs the council (no quorum, a large claim, or an approval the council can veto), I will ping <@&${council}> under the claim's alert with a link to act.`,
  );
  for (const who of [s.who.council, s.who.assessors[0]!])
    await s.p.call(who, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  alice = s.member("alice");
  bob = s.member("bob");
  await s.bot.ctx.store.linkWallet(alice, s.who.council.address);
  await s.bot.ctx.store.linkWallet(bob, s.who.buyer.address);
  await advance(3 * 86_400 + 7_200);
}, 120_000);
afterAll(async () => s?.stop());

describe("/setup council-role", () => {
  it("refuses a role Discord would not ping, saying how to fix it, and shows the role chosen", async () => {
    const admin = s.member("admin2", [s.discord.role("admins").id]);
    const quiet = s.discord.addRole("quiet").id;
    // Servers often let @everyone mention every role; here nobody may, the bot included.
    const everyone = s.discord.guild.id;
    const was = s.discord.role("@everyone").permissions;
    s.discord.updateRole(everyone, { permissions: String(BigInt(was) & ~PermissionFlagsBits.MentionEveryone) });
    const cached = () => s.bot.client.guilds.cache.get(everyone)!.roles.cache.get(everyone)!;
    await waitFor("the role update", () => !cached().permissions.has(PermissionFlagsBits.MentionEveryone));
    const refused = answerOf(await s.run("setup", [opt.sub("council-role", [opt.role("role", quiet)])], admin));
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`I can't ping <@&${quiet}>: it is not mentionable.`);
    s.discord.updateRole(everyone, { permissions: was });
    const shown = answerOf(await s.run("setup", [opt.sub("show")], admin));
    expect(shown.embed.description).toContain(`Council role: <@&${council}>`);
  });
});

describe("/notify", () => {
  it("answers privately with the member's choices, and saves the ones given", async () => {
    const none = answerOf(await s.run("notify", [], alice));
    expect(none.ephemeral).toBe(true);
    expect(none.content).toContain("Your notification DMs");
    expect(none.content).toContain("⬜ New claims · `new-claims`");
    const chose = answerOf(await s.run("notify", [opt.bool("new-claims", true), opt.bool("rewards", true)], alice));
    expect(chose.ephemeral).toBe(true);
    expect(chose.content.split("\n").slice(0, 6)).toEqual([
      "Saved. The bot sends you these DMs:",
      "✅ New claims · `new-claims`",
      "⬜ Claims you can vote on and have not (when opened, and with the reminders) · `unvoted-claims`",
      "✅ Rewards ready to settle (a claim you voted on closed) · `rewards`",
      "⬜ Your policies' claims (filed, outcome, paid) · `policy-claims`",
      "⬜ Council actions needed (for council members) · `council`",
    ]);
    await s.run("notify", [opt.bool("policy-claims", true)], bob);
    const listed = answerOf(await s.run("notify", [], alice));
    expect(listed.content).toContain("✅ Rewards ready to settle");
    const unlinked = answerOf(await s.run("notify", [opt.bool("rewards", true)], s.member("carol")));
    expect(unlinked.content).toContain("You have not linked a wallet yet: run `/link`.");
  });

  it("sends a member exactly the DMs they chose, each once, through a claim's whole life", async () => {
    await fileClaim(s.seeded.policyId);
    await waitFor("the alert", () => s.discord.channelMessages(claims)[0]);
    await s.p.call(s.who.council, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the escalation DM", () => dmsOf(bob)[1]);
    await s.p.call(s.who.council, "claims-assessment", "council-approve-claim", [Cl.uint(1)]);
    await waitFor("the approval DM", () => dmsOf(bob)[2]);
    await advance(86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "execute-payout", [Cl.uint(1)]);
    await waitFor("the rewards DM", () => dmsOf(alice)[1]);
    await waitFor("the payout DM", () => dmsOf(bob)[3]);
    // The same events once more (a crash before they were marked handled): nothing is sent twice.
    web = s.bot.web!.url;
    const replayed = await s.bot.ctx.store.sql.run(
      "INSERT INTO pending_events (seq) SELECT seq FROM chain_events WHERE contract_id LIKE '%.claims-assessment' ON CONFLICT DO NOTHING",
    );
    expect(replayed).toBeGreaterThan(0);
    await s.restart();
    await s.indexed();
    expect(dmsOf(alice)).toEqual([
      expect.stringMatching(/^🆕 New claim #1 on \*\*stackswap\*\* for 60,000 STX: voting closes <t:\d+:R>\.$/),
      "💰 Claim #1 is closed (paid): settle your vote to collect your reward and unlock your stake. Your wallet signs, as for a vote.",
    ]);
    expect(buttonsOf(s.discord.dms(alice)[1]!)).toEqual([["Settle my vote", `${web}/settle?claim=1`]]);
    expect(dmsOf(bob)).toEqual([
      expect.stringMatching(
        /^📄 Your claim #1 on policy #1 \(\*\*stackswap\*\*\) for 60,000 STX is filed: assessors vote until <t:\d+:R>\.$/,
      ),
      "🏛️ Your claim #1 on policy #1 went to the council: the vote did not reach quorum.",
      expect.stringMatching(/^✅ Your claim #1 on policy #1 is approved: 54,000 STX is payable <t:\d+:R> unless/),
      expect.stringMatching(/^💸 Your claim #1 on policy #1 is paid: 54,000 STX to your wallet/),
    ]);
  });

  it("pings the council role under the claim's alert, with a link to act, when it escalates and while it can veto", async () => {
    const [alert, ...posts] = s.discord.channelMessages(claims);
    const pings = posts.filter((m) => m.mention_roles.includes(council));
    expect(pings.map((m) => m.content)).toEqual([
      `<@&${council}> 🏛️ Claim #1 needs the council: the vote did not reach quorum. 54,000 STX is at stake.`,
      expect.stringMatching(
        new RegExp(
          `^<@&${council}> 🏛️ Claim #1 is approved for 54,000 STX: the council can veto it until <t:\\d+:R>\\.$`,
        ),
      ),
    ]);
    for (const ping of pings) {
      expect(ping.message_reference).toMatchObject({ message_id: alert!.id });
      expect(ping.mention_roles).toEqual([council]);
    }
    expect(buttonsOf(pings[0]!)).toEqual([["Council: decide", `${web}/council?claim=1&action=approve-claim`]]);
    expect(buttonsOf(pings[1]!)).toEqual([["Council: veto", `${web}/council?claim=1&action=veto`]]);
  });

  it("stops a kind once turned off, and skips a member whose DMs are closed without holding up the others", async () => {
    expect(answerOf(await s.run("notify", [opt.bool("new-claims", false)], alice)).content).toContain("⬜ New claims");
    const dave = s.member("dave");
    const carol = s.member("carol2");
    for (const id of [carol, dave]) await s.run("notify", [opt.bool("new-claims", true)], id);
    s.discord.closedDms.add(dave);
    const quote = await s.p.quote(1, 10_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(10_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    await advance(3 * 86_400 + 3_600);
    await fileClaim(await s.p.read("cybersecurity-insurance-defi", "get-last-policy-id"), 5_000n);
    // Dave (the older id) is tried first: his refusal is logged, and Carol's DM still goes out after it.
    await waitFor("carol's DM", () => dmsOf(carol)[0]);
    expect(dmsOf(carol)[0]).toMatch(/^🆕 New claim #2 /);
    expect(dmsOf(dave)).toEqual([]);
    expect(s.logs.some((l) => l.includes("the member takes no DMs from the bot; notification not sent"))).toBe(true);
    expect(dmsOf(alice)).toHaveLength(2);
  });

  it("tells council members who asked when a claim needs the council, and nobody whose wallet is not on it", async () => {
    await s.run("notify", [opt.bool("council", true)], alice);
    const erin = s.member("erin");
    await s.bot.ctx.store.linkWallet(erin, s.who.assessors[0]!.address);
    await s.run("notify", [opt.bool("council", true)], erin);
    // Claim #2 gets no vote: no quorum, and the council decides.
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(2)]);
    await waitFor("the council DM", () => s.discord.dms(alice)[2]);
    await s.indexed(); // the escalation's handlers have all run (Erin's DM would come after Alice's)
    expect(dmsOf(alice)[2]).toBe("🏛️ Claim #2 needs the council: the vote did not reach quorum. 4,500 STX is at stake.");
    expect(buttonsOf(s.discord.dms(alice)[2]!)).toEqual([
      ["Council: decide", `${s.bot.web!.url}/council?claim=2&action=approve-claim`],
    ]);
    expect(dmsOf(erin)).toEqual([]);
  });
});
