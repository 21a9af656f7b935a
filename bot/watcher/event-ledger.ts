import type { Logger } from "../logger";
import { PRUNE_CHUNK, type ChainEventRecord, type HandledEvent, type Store } from "../storage/store";
import type { Sql } from "../storage/sql";
import type { IndexSnapshots } from "../index/index-snapshots";
import { decodeLog, type ProtocolEvent } from "../chain/events";
import { handledRecord, logKey, type BlockRef, type EventSink, type RawContractLog } from "./chain-events";

const MS_PER_SECOND = 1_000;
/**
 * Events applied between writes sent within a page's transaction: on Postgres the database writes one part while
 * the process decodes and applies the next (a page of 50 in about three parts).
 */
const SEND_EVERY = 16;

/** What is done with each event: handled when it is applied, undone when a re-organisation orphans it. */
export type EventHandlers = {
  handle(event: ProtocolEvent): Promise<void>;
  rollback(event: ProtocolEvent): Promise<void>;
};

/**
 * The bot's record of which events it has handled, by identity (transaction and event index) and block.
 * Every event source hands events here (the poller and the Chainhooks receiver), so each is handled once
 * whichever delivered it, in the order given. An event is written to the index and recorded in one
 * transaction (so the index and the position never disagree), as pending; its handler (the posts) runs after,
 * and only then is it marked handled. A crash or a failed post leaves it pending, and pending events are
 * handled again, oldest first, before anything newer: never skipped, never indexed twice. A rollback undoes the
 * events of blocks that are no longer canonical, newest first (their posts, then their rows in the index), and
 * forgets them, so if their transaction is mined again the event is handled (announced) again.
 */
export class EventLedger implements EventSink {
  /**
   * True while every event this ledger recorded has been handled since the last look at the store's pending
   * events: pages then skip that look (resume, once per pass, always looks: it also finds what another process
   * or a crash left).
   */
  private nothingPending = false;
  /** Events recorded per contract since its handled events were last pruned (undefined: never yet). */
  private sincePrune = new Map<string, number>();
  /**
   * The number the next recorded event takes: read from the store once, then counted here (only the ingesting
   * process records events). Forgotten when a transaction fails, so a number another writer took is read again
   * (the column is unique: a clash fails the transaction instead of doubling a number).
   */
  private nextSeq: number | null = null;

  constructor(
    private readonly opts: {
      store: Store;
      log: Logger;
      contracts: string[];
      handlers: EventHandlers;
      /** Reads again the parts of the index events marked stale, after each batch (none in unit tests). */
      snapshots?: IndexSnapshots;
    },
  ) {}

  async apply(logs: RawContractLog[]): Promise<void> {
    if (!this.nothingPending) await this.handlePending();
    const fallback = await this.fallbackTime(logs);
    // One transaction for the batch: its events in the index and recorded (pending), or none of them.
    const fresh = await this.recording((tx) => this.record(tx, logs, fallback, { history: false }));
    await this.handleInOrder(fresh);
    await this.prune(logs);
    await this.opts.snapshots?.refreshQuietly();
  }

  /** Runs `work` in a transaction; the numbers it took stay taken only if it commits. */
  private async recording<T>(work: (tx: Sql) => Promise<{ result: T; nextSeq: number }>): Promise<T> {
    try {
      const { result, nextSeq } = await this.opts.store.transaction(work);
      this.nextSeq = nextSeq;
      return result;
    } catch (e) {
      this.nextSeq = null;
      throw e;
    }
  }

  /** Prunes a contract's handled events once PRUNE_CHUNK more have been recorded (and at the first page). */
  private async prune(logs: RawContractLog[]) {
    const counts = new Map<string, number>();
    for (const l of logs) counts.set(l.contractId, (counts.get(l.contractId) ?? 0) + 1);
    for (const [contractId, n] of counts) {
      const since = this.sincePrune.get(contractId);
      if (since !== undefined && since + n < PRUNE_CHUNK) {
        this.sincePrune.set(contractId, since + n);
        continue;
      }
      await this.opts.store.pruneChainEvents(contractId);
      this.sincePrune.set(contractId, 0);
    }
  }

  /**
   * Indexes and records, in `tx`, each event not recorded yet, numbered in order; an event already recorded only
   * moves to the block that holds it now (mined again). Returns the events whose handlers are still to run: none
   * for `history` (recorded as handled) and none for what cannot be decoded (recorded, never handled). The page's
   * known events are looked up at once and its rows and records written at once (IndexTables). Also returns the
   * number the next event takes.
   */
  private async record(
    tx: Sql,
    logs: RawContractLog[],
    fallbackTime: number,
    { history }: { history: boolean },
  ): Promise<{ result: ProtocolEvent[]; nextSeq: number }> {
    const { store } = this.opts;
    const ours = logs.filter((raw) => this.opts.contracts.includes(raw.contractId));
    const known = await store.chainEvents(ours.map(logKey), tx);
    const records = new Map<string, ChainEventRecord>();
    // The records not sent yet (an event twice in a page is recorded again by a later request: an upsert).
    const unsent = new Map<string, ChainEventRecord>();
    const record = (key: string, r: ChainEventRecord) => {
      records.set(key, r);
      unsent.set(key, r);
    };
    const events: ProtocolEvent[] = [];
    let seq = this.nextSeq ?? (await store.nextEventSeq(tx));
    let applied = 0;
    await store.indexing(async (writer) => {
      // The records go in the same request as the index's rows.
      const withRecords = () => {
        writer.alongside(store.chainEventStatements([...unsent.values()]));
        unsent.clear();
      };
      for (const raw of ours) {
        const key = logKey(raw);
        const was = records.get(key) ?? known.get(key);
        if (was) {
          // Known (or twice in this page): only its block (and cursor) may have changed, when it was mined again.
          const pending = records.get(key)?.pending;
          record(key, { ...handledRecord(raw, was.seq, raw.cursor ?? was.cursor ?? null), pending });
          continue;
        }
        const decoded = this.decode(raw, seq);
        const event = decoded ? { ...decoded, block: raw.block } : null;
        if (event) await writer.apply(event, raw.time ?? fallbackTime);
        record(key, { ...handledRecord(raw, seq, raw.cursor ?? null), pending: event !== null && !history });
        seq++;
        if (event && !history) events.push(event);
        // What is done so far goes to the database while the next events are decoded and applied.
        if (++applied % SEND_EVERY === 0) {
          withRecords();
          await writer.send();
        }
      }
      withRecords();
    }, tx);
    return { result: events, nextSeq: seq };
  }

  /**
   * Runs the handlers in order and marks the events handled (in one write, also when a handler fails: those
   * before it are done). A crash in between runs some handlers again: the posts they make are sent once by key.
   */
  private async handleInOrder(events: ProtocolEvent[]) {
    const done: number[] = [];
    try {
      for (const event of events) {
        await this.opts.handlers.handle(event);
        done.push(event.seq);
      }
    } catch (e) {
      this.nothingPending = false;
      throw e;
    } finally {
      if (done.length > 0) await this.opts.store.markHandled(done[0]!, done.at(-1)!);
    }
  }

  /** Indexes events from before the bot's first start and records them as handled: nothing is posted for them. */
  async backfill(logs: RawContractLog[]): Promise<void> {
    const fallback = await this.fallbackTime(logs);
    await this.recording((tx) => this.record(tx, logs, fallback, { history: true }));
    await this.prune(logs);
    await this.opts.snapshots?.refreshQuietly();
  }

  async reached(tip: BlockRef & { time: number }): Promise<void> {
    await this.opts.snapshots?.setTip(tip);
  }

  /** A block's time for events whose source did not give it: the index's tip, else the clock (read only when needed). */
  private async fallbackTime(logs: RawContractLog[]) {
    if (logs.every((l) => l.time !== undefined)) return 0;
    return (await this.opts.store.index.tip())?.time ?? Math.floor(Date.now() / MS_PER_SECOND);
  }

  resume(): Promise<void> {
    return this.handlePending();
  }

  /** Runs the handlers of events recorded but not handled (a crash or a failed post), oldest first. */
  private async handlePending() {
    const rows = await this.opts.store.pendingChainEvents();
    // An event whose contract printed something undecodable is recorded handled, never pending.
    await this.handleInOrder(rows.map((row) => this.decodeRow(row)).filter((e) => e !== null));
    this.nothingPending = true;
  }

  private decodeRow(row: HandledEvent): ProtocolEvent | null {
    const event = this.decode(
      { contractId: row.contractId, txid: row.txid, eventIndex: row.eventIndex, hex: row.hex },
      row.seq,
    );
    return event ? { ...event, block: { height: row.blockHeight, hash: row.blockHash } } : null;
  }

  async rollback(blocks: BlockRef[]): Promise<void> {
    const { store, log } = this.opts;
    const orphaned = await store.chainEventsIn(blocks);
    for (const row of orphaned) {
      const event = this.decodeRow(row);
      if (event) await this.opts.handlers.rollback(event);
      await store.transaction(async (tx) => {
        await store.indexing((writer) => writer.undo(row.key), tx);
        await store.forgetChainEvent(row.key, tx);
      });
      log.warn(
        { txid: row.txid, eventIndex: row.eventIndex, block: row.blockHeight, topic: event?.topic },
        "a chain re-organisation orphaned a handled event: undone",
      );
    }
    if (orphaned.length > 0) await this.opts.snapshots?.refreshQuietly();
  }

  private decode(raw: Pick<RawContractLog, "contractId" | "txid" | "eventIndex" | "hex">, seq: number) {
    return decodeLog(
      raw.contractId,
      { tx_id: raw.txid, event_index: raw.eventIndex, contract_log: { value: { hex: raw.hex } } },
      seq,
      this.opts.log,
    );
  }
}
