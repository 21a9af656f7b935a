import { ConfigError } from "../config";
import { publicUrl } from "../redact";
import { Store } from "./store";

/**
 * Opens the bot's database and proves it can write there, before anything connects: an unusable
 * DATABASE_PATH (a folder that cannot be created, a read-only file or folder) or DATABASE_URL (a server that
 * does not answer, a refused login, a database that does not exist) stops start-up with one line naming it,
 * instead of a stack trace now or a failed write later. The URL is shown without its password.
 */
export async function openStore(where: { path: string; url?: string }): Promise<Store> {
  let store: Store | undefined;
  try {
    store = await Store.open(where.url ? { url: where.url } : { path: where.path });
    // Takes the write lock without writing (SQLite): refused on a read-only database. Postgres: the migrations
    // just wrote.
    if (store.sql.engine === "sqlite") await store.sql.exec("BEGIN IMMEDIATE; ROLLBACK;");
    return store;
  } catch (e) {
    try {
      await store?.close();
    } catch {
      /* already unusable */
    }
    const err = e as NodeJS.ErrnoException;
    const code = err.code && !err.message.startsWith(err.code) ? `${err.code}: ` : "";
    if (where.url)
      throw new ConfigError(
        `DATABASE_URL cannot be opened for writing: ${publicUrl(where.url)} (${`${code}${err.message}`.replace(/\s+/g, " ")})`,
      );
    // mkdir's own words for a file where a folder should be ("file already exists") do not say that.
    const hint = err.code === "EEXIST" || err.code === "ENOTDIR" ? "a folder on its path is a file: " : "";
    const why = `${hint}${code}${err.message}`.replace(/\s+/g, " ");
    throw new ConfigError(`DATABASE_PATH cannot be opened for writing: ${where.path} (${why})`);
  }
}
