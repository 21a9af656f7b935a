import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { OverwriteType, PermissionFlagsBits as P } from "discord-api-types/v10";
import type { TextChannel } from "discord.js";
import { startStack, answerOf, opt, type Stack } from "../harness";

/**
 * `/setup` against the local Discord with real role positions, permissions and channel overwrites:
 * a role staking would hand out must be harmless and one the bot can give, and a channel must let the
 * bot post what it posts there. Every refusal is private, says why, and saves nothing.
 */

let s: Stack;
let admin: string;
beforeAll(async () => {
  s = await startStack();
  admin = s.member("admin", [s.discord.role("admins").id]);
});
afterAll(async () => s?.stop());

const guildId = () => s.discord.guild.id;
const chooseRole = async (roleId: string) =>
  answerOf(await s.run("setup", [opt.sub("assessor-role", [opt.role("role", roleId)])], admin));
const chooseChannel = async (sub: "alerts" | "feed", channelId: string) =>
  answerOf(await s.run("setup", [opt.sub(sub, [opt.channel("channel", channelId)])], admin));
/** Waits until the bot's cache shows a change the local Discord announced over the gateway. */
const seen = (what: string, check: () => boolean) => s.discord.waitFor(check, 5_000, what);
const bits = (...flags: bigint[]) => flags.reduce((a, b) => a | b, 0n).toString();

describe("/setup assessor-role", () => {
  it("refuses @everyone", async () => {
    const answer = await chooseRole(guildId());
    expect(answer).toMatchObject({
      ephemeral: true,
      content:
        "`@everyone` is every member of the server, so it cannot say who has stake. Choose (or create) a role for assessors.",
    });
    expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBeNull();
  });

  it("refuses a managed role: the bot's own, and an integration's", async () => {
    const own = s.discord.botRole();
    expect(await chooseRole(own.id)).toMatchObject({
      ephemeral: true,
      content: `<@&${own.id}> is managed by an integration (a bot's own role, or the booster role): only that integration can give it. Choose a role the server created.`,
    });
    const boosters = s.discord.addRole("Server Booster", { managed: true, tags: { premium_subscriber: null } });
    await seen("the booster role", () => s.bot.client.guilds.cache.get(guildId())!.roles.cache.has(boosters.id));
    expect((await chooseRole(boosters.id)).content).toContain("is managed by an integration");
    expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBeNull();
  });

  it("refuses a role above the bot's highest role", async () => {
    const veterans = s.discord.addRole("veterans", { position: s.discord.botRole().position + 1 });
    await seen(
      "the veterans role",
      () => s.bot.client.guilds.cache.get(guildId())!.roles.cache.get(veterans.id)?.position === veterans.position,
    );
    expect(await chooseRole(veterans.id)).toMatchObject({
      ephemeral: true,
      content:
        `<@&${veterans.id}> is at or above my highest role (<@&${s.discord.botRole().id}>), so Discord does not let me give it. ` +
        "In Server Settings → Roles, drag my role above it, or choose a lower role.",
    });
    expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBeNull();
  });

  it("refuses a role with Administrator", async () => {
    const council = s.discord.addRole("council", { permissions: bits(P.Administrator) });
    await seen("the council role", () => s.bot.client.guilds.cache.get(guildId())!.roles.cache.has(council.id));
    expect(await chooseRole(council.id)).toMatchObject({
      ephemeral: true,
      content:
        `<@&${council.id}> has permissions that staking must not hand out: Administrator. ` +
        "Anyone with STX can stake and get the assessor role. Remove those permissions from the role, or choose a role without them.",
    });
    expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBeNull();
  });

  it("refuses a role with moderation or mass-mention permissions, naming each", async () => {
    const helpers = s.discord.addRole("helpers", {
      permissions: bits(P.BanMembers, P.ManageMessages, P.MentionEveryone, P.SendMessages),
    });
    await seen("the helpers role", () => s.bot.client.guilds.cache.get(guildId())!.roles.cache.has(helpers.id));
    expect((await chooseRole(helpers.id)).content).toContain(
      "has permissions that staking must not hand out: Manage Messages, Ban Members, Mention @everyone, @here and All Roles. ",
    );
    for (const [flag, label] of [
      [P.ManageRoles, "Manage Roles"],
      [P.ManageGuild, "Manage Server"],
      [P.ModerateMembers, "Timeout Members"],
      [P.ManageWebhooks, "Manage Webhooks"],
      [P.ViewAuditLog, "View Audit Log"],
    ] as const) {
      s.discord.updateRole(helpers.id, { permissions: bits(flag) });
      await seen(
        label,
        () => s.bot.client.guilds.cache.get(guildId())!.roles.cache.get(helpers.id)!.permissions.bitfield === flag,
      );
      expect((await chooseRole(helpers.id)).content).toContain(`staking must not hand out: ${label}. `);
    }
    expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBeNull();
  });

  it("refuses while the bot lacks Manage Roles", async () => {
    const role = s.discord.role("assessors");
    const botRole = s.discord.botRole();
    const invite = botRole.permissions;
    s.discord.updateRole(botRole.id, { permissions: (BigInt(invite) & ~P.ManageRoles).toString() });
    await seen(
      "the bot's role without Manage Roles",
      () => !s.bot.client.guilds.cache.get(guildId())!.members.me!.permissions.has(P.ManageRoles),
    );
    try {
      expect(await chooseRole(role.id)).toMatchObject({
        ephemeral: true,
        content:
          "I need the Manage Roles permission to give the assessor role. Give my role Manage Roles, then run this again.",
      });
      expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBeNull();
    } finally {
      s.discord.updateRole(botRole.id, { permissions: invite });
      await seen("the bot's role restored", () =>
        s.bot.client.guilds.cache.get(guildId())!.members.me!.permissions.has(P.ManageRoles),
      );
    }
  });

  it("accepts a role without dangerous permissions below the bot's, and saves it", async () => {
    const role = s.discord.role("assessors").id;
    expect(await chooseRole(role)).toMatchObject({
      ephemeral: true,
      content: `Members whose linked wallet has assessor stake will get <@&${role}>.`,
    });
    expect((await s.bot.ctx.store.settings(guildId())).assessorRoleId).toBe(role);
  });
});

describe("/setup alerts and /setup feed", () => {
  const pool = () => s.discord.channel("pool-reports").id;
  const overwrite = (id: string, type: OverwriteType, allow: bigint, deny: bigint) => ({
    id,
    type,
    allow: allow.toString(),
    deny: deny.toString(),
  });
  /** Sets a channel's overwrites and waits until the bot's cache has them. */
  const setOverwrites = async (channelId: string, list: ReturnType<typeof overwrite>[]) => {
    s.discord.setOverwrites(channelId, list);
    await seen("the channel's overwrites", () => {
      const channel = s.bot.client.channels.cache.get(channelId) as
        | { permissionOverwrites?: { cache: Map<string, unknown> } }
        | undefined;
      return channel?.permissionOverwrites?.cache.size === list.length;
    });
  };
  afterEach(async () => setOverwrites(pool(), []));

  it("refuses a channel the bot cannot see, naming View Channel", async () => {
    await setOverwrites(pool(), [overwrite(s.discord.botRole().id, OverwriteType.Role, 0n, P.ViewChannel)]);
    expect(await chooseChannel("alerts", pool())).toMatchObject({
      ephemeral: true,
      content:
        `I can't post there: in <#${pool()}> I am missing View Channel. ` +
        "Give my role those permissions in the channel's settings (Permissions), or choose another channel.",
    });
    expect((await s.bot.ctx.store.settings(guildId())).alertChannelId).toBeNull();
  });

  it("refuses a channel where @everyone may not send or embed and nothing allows the bot to", async () => {
    await setOverwrites(pool(), [overwrite(guildId(), OverwriteType.Role, 0n, P.SendMessages | P.EmbedLinks)]);
    expect((await chooseChannel("feed", pool())).content).toContain("I am missing Send Messages, Embed Links.");
    expect((await s.bot.ctx.store.settings(guildId())).feedChannelId).toBeNull();
  });

  it("refuses a channel whose overwrite for the bot itself denies sending in threads", async () => {
    await setOverwrites(pool(), [overwrite(s.discord.botUser.id, OverwriteType.Member, 0n, P.SendMessagesInThreads)]);
    expect((await chooseChannel("alerts", pool())).content).toContain("I am missing Send Messages in Threads.");
  });

  it("needs Create Public Threads for alerts but not for the feed", async () => {
    await setOverwrites(pool(), [overwrite(s.discord.botRole().id, OverwriteType.Role, 0n, P.CreatePublicThreads)]);
    expect((await chooseChannel("alerts", pool())).content).toContain("I am missing Create Public Threads.");
    expect((await s.bot.ctx.store.settings(guildId())).alertChannelId).toBeNull();
    expect(await chooseChannel("feed", pool())).toMatchObject({
      ephemeral: true,
      content: `Purchases and capital movements will be posted in <#${pool()}>.`,
    });
    expect((await s.bot.ctx.store.settings(guildId())).feedChannelId).toBe(pool());
  });

  it("accepts a channel where the bot's role overwrite allows what @everyone is denied", async () => {
    const all = P.ViewChannel | P.SendMessages | P.EmbedLinks | P.CreatePublicThreads | P.SendMessagesInThreads;
    await setOverwrites(pool(), [
      overwrite(guildId(), OverwriteType.Role, 0n, all),
      overwrite(s.discord.botRole().id, OverwriteType.Role, all, 0n),
    ]);
    expect(await chooseChannel("alerts", pool())).toMatchObject({
      ephemeral: true,
      content: `Claim alerts will be posted in <#${pool()}>.`,
    });
    expect((await s.bot.ctx.store.settings(guildId())).alertChannelId).toBe(pool());
    // The local Discord agrees: the bot can post an embed and start a thread there.
    const channel = (await s.bot.client.channels.fetch(pool())) as TextChannel;
    const message = await channel.send({ content: "check", embeds: [{ title: "check" }] });
    await message.startThread({ name: "check" });
    expect(s.discord.channelMessages(pool()).at(-1)!.embeds).toHaveLength(1);
  });
});
