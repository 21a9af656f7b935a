import { describe, it, expect, beforeEach, afterEach, inject } from "vitest";
import pino from "pino";
import { freshDatabase } from "../../../devnet/local-postgres";
import { cutIngestionLeader } from "../../support/ingestion-lock";
import { Store } from "../../../bot/storage/store";
import { IngestionLeader } from "../../../bot/sharding/ingestion-leader";
import { until } from "../../support/until";

const log = pino({ level: "silent" });
const CHECK_MS = 200;
let url: string;
let store: Store;
const started: IngestionLeader[] = [];

beforeEach(async () => {
  url = await freshDatabase(inject("postgresUrl")!);
  store = await Store.open({ url });
});
afterEach(async () => {
  for (const l of started.splice(0)) await l.stop();
  await store.close();
});

/** A candidate that records when it leads and stops leading. */
function candidate(name: string, events: string[]) {
  const leader = new IngestionLeader({
    url,
    holder: name,
    log,
    checkMs: CHECK_MS,
    onLead: async () => {
      events.push(`${name} leads`);
    },
    onLose: async () => {
      events.push(`${name} stops`);
    },
  });
  started.push(leader);
  return leader;
}

describe("the ingestion leader's election", () => {
  it("lets exactly one of three candidates lead, and names it for operators", async () => {
    const events: string[] = [];
    const all = ["a", "b", "c"].map((n) => candidate(n, events));
    await Promise.all(all.map((l) => l.start()));
    expect(all.filter((l) => l.isLeader)).toHaveLength(1);
    expect(events).toHaveLength(1);
    const row = await store.sql.get<{ holder: string }>("SELECT holder FROM ingestion_leader WHERE id = 1");
    expect(events[0]).toBe(`${row!.holder} leads`);
  });

  it("hands over when the leader's connection is cut: the old leader stops at once, then exactly one leads again within a check or two", async () => {
    const events: string[] = [];
    const a = candidate("a", events);
    await a.start();
    const b = candidate("b", events);
    await b.start();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(await cutIngestionLeader(url)).toBe(1);
    const cutAt = Date.now();
    await until("a to stop leading", () => events.includes("a stops"));
    // Either candidate may win the free lock (a, connected again, is a candidate like b), never both.
    await until("a leader again", () => events.length === 3);
    expect(Date.now() - cutAt).toBeLessThan(3 * CHECK_MS + 1_000);
    expect(events.slice(0, 2)).toEqual(["a leads", "a stops"]);
    expect(events[2]).toMatch(/^[ab] leads$/);
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
  });

  it("gives the lock up on a clean stop, and the next candidate takes it", async () => {
    const events: string[] = [];
    const a = candidate("a", events);
    await a.start();
    const b = candidate("b", events);
    await b.start();
    await a.stop();
    await until("b to lead", () => b.isLeader);
    expect(events).toEqual(["a leads", "a stops", "b leads"]);
  });

  it("does not lead while the server is unreachable, and says so in its log only", async () => {
    const events: string[] = [];
    const unreachable = new IngestionLeader({
      url: "postgres://nobody:secret@127.0.0.1:1/none",
      holder: "x",
      log,
      checkMs: CHECK_MS,
      onLead: async () => {
        events.push("x leads");
      },
      onLose: async () => {
        events.push("x stops");
      },
    });
    started.push(unreachable);
    await unreachable.start();
    expect(unreachable.isLeader).toBe(false);
    expect(events).toEqual([]);
  });
});
