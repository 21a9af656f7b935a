import { describe, it, expect, beforeEach, afterEach } from "vitest";
import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, EmbedBuilder, Events, GatewayIntentBits, MessageFlags,
  SlashCommandBuilder, RESTEvents, type TextChannel,
} from "discord.js";
import { ApplicationCommandOptionType, Routes } from "discord-api-types/v10";
import { REST } from "@discordjs/rest";
import { startLocalDiscord, type LocalDiscord } from "./local-discord";

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
    const ping = new SlashCommandBuilder().setName("ping").setDescription("Ping")
      .addStringOption((o) => o.setName("text").setDescription("text").setRequired(true));
    await client.application!.commands.set([ping.toJSON()], discord.guild.id);
    expect(discord.commands.guild.get(discord.guild.id)!.map((c) => c.name)).toEqual(["ping"]);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: `pong: ${interaction.options.getString("text")}`, flags: MessageFlags.Ephemeral });
    });
    const member = discord.addUser("alice", discord.guild);
    const record = discord.slashCommand("ping", [{ name: "text", type: ApplicationCommandOptionType.String, value: "hello" }], member.id);
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
      new ButtonBuilder().setURL("https://example.com/vote").setLabel("Approve").setStyle(ButtonStyle.Link));
    const sent = await channel.send({ embeds: [new EmbedBuilder().setTitle("Claim #1").setDescription("0 votes")], components: [row] });
    await sent.edit({ embeds: [new EmbedBuilder().setTitle("Claim #1").setDescription("3 votes")] });
    const [message] = discord.channelMessages(channel.id);
    expect(message!.embeds[0]).toMatchObject({ title: "Claim #1", description: "3 votes" });
    expect(message!.edits).toBe(1);
    expect(message!.history[0]!.embeds[0]).toMatchObject({ description: "0 votes" });
    expect((message!.components![0] as { components: { label: string }[] }).components.map((c) => c.label)).toEqual(["Refresh", "Approve"]);
    const thread = await sent.startThread({ name: "Claim #1 discussion" });
    expect(thread.parentId).toBe(channel.id);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isButton()) await interaction.reply({ content: `clicked ${interaction.customId}`, flags: MessageFlags.Ephemeral });
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
    expect(discord.channelMessages(channel.id).map((m) => m.content).sort())
      .toEqual(["message 0", "message 1", "message 2", "message 3"]);
  });

  it("reports the bucket so discord.js slows down before Discord has to refuse", async () => {
    await connect({ channelLimit: { limit: 3, windowMs: 300 } });
    let waited = 0;
    client.rest.on(RESTEvents.RateLimited, () => { waited += 1; });
    const channel = client.channels.cache.get(discord.channel("claims").id) as TextChannel;
    for (let i = 0; i < 7; i++) await channel.send({ content: `m${i}` });
    expect(waited).toBeGreaterThan(0);
    expect(discord.channelMessages(channel.id)).toHaveLength(7);
  });

  it("refuses over-limit requests with 429 and Retry-After", async () => {
    await connect({ channelLimit: { limit: 1, windowMs: 60_000 } });
    const channelId = discord.channel("claims").id;
    const post = () => fetch(`${discord.api}/v10/channels/${channelId}/messages`, { method: "POST",
      headers: { authorization: "Bot local-bot-token", "content-type": "application/json" }, body: JSON.stringify({ content: "x" }) });
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
