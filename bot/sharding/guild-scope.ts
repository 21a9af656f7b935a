import { ShardClientUtil } from "discord.js";

/**
 * Which Discord servers a process posts to. One process owns them all; a shard owns the servers Discord's
 * gateway gives it ((guild_id >> 22) % shard_count, discord.js's shardIdForGuildId), known from the id alone,
 * so a shard decides before the server's GUILD_CREATE arrives and two shards never both post to one server.
 */
export type GuildScope = {
  /** The shards this process runs, and of how many (a single process: [0] of 1). */
  readonly shards: readonly number[];
  readonly count: number;
  owns(guildId: string): boolean;
};

export const EVERY_SERVER: GuildScope = { shards: [0], count: 1, owns: () => true };

export function shardScope(shards: readonly number[], count: number): GuildScope {
  if (count <= 1) return EVERY_SERVER;
  const mine = new Set(shards);
  return { shards, count, owns: (guildId) => mine.has(ShardClientUtil.shardIdForGuildId(guildId, count)) };
}

/** The entries of `list` for servers this process owns. */
export const ownedBy = <T extends { guildId: string }>(scope: GuildScope, list: T[]): T[] =>
  scope.count <= 1 ? list : list.filter((item) => scope.owns(item.guildId));
