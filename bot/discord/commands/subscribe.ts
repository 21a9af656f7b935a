import {
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildBasedChannel,
} from "discord.js";
import type { BotCommand, BotContext } from "../context";
import { CHOICES_MAX, choiceName } from "../autocomplete";
import { UserError } from "../errors";
import { botMember } from "../permissions";
import { checkSubscribedChannel } from "../subscription-channels";
import { EVENT_KINDS, EVENT_KIND_LABELS, Subscriptions, type EventKind } from "../../storage/subscriptions";
import { subscriptionLine } from "../presentation/subscriptions";

/** Discord names a choice in at most 100 characters. */
const CHOICE_NAME_MAX = 100;
const ALL = "all";

/** Only admins (Manage Server, as /setup) choose what a channel receives. */
export function requireManageServer(interaction: ChatInputCommandInteraction) {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserError("Only members with the Manage Server permission can change the bot's settings. Ask an admin.");
  }
}

/** The channel an option names, as this server has it (the gateway's cache, else fetched). */
export async function chosenChannel(
  interaction: ChatInputCommandInteraction,
  guild: Guild,
): Promise<GuildBasedChannel> {
  const chosen = interaction.options.getChannel("channel", true);
  const channel = guild.channels.cache.get(chosen.id) ?? (await guild.channels.fetch(chosen.id).catch(() => null));
  if (!channel) throw new UserError("I can't see that channel. Choose a text or forum channel in this server.");
  return channel;
}

/** `events:` as a member picks it: one kind, or all of them. */
export const eventsOption =
  (required: boolean, description: string) => (o: import("discord.js").SlashCommandStringOption) =>
    o
      .setName("events")
      .setDescription(description)
      .setRequired(required)
      .addChoices(
        { name: "All events", value: ALL },
        ...EVENT_KINDS.map((k) => ({ name: EVENT_KIND_LABELS[k].slice(0, CHOICE_NAME_MAX), value: k })),
      );

export const eventsOf = (value: string | null): EventKind[] =>
  value === null || value === ALL ? [...EVENT_KINDS] : EVENT_KINDS.filter((k) => k === value);

/** Protocols for `protocol:`, "All protocols" first. */
async function autocomplete(interaction: AutocompleteInteraction, { directory }: BotContext) {
  const focused = String(interaction.options.getFocused());
  const matches = await directory.search(focused);
  const all = "all protocols".includes(focused.trim().toLowerCase()) ? [{ name: "All protocols", value: ALL }] : [];
  await interaction.respond(
    [...all, ...matches.map((p) => ({ name: choiceName(`${p.name} (${p.chain}, ${p.status})`), value: p.name }))].slice(
      0,
      CHOICES_MAX,
    ),
  );
}

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("subscribe")
    .setDescription("Choose what a channel receives: events, protocols, the role to mention (admins only)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("A text channel, or a forum channel for one post per claim")
        .setRequired(true)
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildForum),
    )
    .addStringOption(eventsOption(false, "What it receives (default: all); run again to add more"))
    .addStringOption((o) =>
      o
        .setName("protocol")
        .setDescription("Only this protocol (run again to add more), or all protocols")
        .setAutocomplete(true),
    )
    .addRoleOption((o) => o.setName("role").setDescription("The role its posts mention")),
  guildOnly: true,
  async execute(interaction, { store, directory }) {
    requireManageServer(interaction);
    const guild = interaction.guild!;
    const channel = await chosenChannel(interaction, guild);
    const forum = channel.type === ChannelType.GuildForum;
    const subscriptions = new Subscriptions(store.sql);
    const existing = (await subscriptions.forGuild(guild.id)).find((s) => s.channelId === channel.id);
    // A forum takes claims only: "all" there means all it can take.
    const value = interaction.options.getString("events");
    const added = forum && (value === null || value === ALL) ? (["claims"] as EventKind[]) : eventsOf(value);
    const events = EVENT_KINDS.filter((k) => added.includes(k) || existing?.events.includes(k));

    const protocolName = interaction.options.getString("protocol");
    let protocolIds = existing?.protocolIds ?? [];
    if (protocolName !== null && protocolName.trim().toLowerCase() !== ALL) {
      const protocol = await directory.resolve(protocolName);
      // Naming a protocol narrows an all-protocols subscription to it, and adds it to a list.
      protocolIds = [...new Set([...(existing?.protocolIds ?? []), Number(protocol.id)])];
    } else if (protocolName !== null) protocolIds = [];

    const chosenRole = interaction.options.getRole("role");
    if (chosenRole && chosenRole.id === guild.id)
      throw new UserError("Mentioning `@everyone` pings the whole server on every post. Choose (or create) a role.");
    const roleId = chosenRole?.id ?? existing?.roleId ?? null;
    const me = await botMember(guild);
    // A role that is not mentionable is pinged only by who may mention every role: the post would ping nobody.
    const role = chosenRole ? guild.roles.cache.get(chosenRole.id) : undefined;
    if (role && !role.mentionable && !me.permissions.has(PermissionFlagsBits.MentionEveryone))
      throw new UserError(
        `<@&${role.id}> is not mentionable, so my posts would not ping it. In Server Settings → Roles, turn on ` +
          '"Allow anyone to @mention this role" for it, or choose another role.',
      );

    // Refused before saving, naming what is missing: otherwise posts would silently fail.
    const { createdTags } = await checkSubscribedChannel(channel, me, events);
    const saved = { guildId: guild.id, channelId: channel.id, events, protocolIds, roleId };
    await subscriptions.save(saved);
    const names = new Map((await directory.all().catch(() => [])).map((p) => [Number(p.id), p.name]));
    const lines = [`Subscribed ${subscriptionLine(saved, names)}.`];
    if (forum) lines.push("Each claim is one forum post there, tagged with its status.");
    if (createdTags.length) lines.push(`I created the forum tags ${createdTags.map((t) => `\`${t}\``).join(", ")}.`);
    await interaction.reply({ content: lines.join("\n"), flags: MessageFlags.Ephemeral });
  },
  autocomplete,
};
