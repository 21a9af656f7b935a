import pg from "pg";
import type { Logger } from "../logger";
import type { EventHandlers } from "../watcher/event-ledger";
import { eventOf, OUTBOX_CHANNEL, type FeedOutbox } from "./feed-outbox";
import { Passes } from "../jobs/passes";

/** Rows read at a time. */
const BATCH = 200;
/** How often a shard looks without a notification (a lost LISTEN connection, a notification missed). */
export const DEFAULT_FEED_POLL_MS = 2_000;

/**
 * A shard's side of the feed: reads the outbox after its own position, runs the claim feed for each row (posts
 * to the servers this shard owns), and moves its position past a row only once the row's posts are done. A
 * failed post stops the pass there and the row is run again on the next one (every post is sent once by key), so
 * each shard tells every event in order and never skips one. Woken by Postgres's LISTEN/NOTIFY; polls as well.
 */
export class ShardFeed {
  private timer?: NodeJS.Timeout;
  private listener?: pg.Client;
  private readonly passes = new Passes(
    () => this.guardedPass(),
    () => this.running,
  );
  private running = false;
  private position?: number;

  constructor(
    private readonly opts: {
      outbox: FeedOutbox;
      /** The row position is kept under this shard's id. */
      shardId: number;
      handlers: EventHandlers;
      /** A member linked a wallet through the web process (the row's key is their Discord id). */
      onLinked?: (discordUserId: string) => Promise<void>;
      log: Logger;
      /** The Postgres server to LISTEN on (none: only polling). */
      url?: string;
      pollMs?: number;
    },
  ) {}

  async start(): Promise<void> {
    this.running = true;
    this.position = await this.opts.outbox.cursor(this.opts.shardId);
    await this.opts.outbox.setCursor(this.opts.shardId, this.position);
    await this.listen();
    this.timer = setInterval(() => {
      if (!this.listener) void this.listen();
      void this.drain();
    }, this.opts.pollMs ?? DEFAULT_FEED_POLL_MS);
    await this.drain();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
    await this.passes.settled();
  }

  /** Runs every row after this shard's position; concurrent calls coalesce into one more pass. */
  drain(): Promise<void> {
    return this.passes.run();
  }

  private async guardedPass() {
    try {
      await this.pass();
    } catch (e) {
      this.opts.log.warn({ err: e, shard: this.opts.shardId }, "a feed row could not be posted; retrying");
    }
  }

  /** Runs the rows page by page; the position is written once a page, and where a failed row stopped it. */
  private async pass() {
    const { outbox, handlers, shardId, log } = this.opts;
    for (;;) {
      if (!this.running || this.position === undefined) return;
      const rows = await outbox.after(this.position, BATCH);
      const from = this.position;
      try {
        for (const row of rows) {
          if (!this.running) return;
          if (row.kind === "linked") await this.opts.onLinked?.(row.eventKey);
          else {
            const event = eventOf(row, log);
            if (event) await (row.kind === "rollback" ? handlers.rollback(event) : handlers.handle(event));
          }
          this.position = row.id;
        }
      } finally {
        if (this.position !== from) await outbox.setCursor(shardId, this.position);
      }
      if (rows.length < BATCH) return;
    }
  }

  private async listen() {
    if (!this.opts.url || !this.running) return;
    const client = new pg.Client({ connectionString: this.opts.url });
    // A lost connection: polling goes on, and the next tick connects again.
    client.on("error", () => {
      if (this.listener === client) this.listener = undefined;
    });
    client.on("end", () => {
      if (this.listener === client) this.listener = undefined;
    });
    client.on("notification", () => void this.drain());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (!this.running) return void (await client.end());
      this.listener = client;
    } catch (e) {
      this.opts.log.warn({ err: e }, "could not listen for the feed's notifications; polling");
      await client.end().catch(() => {});
    }
  }
}
