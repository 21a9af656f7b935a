import { PermissionFlagsBits as P, OverwriteType, type APIOverwrite, type APIRole } from "discord-api-types/v10";

/**
 * Discord's permission arithmetic, as its developer documentation describes it ("Permissions":
 * base permissions, permission overwrites, implicit permissions, permission hierarchy), so the local
 * Discord refuses what the real one refuses and reports what a member can do where.
 */

export const ALL = Object.values(P).reduce((a, b) => a | b, 0n);

export type GuildView = { id: string; ownerId: string; roles: APIRole[] };

/** The owner has everything; otherwise @everyone's bits and every role's, and Administrator means everything. */
export function basePermissions(guild: GuildView, userId: string, memberRoles: string[]): bigint {
  if (userId === guild.ownerId) return ALL;
  const bits = guild.roles
    .filter((r) => r.id === guild.id || memberRoles.includes(r.id))
    .reduce((p, r) => p | BigInt(r.permissions), 0n);
  return bits & P.Administrator ? ALL : bits;
}

/**
 * In a channel: the base, then @everyone's overwrite, then the member's roles' overwrites (every deny,
 * then every allow), then the member's own. Without View Channel nothing else applies; without Send
 * Messages neither do the permissions that only make sense when sending (not in threads, which have
 * their own Send Messages in Threads).
 */
export function channelPermissions(
  guild: GuildView,
  userId: string,
  memberRoles: string[],
  overwrites: APIOverwrite[],
  thread = false,
): bigint {
  const base = basePermissions(guild, userId, memberRoles);
  if (base === ALL) return ALL;
  const apply = (bits: bigint, list: APIOverwrite[]) => {
    const deny = list.reduce((d, o) => d | BigInt(o.deny), 0n);
    const allow = list.reduce((a, o) => a | BigInt(o.allow), 0n);
    return (bits & ~deny) | allow;
  };
  let bits = apply(
    base,
    overwrites.filter((o) => o.id === guild.id),
  );
  bits = apply(
    bits,
    overwrites.filter((o) => o.type === OverwriteType.Role && o.id !== guild.id && memberRoles.includes(o.id)),
  );
  bits = apply(
    bits,
    overwrites.filter((o) => o.type === OverwriteType.Member && o.id === userId),
  );
  if (!(bits & P.ViewChannel)) return 0n;
  if (!thread && !(bits & P.SendMessages))
    bits &= ~(P.MentionEveryone | P.SendTTSMessages | P.AttachFiles | P.EmbedLinks);
  return bits;
}

/** Role order as Discord shows it: a higher position is higher; on equal positions the older (smaller id) role is higher. */
export function compareRoles(a: APIRole, b: APIRole): number {
  if (a.position !== b.position) return a.position - b.position;
  return BigInt(a.id) < BigInt(b.id) ? 1 : BigInt(a.id) > BigInt(b.id) ? -1 : 0;
}

/** A member's highest role (@everyone when they have none). */
export function highestRole(guild: GuildView, memberRoles: string[]): APIRole {
  const held = guild.roles.filter((r) => r.id === guild.id || memberRoles.includes(r.id));
  return held.reduce((top, r) => (compareRoles(r, top) > 0 ? r : top));
}
