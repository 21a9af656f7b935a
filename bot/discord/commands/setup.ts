import { ChannelType, PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { listEmbed } from "../presentation/embeds";
import { autocompleteProtocols } from "./protocol";

export const command: BotCommand = {
  data: new SlashCommandBuilder().setName("setup").setDescription("Where this server gets claim alerts (admins only)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName("alerts").setDescription("The channel for claim alerts, votes and results")
      .addChannelOption((o) => o.setName("channel").setDescription("A text channel").setRequired(true).addChannelTypes(ChannelType.GuildText)))
    .addSubcommand((s) => s.setName("assessor-role").setDescription("The role mentioned in reminders and given to staked assessors")
      .addRoleOption((o) => o.setName("role").setDescription("A role").setRequired(true)))
    .addSubcommand((s) => s.setName("feed").setDescription("A quieter channel for purchases and capital movements")
      .addChannelOption((o) => o.setName("channel").setDescription("A text channel").setRequired(true).addChannelTypes(ChannelType.GuildText)))
    .addSubcommand((s) => s.setName("follow").setDescription("Only get alerts for the protocols you follow")
      .addStringOption((o) => o.setName("protocol").setDescription("Protocol").setRequired(true).setAutocomplete(true)))
    .addSubcommand((s) => s.setName("unfollow").setDescription("Stop following a protocol")
      .addStringOption((o) => o.setName("protocol").setDescription("Protocol").setRequired(true).setAutocomplete(true)))
    .addSubcommand((s) => s.setName("show").setDescription("This server's settings")),
  guildOnly: true,
  async execute(interaction, { store, directory }) {
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      throw new UserError("Only members with the Manage Server permission can change the bot's settings. Ask an admin.");
    }
    const guildId = interaction.guildId!;
    const sub = interaction.options.getSubcommand();
    let done = "";
    if (sub === "alerts") {
      const channel = interaction.options.getChannel("channel", true);
      store.updateSettings(guildId, { alertChannelId: channel.id });
      done = `Claim alerts will be posted in <#${channel.id}>.`;
    } else if (sub === "feed") {
      const channel = interaction.options.getChannel("channel", true);
      store.updateSettings(guildId, { feedChannelId: channel.id });
      done = `Purchases and capital movements will be posted in <#${channel.id}>.`;
    } else if (sub === "assessor-role") {
      const role = interaction.options.getRole("role", true);
      store.updateSettings(guildId, { assessorRoleId: role.id });
      done = `Reminders will mention <@&${role.id}>, and linked wallets with stake will get it.`;
    } else if (sub === "follow" || sub === "unfollow") {
      await interaction.deferReply({ flags: 64 });
      const protocol = await directory.resolve(interaction.options.getString("protocol", true));
      const settings = store.follow(guildId, Number(protocol.id), sub === "follow");
      done = sub === "follow" ? `Following ${protocol.name}. This server now gets alerts for ${settings.followed.length} protocol(s).`
        : `No longer following ${protocol.name}.${settings.followed.length === 0 ? " This server now gets alerts for every protocol." : ""}`;
      await interaction.editReply({ content: done });
      return;
    }
    const s = store.settings(guildId);
    const names = new Map((await directory.all().catch(() => [])).map((p) => [Number(p.id), p.name]));
    const lines = [
      `Alerts: ${s.alertChannelId ? `<#${s.alertChannelId}>` : "not set (use `/setup alerts`)"}`,
      `Assessor role: ${s.assessorRoleId ? `<@&${s.assessorRoleId}>` : "not set (use `/setup assessor-role`)"}`,
      `Feed: ${s.feedChannelId ? `<#${s.feedChannelId}>` : "off"}`,
      `Protocols: ${s.followed.length ? s.followed.map((id) => names.get(id) ?? `#${id}`).join(", ") : "all"}`,
    ];
    await interaction.reply({ content: done || undefined, embeds: [listEmbed("Settings", lines, "")], flags: 64 });
  },
  autocomplete: autocompleteProtocols,
};
