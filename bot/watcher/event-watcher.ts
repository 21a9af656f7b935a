import { StacksApiSocketClient } from "@stacks/blockchain-api-client";
import type { Logger } from "../logger";
import { isStoreBusy, type Store } from "../storage/store";
import type { StacksClient } from "../chain/stacks-client";
import { DEFAULT_EVENT_POLL_MS } from "../config";
import { LOG_PAGE_SIZE } from "../chain/contract-logs";
import { handledRecord, logKey, type BlockRef, type EventSink, type RawContractLog } from "./chain-events";
import { ChainReads, type LogsPage } from "./chain-reads";
import { Passes } from "../jobs/passes";

/** How many blocks with handled events are checked, newest first, to find where a re-organisation forked. */
const REORG_SEARCH_BLOCKS = 200;

/**
 * What `event_cursor` keeps for a contract once its starting point is settled: with no handled event recorded,
 * its log is read from the first event (see initialPosition).
 */
const FROM_ORIGIN = "from the first event";

/** The pause before an event pass is tried again when the database was locked. */
const STORE_BUSY_RETRY_MS = 250;

type LogResult = LogsPage["results"][number];

/**
 * Follows the contracts' events by polling the Stacks API and hands them, with their blocks, to the sink
 * (the event ledger), in chain order. Its position in each contract's log is the newest event it handled,
 * with that event's cursor and block, never a count. Each pass first asks for the chain tip (one request:
 * an idle chain costs nothing more), then checks that the newest handled block is still canonical; if not,
 * it finds the orphaned blocks and rolls them back before reading on. It reads on from its position with
 * the API's cursors (`next_cursor`), and when the position is unknown to the API (404, or the event there
 * is another) it re-syncs by paging back from the newest event to the newest one it knows. Socket.io
 * notifications are a wake-up hint; polling every `pollMs` is the fallback.
 */
export class EventWatcher {
  private running = false;
  private readonly passes = new Passes(
    () => this.guardedPass(),
    () => this.running,
  );
  private timer?: NodeJS.Timeout;
  private socket?: StacksApiSocketClient;
  private lastTip: string | null = null;
  /**
   * The handled blocks known to form one chain with the canonical one when last checked (see pass): a re-org
   * orphans a run of them, newest first, so the search for orphaned blocks stops at the first canonical one of
   * these. Any other handled block (recorded while the chain re-organised, or pushed since) is checked itself.
   */
  private consistent = new Set<string>();
  private storeBusy = false;
  private readonly reads: ChainReads;

  constructor(
    private readonly opts: {
      client: StacksClient;
      store: Store;
      log: Logger;
      contracts: string[];
      sink: EventSink;
      pollMs?: number;
      pageSize?: number;
      fromStart?: boolean;
      socketUrl?: string;
    },
  ) {
    this.reads = new ChainReads(opts.client);
  }

  private get pageSize() {
    return this.opts.pageSize ?? LOG_PAGE_SIZE;
  }

  async start() {
    this.running = true;
    for (const contractId of this.opts.contracts) await this.initialPosition(contractId);
    // What an earlier run recorded is taken as it left it (a stop waits for its pass to end).
    await this.markConsistent();
    if (this.opts.socketUrl !== undefined) {
      this.socket = new StacksApiSocketClient({ url: this.opts.socketUrl });
      for (const contractId of this.opts.contracts)
        this.socket.subscribeAddressTransactions(contractId, () => void this.poll());
    }
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? DEFAULT_EVENT_POLL_MS);
    await this.poll();
  }

  async stop() {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.socket?.socket.close();
    await this.passes.settled();
  }

  /** Handles everything new; concurrent calls coalesce into one more pass. */
  poll(): Promise<void> {
    return this.passes.run();
  }

  /** A pass that never throws: a busy database is waited for and tried again, anything else logged. */
  private async guardedPass() {
    try {
      await this.pass();
      this.storeBusy = false;
    } catch (e) {
      this.lastTip = null;
      if (isStoreBusy(e)) {
        // Another process holds the database: wait without blocking, then try the pass again.
        if (!this.storeBusy) this.opts.log.warn("the database is locked by another process; retrying shortly");
        this.storeBusy = true;
        await new Promise((resolve) => setTimeout(resolve, STORE_BUSY_RETRY_MS));
        this.passes.more();
        return;
      }
      this.opts.log.warn({ err: e }, "could not read contract events; will retry");
    }
  }

  private async pass() {
    const tip = await this.reads.tip();
    if (tip.hash === this.lastTip) return;
    await this.rollBackOrphans();
    await this.opts.sink.resume?.();
    for (const contractId of this.opts.contracts) {
      if (!this.running) return;
      await this.catchUp(contractId);
    }
    // A re-org during the pass (after the search above) can have mixed the new fork's events with orphaned ones
    // already recorded: then the tip read first is orphaned too, and another pass searches block by block.
    if (!(await this.reads.isCanonical(tip.hash))) {
      this.opts.log.warn({ tip: tip.height }, "the chain re-organised while its events were read: checking again");
      this.passes.more();
      return;
    }
    await this.markConsistent(tip.height);
    await this.opts.sink.reached?.(tip);
    this.lastTip = tip.hash;
  }

  /** The handled blocks (up to `height`) now known to agree with the chain: a walk back for orphans stops at one. */
  private async markConsistent(height = Number.POSITIVE_INFINITY) {
    const blocks = await this.opts.store.handledBlocks(REORG_SEARCH_BLOCKS);
    this.consistent = new Set(blocks.filter((b) => b.height <= height).map((b) => b.hash));
  }

  /**
   * Where a contract is read from the first time: a bot joining a chain with history starts from now
   * (its newest event counts as handled) rather than replaying it into channels, unless `fromStart`. A
   * contract with no events yet is read from its first one, and that choice is kept (`event_cursor`), so a
   * restart before any event was handled does not start from now instead and skip them. A position kept by an
   * older version as a count of handled events is turned into the event it points at.
   */
  private async initialPosition(contractId: string) {
    const { store } = this.opts;
    if (await store.lastChainEvent(contractId)) return;
    const kept = await store.cursor(contractId);
    if (kept !== null && !/^\d+$/.test(kept)) return; // FROM_ORIGIN, or recorded before: read from the start
    const handled = kept === null ? null : Number(kept);
    const newest = await this.reads.logs(contractId, { limit: 1 });
    if (!newest.ok) throw new Error(`logs of ${contractId}: HTTP ${newest.status}`);
    const total = newest.page.total;
    if (handled === 0 || (handled === null && (total === 0 || this.opts.fromStart)))
      return store.setCursor(contractId, FROM_ORIGIN);
    // Everything up to the starting point goes into the index, and counts as handled (it is not announced).
    const behind = handled === null ? 0 : Math.max(0, total - handled);
    const history = (await this.reads.newest(contractId, total)).slice(0, total - behind);
    for (let i = 0; i < history.length; i += this.pageSize) {
      const located = await this.reads.locate(contractId, history.slice(i, i + this.pageSize));
      if (this.opts.sink.backfill) await this.opts.sink.backfill(located);
      else if (i + this.pageSize >= history.length) await this.record(located[located.length - 1]);
    }
    await store.setCursor(contractId, FROM_ORIGIN);
  }

  /** Marks an event as handled without handling it (the starting position, for a sink without an index). */
  private async record(raw: RawContractLog | undefined) {
    const { store } = this.opts;
    if (raw) await store.recordChainEvent(handledRecord(raw, await store.nextEventSeq()));
  }

  /**
   * Finds the handled blocks a re-organisation orphaned (newest first, until one that was consistent with the
   * chain is still canonical) and rolls them back.
   */
  private async rollBackOrphans() {
    const blocks = await this.opts.store.handledBlocks(REORG_SEARCH_BLOCKS);
    const orphaned: BlockRef[] = [];
    for (const block of blocks) {
      if (!(await this.reads.isCanonical(block.hash))) orphaned.push(block);
      else if (this.consistent.has(block.hash)) break;
    }
    if (orphaned.length === 0) return;
    this.opts.log.warn(
      { blocks: orphaned.length, from: orphaned[orphaned.length - 1]!.height, to: orphaned[0]!.height },
      "chain re-organisation: rolling back events of orphaned blocks",
    );
    await this.opts.sink.rollback(orphaned);
  }

  private async catchUp(contractId: string) {
    const anchor = await this.opts.store.lastChainEvent(contractId, { located: true });
    const newest = await this.reads.logs(contractId, { limit: this.pageSize });
    if (!newest.ok) throw new Error(`logs of ${contractId}: HTTP ${newest.status}`);
    if (!anchor) return this.resync(contractId, newest.page);
    // The usual case: the position is on the newest page (nothing new, or a few events).
    const at = newest.page.results.findIndex((r) => r.tx_id === anchor.txid && r.event_index === anchor.eventIndex);
    if (at >= 0) return this.deliver(contractId, newest.page.results.slice(0, at).reverse());
    if (!anchor.cursor) return this.resync(contractId, newest.page);
    return this.readOn(contractId, anchor.cursor, { txid: anchor.txid, eventIndex: anchor.eventIndex });
  }

  /** Reads forward from a known position, a page at a time, by the API's `next_cursor`. */
  private async readOn(contractId: string, cursor: string, at: { txid: string; eventIndex: number }) {
    let page = await this.reads.logs(contractId, { limit: this.pageSize, cursor });
    const top = page.ok ? page.page.results[0] : undefined;
    if (!page.ok || !top || top.tx_id !== at.txid || top.event_index !== at.eventIndex) {
      this.opts.log.warn(
        { contractId, cursor, status: page.ok ? "another event" : page.status },
        "the stored position is unknown to the API: re-syncing from the newest event",
      );
      return this.resync(contractId);
    }
    while (page.ok && page.page.next_cursor && this.running) {
      page = await this.reads.logs(contractId, { limit: this.pageSize, cursor: page.page.next_cursor });
      if (!page.ok) return this.resync(contractId);
      await this.deliver(contractId, [...page.page.results].reverse());
    }
    // Fewer than a page newer: the newest page holds them (if more than a page came meanwhile, this reads on).
    if (this.running) await this.catchUp(contractId);
  }

  /**
   * Without a usable position: pages back from the newest event (by `prev_cursor`) to the newest event
   * already handled, and delivers everything newer, oldest first. From the origin (nothing handled yet),
   * that is the whole log. Nothing is skipped; events already handled are skipped by the ledger.
   */
  private async resync(contractId: string, first?: LogsPage) {
    const { store } = this.opts;
    let page = first;
    if (!page) {
      const newest = await this.reads.logs(contractId, { limit: this.pageSize });
      if (!newest.ok) throw new Error(`logs of ${contractId}: HTTP ${newest.status}`);
      page = newest.page;
    }
    const unknown: LogResult[] = [];
    for (;;) {
      // Known and located by the poller: a pushed event (no cursor) may sit after a gap in deliveries.
      const events = await Promise.all(page.results.map((r) => store.chainEvent(logKey(asLog(contractId, r)))));
      const known = events.findIndex((e) => e?.cursor);
      unknown.push(...(known >= 0 ? page.results.slice(0, known) : page.results));
      if (known >= 0 || !page.prev_cursor) break;
      const older = await this.reads.logs(contractId, { limit: this.pageSize, cursor: page.prev_cursor });
      if (!older.ok) throw new Error(`logs of ${contractId} before ${page.prev_cursor}: HTTP ${older.status}`);
      page = older.page;
    }
    const oldestFirst = unknown.reverse();
    for (let i = 0; i < oldestFirst.length && this.running; i += this.pageSize)
      await this.deliver(contractId, oldestFirst.slice(i, i + this.pageSize));
  }

  /** Locates a run of events in their blocks (one request for all their transactions) and hands them over. */
  private async deliver(contractId: string, oldestFirst: LogResult[]) {
    if (oldestFirst.length === 0) return;
    await this.opts.sink.apply(await this.reads.locate(contractId, oldestFirst));
  }
}

const asLog = (contractId: string, r: LogResult) => ({ contractId, txid: r.tx_id, eventIndex: r.event_index });
