import { placeholders, type Sql } from "./sql";

/**
 * What members sign on the bot's pages, followed until the chain decides it (tables followed_transactions and
 * result_tokens, migration 10). A page reports the transaction id its wallet returned; nothing else from the
 * page is believed: who sent it, what it called and how it ended are read from the chain (bot/jobs/
 * transaction-results.ts), and only the member linked to the sender is told.
 */

/** Transactions followed at once, at most: beyond, a page is told to come back later (no chain read is spent). */
export const FOLLOWED_MAX = 1_000;
/** Discord's interaction tokens answer for 15 minutes; the bot stops using one a minute before. */
export const TOKEN_LIFETIME_MS = 840_000;
/** Decided transactions are kept this long (a day) for the page that asks how its transaction ended. */
const DECIDED_KEPT_MS = 86_400_000;

export type FollowedTransaction = {
  txid: string;
  /** `pending` until the chain decides; then the API's status (success, abort_by_…, dropped_…) or not_found. */
  status: string;
  followedAt: number;
  checkedAt: number;
  closedAt: number | null;
  sender: string | null;
  contractId: string | null;
  functionName: string | null;
  /** The transaction's result as Clarity text, e.g. `(ok true)` or `(err u2004)`. */
  result: string | null;
  blockHeight: number | null;
  /** Who was told: `follow-up`, `dm`, `not-linked`, `not-asked`, `not-ours` or `failed`. */
  told: string | null;
};

type Row = {
  txid: string;
  status: string;
  followed_at: number;
  checked_at: number;
  closed_at: number | null;
  sender: string | null;
  contract_id: string | null;
  function_name: string | null;
  result: string | null;
  block_height: number | null;
  told: string | null;
};
const fromRow = (r: Row): FollowedTransaction => ({
  txid: r.txid,
  status: r.status,
  followedAt: Number(r.followed_at),
  checkedAt: Number(r.checked_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
  sender: r.sender,
  contractId: r.contract_id,
  functionName: r.function_name,
  result: r.result,
  blockHeight: r.block_height === null ? null : Number(r.block_height),
  told: r.told,
});

/** A transaction id as the API writes it: 0x and 64 lowercase hex digits. */
export const canonicalTxid = (txid: string) => `0x${txid.replace(/^0x/i, "").toLowerCase()}`;

export type Decided = {
  status: string;
  sender: string | null;
  contractId: string | null;
  functionName: string | null;
  result: string | null;
  blockHeight: number | null;
  told: string;
};

export class FollowedTransactions {
  constructor(private readonly sql: Sql) {}

  /**
   * Follows a transaction a page reported: `followed` when new, `known` when already followed (reported twice,
   * or by two pages), `full` when FOLLOWED_MAX are open (nothing recorded).
   */
  async follow(txid: string, now = Date.now()): Promise<"followed" | "known" | "full"> {
    const id = canonicalTxid(txid);
    return this.sql.transaction(async (tx) => {
      if (await tx.get("SELECT 1 AS one FROM followed_transactions WHERE txid = ?", [id])) return "known";
      const open = (await tx.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM followed_transactions WHERE closed_at IS NULL",
      ))!;
      if (Number(open.n) >= FOLLOWED_MAX) return "full";
      const added = await tx.run(
        `INSERT INTO followed_transactions (txid, status, followed_at, checked_at) VALUES (?, 'pending', ?, ?)
         ON CONFLICT(txid) DO NOTHING`,
        [id, now, now],
      );
      return added > 0 ? "followed" : "known";
    });
  }

  async get(txid: string): Promise<FollowedTransaction | null> {
    const row = await this.sql.get<Row>("SELECT * FROM followed_transactions WHERE txid = ?", [canonicalTxid(txid)]);
    return row ? fromRow(row) : null;
  }

  /** The `limit` undecided transactions checked longest ago, so each gets its turn. */
  async toCheck(limit: number): Promise<FollowedTransaction[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM followed_transactions WHERE closed_at IS NULL ORDER BY checked_at, txid LIMIT ?",
      [limit],
    );
    return rows.map(fromRow);
  }

  /** Still undecided when asked now (or the answer was not for us to record: a re-org in progress). */
  async checked(txids: string[], now = Date.now()) {
    if (txids.length === 0) return;
    await this.sql.run(`UPDATE followed_transactions SET checked_at = ? WHERE txid IN ${placeholders(txids)}`, [
      now,
      ...txids,
    ]);
  }

  /**
   * Records how the chain decided the transaction and who was told, once: false when another process closed it
   * first (so a member is told once however many processes check).
   */
  async close(txid: string, decided: Decided, now = Date.now()): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE followed_transactions SET status = ?, sender = ?, contract_id = ?, function_name = ?, result = ?,
         block_height = ?, told = ?, checked_at = ?, closed_at = ? WHERE txid = ? AND closed_at IS NULL`,
      [
        decided.status,
        decided.sender,
        decided.contractId,
        decided.functionName,
        decided.result,
        decided.blockHeight,
        decided.told,
        now,
        now,
        txid,
      ],
    );
    return changed > 0;
  }

  /** Records how the member was told, once the message went (or did not). */
  async told(txid: string, how: string) {
    await this.sql.run("UPDATE followed_transactions SET told = ? WHERE txid = ?", [how, txid]);
  }

  /** Forgets decided transactions older than a day; returns how many. */
  prune(now = Date.now()): Promise<number> {
    return this.sql.run("DELETE FROM followed_transactions WHERE closed_at IS NOT NULL AND closed_at < ?", [
      now - DECIDED_KEPT_MS,
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Interaction tokens: a member's newest command that opened a page, to answer them privately
  // -------------------------------------------------------------------------------------------

  /** Keeps a member's newest interaction (its token answers them until `expiresAt`), replacing the one before. */
  async saveToken(discordUserId: string, applicationId: string, token: string, expiresAt: number) {
    await this.sql.run(
      `INSERT INTO result_tokens (discord_user_id, application_id, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(discord_user_id) DO UPDATE SET application_id = excluded.application_id, token = excluded.token,
         expires_at = excluded.expires_at`,
      [discordUserId, applicationId, token, expiresAt],
    );
  }

  /** The member's interaction while its token still answers, else null. */
  async liveToken(discordUserId: string, now = Date.now()): Promise<{ applicationId: string; token: string } | null> {
    const row = await this.sql.get<{ applicationId: string; token: string }>(
      `SELECT application_id AS "applicationId", token FROM result_tokens WHERE discord_user_id = ? AND expires_at > ?`,
      [discordUserId, now],
    );
    return row ?? null;
  }

  /** Forgets tokens that no longer answer; returns how many. */
  purgeTokens(now = Date.now()): Promise<number> {
    return this.sql.run("DELETE FROM result_tokens WHERE expires_at <= ?", [now]);
  }
}
