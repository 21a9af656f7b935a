import type { Sql } from "./sql";

/**
 * What the wallet link keeps beside store.ts's nonces and links: the Discord name and avatar of the member a
 * link page is for (columns of link_nonces, migration 13: kept with the nonce only, so they go when it is used,
 * replaced or purged), and forgetting a member's link (`/unlink`).
 */

/** How much of a Discord name is kept (a global name and a username, each at most 32 characters). */
const NAME_MAX = 80;
/** Discord's avatar hashes: 32 hex digits, with `a_` for an animated one. */
const AVATAR_HASH = /^(a_)?[0-9a-f]{32}$/;

export type LinkMember = { name: string; avatar: string | null };

export class MemberLinks {
  constructor(private readonly sql: Sql) {}

  /** Keeps who a nonce was issued to, as Discord showed them when they ran `/link`. */
  async describe(nonce: string, member: LinkMember): Promise<void> {
    const avatar = member.avatar && AVATAR_HASH.test(member.avatar) ? member.avatar : null;
    await this.sql.run("UPDATE link_nonces SET member_name = ?, member_avatar = ? WHERE nonce = ?", [
      member.name.slice(0, NAME_MAX),
      avatar,
      nonce,
    ]);
  }

  /** The name and avatar kept with a nonce, or null when none was kept (a nonce issued before migration 13). */
  async member(nonce: string): Promise<LinkMember | null> {
    const row = await this.sql.get<{ name: string | null; avatar: string | null }>(
      "SELECT member_name AS name, member_avatar AS avatar FROM link_nonces WHERE nonce = ?",
      [nonce],
    );
    return row?.name ? { name: row.name, avatar: row.avatar } : null;
  }

  /**
   * Forgets a member's linked wallet and any link page of theirs not yet used; returns the address that was
   * linked, or null if none was.
   */
  unlink(discordUserId: string): Promise<string | null> {
    return this.sql.transaction(async (tx) => {
      const row = await tx.get<{ address: string }>("SELECT address FROM linked_wallets WHERE discord_user_id = ?", [
        discordUserId,
      ]);
      await tx.run("DELETE FROM link_nonces WHERE discord_user_id = ?", [discordUserId]);
      if (!row) return null;
      await tx.run("DELETE FROM linked_wallets WHERE discord_user_id = ?", [discordUserId]);
      return row.address;
    });
  }
}
