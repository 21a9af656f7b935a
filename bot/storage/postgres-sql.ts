import pg from "pg";
import type { Params, Sql, Statement } from "./sql";

/** How many combined statements are prepared (each connection keeps what it prepared). */
const PREPARED_COMBINATIONS = 200;
/** Parameters in one combined statement, well under Postgres's 65,535. */
const MAX_PARAMETERS = 30_000;

/** Postgres's type ids whose text form is turned into numbers: int8 (COUNT, BIGINT columns). */
const INT8 = 20;

/**
 * Numbers for int8 (every integer column and COUNT): amounts in micro-STX and times in seconds stay far below
 * 2^53. Sums of int8 come back as numeric text, which callers read with BigInt.
 */
const types = {
  getTypeParser: ((id: number, format?: string) =>
    id === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(id, format as "text")) as never,
};

type Translated = { name: string; text: string; names: string[] | null };

/**
 * A statement written for both engines, in Postgres's form: `?` and `@name` become `$1…`, outside quoted text.
 * Each text is prepared once per connection, under a name of its own.
 */
export class PostgresStatements {
  private readonly byText = new Map<string, Translated>();
  private combinations = 0;

  translate(text: string): Translated {
    let t = this.byText.get(text);
    if (!t) {
      t = { name: `s${this.byText.size + 1}`, ...toPostgres(text) };
      this.byText.set(text, t);
    }
    return t;
  }

  query(text: string, params: Params | undefined): pg.QueryConfig {
    const t = this.translate(text);
    const values =
      params === undefined
        ? []
        : t.names
          ? t.names.map((name) => (params as Record<string, unknown>)[name] ?? null)
          : (params as unknown[]);
    return { name: t.name, text: t.text, values: values.map(toParam) };
  }

  /**
   * Statements joined into one, each a data-modifying part of a WITH (which Postgres runs whether or not it is
   * referenced): one round trip. Prepared under a name for the first PREPARED_COMBINATIONS texts only, since
   * the combinations can vary from call to call.
   */
  combined(statements: readonly Statement[]): pg.QueryConfig {
    const text = `WITH ${statements.map((s, i) => `w${i} AS (${s.text})`).join(", ")} SELECT 1`;
    const values = statements.flatMap((s) => s.params).map(toParam);
    // The combinations a steady stream of pages makes repeat: the first few hundred are prepared once each
    // (parsing and planning a statement of thousands of parameters costs more than running it), the rest not.
    if (this.byText.has(text) || this.combinations++ < PREPARED_COMBINATIONS) {
      const t = this.translate(text);
      return { name: t.name, text: t.text, values };
    }
    return { text: toPostgres(text).text, values };
  }
}

/** `?` and `@name` as `$1…`, outside quoted text; the names in order when the statement uses them. */
function toPostgres(text: string): { text: string; names: string[] | null } {
  let out = "";
  let n = 0;
  const names: string[] = [];
  let named = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end === -1 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += `$${++n}`;
    } else if (c === "@" && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))![0];
      named = true;
      let at = names.indexOf(name);
      if (at === -1) at = names.push(name) - 1;
      out += `$${at + 1}`;
      i += name.length;
    } else out += c;
  }
  return { text: out, names: named ? names : null };
}

/** Booleans are stored as 0 and 1 on both engines; bigints as their digits. */
const toParam = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "bigint" ? v.toString() : v);

/** Numbers savepoint names: unique within the process, so nested ones never collide. */
let savepoints = 0;

type Queryable = { query: (config: pg.QueryConfig) => Promise<pg.QueryResult> };

/**
 * A transaction's connection taking its statements one after another: a caller may send a write and go on
 * (IndexTables.send) before its answer, and a connection runs one query at a time (node-postgres deprecates
 * queuing a second on it). Each statement is sent the moment the one before it is answered.
 */
function inTurn(client: pg.PoolClient): Queryable {
  let last: Promise<unknown> = Promise.resolve();
  return {
    query(config) {
      const next = last.then(() => client.query(config));
      last = next.catch(() => {});
      return next;
    },
  };
}

class PostgresQueries implements Sql {
  readonly engine = "postgres" as const;

  constructor(
    protected readonly client: Queryable,
    protected readonly statements: PostgresStatements,
  ) {}

  async all<T>(text: string, params?: Params): Promise<T[]> {
    return (await this.client.query(this.statements.query(text, params))).rows as T[];
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(text, params))[0];
  }

  async run(text: string, params?: Params): Promise<number> {
    return (await this.client.query(this.statements.query(text, params))).rowCount ?? 0;
  }

  async exec(script: string): Promise<void> {
    // No parameters: the simple protocol, which takes several statements at once.
    await this.client.query({ text: script });
  }

  async runAll(statements: readonly Statement[]): Promise<void> {
    let group: Statement[] = [];
    let params = 0;
    const send = async () => {
      if (group.length === 1) await this.run(group[0]!.text, group[0]!.params);
      else if (group.length > 1) await this.client.query(this.statements.combined(group));
      group = [];
      params = 0;
    };
    for (const s of statements) {
      // Postgres takes at most 65,535 parameters in a statement.
      if (params + s.params.length > MAX_PARAMETERS) await send();
      group.push(s);
      params += s.params.length;
    }
    await send();
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    // Inside a transaction already: a savepoint on the same connection.
    const name = `s${++savepoints}`;
    await this.client.query({ text: `SAVEPOINT ${name}` });
    try {
      const result = await work(this);
      await this.client.query({ text: `RELEASE SAVEPOINT ${name}` });
      return result;
    } catch (e) {
      await this.client.query({ text: `ROLLBACK TO SAVEPOINT ${name}` });
      throw e;
    }
  }
}

/**
 * The store's interface over a pool of Postgres connections: statements take any connection, a transaction keeps
 * one until it ends. Several processes may share the database (see docs/operations.md).
 */
export class PostgresSql extends PostgresQueries {
  readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
    // Every statement is prepared once per connection (PostgresStatements), and Postgres would then keep the
    // generic plan it chose while a table was small: a lookup by key in chain_events scanned the whole table
    // once it held 100,000 events (20 ms a page instead of 1). Custom plans are made per execution, with the
    // table's size then.
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      options: "-c plan_cache_mode=force_custom_plan",
    });
    super(pool, new PostgresStatements());
    this.pool = pool;
    // An idle connection the server closed must not crash the process; the next query opens another.
    pool.on("error", () => {});
  }

  override async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      try {
        const result = await work(new PostgresQueries(inTurn(client), this.statements));
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK");
        throw e;
      }
    } finally {
      client.release();
    }
  }

  close() {
    return this.pool.end();
  }
}
