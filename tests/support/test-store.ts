import { inject } from "vitest";
import { Store } from "../../bot/storage/store";
import { freshDatabase } from "../../devnet/local-postgres";

/**
 * The storage engine this test run uses: the node project runs on SQLite, the node-postgres project on a real
 * Postgres server its global setup started (tests/support/postgres-setup.ts). Tests open every store here (or
 * take `testDatabase()` for a bot's configuration), so the whole project runs on either engine.
 */
export const testEngine = (): "sqlite" | "postgres" => (inject("postgresUrl") ? "postgres" : "sqlite");

/** A new, empty store on this run's engine: in memory for SQLite, a new database for Postgres. */
export async function openTestStore(path = ":memory:"): Promise<Store> {
  const server = inject("postgresUrl");
  return Store.open(server ? { url: await freshDatabase(server) } : { path });
}

/** A bot's database settings on this run's engine: DATABASE_URL of a new database on Postgres, else nothing. */
export async function testDatabase(): Promise<Record<string, string>> {
  const server = inject("postgresUrl");
  return server ? { DATABASE_URL: await freshDatabase(server) } : {};
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | undefined;
  }
}
