import { ChannelType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { EVENT_KINDS, Subscriptions } from "../../storage/subscriptions";
import { subscriptionLine } from "../presentation/subscriptions";
import { chosenChannel, eventsOf, eventsOption, requireManageServer } from "./subscribe";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("unsubscribe")
    .setDescription("Stop posts in a channel, all of them or some events (admins only)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("The subscribed channel")
        .setRequired(true)
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildForum),
    )
    .addStringOption(eventsOption(false, "Only stop these events (default: all)")),
  guildOnly: true,
  async execute(interaction, { store, directory }) {
    requireManageServer(interaction);
    const guild = interaction.guild!;
    const channel = await chosenChannel(interaction, guild);
    const subscriptions = new Subscriptions(store.sql);
    const existing = (await subscriptions.forGuild(guild.id)).find((s) => s.channelId === channel.id);
    if (!existing)
      throw new UserError(
        `<#${channel.id}> is not subscribed to anything. \`/setup show\` lists this server's subscriptions.`,
      );
    const removed = eventsOf(interaction.options.getString("events"));
    const events = EVENT_KINDS.filter((k) => existing.events.includes(k) && !removed.includes(k));
    // A /setup alerts or feed channel is an implicit subscription (under any explicit one): what it stood for is
    // cleared too, or it would come back once the explicit subscription is gone.
    const settings = await store.settings(guild.id);
    if (settings.alertChannelId === channel.id && !events.includes("claims"))
      await store.updateSettings(guild.id, { alertChannelId: null });
    if (settings.feedChannelId === channel.id && !events.some((k) => k === "purchases" || k === "capital"))
      await store.updateSettings(guild.id, { feedChannelId: null });
    let content: string;
    if (events.length === 0) {
      await subscriptions.remove(guild.id, channel.id);
      content = `<#${channel.id}> gets nothing from me any more.`;
    } else {
      const kept = { ...existing, events, legacy: undefined };
      await subscriptions.save(kept);
      const names = new Map((await directory.all().catch(() => [])).map((p) => [Number(p.id), p.name]));
      content = `Now ${subscriptionLine(kept, names)}.`;
    }
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  },
};
