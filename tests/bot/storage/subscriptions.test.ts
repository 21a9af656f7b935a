import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Store } from "../../../bot/storage/store";
import { MIGRATIONS } from "../../../bot/storage/migrations";
import { EVENT_KINDS, Subscriptions, wants, type Subscription } from "../../../bot/storage/subscriptions";
import { openTestStore } from "../../support/test-store";

let store: Store;
let subs: Subscriptions;
beforeEach(async () => {
  store = await openTestStore();
  subs = new Subscriptions(store.sql);
});
afterEach(async () => store?.close());

const sub = (fields: Partial<Subscription>): Subscription => ({
  guildId: "g1",
  channelId: "c1",
  events: ["claims"],
  protocolIds: [],
  roleId: null,
  ...fields,
});

describe("which subscriptions want an event", () => {
  it("filters by kind, and by protocol only for the kinds that name one", () => {
    const s = sub({ events: ["listings", "council", "purchases"], protocolIds: [2] });
    expect(wants(s, "listings", 2)).toBe(true);
    expect(wants(s, "listings", 3)).toBe(false);
    expect(wants(s, "purchases", 3)).toBe(false);
    // The council's events name no protocol: a protocol list does not keep them out.
    expect(wants(s, "council", null)).toBe(true);
    expect(wants(s, "claims", 2)).toBe(false);
    expect(wants(sub({ events: ["claims"] }), "claims", 99)).toBe(true);
  });
});

describe("subscriptions in the store", () => {
  it("saves a channel's subscription whole, in the kinds' order, and removes it", async () => {
    await subs.save(sub({ events: ["council", "claims"], protocolIds: [3, 1, 3], roleId: "r1" }));
    expect(await subs.forGuild("g1")).toEqual([
      { guildId: "g1", channelId: "c1", events: ["claims", "council"], protocolIds: [1, 3], roleId: "r1" },
    ]);
    await subs.save(sub({ events: [...EVENT_KINDS] }));
    expect((await subs.explicit("g1", "c1"))?.events).toEqual([...EVENT_KINDS]);
    expect(await subs.targets("pool-report", null)).toHaveLength(1);
    expect(await subs.remove("g1", "c1")).toBe(true);
    expect(await subs.remove("g1", "c1")).toBe(false);
    expect(await subs.all()).toEqual([]);
  });

  it("reads /setup alerts and feed as implicit subscriptions, with the followed protocols and the assessor role", async () => {
    await store.updateSettings("g1", { alertChannelId: "alerts", feedChannelId: "feed", assessorRoleId: "r1" });
    await store.follow("g1", 7, true);
    await store.updateSettings("g2", { alertChannelId: "only-alerts" });
    expect(await subs.all()).toEqual([
      { guildId: "g1", channelId: "alerts", events: ["claims"], protocolIds: [7], roleId: "r1", legacy: "alerts" },
      {
        guildId: "g1",
        channelId: "feed",
        events: ["purchases", "capital", "pool-report"],
        protocolIds: [7],
        roleId: null,
        legacy: "feed",
      },
      // Without a feed, the daily report goes to the alert channel, as before subscriptions.
      {
        guildId: "g2",
        channelId: "only-alerts",
        events: ["claims", "pool-report"],
        protocolIds: [],
        roleId: null,
        legacy: "alerts",
      },
    ]);
    expect((await subs.targets("claims", 8)).map((s) => s.channelId)).toEqual(["only-alerts"]);
  });

  it("lets an explicit subscription on a channel replace the implicit one there, and merges one channel set as both", async () => {
    await store.updateSettings("g1", { alertChannelId: "c1", feedChannelId: "c1" });
    expect(await subs.forGuild("g1")).toMatchObject([
      { channelId: "c1", events: ["claims", "purchases", "capital", "pool-report"], legacy: "alerts+feed" },
    ]);
    await subs.save(sub({ events: ["council"] }));
    expect(await subs.forGuild("g1")).toEqual([
      { guildId: "g1", channelId: "c1", events: ["council"], protocolIds: [], roleId: null },
    ]);
  });

  it("keeps a claim's post per channel, so two channels of one server each have their own", async () => {
    await subs.saveClaimPost({ ...sub({}), claimId: 1, messageId: "m1", threadId: null, forum: false });
    await subs.saveClaimPost({ ...sub({}), claimId: 1, messageId: "m1", threadId: "t1", forum: false });
    await subs.saveClaimPost({ ...sub({ channelId: "f1" }), claimId: 1, messageId: "p1", threadId: "p1", forum: true });
    expect(await subs.claimPosts(1)).toEqual([
      { guildId: "g1", channelId: "c1", claimId: 1, messageId: "m1", threadId: "t1", forum: false },
      { guildId: "g1", channelId: "f1", claimId: 1, messageId: "p1", threadId: "p1", forum: true },
    ]);
    await subs.forgetClaimPost("c1", 1);
    expect((await subs.claimPosts(1)).map((p) => p.channelId)).toEqual(["f1"]);
    expect(await subs.claimPost("c1", 1)).toBeUndefined();
  });
});

describe("migration 12", () => {
  it("moves the alerts already posted to the per-channel table, so their edits and replies continue", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "subs-")), "bot.db");
    const old = new Database(path);
    for (const sql of MIGRATIONS.slice(0, 11)) old.exec(sql);
    old.pragma("user_version = 11");
    old
      .prepare(
        "INSERT INTO claim_messages (guild_id, claim_id, channel_id, message_id, thread_id) VALUES ('g1', 4, 'c1', 'm4', 't4')",
      )
      .run();
    old.close();
    const migrated = await Store.open(path);
    expect(await migrated.version()).toBe(MIGRATIONS.length);
    expect(await new Subscriptions(migrated.sql).claimPosts(4)).toEqual([
      { guildId: "g1", channelId: "c1", claimId: 4, messageId: "m4", threadId: "t4", forum: false },
    ]);
    await migrated.close();
  });
});
