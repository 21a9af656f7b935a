import type { Sql } from "./sql";

/**
 * The keeper's record of what it sent (table keeper_transactions, migration 6): per action (a contract
 * function) and target (a claim, a policy, the pool), at most one transaction in flight. Before the keeper
 * sends a call it looks here; while the one it sent is still pending it confirms it by id instead of sending
 * it again, and closes the record with what the chain says (mined with success or abort, or dropped).
 */

/** How many closed records are kept (newest first), for the log of what the keeper did; older ones go. */
const CLOSED_KEPT = 1_000;

export type KeeperTransaction = {
  id: number;
  action: string;
  targetId: string;
  txid: string;
  nonce: bigint;
  fee: bigint;
  sentAt: number;
  checkedAt: number;
  status: string;
};

type Row = {
  id: number;
  action: string;
  target_id: string;
  txid: string;
  nonce: number;
  fee: string;
  sent_at: number;
  checked_at: number;
  status: string;
};
const PENDING = "pending";
const fromRow = (r: Row): KeeperTransaction => ({
  id: r.id,
  action: r.action,
  targetId: r.target_id,
  txid: r.txid,
  nonce: BigInt(r.nonce),
  fee: BigInt(r.fee),
  sentAt: r.sent_at,
  checkedAt: r.checked_at,
  status: r.status,
});

export class KeeperTransactions {
  constructor(private readonly sql: Sql) {}

  /** Records a transaction the node accepted; it is in flight until closed. */
  async sent(tx: { action: string; targetId: string; txid: string; nonce: bigint; fee: bigint }, now = Date.now()) {
    await this.sql.run(
      `INSERT INTO keeper_transactions (action, target_id, txid, nonce, fee, sent_at, checked_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, '${PENDING}')`,
      [tx.action, tx.targetId, tx.txid, Number(tx.nonce), String(tx.fee), now, now],
    );
  }

  /** The transaction in flight for this action and target, if any. */
  async inFlight(action: string, targetId: string): Promise<KeeperTransaction | null> {
    const row = await this.sql.get<Row>(
      `SELECT * FROM keeper_transactions WHERE action = ? AND target_id = ? AND status = '${PENDING}'`,
      [action, targetId],
    );
    return row ? fromRow(row) : null;
  }

  /** The `limit` transactions in flight confirmed longest ago (so that every one gets its turn). */
  async toConfirm(limit: number): Promise<KeeperTransaction[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM keeper_transactions WHERE status = '${PENDING}' ORDER BY checked_at, id LIMIT ?`,
      [limit],
    );
    return rows.map(fromRow);
  }

  /** How many are in flight. */
  async pendingCount(): Promise<number> {
    return (await this.sql.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM keeper_transactions WHERE status = '${PENDING}'`,
    ))!.n;
  }

  /** Still pending when asked now. */
  async checked(id: number, now = Date.now()) {
    await this.sql.run("UPDATE keeper_transactions SET checked_at = ? WHERE id = ?", [now, id]);
  }

  /** Closes the record with the chain's answer (success, abort_by_…, dropped_…, or not-found). */
  async close(id: number, status: string, now = Date.now()) {
    await this.sql.run("UPDATE keeper_transactions SET status = ?, checked_at = ? WHERE id = ?", [status, now, id]);
    await this.sql.run(
      `DELETE FROM keeper_transactions WHERE status != '${PENDING}' AND id NOT IN
           (SELECT id FROM keeper_transactions WHERE status != '${PENDING}' ORDER BY id DESC LIMIT ?)`,
      [CLOSED_KEPT],
    );
  }

  /** Every record of one target, oldest first (for tests and diagnostics). */
  async history(action: string, targetId: string): Promise<KeeperTransaction[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM keeper_transactions WHERE action = ? AND target_id = ? ORDER BY id",
      [action, targetId],
    );
    return rows.map(fromRow);
  }
}
