import type Database from "better-sqlite3";

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

type Statements = { get: Database.Statement; put: Database.Statement; remove: Database.Statement };

export class IndexTables {
  private readonly statements = new Map<Table, Statements>();
  private undoCount: number;
  private readonly keepRow: Database.Statement;

  constructor(readonly db: Database.Database) {
    // Changes are numbered across restarts, so an event's are always undone newest first.
    this.undoCount = ((db.prepare("SELECT MAX(n) AS n FROM ix_undo").get() as { n: number | null }).n ?? -1) + 1;
    this.keepRow = db.prepare("INSERT INTO ix_undo (event_key, n, tbl, row_key, before) VALUES (?, ?, ?, ?, ?)");
  }

  private sql(table: Table): Statements {
    let s = this.statements.get(table);
    if (!s) {
      const { key, columns } = TABLES[table];
      const where = key.map((k) => `${k} = @${k}`).join(" AND ");
      const updates = columns.filter((c) => !(key as readonly string[]).includes(c)).map((c) => `${c} = excluded.${c}`);
      s = {
        get: this.db.prepare(`SELECT ${columns.join(", ")} FROM ${table} WHERE ${where}`),
        put: this.db.prepare(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})
           ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${updates.join(", ")}`,
        ),
        remove: this.db.prepare(`DELETE FROM ${table} WHERE ${where}`),
      };
      this.statements.set(table, s);
    }
    return s;
  }

  private keyOf(table: Table, row: Row): Row {
    return Object.fromEntries(TABLES[table].key.map((k) => [k, row[k] ?? null]));
  }

  get(table: Table, key: Row): Row | undefined {
    return this.sql(table).get.get(this.keyOf(table, key)) as Row | undefined;
  }

  /** Writes a row, keeping what it replaced for `eventKey`'s undo (none when the write is not an event's). */
  put(table: Table, row: Row, eventKey: string | null) {
    if (eventKey !== null) this.keep(eventKey, table, row);
    this.sql(table).put.run(row);
  }

  remove(table: Table, key: Row, eventKey: string | null) {
    if (eventKey !== null) this.keep(eventKey, table, key);
    this.sql(table).remove.run(this.keyOf(table, key));
  }

  private keep(eventKey: string, table: Table, row: Row) {
    const key = this.keyOf(table, row);
    const before = this.get(table, key);
    this.keepRow.run(eventKey, this.undoCount++, table, JSON.stringify(key), before ? JSON.stringify(before) : null);
  }

  /** Restores every row the event changed, newest change first; returns the tables and keys it touched. */
  undo(eventKey: string): { table: Table; key: Row }[] {
    const changes = this.db
      .prepare("SELECT tbl, row_key AS rowKey, before FROM ix_undo WHERE event_key = ? ORDER BY n DESC")
      .all(eventKey) as { tbl: Table; rowKey: string; before: string | null }[];
    for (const c of changes) {
      const key = JSON.parse(c.rowKey) as Row;
      if (c.before === null) this.sql(c.tbl).remove.run(key);
      else this.sql(c.tbl).put.run(JSON.parse(c.before) as Row);
    }
    this.db.prepare("DELETE FROM ix_undo WHERE event_key = ?").run(eventKey);
    return changes.map((c) => ({ table: c.tbl, key: JSON.parse(c.rowKey) as Row }));
  }
}
