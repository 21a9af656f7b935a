import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Store } from "../../../bot/storage/store";
import { MIGRATIONS, POSTGRES_BASELINE, POSTGRES_MIGRATIONS } from "../../../bot/storage/migrations";
import { PostgresStatements } from "../../../bot/storage/postgres-sql";
import { openStore } from "../../../bot/storage/open-store";
import { ConfigError } from "../../../bot/config";
import { freshDatabase, startPostgres, type PostgresServer } from "../../../devnet/local-postgres";
import { openTestStore } from "../../support/test-store";

// Both engines in one file, whichever project runs it: the server the node-postgres project started, or one of
// its own (the node project runs on SQLite and has none).
let own: PostgresServer | undefined;
let server: string;
beforeAll(async () => {
  const given = inject("postgresUrl");
  if (given) server = given;
  else {
    own = await startPostgres();
    server = own.url;
  }
});
afterAll(async () => {
  await own?.stop();
});

type Column = { table: string; column: string; type: string; notNull: boolean; default: string | null };

async function sqliteSchema(store: Store) {
  const tables = await store.sql.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const columns: Column[] = [];
  for (const { name } of tables) {
    const info = await store.sql.all<{ name: string; type: string; notnull: number; dflt_value: string | null }>(
      `SELECT name, type, "notnull", dflt_value FROM pragma_table_info('${name}')`,
    );
    for (const c of info)
      columns.push({
        table: name,
        column: c.name,
        type: c.type === "INTEGER" ? "integer" : "text",
        notNull: c.notnull === 1,
        default: c.dflt_value,
      });
  }
  const indexes = await store.sql.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return { tables: tables.map((t) => t.name), columns, indexes: indexes.map((i) => i.name) };
}

async function postgresSchema(store: Store) {
  const tables = await store.sql.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name != 'store_schema' ORDER BY table_name",
  );
  const info = await store.sql.all<{
    table: string;
    column: string;
    type: string;
    nullable: string;
    dflt: string | null;
    identity: string;
  }>(
    `SELECT table_name AS "table", column_name AS "column", data_type AS type, is_nullable AS nullable,
       column_default AS dflt, is_identity AS identity
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name != 'store_schema'
     ORDER BY table_name, ordinal_position`,
  );
  const columns: Column[] = info.map((c) => ({
    table: c.table,
    column: c.column,
    type: c.type === "bigint" ? "integer" : "text",
    // A primary key column is NOT NULL in Postgres; SQLite reports it as it was written.
    notNull: c.nullable === "NO",
    default: c.dflt,
  }));
  const indexes = await store.sql.all<{ name: string }>(
    "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY indexname",
  );
  return { tables: tables.map((t) => t.name), columns, indexes: indexes.map((i) => i.name) };
}

describe("the two storage engines", () => {
  it("end their migrations with the same tables, columns, types and indexes", async () => {
    const sqlite = await Store.open(":memory:");
    const postgres = await Store.open({ url: await freshDatabase(server, { template: false }) });
    const [a, b] = [await sqliteSchema(sqlite), await postgresSchema(postgres)];
    expect(b.tables).toEqual(a.tables);
    const shape = (c: Column) => `${c.table}.${c.column} ${c.type}`;
    expect(b.columns.map(shape).sort()).toEqual(a.columns.map(shape).sort());
    // Defaults and NOT NULL agree where SQLite states them (its primary keys may be declared nullable).
    const stated = (cols: Column[]) =>
      cols
        .filter((c) => c.notNull)
        .map((c) => `${c.table}.${c.column}`)
        .sort();
    expect(stated(b.columns)).toEqual(expect.arrayContaining(stated(a.columns)));
    expect(b.indexes).toEqual(a.indexes);
    expect(await sqlite.version()).toBe(MIGRATIONS.length);
    expect(await postgres.version()).toBe(POSTGRES_BASELINE + POSTGRES_MIGRATIONS.length - 1);
    await sqlite.close();
    await postgres.close();
  });

  it("migrate a Postgres database once, however many processes open it at the same time", async () => {
    const url = await freshDatabase(server, { template: false });
    const stores = await Promise.all(Array.from({ length: 4 }, () => Store.open({ url })));
    for (const store of stores) expect(await store.version()).toBe(MIGRATIONS.length);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("give a link nonce to only one of two processes that use it at the same time", async () => {
    const url = await freshDatabase(server);
    const [one, two] = [await Store.open({ url }), await Store.open({ url })];
    await one.createLinkNonce("n1", "u1", Date.now() + 60_000);
    const results = await Promise.all([one.consumeLinkNonce("n1"), two.consumeLinkNonce("n1")]);
    expect(results.filter((r) => r !== null)).toEqual([{ discordUserId: "u1", expiresAt: expect.any(Number) }]);
    await one.close();
    await two.close();
  });

  it("mark a post key taken by only one of two processes", async () => {
    const url = await freshDatabase(server);
    const [one, two] = [await Store.open({ url }), await Store.open({ url })];
    const taken = await Promise.all([one.markPosted("claim:1:g1"), two.markPosted("claim:1:g1")]);
    expect(taken.sort()).toEqual([false, true]);
    await one.close();
    await two.close();
  });

  it("stop start-up with a line naming DATABASE_URL, without its password, when the server refuses", async () => {
    const u = new URL(server);
    u.pathname = "/no_such_database";
    u.password = "hunter2-secret";
    const refused = openStore({ path: "unused", url: u.toString() });
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(
      /^DATABASE_URL cannot be opened for writing: postgres:\/\/\[redacted\]@127\.0\.0\.1/,
    );
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });
});

describe("a store's transactions", () => {
  it("keep a statement from outside out of an open transaction, so a rollback does not take it", async () => {
    const store = await openTestStore();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const failing = store.transaction(async (tx) => {
      await tx.run("INSERT INTO posted_events (event_key, posted_at) VALUES ('inside', 1)");
      await held;
      throw new Error("rolled back");
    });
    const outside = store.markPosted("outside");
    release();
    await expect(failing).rejects.toThrow("rolled back");
    expect(await outside).toBe(true);
    expect(await store.wasPosted("outside")).toBe(true);
    expect(await store.wasPosted("inside")).toBe(false);
    await store.close();
  });

  it("roll back a failed nested step alone (a savepoint) and keep the rest", async () => {
    const store = await openTestStore();
    await store.transaction(async (tx) => {
      await tx.run("INSERT INTO posted_events (event_key, posted_at) VALUES ('kept', 1)");
      await expect(
        tx.transaction(async (inner) => {
          await inner.run("INSERT INTO posted_events (event_key, posted_at) VALUES ('undone', 1)");
          throw new Error("inner");
        }),
      ).rejects.toThrow("inner");
    });
    expect(await store.wasPosted("kept")).toBe(true);
    expect(await store.wasPosted("undone")).toBe(false);
    await store.close();
  });

  it("run one transaction after another when several start at once", async () => {
    const store = await openTestStore();
    await Promise.all(
      Array.from({ length: 10 }, (_v, i) =>
        store.transaction(async (tx) => {
          const n = (await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM posted_events"))!.n;
          await tx.run("INSERT INTO posted_events (event_key, posted_at) VALUES (?, ?)", [`k${i}`, n]);
        }),
      ),
    );
    expect(await store.sql.get("SELECT COUNT(*) AS n FROM posted_events")).toEqual({ n: 10 });
    await store.close();
  });
});

describe("statements in Postgres's form", () => {
  const statements = new PostgresStatements();

  it("number positional and named parameters, the same name one number, and leave quoted text alone", () => {
    expect(statements.translate("SELECT ? AS \"a?\", '@x ?' FROM t WHERE a = ? AND b = ?").text).toBe(
      "SELECT $1 AS \"a?\", '@x ?' FROM t WHERE a = $2 AND b = $3",
    );
    const named = statements.query("UPDATE t SET a = @now WHERE b <= @now AND c = @id", { id: 7, now: 9 });
    expect(named.text).toBe("UPDATE t SET a = $1 WHERE b <= $1 AND c = $2");
    expect(named.values).toEqual([9, 7]);
  });

  it("send booleans as 0 and 1, bigints as digits and a missing name as null", () => {
    expect(statements.query("SELECT @a, @b, @c", { a: true, b: 2n ** 70n }).values).toEqual([
      1,
      "1180591620717411303424",
      null,
    ]);
  });
});
