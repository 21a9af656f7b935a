import { describe, it, expect, beforeEach, afterEach, inject } from "vitest";
import pino from "pino";
import { freshDatabase } from "../../../devnet/local-postgres";
import { Store } from "../../../bot/storage/store";
import { FeedOutbox, OUTBOX_RETENTION_MS, OutboxPublisher } from "../../../bot/sharding/feed-outbox";
import type { ProtocolEvent } from "../../../bot/chain/events";
import { ShardFeed } from "../../../bot/sharding/shard-feed";
import { shardScope, ownedBy, EVERY_SERVER } from "../../../bot/sharding/guild-scope";
import { until } from "../../support/until";

const log = pino({ level: "silent" });
let url: string;
let store: Store;
let outbox: FeedOutbox;
const feeds: ShardFeed[] = [];

beforeEach(async () => {
  url = await freshDatabase(inject("postgresUrl")!);
  store = await Store.open({ url });
  outbox = new FeedOutbox(store.sql);
});
afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  await store.close();
});

const unhandled = { handle: async () => {}, rollback: async () => {} };

function follower(shardId: number, onLinked: (id: string) => Promise<void>, pollMs = 60_000) {
  const feed = new ShardFeed({ outbox, shardId, handlers: unhandled, log, url, pollMs, onLinked });
  feeds.push(feed);
  return feed;
}

describe("a shard's feed", () => {
  it("runs the rows the leader adds in order, woken by Postgres's notification (no poll in between)", async () => {
    const seen: string[] = [];
    const feed = follower(0, async (id) => {
      seen.push(id);
    });
    await feed.start();
    for (const member of ["m1", "m2", "m3"]) await outbox.addLinked(member);
    await until("the three rows", () => seen.length === 3);
    expect(seen).toEqual(["m1", "m2", "m3"]);
    // The position is written once the page is done, just after its last row.
    const position = async () =>
      (await store.sql.get<{ last: number }>("SELECT last_id AS last FROM feed_cursors WHERE shard_id = 0"))?.last;
    expect(await until("the position past the third row", async () => (await position()) === 3)).toBe(true);
  });

  it("keeps its position at a row whose posts fail, and runs it again (then the rest) on the next pass", async () => {
    const seen: string[] = [];
    let failures = 1;
    const feed = follower(0, async (id) => {
      if (id === "m2" && failures-- > 0) throw new Error("Discord is down");
      seen.push(id);
    });
    await outbox.setCursor(0, 0);
    for (const member of ["m1", "m2", "m3"]) await outbox.addLinked(member);
    // Its first pass, at start, stops at m2.
    await feed.start();
    expect(seen).toEqual(["m1"]);
    expect((await store.sql.get<{ last: number }>("SELECT last_id AS last FROM feed_cursors"))!.last).toBe(1);
    await feed.drain();
    expect(seen).toEqual(["m1", "m2", "m3"]);
    expect((await store.sql.get<{ last: number }>("SELECT last_id AS last FROM feed_cursors"))!.last).toBe(3);
  });

  it("starts a shard that has no position where the slowest shard is (a server it takes over misses nothing), else at the newest row", async () => {
    for (const member of ["m1", "m2", "m3", "m4"]) await outbox.addLinked(member);
    expect(await outbox.cursor(0)).toBe(4);
    await outbox.setCursor(0, 4);
    await outbox.setCursor(1, 2);
    expect(await outbox.cursor(7)).toBe(2);
    const seen: string[] = [];
    const added = follower(7, async (id) => {
      seen.push(id);
    });
    await added.start();
    expect(seen).toEqual(["m3", "m4"]);
  });

  it("prunes only rows every shard has passed and that are older than the retention", async () => {
    for (const member of ["m1", "m2", "m3"]) await outbox.addLinked(member);
    await outbox.setCursor(0, 3);
    await outbox.setCursor(1, 1);
    expect(await outbox.prune()).toBe(0);
    expect(await outbox.prune(Date.now() + OUTBOX_RETENTION_MS + 1_000)).toBe(1);
    expect((await outbox.after(0, 10)).map((r) => r.eventKey)).toEqual(["m2", "m3"]);
  });
});

describe("the ingestion leader's publisher", () => {
  it("keeps each vote the alerts show once, before the shards are told, and forgets it when the vote is orphaned", async () => {
    const vote = {
      contractId: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.claims-assessment",
      txid: `0x${"07".repeat(32)}`,
      eventIndex: 0,
      seq: 1,
      topic: "vote-cast",
      data: { claimId: 4n, voter: "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG", approve: true, stake: 5n, weight: 5n },
    } as unknown as ProtocolEvent;
    const publisher = new OutboxPublisher(outbox, store);
    await publisher.handle(vote);
    await publisher.handle(vote); // handled again after a crash: still one vote
    expect((await store.latestVotes(4)).map((v) => [v.voter, v.approve])).toEqual([
      ["ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG", true],
    ]);
    await publisher.rollback(vote);
    expect(await store.latestVotes(4)).toEqual([]);
  });
});

describe("which servers a shard owns", () => {
  it("follows Discord's formula, (guild_id >> 22) % shard_count, and a single process owns every server", () => {
    const ids = ["1196000000000000000", "1196000000004194304", "1196000000008388608", "1196000000012582912"];
    const owner = (id: string) => Number((BigInt(id) >> 22n) % 4n);
    for (const shard of [0, 1, 2, 3]) {
      const scope = shardScope([shard], 4);
      expect(ids.filter((id) => scope.owns(id))).toEqual(ids.filter((id) => owner(id) === shard));
    }
    expect(new Set(ids.map(owner)).size).toBe(4);
    const list = ids.map((guildId) => ({ guildId }));
    expect(ownedBy(EVERY_SERVER, list)).toEqual(list);
    expect(ownedBy(shardScope([0, 1, 2, 3], 4), list)).toEqual(list);
  });
});
