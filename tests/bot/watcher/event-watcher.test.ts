import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Database from "better-sqlite3";
import { Cl, cvToValue, hexToCV } from "@stacks/transactions";
import { StacksClient } from "../../../bot/chain/stacks-client";
import { Store } from "../../../bot/storage/store";
import { openTestStore } from "../../support/test-store";
import { createLogger } from "../../../bot/logger";
import { EventWatcher } from "../../../bot/watcher/event-watcher";
import { EventLedger } from "../../../bot/watcher/event-ledger";
import {
  handledRecord,
  logKey,
  type BlockRef,
  type EventSink,
  type RawContractLog,
} from "../../../bot/watcher/chain-events";
import { LOGS_OFFSET_MAX, logsPage } from "../../../devnet/api-shapes";
import { cvHex, type LogEntry } from "../../../devnet/chain";

/**
 * The event watcher against an API that pages a contract's log as Hiro's does (the local API's paging, a port
 * of Hiro's SQL: newest first, cursors, 404 for a cursor with nothing at or below it, offsets capped at 1,000),
 * with the blocks and transactions of its events. The log is plain data here, so tests can put 100,000 events
 * behind the bot or make the API forget a cursor.
 */

const CONTRACT = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.capital-pool";
const PER_BLOCK = 10;
const blockHash = (height: number) => `0x${createHash("sha256").update(`block-${height}`).digest("hex")}`;

let entries: LogEntry[];
let byTxid: Map<string, LogEntry>;
let forgotten: Set<string>;
let requests: URL[];
let server: Server;
let client: StacksClient;
let store: Store;
let logs: string[];

/** Appends `count` events (event i prints u<i>), ten a block. */
function mine(count: number) {
  const from = entries.length;
  for (let i = from; i < from + count; i++) {
    const entry: LogEntry = {
      position: [1 + Math.floor(i / PER_BLOCK), i % PER_BLOCK, 0],
      txid: `0x${i.toString(16).padStart(64, "0")}`,
      eventIndex: 0,
      contractId: CONTRACT,
      value: Cl.uint(i),
    };
    entries.push(entry);
    byTxid.set(entry.txid, entry);
  }
}

function answer(url: URL): [number, unknown] {
  const q = url.searchParams;
  if (url.pathname === "/extended/v2/blocks/latest") {
    // A new tip whenever events were added (as new blocks would bring them).
    const height = entries.at(-1)?.position[0] ?? 0;
    const tip = `0x${createHash("sha256").update(`tip-${entries.length}`).digest("hex")}`;
    return [200, { height, hash: tip, index_block_hash: tip }];
  }
  const block = url.pathname.match(/^\/extended\/v2\/blocks\/(0x[0-9a-f]{64})$/);
  if (block) return [200, { height: 0, hash: block[1], index_block_hash: block[1] }];
  if (url.pathname === "/extended/v1/tx/multiple") {
    return [
      200,
      Object.fromEntries(
        q.getAll("tx_id").map((id) => {
          const e = byTxid.get(id)!;
          const [height, txIndex] = e.position;
          const tx = { tx_id: id, block_height: height, block_hash: blockHash(height), tx_index: txIndex };
          return [id, { found: true, result: { ...tx, microblock_sequence: 2147483647 } }];
        }),
      ),
    ];
  }
  const cursor = q.get("cursor") ?? undefined;
  if (cursor && forgotten.has(cursor)) return [404, { error: "Cursor not found" }];
  try {
    const number = (name: string) => (q.has(name) ? Number(q.get(name)) : undefined);
    return [200, logsPage(entries, { limit: number("limit"), offset: number("offset"), cursor })];
  } catch (e) {
    return [(e as Error).message === "Cursor not found" ? 404 : 400, { error: (e as Error).message }];
  }
}

/** A sink that records what it is given, as the ledger would. */
function recordingSink() {
  const applied: RawContractLog[] = [];
  const rolledBack: BlockRef[] = [];
  const sink: EventSink = {
    async apply(batch) {
      await store.transaction(async (tx) => {
        let next = await store.nextEventSeq(tx);
        const known = await store.chainEvents(batch.map(logKey), tx);
        const records = new Map<string, ReturnType<typeof handledRecord>>();
        for (const raw of batch) {
          const was = records.get(logKey(raw)) ?? known.get(logKey(raw));
          if (!was) applied.push(raw);
          records.set(logKey(raw), handledRecord(raw, was?.seq ?? next++, raw.cursor ?? was?.cursor));
        }
        await store.recordChainEvents([...records.values()], tx);
      });
    },
    async rollback(blocks) {
      rolledBack.push(...blocks);
    },
  };
  return { sink, applied, rolledBack };
}

const printed = (raw: RawContractLog[]) => raw.map((r) => Number(cvToValue(hexToCV(r.hex))));
const watcherWith = (sink: EventSink, extra: Partial<ConstructorParameters<typeof EventWatcher>[0]> = {}) =>
  new EventWatcher({
    client,
    store,
    log: createLogger({
      level: "info",
      destination: new Writable({
        write(chunk, _e, done) {
          logs.push(String(chunk));
          done();
        },
      }) as never,
    }),
    contracts: [CONTRACT],
    sink,
    pollMs: 3_600_000,
    ...extra,
  });

beforeEach(async () => {
  entries = [];
  byTxid = new Map();
  forgotten = new Set();
  requests = [];
  logs = [];
  store = await openTestStore();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    const [status, body] = answer(url);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A budget wide open: this API has no rate limit, and the test counts requests, not waits.
  client = new StacksClient({
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retries: 0,
    requestsPerMinute: 1_000_000,
  });
});
afterEach(async () => {
  await store.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("the event watcher's position", () => {
  it("100,000 events behind: delivers each once, in order, by next_cursor, never an offset past 1,000", async () => {
    mine(1);
    const { sink, applied } = recordingSink();
    const watcher = watcherWith(sink);
    await watcher.start();
    expect(applied).toHaveLength(0);
    mine(100_000);
    requests.length = 0;
    await watcher.poll();
    await watcher.stop();
    const values = printed(applied);
    expect(values).toHaveLength(100_000);
    expect(values.every((v, i) => v === i + 1)).toBe(true);
    expect(requests.some((u) => Number(u.searchParams.get("offset") ?? 0) > LOGS_OFFSET_MAX)).toBe(false);
    expect(requests.some((u) => u.searchParams.has("offset"))).toBe(false);
    // One page of the log and one request for its transactions per 50 events, and a few to start and end.
    expect(requests.length).toBeLessThan(2 * (100_000 / 50) + 10);
  });

  it("a 404 for its stored cursor: re-syncs from the newest event without losing or repeating one", async () => {
    mine(3);
    const { sink, applied } = recordingSink();
    const watcher = watcherWith(sink, { pageSize: 5 });
    await watcher.start();
    const position = (await store.lastChainEvent(CONTRACT))!;
    expect(position.cursor).toBe("1:2147483647:2:0");
    // The API no longer knows the stored cursor (re-indexed); 12 events came meanwhile, more than a page.
    forgotten.add(position.cursor!);
    mine(12);
    await watcher.poll();
    await watcher.stop();
    expect(printed(applied)).toEqual(Array.from({ length: 12 }, (_v, i) => 3 + i));
    expect(requests.some((u) => u.searchParams.get("cursor") === position.cursor)).toBe(true);
    expect(logs.some((l) => l.includes("the stored position is unknown to the API: re-syncing"))).toBe(true);
  });

  it("an idle chain costs one request a poll: the tip, unchanged", async () => {
    mine(3);
    const { sink } = recordingSink();
    const watcher = watcherWith(sink);
    await watcher.start();
    requests.length = 0;
    for (let i = 0; i < 5; i++) await watcher.poll();
    await watcher.stop();
    expect(requests.map((u) => u.pathname)).toEqual(Array(5).fill("/extended/v2/blocks/latest"));
  });

  it("takes over a position an older version kept as a count of handled events", async () => {
    mine(30);
    await store.setCursor(CONTRACT, "24");
    const { sink, applied } = recordingSink();
    const watcher = watcherWith(sink, { pageSize: 5 });
    await watcher.start();
    await watcher.stop();
    expect(printed(applied)).toEqual([24, 25, 26, 27, 28, 29]);
  });

  it("a locked store never blocks the event loop for more than 100 ms, and its events are handled once it is free", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "locked-store-")), "bot.sqlite");
    await store.close();
    store = await Store.open(path);
    mine(2);
    const handled: string[] = [];
    const ledger = new EventLedger({
      store,
      log: createLogger({ level: "silent" }),
      contracts: [CONTRACT],
      handlers: { handle: async (e) => void handled.push(e.txid), rollback: async () => {} },
    });
    const watcher = watcherWith(ledger);
    await watcher.start();
    mine(6);
    // Another process takes the write lock and keeps it for a while.
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE");
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const pass = watcher.poll();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await store.lastChainEvent(CONTRACT))!.txid).toBe(entries[1]!.txid);
    other.exec("COMMIT");
    other.close();
    await pass;
    delay.disable();
    await watcher.stop();
    expect(delay.max / 1e6).toBeLessThan(100);
    expect((await store.lastChainEvent(CONTRACT))!.txid).toBe(entries[7]!.txid);
    // Each of the six recorded (the values are not protocol events, so the ledger records them unhandled).
    const recorded = await Promise.all(entries.slice(2).map((e) => store.chainEvent(`${CONTRACT}:${e.txid}:0`)));
    expect(recorded.every(Boolean)).toBe(true);
    expect(handled).toEqual([]);
    expect(logs.filter((l) => l.includes("the database is locked by another process"))).toHaveLength(1);
  });

  it("reads a gap that pushed deliveries left before a later push (its position is the newest event it read itself)", async () => {
    mine(3);
    const { sink, applied } = recordingSink();
    const watcher = watcherWith(sink);
    await watcher.start();
    mine(3);
    // Chainhooks delivered only the newest of the three (no cursor: pushed events carry none).
    const newest = entries[5]!;
    await sink.apply([
      {
        contractId: CONTRACT,
        txid: newest.txid,
        eventIndex: 0,
        hex: cvHex(newest.value),
        block: { height: newest.position[0], hash: blockHash(newest.position[0]) },
      },
    ]);
    await watcher.poll();
    await watcher.stop();
    expect(printed(applied)).toEqual([5, 3, 4]);
  });

  it("a contract without events yet: a restart before any was handled still delivers them all", async () => {
    const first = recordingSink();
    const before = watcherWith(first.sink);
    await before.start();
    await before.stop();
    mine(4);
    const { sink, applied } = recordingSink();
    const after = watcherWith(sink);
    await after.start();
    await after.stop();
    expect(printed(applied)).toEqual([0, 1, 2, 3]);
  });

  it("from the start: the whole log, oldest first", async () => {
    mine(17);
    const { sink, applied } = recordingSink();
    const watcher = watcherWith(sink, { pageSize: 5, fromStart: true });
    await watcher.start();
    await watcher.stop();
    expect(printed(applied)).toEqual(Array.from({ length: 17 }, (_v, i) => i));
    expect(applied[16]!.block).toEqual({ height: 2, hash: blockHash(2) });
  });
});
