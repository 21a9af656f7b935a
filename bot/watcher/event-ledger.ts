import type { Logger } from "../logger";
import type { HandledEvent, Store } from "../storage/store";
import type { IndexWriter } from "../index/index-writer";
import type { IndexSnapshots } from "../index/index-snapshots";
import { decodeLog, eventKey, type ProtocolEvent } from "../chain/events";
import { handledRecord, logKey, type BlockRef, type EventSink, type RawContractLog } from "./chain-events";

const MS_PER_SECOND = 1_000;

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
    const { store } = this.opts;
    await this.handlePending();
    const fallback = await this.fallbackTime();
    // One transaction for the batch: its events in the index and recorded (pending), or none of them.
    const fresh = await store.transaction(async (tx) => {
      let seq = await store.nextEventSeq(tx);
      const writer = store.indexWriter(tx);
      const events: ProtocolEvent[] = [];
      for (const raw of logs) {
        const event = await this.record(writer, raw, seq, fallback);
        if (event !== undefined) seq++;
        if (event) events.push(event);
      }
      return events;
    });
    await this.handleInOrder(fresh);
    for (const contractId of new Set(logs.map((l) => l.contractId))) await store.pruneChainEvents(contractId);
    await this.opts.snapshots?.refreshQuietly();
  }

  /**
   * Indexes and records one event as `seq` unless it is known (then undefined: the number is not used); returns
   * the event when its handler is still to run, null when it is recorded but has none (undecodable).
   */
  private async record(
    writer: IndexWriter,
    raw: RawContractLog,
    seq: number,
    fallbackTime: number,
  ): Promise<ProtocolEvent | null | undefined> {
    const { store } = this.opts;
    const tx = writer.sql;
    if (!this.opts.contracts.includes(raw.contractId)) return undefined;
    const known = await store.chainEvent(logKey(raw), tx);
    if (known) {
      // Already recorded: only its block (and cursor) may have changed, when it was mined again.
      await store.recordChainEvent(handledRecord(raw, known.seq, raw.cursor ?? known.cursor ?? null), tx);
      return undefined;
    }
    const decoded = this.decode(raw, seq);
    const event = decoded ? { ...decoded, block: raw.block } : null;
    if (event) await writer.apply(event, raw.time ?? fallbackTime);
    await store.recordChainEvent({ ...handledRecord(raw, seq, raw.cursor ?? null), pending: event !== null }, tx);
    return event;
  }

  /**
   * Runs the handlers in order and marks the events handled (in one write, also when a handler fails: those
   * before it are done). A crash in between runs some handlers again: the posts they make are sent once by key.
   */
  private async handleInOrder(events: ProtocolEvent[]) {
    const done: string[] = [];
    try {
      for (const event of events) {
        await this.opts.handlers.handle(event);
        done.push(eventKey(event));
      }
    } finally {
      if (done.length > 0)
        await this.opts.store.transaction(async (tx) => {
          for (const key of done) await this.opts.store.markHandled(key, tx);
        });
    }
  }

  /** Indexes events from before the bot's first start and records them as handled: nothing is posted for them. */
  async backfill(logs: RawContractLog[]): Promise<void> {
    const { store } = this.opts;
    const fallback = await this.fallbackTime();
    await store.transaction(async (tx) => {
      let seq = await store.nextEventSeq(tx);
      const writer = store.indexWriter(tx);
      for (const raw of logs) {
        if ((await this.record(writer, raw, seq, fallback)) === undefined) continue;
        // Handled at once: nothing is posted for history.
        await store.markHandled(logKey(raw), tx);
        seq++;
      }
    });
    for (const contractId of new Set(logs.map((l) => l.contractId))) await store.pruneChainEvents(contractId);
    await this.opts.snapshots?.refreshQuietly();
  }

  async reached(tip: BlockRef & { time: number }): Promise<void> {
    await this.opts.snapshots?.setTip(tip);
  }

  /** A block's time when the source did not give it: the index's tip, else the clock. */
  private async fallbackTime() {
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
        await store.indexWriter(tx).undo(row.key);
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
