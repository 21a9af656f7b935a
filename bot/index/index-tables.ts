import type { Sql } from "../storage/sql";

/**
 * The index's tables, their keys and columns, and the one way rows change: `put` and `remove` first keep the
 * row as it was under the event being applied (`ix_undo`), so `undo` restores every row an event changed,
 * newest change first. Rows are plain column values; records live in the `data` JSON column.
 */
export const TABLES = {
  ix_protocols: { key: ["id"], columns: ["id", "name", "status", "stale", "data"] },
  ix_policies: {
    key: ["id"],
    columns: ["id", "protocol_id", "holder", "status", "active_from", "ends_at", "remaining_cover", "data"],
  },
  ix_claims: {
    key: ["id"],
    columns: ["id", "protocol_id", "policy_id", "claimant", "status", "voting_ends_at", "veto_ends_at", "data"],
  },
  ix_claim_txs: { key: ["claim_id", "event_key"], columns: ["claim_id", "event_key", "seq", "topic", "txid"] },
  ix_votes: { key: ["claim_id", "voter"], columns: ["claim_id", "voter", "approve", "settled", "seq", "data"] },
  ix_assessors: { key: ["address"], columns: ["address", "data"] },
  ix_pool_history: { key: ["series", "event_key"], columns: ["series", "event_key", "at", "seq", "value"] },
  ix_state: { key: ["name"], columns: ["name", "data"] },
} as const;

export type Table = keyof typeof TABLES;
export type Row = Record<string, string | number | null>;

type Statements = { get: string; put: string; remove: string };
const statements = new Map<Table, Statements>();

/** Each table's three statements, written once. */
function statementsOf(table: Table): Statements {
  let s = statements.get(table);
  if (!s) {
    const { key, columns } = TABLES[table];
    const where = key.map((k) => `${k} = @${k}`).join(" AND ");
    const updates = columns.filter((c) => !(key as readonly string[]).includes(c)).map((c) => `${c} = excluded.${c}`);
    s = {
      get: `SELECT ${columns.join(", ")} FROM ${table} WHERE ${where}`,
      put: `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})
           ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${updates.join(", ")}`,
      remove: `DELETE FROM ${table} WHERE ${where}`,
    };
    statements.set(table, s);
  }
  return s;
}

const keyOf = (table: Table, row: Row): Row => Object.fromEntries(TABLES[table].key.map((k) => [k, row[k] ?? null]));

/**
 * Numbers the changes kept for undo across restarts, so an event's are always undone newest first. Read from the
 * store once; only the ingesting process writes the index, so the count stays its own (numbers a rolled-back
 * transaction took are skipped: only their order matters).
 */
export class UndoCounter {
  private next: number | null = null;

  async take(sql: Sql): Promise<number> {
    if (this.next === null)
      this.next = ((await sql.get<{ n: number | null }>("SELECT MAX(n) AS n FROM ix_undo"))?.n ?? -1) + 1;
    return this.next++;
  }
}

export class IndexTables {
  constructor(
    readonly sql: Sql,
    private readonly undoCount: UndoCounter,
  ) {}

  get(table: Table, key: Row): Promise<Row | undefined> {
    return this.sql.get<Row>(statementsOf(table).get, keyOf(table, key));
  }

  /** Writes a row, keeping what it replaced for `eventKey`'s undo (none when the write is not an event's). */
  async put(table: Table, row: Row, eventKey: string | null) {
    if (eventKey !== null) await this.keep(eventKey, table, row);
    await this.sql.run(statementsOf(table).put, row);
  }

  async remove(table: Table, key: Row, eventKey: string | null) {
    if (eventKey !== null) await this.keep(eventKey, table, key);
    await this.sql.run(statementsOf(table).remove, keyOf(table, key));
  }

  private async keep(eventKey: string, table: Table, row: Row) {
    const key = keyOf(table, row);
    const before = await this.get(table, key);
    await this.sql.run("INSERT INTO ix_undo (event_key, n, tbl, row_key, before) VALUES (?, ?, ?, ?, ?)", [
      eventKey,
      await this.undoCount.take(this.sql),
      table,
      JSON.stringify(key),
      before ? JSON.stringify(before) : null,
    ]);
  }

  /** Restores every row the event changed, newest change first; returns the tables and keys it touched. */
  async undo(eventKey: string): Promise<{ table: Table; key: Row }[]> {
    const changes = await this.sql.all<{ tbl: Table; rowKey: string; before: string | null }>(
      'SELECT tbl, row_key AS "rowKey", before FROM ix_undo WHERE event_key = ? ORDER BY n DESC',
      [eventKey],
    );
    for (const c of changes) {
      const key = JSON.parse(c.rowKey) as Row;
      if (c.before === null) await this.sql.run(statementsOf(c.tbl).remove, keyOf(c.tbl, key));
      else await this.sql.run(statementsOf(c.tbl).put, JSON.parse(c.before) as Row);
    }
    await this.sql.run("DELETE FROM ix_undo WHERE event_key = ?", [eventKey]);
    return changes.map((c) => ({ table: c.tbl, key: JSON.parse(c.rowKey) as Row }));
  }
}
