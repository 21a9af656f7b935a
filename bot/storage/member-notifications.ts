import { fromJson } from "../index/json-values";
import type { IndexedAssessor } from "../index/records";
import { placeholders, type Sql } from "./sql";

/**
 * What each member chose to be told by DM (`/notify`, table member_notifications, migration 11) and each
 * server's council role (guild_settings.council_role_id), with the queries that find whom a notification is for:
 * each answers from the bot's tables and the index in one query, never from the chain.
 */

/** The DMs a member can ask for. */
export const NOTIFICATION_KINDS = ["new-claims", "unvoted", "rewards", "policy", "council"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A linked member and their wallet. */
export type LinkedMember = { discordUserId: string; address: string };

export class MemberNotifications {
  constructor(private readonly sql: Sql) {}

  /** The kinds a member chose, in NOTIFICATION_KINDS's order. */
  async kinds(discordUserId: string): Promise<NotificationKind[]> {
    const rows = await this.sql.all<{ kind: string }>(
      "SELECT kind FROM member_notifications WHERE discord_user_id = ?",
      [discordUserId],
    );
    const chosen = new Set(rows.map((r) => r.kind));
    return NOTIFICATION_KINDS.filter((k) => chosen.has(k));
  }

  async set(discordUserId: string, kind: NotificationKind, on: boolean): Promise<void> {
    if (on)
      await this.sql.run(
        "INSERT INTO member_notifications (discord_user_id, kind) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [discordUserId, kind],
      );
    else
      await this.sql.run("DELETE FROM member_notifications WHERE discord_user_id = ? AND kind = ?", [
        discordUserId,
        kind,
      ]);
  }

  /** Every member who chose `kind`. */
  async members(kind: NotificationKind): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT discord_user_id AS id FROM member_notifications WHERE kind = ? ORDER BY discord_user_id",
      [kind],
    );
    return rows.map((r) => r.id);
  }

  /** Members who chose `kind`, with their linked wallet (members without one are left out). */
  async linkedMembers(kind: NotificationKind): Promise<LinkedMember[]> {
    return this.sql.all<LinkedMember>(
      `SELECT w.discord_user_id AS "discordUserId", w.address AS address FROM member_notifications n
       JOIN linked_wallets w ON w.discord_user_id = n.discord_user_id WHERE n.kind = ? ORDER BY w.discord_user_id`,
      [kind],
    );
  }

  /** The member linked to `address` if they chose `kind`. */
  async memberFor(kind: NotificationKind, address: string): Promise<string | null> {
    const row = await this.sql.get<{ id: string }>(
      `SELECT w.discord_user_id AS id FROM linked_wallets w JOIN member_notifications n
       ON n.discord_user_id = w.discord_user_id AND n.kind = ? WHERE w.address = ?`,
      [kind, address],
    );
    return row?.id ?? null;
  }

  /** Linked members who chose `kind` and voted on the claim without settling yet (index votes). */
  async unsettledVoters(kind: NotificationKind, claimId: bigint): Promise<LinkedMember[]> {
    return this.sql.all<LinkedMember>(
      `SELECT w.discord_user_id AS "discordUserId", w.address AS address FROM ix_votes v
       JOIN linked_wallets w ON w.address = v.voter
       JOIN member_notifications n ON n.discord_user_id = w.discord_user_id AND n.kind = ?
       WHERE v.claim_id = ? AND v.settled = 0 ORDER BY w.discord_user_id`,
      [kind, claimId],
    );
  }

  /**
   * Linked members whose wallet could still vote on a claim, as the index knows it: active stake (the index's
   * assessor record), no vote on the claim yet (its votes), and neither the claimant nor the protocol's team
   * address (the contract refuses both). `only` narrows them to members who chose that kind. See docs/bot.md
   * (Notifications, trade-offs) for what the index cannot tell: stake added after the claim opened.
   */
  async unvotedAssessors(
    claim: { id: bigint; claimant: string },
    excluded: readonly string[],
    only?: NotificationKind,
  ): Promise<LinkedMember[]> {
    const skip = [claim.claimant, ...excluded];
    const chosen = only ? "JOIN member_notifications n ON n.discord_user_id = w.discord_user_id AND n.kind = ?" : "";
    const rows = await this.sql.all<LinkedMember & { data: string }>(
      `SELECT w.discord_user_id AS "discordUserId", w.address AS address, a.data AS data FROM linked_wallets w
       JOIN ix_assessors a ON a.address = w.address ${chosen}
       WHERE w.address NOT IN ${placeholders(skip)}
         AND NOT EXISTS (SELECT 1 FROM ix_votes v WHERE v.claim_id = ? AND v.voter = w.address)
       ORDER BY w.linked_at, w.discord_user_id`,
      [...(only ? [only] : []), ...skip, claim.id],
    );
    return rows
      .filter((r) => fromJson<IndexedAssessor>(r.data).active > 0n)
      .map((r) => ({ discordUserId: r.discordUserId, address: r.address }));
  }

  async councilRole(guildId: string): Promise<string | null> {
    const row = await this.sql.get<{ role: string | null }>(
      "SELECT council_role_id AS role FROM guild_settings WHERE guild_id = ?",
      [guildId],
    );
    return row?.role ?? null;
  }

  /** Sets (or clears, with null) a server's council role; the server's other settings stay as they are. */
  async setCouncilRole(guildId: string, roleId: string | null): Promise<void> {
    await this.sql.run(
      `INSERT INTO guild_settings (guild_id, council_role_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(guild_id) DO UPDATE SET council_role_id = excluded.council_role_id, updated_at = excluded.updated_at`,
      [guildId, roleId, Date.now()],
    );
  }
}
