/**
 * The one interface every module reads and writes the store through, whichever engine holds it: embedded SQLite
 * (better-sqlite3, the default) or Postgres (`pg`, when DATABASE_URL names one). Statements are plain SQL both
 * engines accept, with `?` (positional) or `@name` (named) parameters; camelCase column aliases are quoted
 * (`AS "blockHeight"`), because Postgres folds unquoted names to lower case.
 */
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

export type Engine = "sqlite" | "postgres";

/** A statement and its positional parameters. */
export type Statement = { text: string; params: readonly unknown[] };

export interface Sql {
  readonly engine: Engine;
  /** Every row the statement returns. */
  all<T>(text: string, params?: Params): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(text: string, params?: Params): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(text: string, params?: Params): Promise<number>;
  /**
   * Runs statements that change rows, with positional parameters: on Postgres in one round trip (one statement
   * of data-modifying parts), on SQLite one after the other. For use inside a transaction. No two of them may
   * touch the same row, and none may depend on what another writes: Postgres runs the parts of one statement
   * against one snapshot, so a part does not see the others' rows.
   */
  runAll(statements: readonly Statement[]): Promise<void>;
  /** Runs a script of statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Runs `work` as one transaction: all of it is written, or none. Other statements of this process wait until it
   * ends, so `work` must not wait on anything but the store (no network). Nested calls are savepoints.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

/** `IN (…)` over a list: one placeholder per value (both engines), or a list that matches nothing. */
export const placeholders = (values: readonly unknown[]) =>
  values.length === 0 ? "(NULL)" : `(${values.map(() => "?").join(", ")})`;
