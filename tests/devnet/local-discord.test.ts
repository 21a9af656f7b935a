import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  SlashCommandBuilder,
  RESTEvents,
  type ForumChannel,
  type TextChannel,
} from "discord.js";
import {
  ApplicationCommandOptionType,
  ChannelType,
  OverwriteType,
  PermissionFlagsBits as P,
  Routes,
} from "discord-api-types/v10";
import { REST } from "@discordjs/rest";
import WebSocket from "ws";
import {
  startLocalDiscord,
  BOT_INVITE_PERMISSIONS,
  NONCE_WINDOW_MS,
  type LocalDiscord,
} from "../../devnet/local-discord";

let discord: LocalDiscord;
let client: Client;

async function connect(options: Parameters<typeof startLocalDiscord>[0] = {}) {
  discord = await startLocalDiscord(options);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.api } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login("local-bot-token");
  await ready;
}

afterEach(async () => {
  await client?.destroy();
  await discord?.stop();
});

describe("the local Discord, driven by an unmodified discord.js client", () => {
  beforeEach(async () => connect());

  it("logs the client in over the gateway with the guild, its channels and roles", () => {
    const guild = client.guilds.cache.get(discord.guild.id)!;
    expect(guild.available).toBe(true);
    expect(guild.channels.cache.map((c) => c.name).sort()).toEqual(["claims", "general", "pool-reports"]);
    expect(guild.roles.cache.map((r) => r.name)).toContain("assessors");
    expect(client.user?.id).toBe(discord.applicationId);
    expect(guild.members.me).not.toBeNull();
  });

  it("registers commands, delivers a slash command and records an ephemeral reply", async () => {
    const ping = new SlashCommandBuilder()
      .setName("ping")
      .setDescription("Ping")
      .addStringOption((o) => o.setName("text").setDescription("text").setRequired(true));
    await client.application!.commands.set([ping.toJSON()], discord.guild.id);
    expect(discord.commands.guild.get(discord.guild.id)!.map((c) => c.name)).toEqual(["ping"]);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({
        content: `pong: ${interaction.options.getString("text")}`,
        flags: MessageFlags.Ephemeral,
      });
    });
    const member = discord.addUser("alice", discord.guild);
    const record = discord.slashCommand(
      "ping",
      [{ name: "text", type: ApplicationCommandOptionType.String, value: "hello" }],
      member.id,
    );
    await discord.answered(record);
    expect(record.ephemeral).toBe(true);
    expect(record.reply?.content).toBe("pong: hello");
    // Ephemeral: nobody else sees it in the channel.
    expect(discord.channelMessages(discord.channel("general").id)).toHaveLength(0);
  });

  it("defers, then edits the deferred reply and sends a follow-up", async () => {
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ content: "done" });
      await interaction.followUp({ content: "and one more" });
    });
    const member = discord.addUser("bob", discord.guild);
    const record = discord.slashCommand("slow", [], member.id);
    await discord.waitFor(() => record.followUps.length > 0, 5_000, "a follow-up");
    expect(record.callbacks.map((c) => c.type)).toEqual([5]);
    expect(record.reply?.content).toBe("done");
    expect(record.followUps[0]!.content).toBe("and one more");
  });

  it("posts an embed with buttons, edits it, and receives a button click", async () => {
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("refresh").setLabel("Refresh").setStyle(ButtonStyle.Secondary),
      new ButtonBuilder().setURL("https://example.com/vote").setLabel("Approve").setStyle(ButtonStyle.Link),
    );
    const sent = await channel.send({
      embeds: [new EmbedBuilder().setTitle("Claim #1").setDescription("0 votes")],
      components: [row],
    });
    await sent.edit({ embeds: [new EmbedBuilder().setTitle("Claim #1").setDescription("3 votes")] });
    const [message] = discord.channelMessages(channel.id);
    expect(message!.embeds[0]).toMatchObject({ title: "Claim #1", description: "3 votes" });
    expect(message!.edits).toBe(1);
    expect(message!.history[0]!.embeds[0]).toMatchObject({ description: "0 votes" });
    expect((message!.components![0] as { components: { label: string }[] }).components.map((c) => c.label)).toEqual([
      "Refresh",
      "Approve",
    ]);
    const thread = await sent.startThread({ name: "Claim #1 discussion" });
    expect(thread.parentId).toBe(channel.id);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isButton())
        await interaction.reply({ content: `clicked ${interaction.customId}`, flags: MessageFlags.Ephemeral });
    });
    const member = discord.addUser("carol", discord.guild);
    const record = discord.clickButton(message!, "refresh", member.id);
    await discord.answered(record);
    expect(record.reply?.content).toBe("clicked refresh");
  });

  it("survives a dropped gateway connection by resuming, without losing events sent meanwhile", async () => {
    const received: string[] = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      received.push(interaction.commandName);
      await interaction.reply({ content: "ok" });
    });
    const member = discord.addUser("dave", discord.guild);
    discord.dropConnections(4000);
    // Sent while the bot is disconnected: replayed on RESUME.
    const record = discord.slashCommand("while-down", [], member.id);
    await discord.answered(record, 10_000);
    expect(discord.resumes).toBe(1);
    expect(received).toEqual(["while-down"]);
  });

  it("answers unknown routes and channels the way Discord does", async () => {
    await expect(client.channels.fetch("123456789012345678")).rejects.toThrow(/Unknown Channel/);
  });
});

describe("rate limits", () => {
  it("answers a burst with 429 and Retry-After, and discord.js waits it out without losing a message", async () => {
    await connect({ channelLimit: { limit: 1, windowMs: 300 } });
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    // A second process (another shard, or a script) shares the channel's bucket without sharing
    // discord.js's view of it: the burst is refused by Discord, not avoided by the client.
    const other = new REST({ api: discord.api }).setToken("local-bot-token");
    await channel.send({ content: "message 0" });
    await Promise.all([
      other.post(Routes.channelMessages(channel.id), { body: { content: "message 1" } }),
      channel.send({ content: "message 2" }),
      other.post(Routes.channelMessages(channel.id), { body: { content: "message 3" } }),
    ]);
    // Discord refused at least one request; discord.js retried it after Retry-After.
    const refused = discord.requests.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.path).toBe(`/channels/${channel.id}/messages`);
    expect(
      discord
        .channelMessages(channel.id)
        .map((m) => m.content)
        .sort(),
    ).toEqual(["message 0", "message 1", "message 2", "message 3"]);
  });

  it("reports the bucket so discord.js slows down before Discord has to refuse", async () => {
    await connect({ channelLimit: { limit: 3, windowMs: 300 } });
    let waited = 0;
    client.rest.on(RESTEvents.RateLimited, () => {
      waited += 1;
    });
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    for (let i = 0; i < 7; i++) await channel.send({ content: `m${i}` });
    expect(waited).toBeGreaterThan(0);
    expect(discord.channelMessages(channel.id)).toHaveLength(7);
  });

  it("refuses over-limit requests with 429 and Retry-After", async () => {
    await connect({ channelLimit: { limit: 1, windowMs: 60_000 } });
    const channelId = discord.channel("claims").id;
    const post = () =>
      fetch(`${discord.api}/v10/channels/${channelId}/messages`, {
        method: "POST",
        headers: { authorization: "Bot local-bot-token", "content-type": "application/json" },
        body: JSON.stringify({ content: "x" }),
      });
    const first = await post();
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-remaining")).toBe("0");
    const second = await post();
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await second.json()).toMatchObject({ message: "You are being rate limited.", global: false });
    expect(discord.channelMessages(channelId)).toHaveLength(1);
  });
});

describe("enforce_nonce, remembered only as long as Discord remembers", () => {
  const post = (channel: TextChannel, content: string) =>
    channel.send({ content, nonce: "claim-1-alert", enforceNonce: true });

  it('defaults to a window of a few minutes (two), the short reading of Discord\'s "past few minutes"', async () => {
    await connect();
    expect(NONCE_WINDOW_MS).toBe(120_000);
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    const first = await post(channel, "alert");
    expect((await post(channel, "alert again")).id).toBe(first.id);
  });

  it("answers a repeated nonce within the window with the first message, and creates a new one after it", async () => {
    await connect({ nonceWindowMs: 200 });
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    const first = await post(channel, "alert");
    const repeated = await post(channel, "alert, retried at once");
    expect(repeated.id).toBe(first.id);
    expect(discord.nonceHits).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = await post(channel, "alert, retried after the window");
    expect(late.id).not.toBe(first.id);
    expect(discord.channelMessages(channel.id).map((m) => m.content)).toEqual([
      "alert",
      "alert, retried after the window",
    ]);
  });

  it("serves a channel's history newest first, without the nonces Discord only echoes on create", async () => {
    await connect();
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    for (const content of ["one", "two", "three"]) await channel.send({ content, nonce: content, enforceNonce: true });
    const page = (await client.rest.get(Routes.channelMessages(channel.id), {
      query: new URLSearchParams({ limit: "2" }),
    })) as { content: string }[];
    expect(page.map((m) => m.content)).toEqual(["three", "two"]);
    expect(page.some((m) => "nonce" in m)).toBe(false);
  });
});

describe("mentions, as Discord resolves them under allowed_mentions", () => {
  beforeEach(async () => connect());

  it("parses every mention without allowed_mentions, none with parse: [], and only the listed roles otherwise, on create and on edit", async () => {
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    const role = discord.role("assessors").id;
    const user = discord.addUser("member", discord.guild).id;
    const content = `@everyone <@&${role}> <@${user}>`;
    const stored = (id: string) => discord.channelMessages(channel.id).find((m) => m.id === id)!;
    const open = (await client.rest.post(Routes.channelMessages(channel.id), { body: { content } })) as { id: string };
    expect([
      stored(open.id).mention_everyone,
      stored(open.id).mention_roles,
      stored(open.id).mentions.map((u) => u.id),
    ]).toEqual([true, [role], [user]]);
    const none = await channel.send({ content, allowedMentions: { parse: [] } });
    expect([stored(none.id).mention_everyone, stored(none.id).mention_roles, stored(none.id).mentions]).toEqual([
      false,
      [],
      [],
    ]);
    const roleOnly = await channel.send({ content, allowedMentions: { roles: [role] } });
    expect([
      stored(roleOnly.id).mention_everyone,
      stored(roleOnly.id).mention_roles,
      stored(roleOnly.id).mentions,
    ]).toEqual([false, [role], []]);
    await roleOnly.edit({ content: `<@${user}> only now`, allowedMentions: { users: [user] } });
    expect([stored(roleOnly.id).mention_roles, stored(roleOnly.id).mentions.map((u) => u.id)]).toEqual([[], [user]]);
  });
});

describe("roles and permissions, as Discord computes and enforces them", () => {
  beforeEach(async () => connect());
  const guild = () => client.guilds.cache.get(discord.guild.id)!;
  const overwrite = (id: string, type: OverwriteType, allow: bigint, deny: bigint) => ({
    id,
    type,
    allow: allow.toString(),
    deny: deny.toString(),
  });
  const until = (what: string, check: () => boolean) => discord.waitFor(check, 5_000, what);

  it("gives the bot its own managed role with the invite's permissions, above the assessor role and below the admins'", () => {
    const me = guild().members.me!;
    expect(me.roles.highest).toMatchObject({ managed: true, tags: { botId: discord.botUser.id } });
    expect(me.roles.highest.permissions.bitfield).toBe(BigInt(BOT_INVITE_PERMISSIONS));
    expect(me.roles.highest.comparePositionTo(guild().roles.cache.get(discord.role("assessors").id)!)).toBeGreaterThan(
      0,
    );
    expect(me.roles.highest.comparePositionTo(guild().roles.cache.get(discord.role("admins").id)!)).toBeLessThan(0);
  });

  it("computes a member's permissions in a channel from @everyone, roles and overwrites as discord.js does, plus Discord's implicit denials", async () => {
    const channelId = discord.channel("claims").id;
    const helpers = discord.addRole("helpers", { permissions: (P.SendMessages | P.ManageMessages).toString() });
    const member = discord.addUser("mia", discord.guild, [helpers.id]);
    const admin = discord.addUser("ada", discord.guild, [discord.role("admins").id]);
    discord.setOverwrites(channelId, [
      overwrite(discord.guild.id, OverwriteType.Role, 0n, P.SendMessages | P.AddReactions),
      overwrite(helpers.id, OverwriteType.Role, P.SendMessages, 0n),
      overwrite(member.id, OverwriteType.Member, 0n, P.AttachFiles),
    ]);
    const channel = client.channels.cache.get(channelId) as TextChannel;
    await until(
      "the overwrites",
      () => channel.permissionOverwrites.cache.size === 3 && guild().roles.cache.has(helpers.id),
    );
    for (const who of [member.id, admin.id, discord.botUser.id, discord.guild.ownerId]) {
      const explicit = channel.permissionsFor(await guild().members.fetch(who)).bitfield;
      // discord.js applies overwrites only; Discord also takes what sending needs from whoever may not send.
      const implicit =
        explicit & P.SendMessages ? 0n : P.MentionEveryone | P.SendTTSMessages | P.AttachFiles | P.EmbedLinks;
      expect({ who, bits: discord.permissionsOf(who, channelId) }).toEqual({ who, bits: explicit & ~implicit });
    }
    expect(discord.permissionsOf(member.id, channelId) & P.SendMessages).toBe(P.SendMessages);
    expect(discord.permissionsOf(discord.botUser.id, channelId) & P.SendMessages).toBe(0n);
    // An interaction carries the member's and the bot's permissions in the channel it was typed in.
    let seen: { member?: bigint; app?: bigint } = {};
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = { member: interaction.memberPermissions!.bitfield, app: interaction.appPermissions.bitfield };
      await interaction.reply({ content: "ok", flags: MessageFlags.Ephemeral });
    });
    await discord.answered(discord.slashCommand("check", [], member.id, channelId));
    expect(seen).toEqual({
      member: discord.permissionsOf(member.id, channelId),
      app: discord.permissionsOf(discord.botUser.id, channelId),
    });
  });

  it("takes every other permission away where View Channel is denied, and what sending needs where Send Messages is", () => {
    const channelId = discord.channel("general").id;
    const bot = discord.botUser.id;
    discord.setOverwrites(channelId, [overwrite(discord.botRole().id, OverwriteType.Role, 0n, P.SendMessages)]);
    expect(discord.permissionsOf(bot, channelId) & (P.SendMessages | P.EmbedLinks)).toBe(0n);
    expect(discord.permissionsOf(bot, channelId) & P.ViewChannel).toBe(P.ViewChannel);
    discord.setOverwrites(channelId, [overwrite(discord.botRole().id, OverwriteType.Role, 0n, P.ViewChannel)]);
    expect(discord.permissionsOf(bot, channelId)).toBe(0n);
  });

  it("refuses to give a role at or above the bot's highest role, or a managed one, with 403 Missing Permissions", async () => {
    const member = discord.addUser("nia", discord.guild);
    const put = (roleId: string) => client.rest.put(Routes.guildMemberRole(discord.guild.id, member.id, roleId));
    await put(discord.role("assessors").id);
    expect(discord.guild.members.get(member.id)!.roles).toEqual([discord.role("assessors").id]);
    await expect(put(discord.role("admins").id)).rejects.toMatchObject({
      status: 403,
      code: 50013,
      message: "Missing Permissions",
    });
    await expect(put(discord.botRole().id)).rejects.toMatchObject({ status: 403, code: 50013 });
    const boosters = discord.addRole("Server Booster", { managed: true, tags: { premium_subscriber: null } });
    await expect(put(boosters.id)).rejects.toMatchObject({ status: 403, code: 50013 });
    // Without Manage Roles, not even a role below.
    discord.updateRole(discord.botRole().id, {
      permissions: (BigInt(BOT_INVITE_PERMISSIONS) & ~P.ManageRoles).toString(),
    });
    await expect(
      client.rest.delete(Routes.guildMemberRole(discord.guild.id, member.id, discord.role("assessors").id)),
    ).rejects.toMatchObject({ status: 403, code: 50013 });
    expect(discord.guild.members.get(member.id)!.roles).toEqual([discord.role("assessors").id]);
  });

  it("refuses posts where the bot cannot see (Missing Access) or send (Missing Permissions), and drops embeds without Embed Links", async () => {
    const channelId = discord.channel("claims").id;
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const botRole = discord.botRole().id;
    discord.setOverwrites(channelId, [overwrite(botRole, OverwriteType.Role, 0n, P.ViewChannel)]);
    await expect(channel.send({ content: "hidden" })).rejects.toMatchObject({
      status: 403,
      code: 50001,
      message: "Missing Access",
    });
    discord.setOverwrites(channelId, [overwrite(botRole, OverwriteType.Role, 0n, P.SendMessages)]);
    await expect(channel.send({ content: "muted" })).rejects.toMatchObject({ status: 403, code: 50013 });
    discord.setOverwrites(channelId, [overwrite(botRole, OverwriteType.Role, 0n, P.EmbedLinks)]);
    await expect(channel.send({ embeds: [new EmbedBuilder().setTitle("only an embed")] })).rejects.toMatchObject({
      status: 403,
      code: 50013,
    });
    const sent = await channel.send({ content: "text and an embed", embeds: [new EmbedBuilder().setTitle("dropped")] });
    expect(sent.embeds).toEqual([]);
    expect(discord.channelMessages(channelId).map((m) => m.content)).toEqual(["text and an embed"]);
  });

  it("refuses a thread without Create Public Threads, and a post in it without Send Messages in Threads", async () => {
    const channelId = discord.channel("claims").id;
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const botRole = discord.botRole().id;
    const first = await channel.send({ content: "a claim" });
    discord.setOverwrites(channelId, [overwrite(botRole, OverwriteType.Role, 0n, P.CreatePublicThreads)]);
    await expect(first.startThread({ name: "refused" })).rejects.toMatchObject({ status: 403, code: 50013 });
    discord.setOverwrites(channelId, [overwrite(botRole, OverwriteType.Role, 0n, P.SendMessagesInThreads)]);
    const thread = await first.startThread({ name: "discussion" });
    await expect(thread.send({ content: "in the thread" })).rejects.toMatchObject({ status: 403, code: 50013 });
    await channel.send({ content: "still fine in the channel" });
  });

  it("serves the guild's roles and tells the gateway when an admin changes a role", async () => {
    const roles = (await client.rest.get(Routes.guildRoles(discord.guild.id))) as { name: string; managed: boolean }[];
    expect(roles.map((r) => r.name)).toEqual(["@everyone", "assessors", discord.botUser.username, "admins"]);
    await expect(client.rest.get(Routes.guildRole(discord.guild.id, "1"))).rejects.toMatchObject({
      status: 404,
      code: 10011,
    });
    discord.updateRole(discord.role("assessors").id, { permissions: P.Administrator.toString() });
    await until("the role update", () =>
      guild().roles.cache.get(discord.role("assessors").id)!.permissions.has(P.Administrator, false),
    );
    const added = discord.addRole("newcomers", { position: 1 });
    await until("the new role", () => guild().roles.cache.has(added.id));
    expect(guild().roles.cache.get(discord.role("assessors").id)!.position).toBe(2);
  });
});

describe("sharding, as Discord's gateway distributes guilds", () => {
  const shards: Client[] = [];
  afterEach(async () => {
    for (const shard of shards.splice(0)) await shard.destroy();
  });
  /** Discord's formula, written out here rather than taken from the library the server uses. */
  const ownerOf = (guildId: string, count: number) => Number((BigInt(guildId) >> 22n) % BigInt(count));

  async function shard(id: number, count: number) {
    const c = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: { api: discord.api },
      shards: id,
      shardCount: count,
    });
    shards.push(c);
    const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
    await c.login("local-bot-token");
    await ready;
    return c;
  }

  it("gives each of 4 discord.js shards the guilds (guild_id >> 22) % 4 assigns it, and a guild's interactions to that shard alone", async () => {
    discord = await startLocalDiscord({ guilds: 40 });
    const clients = await Promise.all([0, 1, 2, 3].map((id) => shard(id, 4)));
    const owned = clients.map((c) => [...c.guilds.cache.keys()]);
    expect(owned.map((ids, id) => ids.every((g) => ownerOf(g, 4) === id))).toEqual([true, true, true, true]);
    expect(owned.flat().sort()).toEqual(discord.guilds.map((g) => g.id).sort());
    // Ids a millisecond apart spread the guilds evenly, as servers created at different times do.
    expect(owned.map((ids) => ids.length)).toEqual([10, 10, 10, 10]);

    const received: string[][] = clients.map(() => []);
    for (const [i, c] of clients.entries())
      c.on(Events.InteractionCreate, (interaction) => received[i]!.push(interaction.guildId!));
    const guild = discord.guilds[6]!;
    const member = discord.addUser("member", guild).id;
    discord.slashCommand("pool", [], member, discord.channel("general", guild).id, { guild });
    discord.slashCommand("pool", [], discord.addUser("dm-member", discord.guild).id, undefined, { dm: true });
    await discord.waitFor(() => received.flat().length === 2, 5_000, "both interactions");
    const owner = ownerOf(guild.id, 4);
    expect(received[owner]).toContain(guild.id);
    // A DM has no guild: Discord sends it to shard 0.
    expect(received[0]!.filter((g) => g === null)).toHaveLength(1);
    expect(received.flat()).toHaveLength(2);
  });

  it("closes an IDENTIFY whose shard is out of range with 4010, and recommends a shard per 1,000 guilds", async () => {
    discord = await startLocalDiscord({ guilds: 1_001 });
    const bot = await fetch(`${discord.api}/v10/gateway/bot`, { headers: { authorization: "Bot local-bot-token" } });
    const { shards: recommended, url } = (await bot.json()) as { shards: number; url: string };
    expect(recommended).toBe(2);
    const ws = new WebSocket(url);
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    // After Hello, an IDENTIFY for shard 4 of 4 (ids run from 0).
    ws.once("message", () =>
      ws.send(JSON.stringify({ op: 2, d: { token: "local-bot-token", intents: 1, properties: {}, shard: [4, 4] } })),
    );
    expect(await closed).toBe(4010);
  });
});

describe("forum channels, as Discord's API answers them", () => {
  beforeEach(async () => connect());

  const SPEC = JSON.parse(
    readFileSync(new URL("../../../shared/specs/discord-api.openapi.json", import.meta.url), "utf8"),
  );
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(SPEC, "discord");
  /** The body validates against the official document's schema of that name. */
  const conforms = (schema: string, body: unknown) => {
    const validate = ajv.compile({ $ref: `discord#/components/schemas/${schema}` });
    expect(validate(body), `${schema}: ${JSON.stringify(validate.errors)}`).toBe(true);
  };
  const raw = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${discord.api}/v10${path}`, {
      method,
      headers: { authorization: "Bot local-bot-token", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  };
  const tags = (names: string[]) => names.map((name) => ({ name }));
  const forumOf = (id: string) => client.channels.cache.get(id) as ForumChannel;
  const newForum = async (fields: Record<string, unknown> = {}) => {
    const forum = discord.addChannel("claims-forum", ChannelType.GuildForum, {
      available_tags: tags(["voting", "paid"]),
      ...fields,
    });
    await discord.waitFor(() => forumOf(forum.id), 5_000, "the forum in the client's cache");
    return forumOf(forum.id);
  };

  it("creates a forum post with its starter message and tags (201, as documented), and tells the gateway", async () => {
    const forum = await newForum();
    expect(forum.type).toBe(ChannelType.GuildForum);
    expect(forum.availableTags.map((t) => t.name)).toEqual(["voting", "paid"]);
    const voting = forum.availableTags[0]!.id;
    const thread = await forum.threads.create({
      name: "Claim #1 · stackswap",
      message: { content: "New claim #1", embeds: [new EmbedBuilder().setTitle("Claim #1")] },
      appliedTags: [voting],
    });
    expect([thread.parentId, thread.appliedTags, thread.name]).toEqual([forum.id, [voting], "Claim #1 · stackswap"]);
    // The starter message has the thread's id, and lives in the thread.
    expect(discord.channelMessages(thread.id).map((m) => [m.id, m.content, m.embeds[0]?.title])).toEqual([
      [thread.id, "New claim #1", "Claim #1"],
    ]);
    expect((await thread.fetchStarterMessage())?.content).toBe("New claim #1");
    const created = await raw("POST", `/channels/${forum.id}/threads`, { name: "second", message: { content: "two" } });
    expect(created.status).toBe(201);
    conforms("CreatedThreadResponse", created.body);
    expect(created.body.message).toMatchObject({ id: created.body.id, channel_id: created.body.id, content: "two" });
    await discord.waitFor(() => client.channels.cache.get(created.body.id), 5_000, "THREAD_CREATE");
    const active = await raw("GET", `/guilds/${discord.guild.id}/threads/active`);
    expect(active.body.threads.map((t: { name: string }) => t.name)).toEqual(["Claim #1 · stackswap", "second"]);
  });

  it("refuses a plain message in a forum, a post without name or message, unknown or more than 5 tags, and none where a tag is required", async () => {
    const forum = await newForum();
    const message = await raw("POST", `/channels/${forum.id}/messages`, { content: "hello" });
    expect(message).toEqual({
      status: 400,
      body: { message: "Cannot send messages in a non-text channel", code: 50008 },
    });
    const noMessage = await raw("POST", `/channels/${forum.id}/threads`, { name: "x" });
    expect(noMessage.status).toBe(400);
    expect(noMessage.body).toMatchObject({
      code: 50035,
      errors: { message: { _errors: [{ code: "BASE_TYPE_REQUIRED" }] } },
    });
    expect((await raw("POST", `/channels/${forum.id}/threads`, { message: { content: "x" } })).body).toMatchObject({
      code: 50035,
      errors: { name: { _errors: [{ code: "BASE_TYPE_REQUIRED" }] } },
    });
    const six = Array.from({ length: 6 }, () => forum.availableTags[0]!.id);
    expect(
      (await raw("POST", `/channels/${forum.id}/threads`, { name: "x", message: { content: "x" }, applied_tags: six }))
        .body,
    ).toMatchObject({ code: 50035, errors: { applied_tags: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
    expect(
      (
        await raw("POST", `/channels/${forum.id}/threads`, {
          name: "x",
          message: { content: "x" },
          applied_tags: ["1"],
        })
      ).status,
    ).toBe(400);
    const strict = await newForum({ flags: 16 });
    expect(await raw("POST", `/channels/${strict.id}/threads`, { name: "x", message: { content: "x" } })).toEqual({
      status: 400,
      body: { message: "A tag is required to create a forum post in this channel", code: 40067 },
    });
    expect(discord.threads).toEqual([]);
  });

  it("moves a post's tags (at most 5, the forum's own), and tells the gateway (THREAD_UPDATE)", async () => {
    const forum = await newForum();
    const [voting, paid] = forum.availableTags.map((t) => t.id);
    const thread = await forum.threads.create({ name: "Claim #1", message: { content: "x" }, appliedTags: [voting!] });
    await thread.setAppliedTags([paid!]);
    expect(discord.threads.find((t) => t.id === thread.id)!.applied_tags).toEqual([paid]);
    await discord.waitFor(() => (thread.appliedTags[0] === paid ? true : undefined), 5_000, "THREAD_UPDATE");
    const patched = await raw("PATCH", `/channels/${thread.id}`, { applied_tags: [voting] });
    expect(patched.status).toBe(200);
    conforms("ThreadResponse", patched.body);
    expect((await raw("PATCH", `/channels/${thread.id}`, { applied_tags: Array(6).fill(voting) })).body).toMatchObject({
      code: 50035,
      errors: { applied_tags: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } },
    });
    expect((await raw("PATCH", `/channels/${thread.id}`, { applied_tags: ["1"] })).status).toBe(400);
    // An archived post changes only in the request that reopens it.
    discord.archiveThread(thread.id);
    expect(await raw("PATCH", `/channels/${thread.id}`, { applied_tags: [paid] })).toEqual({
      status: 400,
      body: { message: "Thread is archived", code: 50083 },
    });
    const reopened = await raw("PATCH", `/channels/${thread.id}`, { archived: false, applied_tags: [paid] });
    expect([reopened.status, reopened.body.applied_tags, reopened.body.thread_metadata.archived]).toEqual([
      200,
      [paid],
      false,
    ]);
  });

  it("edits a forum's tags only with Manage Channels (at most 20), giving new tags ids, and tells the gateway (CHANNEL_UPDATE)", async () => {
    const forum = await newForum();
    await expect(forum.setAvailableTags([...forum.availableTags, { name: "denied" }])).rejects.toMatchObject({
      status: 403,
      code: 50013,
    });
    discord.setOverwrites(forum.id, [
      { id: discord.botRole().id, type: OverwriteType.Role, allow: P.ManageChannels.toString(), deny: "0" },
    ]);
    await forum.setAvailableTags([...forum.availableTags, { name: "denied" }]);
    await discord.waitFor(() => (forum.availableTags.length === 3 ? true : undefined), 5_000, "CHANNEL_UPDATE");
    expect(forum.availableTags.map((t) => t.name)).toEqual(["voting", "paid", "denied"]);
    expect(forum.availableTags.every((t) => /^\d+$/.test(t.id))).toBe(true);
    const many = tags(Array.from({ length: 21 }, (_, i) => `tag-${i}`));
    expect((await raw("PATCH", `/channels/${forum.id}`, { available_tags: many })).body).toMatchObject({
      code: 50035,
      errors: { available_tags: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } },
    });
    const ok = await raw("PATCH", `/channels/${forum.id}`, { available_tags: many.slice(0, 20) });
    expect(ok.status).toBe(200);
    expect(ok.body.available_tags).toHaveLength(20);
  });

  it("needs Send Messages in the forum to create a post, and Send Messages in Threads to post inside it", async () => {
    const forum = await newForum();
    const thread = await forum.threads.create({ name: "Claim #1", message: { content: "x" } });
    discord.setOverwrites(forum.id, [
      {
        id: discord.botRole().id,
        type: OverwriteType.Role,
        allow: "0",
        deny: (P.SendMessages | P.SendMessagesInThreads).toString(),
      },
    ]);
    await expect(forum.threads.create({ name: "Claim #2", message: { content: "y" } })).rejects.toMatchObject({
      status: 403,
      code: 50013,
    });
    await expect(thread.send({ content: "inside" })).rejects.toMatchObject({ status: 403, code: 50013 });
  });
});
