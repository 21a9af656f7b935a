import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { ChannelType, OverwriteType, PermissionFlagsBits as P } from "discord-api-types/v10";
import type { APIEmbed } from "discord-api-types/v10";
import { startStack, answerOf, opt, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";

/**
 * Subscriptions per channel against the local Discord and the local chain, in one server: a forum channel with
 * one post per claim whose tags follow its status, two text channels that each get exactly the events and
 * protocols they chose with their own role mentioned, registry and council announcements where they were asked
 * for only, /setup show listing it all, /unsubscribe stopping posts, and a channel the bot cannot post in refused.
 * The tests run in order on one claim's life.
 */

let s: Stack;
let admin: string;
let forumId: string;
let outcomes: string;
let purchases: string;
let news: string;
let outcomeRole: string;
let buyersRole: string;
let forumRole: string;
let newsRole: string;

const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const waitFor = <T>(what: string, f: () => T | undefined | false) => s.discord.waitFor(f, 15_000, what);
const fields = (embed: APIEmbed | undefined) => Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
const subscribe = async (channelId: string, more: ReturnType<typeof opt.str>[] = []) =>
  answerOf(await s.run("subscribe", [opt.channel("channel", channelId), ...more], admin));
const texts = (channelId: string) => s.discord.channelMessages(channelId).map((m) => m.content);
const forumPosts = () => s.discord.threads.filter((t) => t.parent_id === forumId);
const tagNames = (thread: { applied_tags?: string[] }) => {
  const forum = s.discord.guild.channels.find((c) => c.id === forumId) as {
    available_tags: { id: string; name: string }[];
  };
  return (thread.applied_tags ?? []).map((id) => forum.available_tags.find((t) => t.id === id)?.name);
};
const botRole = () => s.discord.botRole().id;
/** Waits until the bot's cache shows a change the local Discord announced over the gateway. */
const seen = (what: string, check: () => boolean) => s.discord.waitFor(check, 5_000, what);
const cached = (id: string) => s.bot.client.channels.cache.get(id);

beforeAll(async () => {
  s = await startStack();
  admin = s.member("admin", [s.discord.role("admins").id]);
  outcomes = s.discord.channel("claims").id;
  purchases = s.discord.channel("pool-reports").id;
  news = s.discord.channel("general").id;
  const mentionable = { mentionable: true };
  outcomeRole = s.discord.role("assessors").id;
  buyersRole = s.discord.addRole("buyers", mentionable).id;
  forumRole = s.discord.addRole("claim-watchers", mentionable).id;
  newsRole = s.discord.addRole("governance", mentionable).id;
  forumId = s.discord.addChannel("claims-forum", ChannelType.GuildForum).id;
  await seen("the forum channel", () => cached(forumId) !== undefined);
  for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries())
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  await advance(3 * 86_400 + 7_200);
  // The seeded listing, audit and purchase are history by now: nothing below is about them.
  await s.indexed();
}, 120_000);
afterAll(async () => s?.stop());

describe("/subscribe refuses a channel it could not post in", () => {
  it("names the permissions the bot lacks in a text channel, and saves nothing", async () => {
    s.discord.setOverwrites(news, [
      { id: botRole(), type: OverwriteType.Role, allow: "0", deny: (P.SendMessages | P.EmbedLinks).toString() },
    ]);
    await seen("the overwrite", () =>
      (cached(news) as { permissionOverwrites: { cache: Map<string, unknown> } }).permissionOverwrites.cache.has(
        botRole(),
      ),
    );
    const answer = await subscribe(news, [opt.str("events", "listings")]);
    expect(answer).toMatchObject({
      ephemeral: true,
      content: `I can't post there: in <#${news}> I am missing Send Messages, Embed Links. Give my role those permissions in the channel's settings (Permissions), or choose another channel.`,
    });
    const show = answerOf(await s.run("setup", [opt.sub("show")], admin));
    expect(show.embed.description).toContain("**Subscriptions** (0;");
    s.discord.setOverwrites(news, []);
    await seen(
      "the overwrite removed",
      () =>
        (cached(news) as { permissionOverwrites: { cache: Map<string, unknown> } }).permissionOverwrites.cache.size ===
        0,
    );
  });

  it("names the status tags a forum lacks while the bot may not create them, then creates them once it may", async () => {
    const refused = await subscribe(forumId, [opt.role("role", forumRole)]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(
      `A claim's post in <#${forumId}> is tagged with its status, and the forum lacks the tags \`voting\`, \`escalated\`, \`approved\`, \`denied\`, \`vetoed\`, \`paid\`. ` +
        "Create them (Edit Channel → Tags), or give my role Manage Channels there so I create them, then subscribe again.",
    );
    s.discord.setOverwrites(forumId, [
      { id: botRole(), type: OverwriteType.Role, allow: P.ManageChannels.toString(), deny: "0" },
    ]);
    await seen("Manage Channels in the forum", () =>
      (cached(forumId) as { permissionOverwrites: { cache: Map<string, unknown> } }).permissionOverwrites.cache.has(
        botRole(),
      ),
    );
    const accepted = await subscribe(forumId, [opt.role("role", forumRole)]);
    expect(accepted.content).toBe(
      `Subscribed <#${forumId}>: \`claims\`; all protocols, mentions <@&${forumRole}>.\n` +
        "Each claim is one forum post there, tagged with its status.\n" +
        "I created the forum tags `voting`, `escalated`, `approved`, `denied`, `vetoed`, `paid`.",
    );
    const forum = s.discord.guild.channels.find((c) => c.id === forumId) as { available_tags: { name: string }[] };
    expect(forum.available_tags.map((t) => t.name)).toEqual([
      "voting",
      "escalated",
      "approved",
      "denied",
      "vetoed",
      "paid",
    ]);
  });

  it("takes claims only in a forum, and refuses a role its posts could not ping", async () => {
    expect((await subscribe(forumId, [opt.str("events", "council")])).content).toBe(
      "A forum channel gets one post per claim, so it takes `claims` only, not `council`. Subscribe a text channel to those.",
    );
    // Without "Mention @everyone, @here and All Roles" (which @everyone has in a new server), a role that is
    // not mentionable would not be pinged.
    const everyone = s.discord.guild.roles.find((r) => r.id === s.discord.guild.id)!;
    s.discord.updateRole(everyone.id, { permissions: (BigInt(everyone.permissions) & ~P.MentionEveryone).toString() });
    const quiet = s.discord.addRole("quiet").id;
    await seen("the quiet role", () => s.bot.client.guilds.cache.get(s.discord.guild.id)!.roles.cache.has(quiet));
    await seen(
      "@everyone without Mention Everyone",
      () => !s.bot.client.guilds.cache.get(s.discord.guild.id)!.members.me!.permissions.has(P.MentionEveryone),
    );
    expect((await subscribe(news, [opt.role("role", quiet)])).content).toBe(
      `<@&${quiet}> is not mentionable, so my posts would not ping it. In Server Settings → Roles, turn on "Allow anyone to @mention this role" for it, or choose another role.`,
    );
  });
});

describe("channels subscribed to different events and protocols", () => {
  it("saves each channel's choice, adding events on a repeated /subscribe, and /setup show lists them", async () => {
    expect(
      (
        await subscribe(outcomes, [
          opt.str("events", "outcomes"),
          opt.str("protocol", "stackswap"),
          opt.role("role", outcomeRole),
        ])
      ).content,
    ).toBe(`Subscribed <#${outcomes}>: \`outcomes\`; stackswap, mentions <@&${outcomeRole}>.`);
    await subscribe(purchases, [opt.str("events", "purchases"), opt.role("role", buyersRole)]);
    await subscribe(news, [opt.str("events", "listings"), opt.role("role", newsRole)]);
    expect((await subscribe(news, [opt.str("events", "council")])).content).toBe(
      `Subscribed <#${news}>: \`listings\`, \`council\`; all protocols, mentions <@&${newsRole}>.`,
    );
    // `protocol:` autocompletes: all protocols first, then the registry's names.
    const typing = async (value: string) =>
      (await s.run("subscribe", [{ ...opt.str("protocol", value), focused: true } as never], admin, { focused: true }))
        .callbacks[0]!.data.choices;
    expect(await typing("")).toEqual([
      { name: "All protocols", value: "all" },
      { name: "stackswap (stacks, active)", value: "stackswap" },
    ]);
    expect(await typing("stack")).toEqual([{ name: "stackswap (stacks, active)", value: "stackswap" }]);
    const show = answerOf(await s.run("setup", [opt.sub("show")], admin));
    expect(show.ephemeral).toBe(true);
    expect(show.embed.description).toContain("**Subscriptions** (4;");
    for (const line of [
      `• <#${forumId}>: \`claims\`; all protocols, mentions <@&${forumRole}>`,
      `• <#${outcomes}>: \`outcomes\`; stackswap, mentions <@&${outcomeRole}>`,
      `• <#${purchases}>: \`purchases\`; all protocols, mentions <@&${buyersRole}>`,
      `• <#${news}>: \`listings\`, \`council\`; all protocols, mentions <@&${newsRole}>`,
    ])
      expect(show.embed.description).toContain(line);
  });

  it("a claim is one forum post tagged voting, its votes inside; the outcomes channel gets no alert", async () => {
    await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
      Cl.uint(s.seeded.policyId),
      Cl.uint(60_000n * STX),
      Cl.uint(s.api.chain.time - 600),
      Cl.stringUtf8("Reentrancy in the swap router"),
      Cl.bufferFromHex("cd".repeat(32)),
      Cl.stringAscii("https://evidence.example/incident.tar.gz"),
    ]);
    const post = await waitFor("the forum post", () => forumPosts()[0]);
    expect(post.name).toBe("Claim #1 · stackswap");
    expect(tagNames(post)).toEqual(["voting"]);
    const starter = s.discord.channelMessages(post.id)[0]!;
    expect(starter.id).toBe(post.id);
    expect(starter.content).toMatch(new RegExp(`^<@&${forumRole}> New claim #1 on \\*\\*stackswap\\*\\*`));
    expect(starter.mention_roles).toEqual([forumRole]);
    for (const i of [0, 1, 2])
      await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(i < 2)], "deny");
    await waitFor("the votes in the post", () => fields(starter.embeds[0])["Latest votes"]?.split("\n").length === 3);
    expect(texts(outcomes)).toEqual([]);
  });

  it("outcomes move the post's tag (approved, then paid) and are posted inside it; the outcomes channel gets them with its role", async () => {
    const post = forumPosts()[0]!;
    // A post quiet for a while is archived by Discord: the bot reopens it to move its tag.
    s.discord.archiveThread(post.id);
    await seen("the archived post", () => (cached(post.id) as { archived?: boolean } | undefined)?.archived === true);
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the approved tag", () => tagNames(post)[0] === "approved");
    await waitFor("the approval inside the post", () => s.discord.channelMessages(post.id)[2]);
    await advance(86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "execute-payout", [Cl.uint(1)]);
    await waitFor("the paid tag", () => tagNames(post)[0] === "paid");
    await waitFor("the payout inside the post", () => s.discord.channelMessages(post.id)[3]);
    await waitFor("both outcomes in the outcomes channel", () => texts(outcomes).length === 2);
    await waitFor("the incident the approval recorded", () => texts(news).length === 1);
    await s.bot.feed.coalescer.idle();
    expect(forumPosts()).toHaveLength(1);
    expect(tagNames(forumPosts()[0]!)).toEqual(["paid"]);
    const inside = s.discord.channelMessages(post.id).map((m) => m.content);
    // The starter message (the alert), the claim's details, then each outcome.
    expect(inside).toHaveLength(4);
    expect(s.discord.channelMessages(post.id)[1]!.embeds[0]?.title).toBe("Claim #1 · details");
    expect(inside[2]).toMatch(/^✅ Claim #1 approved by vote/);
    expect(inside[3]).toMatch(/^💸 Claim #1 paid/);
    const posted = s.discord.channelMessages(outcomes);
    expect(posted.map((m) => m.content.replace(`<@&${outcomeRole}> `, "").slice(0, 11))).toEqual([
      inside[2]!.slice(0, 11),
      inside[3]!.slice(0, 11),
    ]);
    for (const m of posted) {
      expect(m.content.startsWith(`<@&${outcomeRole}> `)).toBe(true);
      expect(m.mention_roles).toEqual([outcomeRole]);
    }
    // The purchases channel heard nothing of the claim; the listings channel only that its approval recorded an
    // incident on the protocol (a registry event).
    expect(texts(purchases)).toEqual([]);
    expect(texts(news)).toHaveLength(1);
    expect(texts(news)[0]).toMatch(
      new RegExp(
        `^<@&${newsRole}> ⚠️ An incident was recorded on \\*\\*stackswap\\*\\* \\(1 in all\\): its risk score rises · \\[transaction\\]`,
      ),
    );
  });

  it("a purchase goes to the purchases channel alone, mentioning its role", async () => {
    const quote = await s.p.quote(1, 1_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    const bought = await waitFor("the purchase", () => s.discord.channelMessages(purchases)[0]);
    expect(bought.content).toMatch(
      new RegExp(`^<@&${buyersRole}> 🛡️ ST3AM1…GCS0 bought 1,000 STX of cover on \\*\\*stackswap\\*\\*`),
    );
    expect(bought.mention_roles).toEqual([buyersRole]);
    await s.indexed();
    expect(texts(outcomes)).toHaveLength(2);
    expect(texts(news)).toHaveLength(1);
  });
});

describe("registry and council announcements", () => {
  it("announces a listing, its audit and a council proposal in the channel subscribed to them, and nowhere else", async () => {
    await s.p.call(s.who.team, "protocol-registry", "list-protocol", [
      Cl.stringAscii("velar"),
      Cl.stringAscii("https://velar.example"),
      Cl.stringAscii("https://source.example/velar"),
      // A chain name is the lister's choice: it must not ping anyone.
      Cl.stringAscii("@everyone <#1> **x**"),
      Cl.uint(1),
      Cl.list([Cl.principal(s.who.team.address)]),
    ]);
    await s.p.call(s.who.oracle, "protocol-registry", "approve-listing", [Cl.uint(2)]);
    await s.p.call(s.who.auditor, "protocol-registry", "record-audit", [
      Cl.uint(2),
      Cl.bufferFromHex("ab".repeat(32)),
      Cl.stringAscii("https://audits.example/velar.pdf"),
      Cl.uint(0),
      Cl.uint(1),
      Cl.uint(2),
      Cl.uint(3),
      Cl.uint(2),
    ]);
    await s.p.call(s.who.council, "insurance-council", "propose-parameter", [Cl.stringAscii("min-voters"), Cl.uint(4)]);
    await waitFor("four announcements", () => texts(news).length >= 5);
    const posted = s.discord.channelMessages(news).slice(1);
    const shown = posted.map((m) => m.content.replace(`<@&${newsRole}> `, ""));
    expect(shown).toHaveLength(4);
    // The registry's and the council's logs are read apart: their posts' order between them is not fixed.
    const starting = (emoji: string) => shown.find((t) => t.startsWith(emoji));
    expect(starting("📝")).toMatch(
      /^📝 \*\*velar\*\* \(protocol #2, @\u200beveryone <\u200b#1> \\\*\\\*x\\\*\\\*, dex\) was submitted for listing by ST\w+…\w+: \[website\]\(https:\/\/velar\.example\/\), \[source\]\(https:\/\/source\.example\/velar\)\. /,
    );
    expect(starting("✅")).toMatch(/^✅ \*\*velar\*\* \(protocol #2\) is listed: cover can be bought with `\/buy`/);
    expect(starting("🔍")).toMatch(
      /^🔍 Audit #2 of \*\*velar\*\* by ST\w+…\w+: \*\*pass with conditions\*\*, 0 critical, 1 high, 2 medium, 3 low findings\. \[Report\]\(https:\/\/audits\.example\/velar\.pdf\)/,
    );
    expect(starting("🏛️")).toMatch(/^🏛️ Council proposal #\d+ by ST\w+…\w+: set \*\*min-voters\*\* to 4\. /);
    for (const m of posted) {
      expect(m.content.startsWith(`<@&${newsRole}> `)).toBe(true);
      expect([m.mention_everyone, m.mention_roles]).toEqual([false, [newsRole]]);
    }
    // Nowhere else: the outcomes channel follows stackswap's outcomes, the purchases channel purchases.
    await s.indexed();
    expect(texts(outcomes)).toHaveLength(2);
    expect(texts(purchases)).toHaveLength(1);
    expect(forumPosts()).toHaveLength(1);
  });

  it("a protocol filter keeps another protocol's listings out", async () => {
    await subscribe(purchases, [opt.str("events", "listings"), opt.str("protocol", "stackswap")]);
    await s.p.call(s.who.oracle, "protocol-registry", "pause-protocol", [Cl.uint(2)]);
    await s.p.call(s.who.oracle, "protocol-registry", "pause-protocol", [Cl.uint(1)]);
    await waitFor("stackswap's pause", () => texts(purchases).length === 2);
    await waitFor("both pauses in the news channel", () => texts(news).length === 7);
    expect(texts(purchases)[1]).toMatch(
      new RegExp(`^<@&${buyersRole}> ⏸️ \\*\\*stackswap\\*\\* \\(protocol #1\\) is paused`),
    );
  });
});

describe("/unsubscribe", () => {
  it("stops a channel's posts (some events, then all), and /setup show no longer lists it", async () => {
    expect(
      answerOf(await s.run("unsubscribe", [opt.channel("channel", news), opt.str("events", "council")], admin)).content,
    ).toBe(`Now <#${news}>: \`listings\`; all protocols, mentions <@&${newsRole}>.`);
    await s.p.call(s.who.council, "insurance-council", "propose-parameter", [
      Cl.stringAscii("min-stake"),
      Cl.uint(2_000_000),
    ]);
    expect(answerOf(await s.run("unsubscribe", [opt.channel("channel", news)], admin)).content).toBe(
      `<#${news}> gets nothing from me any more.`,
    );
    await s.p.call(s.who.oracle, "protocol-registry", "unpause-protocol", [Cl.uint(2)]);
    // The stackswap-only channel hears nothing of velar: a later stackswap event proves the two were handled.
    await s.p.call(s.who.oracle, "protocol-registry", "unpause-protocol", [Cl.uint(1)]);
    await waitFor("stackswap's unpause", () => texts(purchases).length === 3);
    await s.indexed();
    expect(texts(news)).toHaveLength(7);
    const show = answerOf(await s.run("setup", [opt.sub("show")], admin));
    expect(show.embed.description).toContain("**Subscriptions** (3;");
    expect(show.embed.description).not.toContain(`<#${news}>:`);
    expect(answerOf(await s.run("unsubscribe", [opt.channel("channel", news)], admin)).content).toBe(
      `<#${news}> is not subscribed to anything. \`/setup show\` lists this server's subscriptions.`,
    );
  });
});
