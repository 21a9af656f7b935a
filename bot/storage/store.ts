import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { INDEX_MIGRATION } from "../index/schema";
import { IndexReader } from "../index/index-reader";
import { IndexWriter } from "../index/index-writer";
import { statementCache } from "./statements";

// File modes of the database and its folder (see privateFile).
const OWNER_BITS = 0o700;
const OWNER_READ_WRITE = 0o600;
const GROUP_AND_OTHER_BITS = 0o077;

/**
 * What the bot keeps for itself (everything else it reads from the chain): each server's settings,
 * the protocols it follows, the event cursor, which message shows which claim, which events were
 * already posted, linked wallets and link nonces, and whom it gave the assessor role. Embedded SQLite in
 * WAL mode, with versioned migrations, readable only by the bot's own user.
 */

export const MIGRATIONS: string[] = [
  // 1: settings, cursor, claim messages, linked wallets
  `CREATE TABLE guild_settings (
     guild_id TEXT PRIMARY KEY,
     alert_channel_id TEXT,
     assessor_role_id TEXT,
     feed_channel_id TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE followed_protocols (
     guild_id TEXT NOT NULL,
     protocol_id INTEGER NOT NULL,
     PRIMARY KEY (guild_id, protocol_id)
   );
   CREATE TABLE event_cursor (
     stream TEXT PRIMARY KEY,
     cursor TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE claim_messages (
     guild_id TEXT NOT NULL,
     claim_id INTEGER NOT NULL,
     channel_id TEXT NOT NULL,
     message_id TEXT NOT NULL,
     thread_id TEXT,
     PRIMARY KEY (guild_id, claim_id)
   );
   CREATE TABLE posted_events (
     event_key TEXT PRIMARY KEY,
     posted_at INTEGER NOT NULL
   );
   CREATE TABLE linked_wallets (
     discord_user_id TEXT PRIMARY KEY,
     address TEXT NOT NULL,
     linked_at INTEGER NOT NULL
   );
   CREATE INDEX linked_wallets_address ON linked_wallets(address);
   CREATE TABLE link_nonces (
     nonce TEXT PRIMARY KEY,
     discord_user_id TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );`,
  // 2: policies the keeper will expire when their term is over
  `CREATE TABLE policy_terms (
     policy_id INTEGER PRIMARY KEY,
     ends_at INTEGER NOT NULL,
     expired INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX policy_terms_due ON policy_terms(expired, ends_at);`,
  // 3: one account per wallet (the newest link wins), one link nonce per member, a member's choice to
  // show their wallet, and which members the bot gave the assessor role to. Every member linked so far
  // may hold a role the bot gave, so each counts as a grant; a member whose link the dedupe removes then
  // loses the role on the next sync.
  `CREATE TABLE role_grants (
     guild_id TEXT NOT NULL,
     role_id TEXT NOT NULL,
     discord_user_id TEXT NOT NULL,
     granted_at INTEGER NOT NULL,
     PRIMARY KEY (guild_id, role_id, discord_user_id)
   );
   INSERT OR IGNORE INTO role_grants (guild_id, role_id, discord_user_id, granted_at)
     SELECT g.guild_id, g.assessor_role_id, w.discord_user_id, w.linked_at FROM guild_settings g, linked_wallets w
     WHERE g.assessor_role_id IS NOT NULL;
   DELETE FROM linked_wallets WHERE EXISTS (SELECT 1 FROM linked_wallets newer WHERE newer.address = linked_wallets.address
     AND (newer.linked_at > linked_wallets.linked_at OR (newer.linked_at = linked_wallets.linked_at AND newer.rowid > linked_wallets.rowid)));
   DROP INDEX linked_wallets_address;
   CREATE UNIQUE INDEX linked_wallets_address ON linked_wallets(address);
   ALTER TABLE linked_wallets ADD COLUMN show_wallet INTEGER NOT NULL DEFAULT 0;
   DELETE FROM link_nonces WHERE used_at IS NOT NULL;
   DELETE FROM link_nonces WHERE EXISTS (SELECT 1 FROM link_nonces newer
     WHERE newer.discord_user_id = link_nonces.discord_user_id
     AND (newer.expires_at > link_nonces.expires_at OR (newer.expires_at = link_nonces.expires_at AND newer.rowid > link_nonces.rowid)));
   CREATE UNIQUE INDEX link_nonces_member ON link_nonces(discord_user_id);`,
  // 4: the latest votes an alert shows, so a restarted bot shows them too (at most LATEST_VOTES a claim)
  `CREATE TABLE claim_votes (
     event_key TEXT PRIMARY KEY,
     claim_id INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     voter TEXT NOT NULL,
     approve INTEGER NOT NULL,
     weight TEXT NOT NULL,
     txid TEXT NOT NULL
   );
   CREATE INDEX claim_votes_latest ON claim_votes(claim_id, seq);`,
  // 5: events identified by transaction, event index and block (never by a count), so a re-organisation
  // can be undone; and the messages posted for each key, so a post for an orphaned event can be edited.
  `CREATE TABLE chain_events (
     event_key TEXT PRIMARY KEY,
     seq INTEGER NOT NULL UNIQUE,
     contract_id TEXT NOT NULL,
     txid TEXT NOT NULL,
     event_index INTEGER NOT NULL,
     block_height INTEGER NOT NULL,
     block_hash TEXT NOT NULL,
     cursor TEXT,
     hex TEXT NOT NULL,
     handled_at INTEGER NOT NULL
   );
   CREATE INDEX chain_events_block ON chain_events(block_height);
   CREATE INDEX chain_events_contract ON chain_events(contract_id, seq);
   CREATE TABLE posted_messages (
     post_key TEXT PRIMARY KEY,
     channel_id TEXT NOT NULL,
     message_id TEXT NOT NULL
   );`,
  // 6: the keeper's transactions, at most one in flight per action and target, so that a call still in the
  // mempool is confirmed by id instead of being sent again (bot/storage/keeper-transactions.ts).
  `CREATE TABLE keeper_transactions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     action TEXT NOT NULL,
     target_id TEXT NOT NULL,
     txid TEXT NOT NULL,
     nonce INTEGER NOT NULL,
     fee TEXT NOT NULL,
     sent_at INTEGER NOT NULL,
     checked_at INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL DEFAULT 'pending'
   );
   CREATE UNIQUE INDEX keeper_transactions_in_flight ON keeper_transactions(action, target_id) WHERE status = 'pending';
   CREATE INDEX keeper_transactions_unconfirmed ON keeper_transactions(status, checked_at);`,
  // 7: the index of the protocol's history (bot/index/), which also holds the policies' terms the keeper
  // expires, and events recorded before their handler ran. A store that had handled events is indexed from
  // the chain at its next start (bot/index/reindex.ts).
  `${INDEX_MIGRATION}
   DROP TABLE policy_terms;`,
];

/** The longest a statement waits for another connection's lock, blocking the event loop meanwhile. */
export const BUSY_TIMEOUT_MS = 20;

/** A write refused because another connection holds the database locked: worth retrying soon. */
export const isStoreBusy = (e: unknown) =>
  typeof (e as { code?: unknown })?.code === "string" && /^SQLITE_(BUSY|LOCKED)/.test((e as { code: string }).code);

/** How many handled events are kept per contract: far more than any re-organisation could orphan. */
const HANDLED_EVENTS_KEPT = 5_000;
/** How many more than that are let in before they are pruned, at once. */
const PRUNE_CHUNK = 1_000;
const HANDLED_EVENT = `SELECT event_key AS key, seq, contract_id AS contractId, txid, event_index AS eventIndex,
  block_height AS blockHeight, block_hash AS blockHash, cursor, hex, handled_at AS handledAt, pending FROM chain_events`;
export type HandledEvent = {
  key: string;
  seq: number;
  contractId: string;
  txid: string;
  eventIndex: number;
  blockHeight: number;
  blockHash: string;
  cursor: string | null;
  hex: string;
  handledAt: number;
  /** Recorded (and in the index) but its handler has not finished yet: handled again before anything newer. */
  pending: number;
};

/** How many of a claim's votes its alert lists. */
export const LATEST_VOTES = 5;
export type RecordedVote = { voter: string; approve: boolean; weight: bigint; txid: string };

export type GuildSettings = {
  guildId: string;
  alertChannelId: string | null;
  assessorRoleId: string | null;
  feedChannelId: string | null;
  followed: number[];
};

export class Store {
  readonly db: Database.Database;
  /** The index of the protocol's history: what views and jobs read (bot/index/). */
  readonly index: IndexReader;
  readonly indexWriter: IndexWriter;

  constructor(path: string) {
    const onDisk = path !== ":memory:" && path !== "";
    if (onDisk) privateFile(path);
    // A file another process holds locked makes a write wait at most this long, synchronously, then fail with
    // SQLITE_BUSY; callers retry later without blocking (better-sqlite3's default waits 5 s on the event loop).
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    // SQLite gives -wal and -shm the database file's mode; files left by an older version are fixed here.
    if (onDisk) for (const suffix of ["-wal", "-shm"]) ownerOnly(path + suffix);
    this.sql = statementCache(this.db);
    this.migrate();
    this.index = new IndexReader(this.db);
    this.indexWriter = new IndexWriter(this.db);
  }

  private readonly sql: (text: string) => Database.Statement;

  get version(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  private migrate() {
    const from = this.version;
    for (let v = from; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close() {
    this.db.close();
  }

  // -------------------------------------------------------------------------------------------
  // Server settings
  // -------------------------------------------------------------------------------------------
  settings(guildId: string): GuildSettings {
    const row = this.sql("SELECT * FROM guild_settings WHERE guild_id = ?").get(guildId) as
      | { alert_channel_id: string | null; assessor_role_id: string | null; feed_channel_id: string | null }
      | undefined;
    const followed = (
      this.sql("SELECT protocol_id FROM followed_protocols WHERE guild_id = ? ORDER BY protocol_id").all(guildId) as {
        protocol_id: number;
      }[]
    ).map((r) => r.protocol_id);
    return {
      guildId,
      alertChannelId: row?.alert_channel_id ?? null,
      assessorRoleId: row?.assessor_role_id ?? null,
      feedChannelId: row?.feed_channel_id ?? null,
      followed,
    };
  }

  updateSettings(
    guildId: string,
    changes: Partial<Pick<GuildSettings, "alertChannelId" | "assessorRoleId" | "feedChannelId">>,
  ) {
    const current = this.settings(guildId);
    const next = { ...current, ...changes };
    this.sql(`INSERT INTO guild_settings (guild_id, alert_channel_id, assessor_role_id, feed_channel_id, updated_at)
      VALUES (@guildId, @alertChannelId, @assessorRoleId, @feedChannelId, @now)
      ON CONFLICT(guild_id) DO UPDATE SET alert_channel_id = @alertChannelId, assessor_role_id = @assessorRoleId,
        feed_channel_id = @feedChannelId, updated_at = @now`).run({ ...next, now: Date.now() });
    return this.settings(guildId);
  }

  follow(guildId: string, protocolId: number, following: boolean) {
    if (following)
      this.sql("INSERT OR IGNORE INTO followed_protocols (guild_id, protocol_id) VALUES (?, ?)").run(
        guildId,
        protocolId,
      );
    else this.sql("DELETE FROM followed_protocols WHERE guild_id = ? AND protocol_id = ?").run(guildId, protocolId);
    return this.settings(guildId);
  }

  /** Servers that want alerts for a protocol: those following it, or following nothing in particular (all). */
  guildsFollowing(protocolId: number): GuildSettings[] {
    const rows = this.sql("SELECT guild_id FROM guild_settings WHERE alert_channel_id IS NOT NULL").all() as {
      guild_id: string;
    }[];
    return rows
      .map((r) => this.settings(r.guild_id))
      .filter((s) => s.followed.length === 0 || s.followed.includes(protocolId));
  }

  allSettings(): GuildSettings[] {
    return (this.sql("SELECT guild_id FROM guild_settings").all() as { guild_id: string }[]).map((r) =>
      this.settings(r.guild_id),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Event cursor and idempotent posting
  // -------------------------------------------------------------------------------------------
  cursor(stream: string): string | null {
    return (
      (this.sql("SELECT cursor FROM event_cursor WHERE stream = ?").get(stream) as { cursor: string } | undefined)
        ?.cursor ?? null
    );
  }

  setCursor(stream: string, cursor: string) {
    this.sql(`INSERT INTO event_cursor (stream, cursor, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`).run(
      stream,
      cursor,
      Date.now(),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Handled chain events (see bot/watcher/event-ledger.ts)
  // -------------------------------------------------------------------------------------------
  chainEvent(key: string): HandledEvent | undefined {
    return this.sql(`${HANDLED_EVENT} WHERE event_key = ?`).get(key) as HandledEvent | undefined;
  }

  /**
   * The newest handled event of a contract; with `located`, the newest one whose API cursor is known (one the
   * poller read itself): where it reads on from, so a gap in pushed deliveries before a later push is still read.
   */
  lastChainEvent(contractId: string, options: { located?: boolean } = {}): HandledEvent | undefined {
    const located = options.located ? " AND cursor IS NOT NULL" : "";
    return this.sql(`${HANDLED_EVENT} WHERE contract_id = ?${located} ORDER BY seq DESC LIMIT 1`).get(contractId) as
      | HandledEvent
      | undefined;
  }

  /** The blocks that hold handled events, newest first. */
  handledBlocks(limit: number): { height: number; hash: string }[] {
    return this.sql(
      "SELECT block_height AS height, block_hash AS hash FROM chain_events GROUP BY block_hash ORDER BY MAX(block_height) DESC, MAX(seq) DESC LIMIT ?",
    ).all(limit) as { height: number; hash: string }[];
  }

  /**
   * Handled events in these blocks, newest first: by hash, and by height, because sources name a block by
   * different hashes (the API's transactions give the block hash, Chainhooks the index block hash).
   */
  chainEventsIn(blocks: { height: number; hash: string }[]): HandledEvent[] {
    if (blocks.length === 0) return [];
    return this.sql(
      `${HANDLED_EVENT} WHERE block_hash IN (SELECT value FROM json_each(?)) OR block_height IN (SELECT value FROM json_each(?)) ORDER BY seq DESC`,
    ).all(JSON.stringify(blocks.map((b) => b.hash)), JSON.stringify(blocks.map((b) => b.height))) as HandledEvent[];
  }

  nextEventSeq(): number {
    return ((this.sql("SELECT MAX(seq) AS seq FROM chain_events").get() as { seq: number | null }).seq ?? 0) + 1;
  }

  /**
   * Records an event as handled (or moves it to the block that holds it now); `pending` while its handler has
   * yet to run (see markHandled).
   */
  recordChainEvent(e: Omit<HandledEvent, "handledAt" | "pending"> & { pending?: boolean }) {
    const { pending, ...event } = e;
    this.sql(`INSERT INTO chain_events (event_key, seq, contract_id, txid, event_index, block_height, block_hash, cursor, hex, handled_at, pending)
        VALUES (@key, @seq, @contractId, @txid, @eventIndex, @blockHeight, @blockHash, @cursor, @hex, @now, @pending)
        ON CONFLICT(event_key) DO UPDATE SET block_height = excluded.block_height, block_hash = excluded.block_hash,
          cursor = COALESCE(excluded.cursor, chain_events.cursor)`).run({
      ...event,
      cursor: e.cursor ?? null,
      now: Date.now(),
      pending: pending ? 1 : 0,
    });
  }

  /** Events recorded whose handler has not finished, oldest first. */
  pendingChainEvents(): HandledEvent[] {
    return this.sql(`${HANDLED_EVENT} WHERE pending = 1 ORDER BY seq`).all() as HandledEvent[];
  }

  markHandled(key: string) {
    this.sql("UPDATE chain_events SET pending = 0, handled_at = ? WHERE event_key = ?").run(Date.now(), key);
  }

  /** Runs `work` as one transaction: all of it is written, or none. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Keeps a contract's newest handled events only (a re-organisation never reaches further back), and the
   * index's undo entries of those only.
   */
  pruneChainEvents(contractId: string) {
    // Pruned in chunks: most batches find fewer than PRUNE_CHUNK events beyond what is kept, and write nothing.
    const newest = "SELECT seq FROM chain_events WHERE contract_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?";
    if (!this.sql(newest).get(contractId, HANDLED_EVENTS_KEPT + PRUNE_CHUNK)) return;
    const cutoff = this.sql(newest).get(contractId, HANDLED_EVENTS_KEPT) as { seq: number };
    const older = "SELECT event_key FROM chain_events WHERE contract_id = @contract AND pending = 0 AND seq <= @cutoff";
    const args = { contract: contractId, cutoff: cutoff.seq };
    this.transaction(() => {
      this.sql(`DELETE FROM ix_undo WHERE event_key IN (${older})`).run(args);
      this.sql(`DELETE FROM chain_events WHERE event_key IN (${older})`).run(args);
    });
  }

  forgetChainEvent(key: string) {
    this.sql("DELETE FROM chain_events WHERE event_key = ?").run(key);
  }

  // -------------------------------------------------------------------------------------------
  // Messages posted once per key
  // -------------------------------------------------------------------------------------------
  recordPostedMessage(postKey: string, channelId: string, messageId: string) {
    this.sql("INSERT OR REPLACE INTO posted_messages (post_key, channel_id, message_id) VALUES (?, ?, ?)").run(
      postKey,
      channelId,
      messageId,
    );
  }

  /** Messages posted under keys that start with `prefix` (an event's key, then the server). */
  postedMessages(prefix: string): { postKey: string; channelId: string; messageId: string }[] {
    return this.sql(
      "SELECT post_key AS postKey, channel_id AS channelId, message_id AS messageId FROM posted_messages WHERE substr(post_key, 1, ?) = ?",
    ).all(prefix.length, prefix) as { postKey: string; channelId: string; messageId: string }[];
  }

  /** Forgets that a key was posted (and its attempt mark and message), so it can be posted again. */
  forgetPosted(postKey: string) {
    this.db.transaction(() => {
      this.sql("DELETE FROM posted_events WHERE event_key IN (?, ?)").run(postKey, `attempt:${postKey}`);
      this.sql("DELETE FROM posted_messages WHERE post_key = ?").run(postKey);
    })();
  }

  wasPosted(eventKey: string): boolean {
    return this.sql("SELECT 1 FROM posted_events WHERE event_key = ?").get(eventKey) !== undefined;
  }

  markPosted(eventKey: string) {
    this.sql("INSERT OR IGNORE INTO posted_events (event_key, posted_at) VALUES (?, ?)").run(eventKey, Date.now());
  }

  claimMessage(guildId: string, claimId: number) {
    return this.sql(
      "SELECT channel_id AS channelId, message_id AS messageId, thread_id AS threadId FROM claim_messages WHERE guild_id = ? AND claim_id = ?",
    ).get(guildId, claimId) as { channelId: string; messageId: string; threadId: string | null } | undefined;
  }

  /** Records a vote (once per event) and keeps only the claim's newest LATEST_VOTES, by event order. */
  recordVote(claimId: number, eventKey: string, seq: number, vote: RecordedVote) {
    this.db.transaction(() => {
      this.sql(
        "INSERT OR IGNORE INTO claim_votes (event_key, claim_id, seq, voter, approve, weight, txid) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).run(eventKey, claimId, seq, vote.voter, vote.approve ? 1 : 0, String(vote.weight), vote.txid);
      this.sql(`DELETE FROM claim_votes WHERE claim_id = ? AND event_key NOT IN
        (SELECT event_key FROM claim_votes WHERE claim_id = ? ORDER BY seq DESC LIMIT ?)`).run(
        claimId,
        claimId,
        LATEST_VOTES,
      );
    })();
  }

  /** Forgets a vote whose event a re-organisation orphaned. */
  forgetVote(eventKey: string) {
    this.sql("DELETE FROM claim_votes WHERE event_key = ?").run(eventKey);
  }

  /** Forgets which messages show a claim (its alert was orphaned), so a claim filed again is announced again. */
  forgetClaimMessages(claimId: number) {
    this.sql("DELETE FROM claim_messages WHERE claim_id = ?").run(claimId);
  }

  /** A claim's newest votes, newest first. */
  latestVotes(claimId: number): RecordedVote[] {
    const rows = this.sql(
      "SELECT voter, approve, weight, txid FROM claim_votes WHERE claim_id = ? ORDER BY seq DESC LIMIT ?",
    ).all(claimId, LATEST_VOTES) as { voter: string; approve: number; weight: string; txid: string }[];
    return rows.map((r) => ({ voter: r.voter, approve: r.approve === 1, weight: BigInt(r.weight), txid: r.txid }));
  }

  claimMessages(claimId: number) {
    return this.sql(
      "SELECT guild_id AS guildId, channel_id AS channelId, message_id AS messageId, thread_id AS threadId FROM claim_messages WHERE claim_id = ?",
    ).all(claimId) as { guildId: string; channelId: string; messageId: string; threadId: string | null }[];
  }

  saveClaimMessage(
    guildId: string,
    claimId: number,
    channelId: string,
    messageId: string,
    threadId: string | null = null,
  ) {
    this.sql(`INSERT INTO claim_messages (guild_id, claim_id, channel_id, message_id, thread_id) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(guild_id, claim_id) DO UPDATE SET channel_id = excluded.channel_id, message_id = excluded.message_id,
        thread_id = COALESCE(excluded.thread_id, claim_messages.thread_id)`).run(
      guildId,
      claimId,
      channelId,
      messageId,
      threadId,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Policy terms (for the keeper)
  // -------------------------------------------------------------------------------------------
  linkedWallet(discordUserId: string): string | null {
    return this.walletLink(discordUserId)?.address ?? null;
  }

  /** A member's linked address and whether they chose to show it to others (private by default). */
  walletLink(discordUserId: string): { address: string; shown: boolean } | null {
    const row = this.sql("SELECT address, show_wallet AS shown FROM linked_wallets WHERE discord_user_id = ?").get(
      discordUserId,
    ) as { address: string; shown: number } | undefined;
    return row ? { address: row.address, shown: row.shown === 1 } : null;
  }

  /**
   * Links an address to a member. An address belongs to one account at a time: linking it elsewhere
   * moves it, and the account it moved from is returned (the role sync then takes that account's role).
   * A member who links another address starts private again: they chose to show the old one.
   */
  linkWallet(discordUserId: string, address: string): { movedFrom: string | null } {
    return this.db.transaction(() => {
      const holder = this.sql("SELECT discord_user_id AS id FROM linked_wallets WHERE address = ?").get(address) as
        | { id: string }
        | undefined;
      const movedFrom = holder && holder.id !== discordUserId ? holder.id : null;
      if (movedFrom) this.sql("DELETE FROM linked_wallets WHERE discord_user_id = ?").run(movedFrom);
      this.sql(`INSERT INTO linked_wallets (discord_user_id, address, linked_at) VALUES (?, ?, ?)
        ON CONFLICT(discord_user_id) DO UPDATE SET address = excluded.address, linked_at = excluded.linked_at,
          show_wallet = CASE WHEN linked_wallets.address = excluded.address THEN linked_wallets.show_wallet ELSE 0 END`).run(
        discordUserId,
        address,
        Date.now(),
      );
      return { movedFrom };
    })();
  }

  /** Shows or hides a member's linked wallet to others; false if they have none. */
  setWalletShown(discordUserId: string, shown: boolean): boolean {
    return (
      this.sql("UPDATE linked_wallets SET show_wallet = ? WHERE discord_user_id = ?").run(shown ? 1 : 0, discordUserId)
        .changes > 0
    );
  }

  linkedWallets(): { discordUserId: string; address: string }[] {
    return this.sql("SELECT discord_user_id AS discordUserId, address FROM linked_wallets").all() as {
      discordUserId: string;
      address: string;
    }[];
  }

  /**
   * Issues a member's link nonce. A member has one at a time (a new /link replaces the old, which stops
   * working), and expired and used nonces are purged here as well as on a schedule. Returns how many of
   * the member's earlier nonces were still live.
   */
  createLinkNonce(nonce: string, discordUserId: string, expiresAt: number, now = Date.now()): number {
    return this.db.transaction(() => {
      this.purgeLinkNonces(now);
      const replaced = this.sql("DELETE FROM link_nonces WHERE discord_user_id = ?").run(discordUserId).changes;
      this.sql("INSERT INTO link_nonces (nonce, discord_user_id, expires_at) VALUES (?, ?, ?)").run(
        nonce,
        discordUserId,
        expiresAt,
      );
      return replaced;
    })();
  }

  /** A nonce as issued (used or not, expired or not), for telling the member which it is. */
  linkNonce(nonce: string): { discordUserId: string; expiresAt: number; usedAt: number | null } | null {
    return (
      (this.sql(
        "SELECT discord_user_id AS discordUserId, expires_at AS expiresAt, used_at AS usedAt FROM link_nonces WHERE nonce = ?",
      ).get(nonce) as { discordUserId: string; expiresAt: number; usedAt: number | null } | undefined) ?? null
    );
  }

  /** The nonce's owner and expiry only while it can still be used: unused and not expired. */
  liveLinkNonce(nonce: string, now = Date.now()): { discordUserId: string; expiresAt: number } | null {
    const issued = this.linkNonce(nonce);
    return issued && issued.usedAt === null && now <= issued.expiresAt
      ? { discordUserId: issued.discordUserId, expiresAt: issued.expiresAt }
      : null;
  }

  /** Deletes used and expired nonces; returns how many. */
  purgeLinkNonces(now = Date.now()): number {
    return this.sql("DELETE FROM link_nonces WHERE used_at IS NOT NULL OR expires_at < ?").run(now).changes;
  }

  /** Marks a nonce used; returns its owner and expiry, or null if it is unknown or already used. */
  consumeLinkNonce(nonce: string, now = Date.now()): { discordUserId: string; expiresAt: number } | null {
    return this.db.transaction(() => {
      const row = this.sql(
        "SELECT discord_user_id AS discordUserId, expires_at AS expiresAt, used_at AS usedAt FROM link_nonces WHERE nonce = ?",
      ).get(nonce) as { discordUserId: string; expiresAt: number; usedAt: number | null } | undefined;
      if (!row || row.usedAt !== null) return null;
      this.sql("UPDATE link_nonces SET used_at = ? WHERE nonce = ?").run(now, nonce);
      return { discordUserId: row.discordUserId, expiresAt: row.expiresAt };
    })();
  }

  // -------------------------------------------------------------------------------------------
  // Assessor roles the bot gave (it can take back only what it knows it gave)
  // -------------------------------------------------------------------------------------------
  roleGrants(guildId: string, roleId: string): string[] {
    return (
      this.sql("SELECT discord_user_id AS id FROM role_grants WHERE guild_id = ? AND role_id = ?").all(
        guildId,
        roleId,
      ) as { id: string }[]
    ).map((r) => r.id);
  }

  recordRoleGrant(guildId: string, roleId: string, discordUserId: string) {
    this.sql(
      "INSERT OR IGNORE INTO role_grants (guild_id, role_id, discord_user_id, granted_at) VALUES (?, ?, ?, ?)",
    ).run(guildId, roleId, discordUserId, Date.now());
  }

  forgetRoleGrant(guildId: string, roleId: string, discordUserId: string) {
    this.sql("DELETE FROM role_grants WHERE guild_id = ? AND role_id = ? AND discord_user_id = ?").run(
      guildId,
      roleId,
      discordUserId,
    );
  }
}

/**
 * The database holds who linked which wallet: a folder it creates is owner-only (0700), and the file is
 * created owner-read-write (0600) before SQLite opens it, so SQLite creates -wal and -shm alike.
 */
function privateFile(path: string) {
  mkdirSync(dirname(path), { recursive: true, mode: OWNER_BITS });
  if (!existsSync(path)) closeSync(openSync(path, "a", OWNER_READ_WRITE));
  ownerOnly(path);
}

/**
 * Takes group and other access off a regular file an older version left (0644 becomes 0600). The
 * owner's bits stay as they are (a database made read-only stays read-only), and anything that is not
 * a file is left for SQLite to refuse.
 */
function ownerOnly(path: string) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isFile() && stat.mode & GROUP_AND_OTHER_BITS) chmodSync(path, stat.mode & OWNER_BITS);
}
