import { placeholders, type Sql, type Statement } from "../storage/sql";
import { paddedChunks, powerOfTwoChunks, valuesList } from "../storage/multi-row";

/**
 * The index's tables, their keys and columns, and the one way rows change: `put` first keeps the
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

const UNDO_COLUMNS = ["event_key", "n", "tbl", "row_key", "before"] as const;

/** A row's before-image not read yet: the database's row, read for all such keys at once when the batch is written. */
const UNREAD = Symbol("unread");
type Change = { eventKey: string; n: number; table: Table; key: Row; before: Row | null | typeof UNREAD };

/**
 * The index's rows as one transaction sees them. Reads go to the database once per row; writes (and the undo
 * entries that keep what they replaced) are held until `flush`, which writes each table's rows in a few
 * multi-row statements: a batch of events costs a handful of statements, not several per event (on Postgres
 * each is a round trip). Whoever applies events flushes before the transaction commits; statements that
 * bypass the rows (`direct`) flush first and forget what was read.
 */
export class IndexTables {
  /** Each table's rows by key as this transaction has read or written them (null: no such row). */
  private readonly rows = new Map<Table, Map<string, Row | null>>();
  /** The rows written since the last flush, by table and key. */
  private readonly written = new Map<Table, Map<string, Row>>();
  private changes: Change[] = [];
  /** Statements of the caller's own, written with the rows (see alongside). */
  private others: Statement[] = [];
  /** Writes sent and not yet waited for (see send). */
  private inFlight: Promise<void>[] = [];

  constructor(
    readonly sql: Sql,
    private readonly undoCount: UndoCounter,
  ) {}

  async get(table: Table, key: Row): Promise<Row | undefined> {
    const k = keyText(table, key);
    const rows = rowsOf(this.rows, table);
    if (rows.has(k)) return rows.get(k) ?? undefined;
    const row = await this.sql.get<Row>(statementsOf(table).get, keyOf(table, key));
    rows.set(k, row ?? null);
    return row;
  }

  /** Writes a row, keeping what it replaced for `eventKey`'s undo (none when the write is not an event's). */
  async put(table: Table, row: Row, eventKey: string | null) {
    await this.change(table, keyOf(table, row), row, eventKey, false);
  }

  /**
   * Writes the row `eventKey` brings into being (a protocol, policy or claim its event numbers: the contracts
   * number each once), so there was none to keep and none is read: undoing the event deletes it.
   */
  async create(table: Table, row: Row, eventKey: string) {
    await this.change(table, keyOf(table, row), row, eventKey, true);
  }

  private async change(table: Table, key: Row, row: Row, eventKey: string | null, creates: boolean) {
    const k = JSON.stringify(key);
    const rows = rowsOf(this.rows, table);
    if (eventKey !== null) {
      // A row keyed by the event that writes it did not exist before it either (an orphaned event's is undone).
      const before = rows.has(k) ? rows.get(k)! : creates || key.event_key === eventKey ? null : UNREAD;
      this.changes.push({ eventKey, n: await this.undoCount.take(this.sql), table, key, before });
    }
    rows.set(k, row);
    rowsOf(this.written, table).set(k, row);
  }

  /**
   * Statements on tables outside the index (the ledger's record of the events) to be written at the next flush,
   * in the same request as the rows: on Postgres one round trip fewer a page.
   */
  alongside(statements: readonly Statement[]) {
    this.others.push(...statements);
  }

  /**
   * Writes what is held: the before-images still unread, then each table's rows, the undo entries and the
   * statements given `alongside`; resolves when every write sent so far is done.
   */
  async flush() {
    await this.send();
    const sent = this.inFlight;
    this.inFlight = [];
    // The first failure is the one to report (the statements after it fail only because it did).
    for (const write of sent) await write;
  }

  /**
   * Starts writing what is held without waiting for the answer, so the caller can go on working while the
   * database does (on Postgres the transaction's next statements queue behind it on its connection); `flush`
   * waits for it. Unread before-images are read first (that read waits for the writes before it).
   */
  async send() {
    const unread = new Map<Table, Map<string, Row>>();
    for (const c of this.changes) if (c.before === UNREAD) rowsOf(unread, c.table).set(JSON.stringify(c.key), c.key);
    const read = new Map<Table, Map<string, Row>>();
    for (const [table, keys] of unread) read.set(table, await this.readMany(table, [...keys.values()]));
    for (const c of this.changes)
      if (c.before === UNREAD) c.before = read.get(c.table)?.get(JSON.stringify(c.key)) ?? null;

    const writes: Statement[] = [];
    for (const [table, rows] of this.written) {
      const { columns } = TABLES[table];
      for (const chunk of powerOfTwoChunks([...rows.values()]))
        writes.push({
          text: upsertMany(table, chunk.length),
          params: chunk.flatMap((r) => columns.map((c) => r[c] ?? null)),
        });
    }
    for (const chunk of powerOfTwoChunks(this.changes))
      writes.push({
        text: `INSERT INTO ix_undo (${UNDO_COLUMNS.join(", ")}) ${valuesList(chunk.length, UNDO_COLUMNS.length)}`,
        params: chunk.flatMap((c) => [
          c.eventKey,
          c.n,
          c.table,
          JSON.stringify(c.key),
          c.before === null ? null : JSON.stringify(c.before),
        ]),
      });
    writes.push(...this.others);
    this.written.clear();
    this.changes = [];
    this.others = [];
    if (writes.length === 0) return;
    // One request for all of it (on Postgres one round trip): each row at most once, so the parts never collide.
    const write = this.sql.runAll(writes);
    // Awaited by flush; until then a failure must not count as unhandled.
    write.catch(() => {});
    this.inFlight.push(write);
    // A turn of the event loop, in which the answers to earlier writes are read and the queued ones sent.
    if (this.inFlight.length > 1) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Runs statements of the caller's own on the index's tables: what is held is written first, and nothing read is trusted after. */
  async direct<T>(work: () => Promise<T>): Promise<T> {
    await this.flush();
    try {
      return await work();
    } finally {
      this.rows.clear();
    }
  }

  /** The rows of `keys` the database holds, by key text. */
  private async readMany(table: Table, keys: Row[]): Promise<Map<string, Row>> {
    const { key: keyColumns, columns } = TABLES[table];
    const found = new Map<string, Row>();
    for (const chunk of paddedChunks(keys)) {
      const where =
        keyColumns.length === 1
          ? `${keyColumns[0]} IN ${placeholders(chunk)}`
          : chunk.map(() => `(${keyColumns.map((c) => `${c} = ?`).join(" AND ")})`).join(" OR ");
      const rows = await this.sql.all<Row>(
        `SELECT ${columns.join(", ")} FROM ${table} WHERE ${where}`,
        chunk.flatMap((k) => keyColumns.map((c) => k[c] ?? null)),
      );
      for (const row of rows) found.set(keyText(table, row), row);
    }
    return found;
  }

  /** Restores every row the event changed, newest change first; returns the tables and keys it touched. */
  undo(eventKey: string): Promise<{ table: Table; key: Row }[]> {
    return this.direct(async () => {
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
    });
  }
}

const keyText = (table: Table, row: Row) => JSON.stringify(keyOf(table, row));

/** The map of one table's entries, made when first asked for. */
function rowsOf<V>(map: Map<Table, Map<string, V>>, table: Table): Map<string, V> {
  let rows = map.get(table);
  if (!rows) {
    rows = new Map();
    map.set(table, rows);
  }
  return rows;
}

const upserts = new Map<string, string>();

/** The upsert of `count` rows of `table` in one statement. */
function upsertMany(table: Table, count: number): string {
  const id = `${table}:${count}`;
  let text = upserts.get(id);
  if (!text) {
    const { key, columns } = TABLES[table];
    const updates = columns.filter((c) => !(key as readonly string[]).includes(c)).map((c) => `${c} = excluded.${c}`);
    text = `INSERT INTO ${table} (${columns.join(", ")}) ${valuesList(count, columns.length)}
      ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${updates.join(", ")}`;
    upserts.set(id, text);
  }
  return text;
}
