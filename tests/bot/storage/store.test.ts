import { describe, it, expect } from "vitest";
import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { Store } from "../../../bot/storage/store";
import { MIGRATIONS } from "../../../bot/storage/migrations";
import { openTestStore } from "../../support/test-store";

const freshPath = () => join(mkdtempSync(join(tmpdir(), "store-")), "nested", "bot.sqlite");

describe("the store", () => {
  it("creates its folder, runs the migrations once, and uses WAL", async () => {
    const path = freshPath();
    const store = await Store.open(path);
    expect(await store.version()).toBe(MIGRATIONS.length);
    expect(await store.sql.get("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
    await store.updateSettings("g1", { alertChannelId: "c1" });
    await store.close();
    const again = await Store.open(path);
    expect(await again.version()).toBe(MIGRATIONS.length);
    expect((await again.settings("g1")).alertChannelId).toBe("c1");
    await again.close();
  });

  it("keeps each server's settings and followed protocols apart", async () => {
    const store = await openTestStore();
    await store.updateSettings("g1", { alertChannelId: "c1", assessorRoleId: "r1" });
    await store.updateSettings("g1", { feedChannelId: "f1" });
    await store.follow("g1", 2, true);
    await store.follow("g1", 2, true);
    await store.updateSettings("g2", { alertChannelId: "c2" });
    expect(await store.settings("g1")).toEqual({
      guildId: "g1",
      alertChannelId: "c1",
      assessorRoleId: "r1",
      feedChannelId: "f1",
      followed: [2],
    });
    expect(await store.settings("g3")).toEqual({
      guildId: "g3",
      alertChannelId: null,
      assessorRoleId: null,
      feedChannelId: null,
      followed: [],
    });
    // g2 follows nothing, so it wants every protocol; g1 only protocol 2.
    expect((await store.guildsFollowing(2)).map((s) => s.guildId).sort()).toEqual(["g1", "g2"]);
    expect((await store.guildsFollowing(5)).map((s) => s.guildId)).toEqual(["g2"]);
    await store.follow("g1", 2, false);
    expect((await store.settings("g1")).followed).toEqual([]);
  });

  it("keeps the event cursor, posted events and claim messages", async () => {
    const store = await openTestStore();
    expect(await store.cursor("logs")).toBeNull();
    await store.setCursor("logs", "5:0:1:0");
    await store.setCursor("logs", "6:0:0:2");
    expect(await store.cursor("logs")).toBe("6:0:0:2");
    expect(await store.wasPosted("claim-submitted:1")).toBe(false);
    await store.markPosted("claim-submitted:1");
    await store.markPosted("claim-submitted:1");
    expect(await store.wasPosted("claim-submitted:1")).toBe(true);
    await store.saveClaimMessage("g1", 1, "c1", "m1");
    await store.saveClaimMessage("g1", 1, "c1", "m1", "t1");
    await store.saveClaimMessage("g1", 1, "c1", "m1");
    expect(await store.claimMessage("g1", 1)).toEqual({ channelId: "c1", messageId: "m1", threadId: "t1" });
    expect(await store.claimMessages(1)).toHaveLength(1);
  });

  it("links wallets and uses each link nonce once, before it expires", async () => {
    const store = await openTestStore();
    await store.createLinkNonce("n1", "u1", 1_000);
    expect(await store.consumeLinkNonce("n1", 500)).toEqual({ discordUserId: "u1", expiresAt: 1_000 });
    expect(await store.consumeLinkNonce("n1", 600)).toBeNull();
    expect(await store.consumeLinkNonce("unknown")).toBeNull();
    await store.linkWallet("u1", "ST1");
    await store.linkWallet("u1", "ST2");
    expect(await store.linkedWallet("u1")).toBe("ST2");
    expect(await store.linkedWallets()).toEqual([{ discordUserId: "u1", address: "ST2" }]);
  });
});

describe("the store's wallet links", () => {
  it("links a wallet to one account at a time: linking it to another account moves it", async () => {
    const store = await openTestStore();
    expect(await store.linkWallet("u1", "ST1")).toEqual({ movedFrom: null });
    expect(await store.linkWallet("u1", "ST1")).toEqual({ movedFrom: null });
    expect(await store.linkWallet("u2", "ST1")).toEqual({ movedFrom: "u1" });
    expect(await store.linkedWallet("u1")).toBeNull();
    expect(await store.linkedWallets()).toEqual([{ discordUserId: "u2", address: "ST1" }]);
    // The database itself refuses a second account on the same address.
    await expect(
      store.sql.run("INSERT INTO linked_wallets (discord_user_id, address, linked_at) VALUES ('u3', 'ST1', 0)"),
    ).rejects.toThrow(/UNIQUE constraint failed: linked_wallets.address|linked_wallets_address/);
  });

  it("keeps a wallet private until its member chooses to show it, and private again when they link another", async () => {
    const store = await openTestStore();
    expect(await store.setWalletShown("u1", true)).toBe(false);
    await store.linkWallet("u1", "ST1");
    expect(await store.walletLink("u1")).toEqual({ address: "ST1", shown: false });
    expect(await store.setWalletShown("u1", true)).toBe(true);
    await store.linkWallet("u1", "ST1");
    expect(await store.walletLink("u1")).toEqual({ address: "ST1", shown: true });
    await store.linkWallet("u1", "ST2");
    expect(await store.walletLink("u1")).toEqual({ address: "ST2", shown: false });
    // A wallet that moves to another account does not bring the old account's choice.
    await store.setWalletShown("u1", true);
    await store.linkWallet("u2", "ST2");
    expect(await store.walletLink("u2")).toEqual({ address: "ST2", shown: false });
  });

  it("gives a member one live link nonce: a new one replaces the old", async () => {
    const store = await openTestStore();
    expect(await store.createLinkNonce("n1", "u1", 10_000, 0)).toBe(0);
    expect(await store.createLinkNonce("n2", "u1", 20_000, 1)).toBe(1);
    expect(await store.liveLinkNonce("n1", 2)).toBeNull();
    expect(await store.liveLinkNonce("n2", 2)).toEqual({ discordUserId: "u1", expiresAt: 20_000 });
    expect(await store.createLinkNonce("n3", "u2", 20_000, 3)).toBe(0);
    expect(await store.liveLinkNonce("n2", 3)).not.toBeNull();
  });

  it("answers liveLinkNonce only while the nonce is unused and unexpired", async () => {
    const store = await openTestStore();
    await store.createLinkNonce("n1", "u1", 1_000, 0);
    expect(await store.liveLinkNonce("n1", 1_000)).toEqual({ discordUserId: "u1", expiresAt: 1_000 });
    expect(await store.liveLinkNonce("n1", 1_001)).toBeNull();
    expect(await store.liveLinkNonce("unknown", 0)).toBeNull();
    await store.consumeLinkNonce("n1", 500);
    expect(await store.liveLinkNonce("n1", 600)).toBeNull();
  });

  it("purges used and expired nonces when a nonce is issued and when asked (the schedule)", async () => {
    const store = await openTestStore();
    await store.createLinkNonce("expired", "u1", 100, 0);
    await store.createLinkNonce("used", "u2", 10_000, 0);
    await store.consumeLinkNonce("used", 50);
    await store.createLinkNonce("live", "u3", 10_000, 0);
    await store.createLinkNonce("new", "u4", 10_000, 200);
    expect(await store.linkNonce("expired")).toBeNull();
    expect(await store.linkNonce("used")).toBeNull();
    expect(await store.linkNonce("live")).not.toBeNull();
    await store.consumeLinkNonce("new", 300);
    expect(await store.purgeLinkNonces(20_000)).toBe(2);
    expect(await store.sql.get("SELECT COUNT(*) AS n FROM link_nonces")).toEqual({ n: 0 });
  });

  it("migrates a database that linked one wallet to several accounts: the newest link stays, and the others count as role grants", async () => {
    const path = freshPath();
    await (await Store.open(path)).close(); // creates the folder
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
    const store = await Store.open(`${path}.v2`);
    expect(await store.version()).toBe(MIGRATIONS.length);
    expect((await store.linkedWallets()).sort((a, b) => a.discordUserId.localeCompare(b.discordUserId))).toEqual([
      { discordUserId: "new", address: "ST1" },
      { discordUserId: "other", address: "ST2" },
    ]);
    expect((await store.roleGrants("g1", "r1")).sort()).toEqual(["new", "old", "other"]);
    expect(await store.sql.all("SELECT nonce FROM link_nonces")).toEqual([{ nonce: "b" }]);
  });

  it("keeps an event still pending when an older database moves pending events to their own table", async () => {
    const path = freshPath();
    await (await Store.open(path)).close();
    const old = new Database(`${path}.v8`);
    for (const sql of MIGRATIONS.slice(0, 8)) old.exec(sql);
    old.pragma("user_version = 8");
    const insert = old.prepare(
      `INSERT INTO chain_events (event_key, seq, contract_id, txid, event_index, block_height, block_hash, hex, handled_at, pending)
       VALUES (?, ?, 'ST1.c', ?, 0, 1, '0x01', '0x09', 0, ?)`,
    );
    insert.run("k1", 1, "0x1", 0);
    insert.run("k2", 2, "0x2", 1);
    old.close();
    const store = await Store.open(`${path}.v8`);
    expect(await store.version()).toBe(MIGRATIONS.length);
    expect((await store.pendingChainEvents()).map((e) => e.key)).toEqual(["k2"]);
    await store.markHandled(2, 2);
    expect(await store.pendingChainEvents()).toEqual([]);
    expect((await store.chainEvents(["k1", "k2"])).size).toBe(2);
    await store.close();
  });
});

describe("the store's files", () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  it("creates its folder 0700 and the database, -wal and -shm 0600", async () => {
    const path = freshPath();
    const store = await Store.open(path);
    await store.updateSettings("g1", { alertChannelId: "c1" });
    expect(mode(dirname(path))).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`])
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    await store.close();
  });

  it("makes files an older version left readable by others 0600 again", async () => {
    const path = freshPath();
    // An older version's database, still open (so its -wal and -shm exist), readable by everyone.
    const older = await Store.open(path);
    await older.updateSettings("g1", { alertChannelId: "c1" });
    for (const file of [path, `${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644);
    const store = await Store.open(path);
    for (const file of [path, `${path}-wal`, `${path}-shm`])
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    expect((await store.settings("g1")).alertChannelId).toBe("c1");
    await store.close();
    await older.close();
  });

  it("takes only others' access away: a read-only database stays read-only, and a folder given as the path is left alone", async () => {
    const path = freshPath();
    await (await Store.open(path)).close();
    chmodSync(path, 0o444);
    try {
      await (await Store.open(path)).close();
    } catch {
      /* refused for writing unless the tests run as root */
    }
    expect(mode(path)).toBe(0o400);
    const folder = dirname(path);
    chmodSync(folder, 0o755);
    await expect(Store.open(folder)).rejects.toThrow(/unable to open database file/);
    expect(mode(folder)).toBe(0o755);
  });
});

describe("the latest votes", () => {
  it("keeps a claim's newest five votes by event order, each event once, and survives reopening", async () => {
    const path = freshPath();
    const store = await Store.open(path);
    for (let i = 1; i <= 7; i++)
      await store.recordVote(1, `vote:${i}`, i, {
        voter: `ST${i}`,
        approve: i % 2 === 0,
        weight: BigInt(i) * 10n,
        txid: `0x${i}`,
      });
    await store.recordVote(1, "vote:7", 7, { voter: "ST7", approve: false, weight: 70n, txid: "0x7" }); // the same event again
    await store.recordVote(2, "vote:8", 8, { voter: "ST8", approve: true, weight: 1n, txid: "0x8" });
    await store.close();
    const again = await Store.open(path);
    expect((await again.latestVotes(1)).map((v) => v.voter)).toEqual(["ST7", "ST6", "ST5", "ST4", "ST3"]);
    expect((await again.latestVotes(1))[1]).toEqual({ voter: "ST6", approve: true, weight: 60n, txid: "0x6" });
    expect(await again.latestVotes(2)).toHaveLength(1);
    expect(await again.sql.get("SELECT COUNT(*) AS n FROM claim_votes")).toEqual({ n: 6 });
    await again.close();
  });
});
