import type Database from "better-sqlite3";
import type { Params, Sql, Statement } from "./sql";
import { statementCache } from "./statements";

const bind = (params: Params | undefined): unknown[] =>
  params === undefined ? [] : Array.isArray(params) ? (params as unknown[]) : [params];

/**
 * The store's interface over one better-sqlite3 connection. Statements run at once (SQLite answers synchronously);
 * while a transaction is open, statements from outside it wait for it to end, so nothing of another task slips
 * into it or is rolled back with it.
 */
export class SqliteSql implements Sql {
  readonly engine = "sqlite" as const;
  private readonly statement: (text: string) => Database.Statement;
  /**
   * Resolves when the open transaction ends; null while none is open. Waiters check it again after each wait, in
   * the same turn as they go on, so a transaction another waiter began meanwhile is waited for too.
   */
  private open: Promise<void> | null = null;

  constructor(readonly db: Database.Database) {
    this.statement = statementCache(db);
  }

  async all<T>(text: string, params?: Params): Promise<T[]> {
    while (this.open) await this.open;
    return this.allNow<T>(text, params);
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    while (this.open) await this.open;
    return this.getNow<T>(text, params);
  }

  async run(text: string, params?: Params): Promise<number> {
    while (this.open) await this.open;
    return this.runNow(text, params);
  }

  async exec(script: string): Promise<void> {
    while (this.open) await this.open;
    this.db.exec(script);
  }

  async runAll(statements: readonly Statement[]): Promise<void> {
    while (this.open) await this.open;
    this.runAllNow(statements);
  }

  runAllNow(statements: readonly Statement[]): void {
    for (const s of statements) this.runNow(s.text, s.params);
  }

  allNow<T>(text: string, params?: Params): T[] {
    return this.statement(text).all(...bind(params)) as T[];
  }

  getNow<T>(text: string, params?: Params): T | undefined {
    return this.statement(text).get(...bind(params)) as T | undefined;
  }

  runNow(text: string, params?: Params): number {
    return this.statement(text).run(...bind(params)).changes;
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    while (this.open) await this.open;
    let end = () => {};
    this.open = new Promise<void>((resolve) => {
      end = resolve;
    });
    try {
      this.db.exec("BEGIN");
      try {
        const result = await work(new SqliteTransaction(this, 0));
        this.db.exec("COMMIT");
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    } finally {
      this.open = null;
      end();
    }
  }
}

/** Statements inside an open transaction: they run at once; a nested transaction is a savepoint. */
class SqliteTransaction implements Sql {
  readonly engine = "sqlite" as const;

  constructor(
    private readonly owner: SqliteSql,
    private readonly depth: number,
  ) {}

  async all<T>(text: string, params?: Params) {
    return this.owner.allNow<T>(text, params);
  }

  async get<T>(text: string, params?: Params) {
    return this.owner.getNow<T>(text, params);
  }

  async run(text: string, params?: Params) {
    return this.owner.runNow(text, params);
  }

  async exec(script: string) {
    this.owner.db.exec(script);
  }

  async runAll(statements: readonly Statement[]) {
    this.owner.runAllNow(statements);
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `s${this.depth + 1}`;
    this.owner.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(new SqliteTransaction(this.owner, this.depth + 1));
      this.owner.db.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      this.owner.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw e;
    }
  }
}
