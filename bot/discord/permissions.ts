import { PermissionFlagsBits, type Guild, type GuildBasedChannel, type GuildMember, type Role } from "discord.js";

/**
 * What the bot checks before it takes a role or a channel from `/setup`, and again before each role
 * sync: the assessor role goes to anyone who links a wallet with stake (anyone with STX), so it may
 * carry nothing that runs, moderates or mass-pings the server; and a channel is only useful if the bot
 * can post there what it posts.
 */

/** Permissions staking must never hand out, with the names Discord's role settings show. */
export const DANGEROUS_ROLE_PERMISSIONS: readonly { flag: keyof typeof PermissionFlagsBits; label: string }[] = [
  { flag: "Administrator", label: "Administrator" },
  { flag: "ManageGuild", label: "Manage Server" },
  { flag: "ManageRoles", label: "Manage Roles" },
  { flag: "ManageChannels", label: "Manage Channels" },
  { flag: "ManageWebhooks", label: "Manage Webhooks" },
  { flag: "ManageGuildExpressions", label: "Manage Expressions" },
  { flag: "ManageEvents", label: "Manage Events" },
  { flag: "ManageThreads", label: "Manage Threads and Posts" },
  { flag: "ManageMessages", label: "Manage Messages" },
  { flag: "PinMessages", label: "Pin Messages" },
  { flag: "ManageNicknames", label: "Manage Nicknames" },
  { flag: "KickMembers", label: "Kick Members" },
  { flag: "BanMembers", label: "Ban Members" },
  { flag: "ModerateMembers", label: "Timeout Members" },
  { flag: "MuteMembers", label: "Mute Members" },
  { flag: "DeafenMembers", label: "Deafen Members" },
  { flag: "MoveMembers", label: "Move Members" },
  { flag: "MentionEveryone", label: "Mention @everyone, @here and All Roles" },
  { flag: "ViewAuditLog", label: "View Audit Log" },
  { flag: "ViewGuildInsights", label: "View Server Insights" },
  { flag: "ViewCreatorMonetizationAnalytics", label: "View Server Subscription Insights" },
];

/** Why the bot must not manage this role as the assessor role, or null if it may. */
export function assessorRoleProblem(role: Role, me: GuildMember): string | null {
  if (role.id === role.guild.id) {
    return "`@everyone` is every member of the server, so it cannot say who has stake. Choose (or create) a role for assessors.";
  }
  if (role.managed) {
    return `<@&${role.id}> is managed by an integration (a bot's own role, or the booster role): only that integration can give it. Choose a role the server created.`;
  }
  // The role's own bits, not Administrator-expanded: each dangerous one is named.
  const dangerous = DANGEROUS_ROLE_PERMISSIONS.filter((d) => role.permissions.has(PermissionFlagsBits[d.flag], false));
  if (dangerous.length) {
    return (
      `<@&${role.id}> has permissions that staking must not hand out: ${dangerous.map((d) => d.label).join(", ")}. ` +
      "Anyone with STX can stake and get the assessor role. Remove those permissions from the role, or choose a role without them."
    );
  }
  if (!me.permissions.has(PermissionFlagsBits.ManageRoles)) {
    return "I need the Manage Roles permission to give the assessor role. Give my role Manage Roles, then run this again.";
  }
  if (role.comparePositionTo(me.roles.highest) >= 0) {
    return (
      `<@&${role.id}> is at or above my highest role (<@&${me.roles.highest.id}>), so Discord does not let me give it. ` +
      "In Server Settings → Roles, drag my role above it, or choose a lower role."
    );
  }
  return null;
}

type Need = { flag: keyof typeof PermissionFlagsBits; label: string };
const need = (flag: Need["flag"], label: string): Need => ({ flag, label });

/** The feed gets messages and the daily report's embed, without threads. */
export const FEED_CHANNEL_NEEDS: readonly Need[] = [
  need("ViewChannel", "View Channel"),
  need("SendMessages", "Send Messages"),
  need("EmbedLinks", "Embed Links"),
];
/** The alert channel gets alerts with embeds, edits them, and starts a discussion thread on each. */
export const ALERT_CHANNEL_NEEDS: readonly Need[] = [
  ...FEED_CHANNEL_NEEDS,
  need("CreatePublicThreads", "Create Public Threads"),
  need("SendMessagesInThreads", "Send Messages in Threads"),
];

/** The permissions the bot lacks in a channel (its roles and the channel's overwrites applied), by their Discord names. */
export function missingChannelPermissions(
  channel: GuildBasedChannel,
  me: GuildMember,
  needs: readonly Need[],
): string[] {
  const has = channel.permissionsFor(me);
  return needs.filter((n) => !has.has(PermissionFlagsBits[n.flag])).map((n) => n.label);
}

/** The bot's own member in a guild (cached from the gateway, else fetched). */
export async function botMember(guild: Guild): Promise<GuildMember> {
  return guild.members.me ?? guild.members.fetchMe();
}
