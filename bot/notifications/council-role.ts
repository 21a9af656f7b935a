import { PermissionFlagsBits, type ChatInputCommandInteraction } from "discord.js";
import type { Store } from "../storage/store";
import { MemberNotifications } from "../storage/member-notifications";
import { UserError } from "../discord/errors";
import { botMember } from "../discord/permissions";

/**
 * `/setup council-role role:` (its subcommand is declared in commands/setup.ts): the role pinged when a claim
 * needs the council (council-pings.ts). Refused when Discord would not ping it: a role that is not mentionable,
 * unless the bot may mention every role.
 */
export async function setCouncilRole(interaction: ChatInputCommandInteraction, store: Store): Promise<string> {
  const guild = interaction.guild!;
  const chosen = interaction.options.getRole("role", true);
  const role = guild.roles.cache.get(chosen.id);
  if (!role || role.id === guild.id) throw new UserError("I can't find that role. Choose a role in this server.");
  const me = await botMember(guild);
  if (!role.mentionable && !me.permissions.has(PermissionFlagsBits.MentionEveryone))
    throw new UserError(
      `I can't ping <@&${role.id}>: it is not mentionable. In Server Settings, Roles, turn on "Allow anyone to @mention this role", or give my role "Mention @everyone, @here, and All Roles".`,
    );
  await new MemberNotifications(store.sql).setCouncilRole(guild.id, role.id);
  return `When a claim needs the council (no quorum, a large claim, or an approval the council can veto), I will ping <@&${role.id}> under the claim's alert with a link to act.`;
}

/** The council role's line in `/setup show`. */
export async function councilRoleLine(store: Store, guildId: string): Promise<string> {
  const role = await new MemberNotifications(store.sql).councilRole(guildId);
  return `Council role: ${role ? `<@&${role}>` : "not set (use `/setup council-role`)"}`;
}
