import type { Sql } from "../storage/sql";
import type { EventHandlers } from "../watcher/event-ledger";
import { decodeLog, eventKey, type ProtocolEvent } from "../chain/events";
import type { Logger } from "../logger";
import type { Store } from "../storage/store";
import { recordVote } from "../discord/recent-votes";

/** The Postgres channel the leader notifies when it adds rows, so shards post within milliseconds. */
export const OUTBOX_CHANNEL = "feed_outbox";
/** Rows every shard has passed are deleted once they are this old (a shard restarted within it misses nothing). */
export const OUTBOX_RETENTION_MS = 86_400_000;

/** An event handled or orphaned, or a member who linked a wallet (their roles to sync in the servers that know them). */
export type OutboxKind = "handle" | "rollback" | "linked";

export type OutboxRow = {
  id: number;
  kind: OutboxKind;
  eventKey: string;
  contractId: string;
  txid: string;
  eventIndex: number;
  seq: number;
  hex: string;
  blockHeight: number;
  blockHash: string;
};

/**
 * What the ingestion leader hands the shards (docs/architecture.md): every event it handled and every event a
 * re-organisation orphaned, in the order it did so, as rows in Postgres. Each shard keeps its own position in
 * it (feed_cursors) and posts what it finds to the servers it owns. A row is written after the event is in the
 * index and before the ledger marks it handled, so a leader that dies in between writes it again (the next
 * leader runs pending events first): a row may come twice, never not at all, and every post is sent once by key.
 */
export class FeedOutbox {
  constructor(private readonly sql: Sql) {}

  /** Adds the recorded event `key` as a row of `kind`, from the ledger's record of it (which holds its block). */
  async add(kind: OutboxKind, key: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO feed_outbox (kind, event_key, contract_id, txid, event_index, seq, hex, block_height, block_hash, created_at)
       SELECT ?, event_key, contract_id, txid, event_index, seq, hex, block_height, block_hash, ? FROM chain_events
       WHERE event_key = ?`,
      [kind, Date.now(), key],
    );
    await this.notify();
  }

  /** A member linked a wallet on the web process: each shard syncs their assessor role in its servers. */
  async addLinked(discordUserId: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO feed_outbox (kind, event_key, contract_id, txid, event_index, seq, hex, block_height, block_hash, created_at)
       VALUES ('linked', ?, '', '', 0, 0, '', 0, '', ?)`,
      [discordUserId, Date.now()],
    );
    await this.notify();
  }

  private async notify() {
    if (this.sql.engine === "postgres") await this.sql.run(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  }

  /** Up to `limit` rows after `id`, oldest first. */
  after(id: number, limit: number): Promise<OutboxRow[]> {
    return this.sql.all<OutboxRow>(
      `SELECT id, kind, event_key AS "eventKey", contract_id AS "contractId", txid, event_index AS "eventIndex", seq, hex,
       block_height AS "blockHeight", block_hash AS "blockHash" FROM feed_outbox WHERE id > ? ORDER BY id LIMIT ?`,
      [id, limit],
    );
  }

  /**
   * A shard's position. A shard with none (the first start, or a shard added by a larger SHARD_COUNT) starts
   * where the slowest shard is, so the servers it takes over miss nothing; with no shard at all, at the newest row.
   */
  async cursor(shardId: number): Promise<number> {
    const own = await this.sql.get<{ id: number }>("SELECT last_id AS id FROM feed_cursors WHERE shard_id = ?", [
      shardId,
    ]);
    if (own) return own.id;
    const slowest = await this.sql.get<{ id: number | null }>("SELECT MIN(last_id) AS id FROM feed_cursors");
    if (slowest?.id != null) return Number(slowest.id);
    const newest = await this.sql.get<{ id: number | null }>("SELECT MAX(id) AS id FROM feed_outbox");
    return Number(newest?.id ?? 0);
  }

  async setCursor(shardId: number, id: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO feed_cursors (shard_id, last_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(shard_id) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at`,
      [shardId, id, Date.now()],
    );
  }

  /** Deletes rows every shard has passed that are older than the retention; returns how many. */
  prune(now = Date.now()): Promise<number> {
    return this.sql.run(
      "DELETE FROM feed_outbox WHERE created_at < ? AND id <= (SELECT COALESCE(MIN(last_id), 0) FROM feed_cursors)",
      [now - OUTBOX_RETENTION_MS],
    );
  }
}

/** The ledger's handlers on the ingestion leader of a sharded bot: the shards post, the leader only writes rows. */
export class OutboxPublisher implements EventHandlers {
  constructor(
    private readonly outbox: FeedOutbox,
    private readonly store: Store,
  ) {}

  async handle(event: ProtocolEvent): Promise<void> {
    // What every shard's alerts read (the newest votes) is written once, here, before the shards are told.
    await recordVote(this.store, event, "handle");
    await this.outbox.add("handle", eventKey(event));
  }

  async rollback(event: ProtocolEvent): Promise<void> {
    await recordVote(this.store, event, "rollback");
    await this.outbox.add("rollback", eventKey(event));
  }
}

/** The event a row stands for, decoded as the ledger decodes it (null when the bindings cannot read it). */
export function eventOf(row: OutboxRow, log?: Logger): ProtocolEvent | null {
  const event = decodeLog(
    row.contractId,
    { tx_id: row.txid, event_index: row.eventIndex, contract_log: { value: { hex: row.hex } } },
    row.seq,
    log,
  );
  return event ? { ...event, block: { height: row.blockHeight, hash: row.blockHash } } : null;
}
