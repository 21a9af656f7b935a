import { describe, it, expect } from "vitest";
import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, Store } from "../../../bot/storage/store";

const freshPath = () => join(mkdtempSync(join(tmpdir(), "store-")), "nested", "bot.sqlite");

describe("the store", () => {
  it("creates its folder, runs the migrations once, and uses WAL", () => {
    const path = freshPath();
    const store = new Store(path);
    expect(store.version).toBe(MIGRATIONS.length);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    store.updateSettings("g1", { alertChannelId: "c1" });
    store.close();
    const again = new Store(path);
    expect(again.version).toBe(MIGRATIONS.length);
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
    expect(store.settings("g1")).toEqual({
      guildId: "g1",
      alertChannelId: "c1",
      assessorRoleId: "r1",
      feedChannelId: "f1",
      followed: [2],
    });
    expect(store.settings("g3")).toEqual({
      guildId: "g3",
      alertChannelId: null,
      assessorRoleId: null,
      feedChannelId: null,
      followed: [],
    });
    // g2 follows nothing, so it wants every protocol; g1 only protocol 2.
    expect(
      store
        .guildsFollowing(2)
        .map((s) => s.guildId)
        .sort(),
    ).toEqual(["g1", "g2"]);
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

describe("the store's wallet links", () => {
  it("links a wallet to one account at a time: linking it to another account moves it", () => {
    const store = new Store(freshPath());
    expect(store.linkWallet("u1", "ST1")).toEqual({ movedFrom: null });
    expect(store.linkWallet("u1", "ST1")).toEqual({ movedFrom: null });
    expect(store.linkWallet("u2", "ST1")).toEqual({ movedFrom: "u1" });
    expect(store.linkedWallet("u1")).toBeNull();
    expect(store.linkedWallets()).toEqual([{ discordUserId: "u2", address: "ST1" }]);
    // The database itself refuses a second account on the same address.
    expect(() =>
      store.db
        .prepare("INSERT INTO linked_wallets (discord_user_id, address, linked_at) VALUES ('u3', 'ST1', 0)")
        .run(),
    ).toThrow(/UNIQUE constraint failed: linked_wallets.address/);
  });

  it("keeps a wallet private until its member chooses to show it, and private again when they link another", () => {
    const store = new Store(freshPath());
    expect(store.setWalletShown("u1", true)).toBe(false);
    store.linkWallet("u1", "ST1");
    expect(store.walletLink("u1")).toEqual({ address: "ST1", shown: false });
    expect(store.setWalletShown("u1", true)).toBe(true);
    store.linkWallet("u1", "ST1");
    expect(store.walletLink("u1")).toEqual({ address: "ST1", shown: true });
    store.linkWallet("u1", "ST2");
    expect(store.walletLink("u1")).toEqual({ address: "ST2", shown: false });
    // A wallet that moves to another account does not bring the old account's choice.
    store.setWalletShown("u1", true);
    store.linkWallet("u2", "ST2");
    expect(store.walletLink("u2")).toEqual({ address: "ST2", shown: false });
  });

  it("gives a member one live link nonce: a new one replaces the old", () => {
    const store = new Store(freshPath());
    expect(store.createLinkNonce("n1", "u1", 10_000, 0)).toBe(0);
    expect(store.createLinkNonce("n2", "u1", 20_000, 1)).toBe(1);
    expect(store.liveLinkNonce("n1", 2)).toBeNull();
    expect(store.liveLinkNonce("n2", 2)).toEqual({ discordUserId: "u1", expiresAt: 20_000 });
    expect(store.createLinkNonce("n3", "u2", 20_000, 3)).toBe(0);
    expect(store.liveLinkNonce("n2", 3)).not.toBeNull();
  });

  it("answers liveLinkNonce only while the nonce is unused and unexpired", () => {
    const store = new Store(freshPath());
    store.createLinkNonce("n1", "u1", 1_000, 0);
    expect(store.liveLinkNonce("n1", 1_000)).toEqual({ discordUserId: "u1", expiresAt: 1_000 });
    expect(store.liveLinkNonce("n1", 1_001)).toBeNull();
    expect(store.liveLinkNonce("unknown", 0)).toBeNull();
    store.consumeLinkNonce("n1", 500);
    expect(store.liveLinkNonce("n1", 600)).toBeNull();
  });

  it("purges used and expired nonces when a nonce is issued and when asked (the schedule)", () => {
    const store = new Store(freshPath());
    store.createLinkNonce("expired", "u1", 100, 0);
    store.createLinkNonce("used", "u2", 10_000, 0);
    store.consumeLinkNonce("used", 50);
    store.createLinkNonce("live", "u3", 10_000, 0);
    store.createLinkNonce("new", "u4", 10_000, 200);
    expect(store.linkNonce("expired")).toBeNull();
    expect(store.linkNonce("used")).toBeNull();
    expect(store.linkNonce("live")).not.toBeNull();
    store.consumeLinkNonce("new", 300);
    expect(store.purgeLinkNonces(20_000)).toBe(2);
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM link_nonces").get()).toEqual({ n: 0 });
  });

  it("migrates a database that linked one wallet to several accounts: the newest link stays, and the others count as role grants", () => {
    const path = freshPath();
    new Store(path).close(); // creates the folder
    const old = new Database(`${path}.v2`);
    for (const sql of MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.pragma("user_version = 2");
    old.prepare("INSERT INTO guild_settings (guild_id, assessor_role_id, updated_at) VALUES ('g1', 'r1', 0)").run();
    const link = old.prepare("INSERT INTO linked_wallets (discord_user_id, address, linked_at) VALUES (?, ?, ?)");
    link.run("old", "ST1", 1);
    link.run("new", "ST1", 2);
    link.run("other", "ST2", 1);
    const nonce = old.prepare(
      "INSERT INTO link_nonces (nonce, discord_user_id, expires_at, used_at) VALUES (?, ?, ?, ?)",
    );
    nonce.run("a", "u1", 100, null);
    nonce.run("b", "u1", 200, null);
    nonce.run("c", "u2", 200, 150);
    old.close();
    const store = new Store(`${path}.v2`);
    expect(store.version).toBe(MIGRATIONS.length);
    expect(store.linkedWallets().sort((a, b) => a.discordUserId.localeCompare(b.discordUserId))).toEqual([
      { discordUserId: "new", address: "ST1" },
      { discordUserId: "other", address: "ST2" },
    ]);
    expect(store.roleGrants("g1", "r1").sort()).toEqual(["new", "old", "other"]);
    expect(store.db.prepare("SELECT nonce FROM link_nonces").all()).toEqual([{ nonce: "b" }]);
  });
});

describe("the store's files", () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  it("creates its folder 0700 and the database, -wal and -shm 0600", () => {
    const path = freshPath();
    const store = new Store(path);
    store.updateSettings("g1", { alertChannelId: "c1" });
    expect(mode(dirname(path))).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`])
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    store.close();
  });

  it("makes files an older version left readable by others 0600 again", () => {
    const path = freshPath();
    // An older version's database, still open (so its -wal and -shm exist), readable by everyone.
    const older = new Store(path);
    older.updateSettings("g1", { alertChannelId: "c1" });
    for (const file of [path, `${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644);
    const store = new Store(path);
    for (const file of [path, `${path}-wal`, `${path}-shm`])
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    expect(store.settings("g1").alertChannelId).toBe("c1");
    store.close();
    older.close();
  });

  it("takes only others' access away: a read-only database stays read-only, and a folder given as the path is left alone", () => {
    const path = freshPath();
    new Store(path).close();
    chmodSync(path, 0o444);
    try {
      new Store(path).close();
    } catch {
      /* refused for writing unless the tests run as root */
    }
    expect(mode(path)).toBe(0o400);
    const folder = dirname(path);
    chmodSync(folder, 0o755);
    expect(() => new Store(folder)).toThrow(/unable to open database file/);
    expect(mode(folder)).toBe(0o755);
  });
});

describe("the latest votes", () => {
  it("keeps a claim's newest five votes by event order, each event once, and survives reopening", () => {
    const path = freshPath();
    const store = new Store(path);
    for (let i = 1; i <= 7; i++)
      store.recordVote(1, `vote:${i}`, i, {
        voter: `ST${i}`,
        approve: i % 2 === 0,
        weight: BigInt(i) * 10n,
        txid: `0x${i}`,
      });
    store.recordVote(1, "vote:7", 7, { voter: "ST7", approve: false, weight: 70n, txid: "0x7" }); // the same event again
    store.recordVote(2, "vote:8", 8, { voter: "ST8", approve: true, weight: 1n, txid: "0x8" });
    store.close();
    const again = new Store(path);
    expect(again.latestVotes(1).map((v) => v.voter)).toEqual(["ST7", "ST6", "ST5", "ST4", "ST3"]);
    expect(again.latestVotes(1)[1]).toEqual({ voter: "ST6", approve: true, weight: 60n, txid: "0x6" });
    expect(again.latestVotes(2)).toHaveLength(1);
    expect((again.db.prepare("SELECT COUNT(*) AS n FROM claim_votes").get() as { n: number }).n).toBe(6);
    again.close();
  });
});
