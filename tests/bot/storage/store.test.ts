import { describe, it, expect } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../../bot/storage/store";

const freshPath = () => join(mkdtempSync(join(tmpdir(), "store-")), "nested", "bot.sqlite");

describe("the store", () => {
  it("creates its folder, runs the migrations once, and uses WAL", () => {
    const path = freshPath();
    const store = new Store(path);
    expect(store.version).toBe(2);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    store.updateSettings("g1", { alertChannelId: "c1" });
    store.close();
    const again = new Store(path);
    expect(again.version).toBe(2);
    expect(again.settings("g1").alertChannelId).toBe("c1");
    again.close();
  });

  it("keeps each server's settings and followed protocols apart", () => {
    const store = new Store(freshPath());
    store.updateSettings("g1", { alertChannelId: "c1", assessorRoleId: "r1" });
    store.updateSettings("g1", { feedChannelId: "f1" });
    store.follow("g1", 2, true);
    store.follow("g1", 2, true);
    store.updateSettings("g2", { alertChannelId: "c2" });
    expect(store.settings("g1")).toEqual({ guildId: "g1", alertChannelId: "c1", assessorRoleId: "r1", feedChannelId: "f1", followed: [2] });
    expect(store.settings("g3")).toEqual({ guildId: "g3", alertChannelId: null, assessorRoleId: null, feedChannelId: null, followed: [] });
    // g2 follows nothing, so it wants every protocol; g1 only protocol 2.
    expect(store.guildsFollowing(2).map((s) => s.guildId).sort()).toEqual(["g1", "g2"]);
    expect(store.guildsFollowing(5).map((s) => s.guildId)).toEqual(["g2"]);
    store.follow("g1", 2, false);
    expect(store.settings("g1").followed).toEqual([]);
  });

  it("keeps the event cursor, posted events and claim messages", () => {
    const store = new Store(freshPath());
    expect(store.cursor("logs")).toBeNull();
    store.setCursor("logs", "5:0:1:0");
    store.setCursor("logs", "6:0:0:2");
    expect(store.cursor("logs")).toBe("6:0:0:2");
    expect(store.wasPosted("claim-submitted:1")).toBe(false);
    store.markPosted("claim-submitted:1");
    store.markPosted("claim-submitted:1");
    expect(store.wasPosted("claim-submitted:1")).toBe(true);
    store.saveClaimMessage("g1", 1, "c1", "m1");
    store.saveClaimMessage("g1", 1, "c1", "m1", "t1");
    store.saveClaimMessage("g1", 1, "c1", "m1");
    expect(store.claimMessage("g1", 1)).toEqual({ channelId: "c1", messageId: "m1", threadId: "t1" });
    expect(store.claimMessages(1)).toHaveLength(1);
  });

  it("remembers policy terms until they are expired", () => {
    const store = new Store(freshPath());
    store.recordPolicyTerm(1, 100);
    store.recordPolicyTerm(2, 300);
    store.recordPolicyTerm(1, 999);
    expect(store.duePolicies(200)).toEqual([1]);
    store.markPolicyExpired(1);
    expect(store.duePolicies(1_000)).toEqual([2]);
  });

  it("links wallets and uses each link nonce once, before it expires", () => {
    const store = new Store(freshPath());
    store.createLinkNonce("n1", "u1", 1_000);
    expect(store.consumeLinkNonce("n1", 500)).toEqual({ discordUserId: "u1", expiresAt: 1_000 });
    expect(store.consumeLinkNonce("n1", 600)).toBeNull();
    expect(store.consumeLinkNonce("unknown")).toBeNull();
    store.linkWallet("u1", "ST1");
    store.linkWallet("u1", "ST2");
    expect(store.linkedWallet("u1")).toBe("ST2");
    expect(store.linkedWallets()).toEqual([{ discordUserId: "u1", address: "ST2" }]);
  });
});
