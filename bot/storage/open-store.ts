import { ConfigError } from "../config";
import { Store } from "./store";

/**
 * Opens the bot's database and proves it can write there, before anything connects: an unusable
 * DATABASE_PATH (a folder that cannot be created, a read-only file or folder) stops start-up with one
 * line naming it, instead of a stack trace now or a failed write later.
 */
export function openStore(path: string): Store {
  let store: Store | undefined;
  try {
    store = new Store(path);
    // Takes the write lock without writing: refused on a read-only database.
    store.db.exec("BEGIN IMMEDIATE; ROLLBACK;");
    return store;
  } catch (e) {
    try {
      store?.close();
    } catch {
      /* already unusable */
    }
    const err = e as NodeJS.ErrnoException;
    const code = err.code && !err.message.startsWith(err.code) ? `${err.code}: ` : "";
    // mkdir's own words for a file where a folder should be ("file already exists") do not say that.
    const hint = err.code === "EEXIST" || err.code === "ENOTDIR" ? "a folder on its path is a file: " : "";
    const why = `${hint}${code}${err.message}`.replace(/\s+/g, " ");
    throw new ConfigError(`DATABASE_PATH cannot be opened for writing: ${path} (${why})`);
  }
}
