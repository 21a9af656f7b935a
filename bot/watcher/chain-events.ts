/**
 * What every source of contract events hands to the bot, whether it polls the Stacks API (event-watcher.ts)
 * or receives Chainhooks deliveries (chainhooks.ts): contract-log events with the block that holds them, in
 * chain order, and blocks that are no longer canonical. An event is identified by its transaction id and its
 * index in that transaction (its key), and located by its block (height and hash); never by a count, which a
 * re-organisation changes.
 */

/**
 * A block as the chain names it: height and hash. The hash is the block hash as the API's transactions give it
 * (`block_hash`, 0x-prefixed, lower case), not the index block hash: the poller learns blocks from transactions,
 * so every source must name them the same way (`/extended/v2/blocks/{hash}` accepts either).
 */
export type BlockRef = { height: number; hash: string };

/** One contract-log event as it arrives: its contract, transaction, index in the transaction, value and block. */
export type RawContractLog = {
  contractId: string;
  txid: string;
  eventIndex: number;
  /** The printed Clarity value, serialized, as `0x…` hex. */
  hex: string;
  block: BlockRef;
  /** Its block's time (Unix seconds), when the source gives it: what the index dates records by. */
  time?: number;
  /** The API's cursor for this event (`height:microblock sequence:tx index:event index`), when known. */
  cursor?: string;
};

/** The one key of an event: contract, transaction and event index (the block may change if it is mined again). */
export const logKey = (e: { contractId: string; txid: string; eventIndex: number }) =>
  `${e.contractId}:${e.txid}:${e.eventIndex}`;

/** The record of a handled event (see Store.recordChainEvent), `seq` being its place in the bot's handling order. */
export const handledRecord = (raw: RawContractLog, seq: number, cursor = raw.cursor ?? null) => ({
  key: logKey(raw),
  seq,
  contractId: raw.contractId,
  txid: raw.txid,
  eventIndex: raw.eventIndex,
  blockHeight: raw.block.height,
  blockHash: raw.block.hash,
  cursor,
  hex: raw.hex,
});

/**
 * Where events go: `apply` handles each event once (events already handled are skipped by key) and records
 * it with its block; `rollback` undoes every handled event in blocks that are no longer canonical, newest
 * first, and edits what was posted for them. Both the poller and the Chainhooks receiver call these, so a
 * re-organisation is handled the same way whichever told the bot.
 */
export interface EventSink {
  apply(logs: RawContractLog[]): Promise<void>;
  rollback(blocks: BlockRef[]): Promise<void>;
  /** Takes events that happened before the bot first started into the index, without handling (announcing) them. */
  backfill?(logs: RawContractLog[]): Promise<void>;
  /** Finishes what an earlier call left undone (events recorded whose handler failed or was cut off). */
  resume?(): Promise<void>;
  /** The chain tip the events so far reach, once a pass has read up to it. */
  reached?(tip: BlockRef & { time: number }): Promise<void> | void;
}
