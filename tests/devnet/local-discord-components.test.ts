import { describe, it, expect, afterEach } from "vitest";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type Guild,
  type TextChannel,
} from "discord.js";
import { startLocalDiscord, type LocalDiscord } from "../../devnet/local-discord";

let discord: LocalDiscord;
let client: Client;

async function connect() {
  discord = await startLocalDiscord();
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.api } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login("local-bot-token");
  await ready;
}

afterEach(async () => {
  await client?.destroy();
  await discord?.stop();
});

const row = (id: string) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(id).setLabel(id).setStyle(ButtonStyle.Secondary),
  );

describe("component interactions, as Discord sends and answers them", () => {
  it("carries the clicked message (with who ran its command), and type 7 updates that message in place", async () => {
    await connect();
    const member = discord.addUser("erin", discord.guild);
    const seen: { metadataUser?: string; customId: string; messageId: string }[] = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: "page 1", components: [row("next")] });
      if (interaction.isButton()) {
        seen.push({
          metadataUser: interaction.message.interactionMetadata?.user.id,
          customId: interaction.customId,
          messageId: interaction.message.id,
        });
        await interaction.update({ content: "page 2", components: [] });
        await interaction.editReply({ content: "page 2, edited after the update" });
      }
    });
    const command = await discord.answered(discord.slashCommand("list", [], member.id));
    const [message] = discord.channelMessages(command.channelId);
    expect(message!.id).toBe(command.reply!.id);
    const click = discord.clickButton(message!, "next", member.id);
    await discord.answered(click);
    await discord.waitFor(() => message!.content.endsWith("edited after the update"), 5_000, "the edit");
    expect(seen).toEqual([{ metadataUser: member.id, customId: "next", messageId: message!.id }]);
    expect(click.callbacks.map((c) => c.type)).toEqual([7]);
    expect(message).toMatchObject({ content: "page 2, edited after the update", components: [] });
    expect(message!.history.map((h) => h.content)).toEqual(["page 1"]);
    // Still one message in the channel: an update is not a new post.
    expect(discord.channelMessages(command.channelId)).toHaveLength(1);
  });

  it("updates an ephemeral answer in place too", async () => {
    await connect();
    const member = discord.addUser("frank", discord.guild);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isChatInputCommand())
        await interaction.reply({ content: "yours", components: [row("more")], flags: MessageFlags.Ephemeral });
      if (interaction.isButton()) await interaction.update({ content: "yours, updated" });
    });
    const command = await discord.answered(discord.slashCommand("mine", [], member.id));
    const click = await discord.answered(discord.clickButton(command.reply!, "more", member.id));
    expect(command.reply).toMatchObject({ content: "yours, updated", flags: MessageFlags.Ephemeral });
    expect(click.ephemeral).toBe(true);
    expect(discord.channelMessages(command.channelId)).toHaveLength(0);
  });
});

describe("joining a server while connected", () => {
  it("sends GUILD_CREATE for a guild added after READY, which discord.js emits as guildCreate (not for the guilds it had)", async () => {
    await connect();
    const joined: string[] = [];
    client.on(Events.GuildCreate, (g: Guild) => joined.push(g.id));
    const added = discord.addGuild("New Server");
    await discord.waitFor(() => client.guilds.cache.has(added.id), 5_000, "the new guild");
    expect(joined).toEqual([added.id]);
    const channel = client.channels.cache.get(added.channels[0]!.id) as TextChannel;
    expect(channel.guild.id).toBe(added.id);
    // A dropped connection resumes: the guilds it already had are not new joins.
    discord.dropConnections(4000);
    await discord.waitFor(() => discord.resumes === 1, 10_000, "the resume");
    expect(joined).toEqual([added.id]);
  });
});
