import {
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type SlashCommandChannelOption,
} from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { listEmbed } from "../presentation/embeds";
import {
  ALERT_CHANNEL_NEEDS,
  FEED_CHANNEL_NEEDS,
  assessorRoleProblem,
  botMember,
  missingChannelPermissions,
} from "../permissions";
import { autocompleteProtocols } from "./protocol";
import { councilRoleLine, setCouncilRole } from "../../notifications/council-role";
import { Subscriptions, type EventKind } from "../../storage/subscriptions";
import { subscriptionLine } from "../presentation/subscriptions";

/** The one option of the subcommands that name a channel: a text channel, required. */
const textChannelOption = (o: SlashCommandChannelOption) =>
  o.setName("channel").setDescription("A text channel").setRequired(true).addChannelTypes(ChannelType.GuildText);

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("setup")
    .setDescription("Where this server gets claim alerts (admins only)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s
        .setName("alerts")
        .setDescription("The channel for claim alerts, votes and results")
        .addChannelOption(textChannelOption),
    )
    .addSubcommand((s) =>
      s
        .setName("assessor-role")
        .setDescription("The role given to members whose linked wallet has assessor stake")
        .addRoleOption((o) => o.setName("role").setDescription("A role").setRequired(true)),
    )
    .addSubcommand((s) =>
      s
        .setName("council-role")
        .setDescription("The role pinged when a claim needs the council (no quorum, large claim, veto window)")
        .addRoleOption((o) => o.setName("role").setDescription("A role").setRequired(true)),
    )
    .addSubcommand((s) =>
      s
        .setName("feed")
        .setDescription("A quieter channel for purchases and capital movements")
        .addChannelOption(textChannelOption),
    )
    .addSubcommand((s) =>
      s
        .setName("follow")
        .setDescription("Only get alerts for the protocols you follow")
        .addStringOption((o) =>
          o.setName("protocol").setDescription("Protocol").setRequired(true).setAutocomplete(true),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("unfollow")
        .setDescription("Stop following a protocol")
        .addStringOption((o) =>
          o.setName("protocol").setDescription("Protocol").setRequired(true).setAutocomplete(true),
        ),
    )
    .addSubcommand((s) => s.setName("show").setDescription("This server's settings")),
  guildOnly: true,
  async execute(interaction, { store, directory }) {
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      throw new UserError(
        "Only members with the Manage Server permission can change the bot's settings. Ask an admin.",
      );
    }
    const guildId = interaction.guildId!;
    const sub = interaction.options.getSubcommand();
    let done = "";
    const guild = interaction.guild!;
    if (sub === "alerts" || sub === "feed") {
      const chosen = interaction.options.getChannel("channel", true);
      const channel = guild.channels.cache.get(chosen.id) ?? (await guild.channels.fetch(chosen.id));
      if (!channel) throw new UserError("I can't see that channel. Choose a text channel in this server.");
      // Refused before saving: otherwise alerts would silently fail to post.
      const missing = missingChannelPermissions(
        channel,
        await botMember(guild),
        sub === "alerts" ? ALERT_CHANNEL_NEEDS : FEED_CHANNEL_NEEDS,
      );
      if (missing.length) {
        throw new UserError(
          `I can't post there: in <#${channel.id}> I am missing ${missing.join(", ")}. ` +
            "Give my role those permissions in the channel's settings (Permissions), or choose another channel.",
        );
      }
      await store.updateSettings(
        guildId,
        sub === "alerts" ? { alertChannelId: channel.id } : { feedChannelId: channel.id },
      );
      // A /subscribe on the channel replaces what /setup set there: the shorthand adds its events to it.
      const subscriptions = new Subscriptions(store.sql);
      const explicit = await subscriptions.explicit(guildId, channel.id);
      if (explicit) {
        const added: EventKind[] = sub === "alerts" ? ["claims"] : ["purchases", "capital"];
        await subscriptions.save({ ...explicit, events: [...new Set([...explicit.events, ...added])] });
      }
      done =
        sub === "alerts"
          ? `Claim alerts will be posted in <#${channel.id}>.`
          : `Purchases and capital movements will be posted in <#${channel.id}>.`;
    } else if (sub === "assessor-role") {
      const chosen = interaction.options.getRole("role", true);
      const role = guild.roles.cache.get(chosen.id);
      if (!role) throw new UserError("I can't find that role. Choose a role in this server.");
      const problem = assessorRoleProblem(role, await botMember(guild));
      if (problem) throw new UserError(problem);
      await store.updateSettings(guildId, { assessorRoleId: role.id });
      done = `Members whose linked wallet has assessor stake will get <@&${role.id}>.`;
    } else if (sub === "council-role") {
      done = await setCouncilRole(interaction, store);
    } else if (sub === "follow" || sub === "unfollow") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const protocol = await directory.resolve(interaction.options.getString("protocol", true));
      const settings = await store.follow(guildId, Number(protocol.id), sub === "follow");
      done =
        sub === "follow"
          ? `Following ${protocol.name}. This server now gets alerts for ${settings.followed.length} protocol(s).`
          : `No longer following ${protocol.name}.${settings.followed.length === 0 ? " This server now gets alerts for every protocol." : ""}`;
      await interaction.editReply({ content: done });
      return;
    }
    const s = await store.settings(guildId);
    const names = new Map((await directory.all().catch(() => [])).map((p) => [Number(p.id), p.name]));
    const subscribed = await new Subscriptions(store.sql).forGuild(guildId);
    const lines = [
      `Alerts: ${s.alertChannelId ? `<#${s.alertChannelId}>` : "not set (use `/setup alerts`)"}`,
      `Assessor role: ${s.assessorRoleId ? `<@&${s.assessorRoleId}>` : "not set (use `/setup assessor-role`)"}`,
      await councilRoleLine(store, guildId),
      `Feed: ${s.feedChannelId ? `<#${s.feedChannelId}>` : "off"}`,
      `Protocols: ${s.followed.length ? s.followed.map((id) => names.get(id) ?? `#${id}`).join(", ") : "all"}`,
      "",
      `**Subscriptions** (${subscribed.length}; change them with \`/subscribe\` and \`/unsubscribe\`):`,
      ...(subscribed.length ? subscribed.map((x) => `• ${subscriptionLine(x, names)}`) : ["none"]),
    ];
    await interaction.reply({
      content: done || undefined,
      embeds: [listEmbed("Settings", lines, "")],
      flags: MessageFlags.Ephemeral,
    });
  },
  autocomplete: autocompleteProtocols,
};
