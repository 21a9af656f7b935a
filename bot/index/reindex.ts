import type { StacksClient } from "../chain/stacks-client";
import { decodeLog } from "../chain/events";
import { ChainReads } from "../watcher/chain-reads";
import type { Logger } from "../logger";
import type { Store } from "../storage/store";
import type { IndexSnapshots } from "./index-snapshots";
import { TABLES } from "./index-tables";

const PAGE = 50;
/** The state row that says the index holds everything up to the bot's position (see `indexBuilt`). */
export const BUILT_STATE = "built";

/** Whether the index was built (a fresh store is built by its first events; a store from before it, by reindex). */
export const indexBuilt = async (store: Store) =>
  (await store.sql.get("SELECT 1 AS built FROM ix_state WHERE name = ?", [BUILT_STATE])) !== undefined;

/**
 * At start-up: a store that handled events before the index existed is indexed from the chain now; a fresh
 * one is built by its first events (the watcher takes the history in at first start).
 */
export async function buildIndexIfMissing(opts: Parameters<typeof reindex>[0]): Promise<void> {
  if (await indexBuilt(opts.store)) return;
  if ((await opts.store.sql.get("SELECT 1 AS handled FROM chain_events LIMIT 1")) !== undefined) await reindex(opts);
  await markIndexBuilt(opts.store);
}

export const markIndexBuilt = async (store: Store) => {
  await store.sql.run("INSERT INTO ix_state (name, data) VALUES (?, '1') ON CONFLICT DO NOTHING", [BUILT_STATE]);
};

/**
 * Rebuilds the index from the chain: empties it, reads each contract's whole log (a page of events and one
 * request for their blocks at a time) and applies every event up to the bot's position in that contract (the
 * newest event it recorded), in chain order per contract; what is newer is the watcher's to deliver, so nothing
 * is indexed twice. Then every protocol and the pool are read again. Run with the bot stopped (`npm run
 * reindex`), or by the bot at start-up when its store predates the index. Returns the events applied.
 */
export async function reindex(opts: {
  store: Store;
  client: StacksClient;
  contracts: readonly string[];
  snapshots: IndexSnapshots;
  log: Logger;
}): Promise<number> {
  const { store, log } = opts;
  const reads = new ChainReads(opts.client);
  await store.transaction(async (tx) => {
    for (const table of Object.keys(TABLES)) await tx.run(`DELETE FROM ${table}`);
    await tx.run("DELETE FROM ix_undo");
  });
  let applied = 0;
  let seq = 0;
  for (const contractId of opts.contracts) {
    const position = await store.lastChainEvent(contractId);
    if (!position) continue; // nothing recorded yet: the watcher delivers everything
    const all = await reads.newest(contractId, Number.MAX_SAFE_INTEGER);
    const end = all.findIndex((r) => r.tx_id === position.txid && r.event_index === position.eventIndex);
    const upTo = end >= 0 ? all.slice(0, end + 1) : all;
    for (let i = 0; i < upTo.length; i += PAGE) {
      const located = await reads.locate(contractId, upTo.slice(i, i + PAGE));
      await store.transaction(async (tx) => {
        await store.indexing(async (writer) => {
          for (const raw of located) {
            const event = decodeLog(
              contractId,
              { tx_id: raw.txid, event_index: raw.eventIndex, contract_log: { value: { hex: raw.hex } } },
              ++seq,
              log,
            );
            if (event) await writer.apply({ ...event, block: raw.block }, raw.time ?? 0);
            applied++;
          }
        }, tx);
      });
    }
    log.info({ contractId, events: upTo.length, upToKnown: end >= 0 }, "indexed a contract's history");
  }
  // Undo entries are kept only for the events the ledger still records (a re-organisation reaches no further).
  await store.sql.run("DELETE FROM ix_undo WHERE event_key NOT IN (SELECT event_key FROM chain_events)");
  await markIndexBuilt(store);
  await opts.snapshots.refreshAll();
  return applied;
}
