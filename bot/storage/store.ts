import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { IndexReader } from "../index/index-reader";
import { IndexWriter } from "../index/index-writer";
import { UndoCounter } from "../index/index-tables";
import { MIGRATIONS, POSTGRES_BASELINE, POSTGRES_MIGRATIONS } from "./migrations";
import { PostgresSql } from "./postgres-sql";
import { placeholders, type Sql, type Statement } from "./sql";
import { paddedChunks, powerOfTwoChunks, valuesList } from "./multi-row";
import { SqliteSql } from "./sqlite-sql";

// File modes of the database and its folder (see privateFile).
const OWNER_BITS = 0o700;
const OWNER_READ_WRITE = 0o600;
const GROUP_AND_OTHER_BITS = 0o077;

/** The longest a statement waits for another connection's lock, blocking the event loop meanwhile. */
export const BUSY_TIMEOUT_MS = 20;

/**
 * A write refused because another connection holds the database locked (SQLite), or a transaction Postgres
 * aborted for a conflict with another (serialization failure, deadlock): worth retrying soon.
 */
export const isStoreBusy = (e: unknown) =>
  typeof (e as { code?: unknown })?.code === "string" &&
  /^(SQLITE_(BUSY|LOCKED)|40001|40P01)/.test((e as { code: string }).code);

/** Where the store lives: an embedded SQLite file (or ":memory:"), or a Postgres database by URL. */
export type StoreLocation = { path: string } | { url: string };

/** How many handled events are kept per contract: far more than any re-organisation could orphan. */
const HANDLED_EVENTS_KEPT = 5_000;
/** How many more than that are let in before they are pruned, at once. */
export const PRUNE_CHUNK = 1_000;
const HANDLED_EVENT = `SELECT event_key AS key, seq, contract_id AS "contractId", txid, event_index AS "eventIndex",
  block_height AS "blockHeight", block_hash AS "blockHash", cursor, hex, handled_at AS "handledAt" FROM chain_events`;
const CHAIN_EVENT_COLUMNS = [
  "event_key",
  "seq",
  "contract_id",
  "txid",
  "event_index",
  "block_height",
  "block_hash",
  "cursor",
  "hex",
  "handled_at",
] as const;

/** What the ledger records of an event (handledAt is the time of writing); `pending` while its handler has yet to run. */
export type ChainEventRecord = Omit<HandledEvent, "handledAt"> & { pending?: boolean };

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
  /** When it was recorded (its handler may still be pending: see pendingChainEvents). */
  handledAt: number;
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

/**
 * What the bot keeps for itself (everything else it reads from the chain, or from the index of its events): each
 * server's settings, the protocols it follows, the event ledger, which message shows which claim, which events
 * were already posted, linked wallets and link nonces, and whom it gave the assessor role. Embedded SQLite in WAL
 * mode readable only by the bot's own user, or Postgres when several processes share it; versioned migrations
 * for each (migrations.ts), and one interface (sql.ts) for every statement.
 */
export class Store {
  /** The index of the protocol's history: what views and jobs read (bot/index/). */
  readonly index: IndexReader;
  private readonly undo = new UndoCounter();

  private constructor(
    readonly sql: Sql,
    private readonly closeEngine: () => Promise<void>,
  ) {
    this.index = new IndexReader(sql);
  }

  /** Opens (and migrates) the store at a location: a path for SQLite, a postgres:// URL for Postgres. */
  static async open(location: StoreLocation | string): Promise<Store> {
    const where = typeof location === "string" ? { path: location } : location;
    if ("url" in where) {
      const engine = new PostgresSql(where.url);
      try {
        await migratePostgres(engine);
      } catch (e) {
        await engine.close();
        throw e;
      }
      return new Store(engine, () => engine.close());
    }
    const db = openSqlite(where.path);
    return new Store(new SqliteSql(db), async () => {
      db.close();
    });
  }

  /**
   * Applies events to the index through `work`'s writer, over a transaction (or the store), and writes what
   * they changed when `work` ends (the writer holds rows until then: see IndexTables).
   */
  async indexing<T>(work: (writer: IndexWriter) => Promise<T>, tx: Sql = this.sql): Promise<T> {
    const writer = new IndexWriter(tx, this.undo);
    const result = await work(writer);
    await writer.flush();
    return result;
  }

  /** The schema version the store is at (SQLite's numbering on both engines). */
  async version(): Promise<number> {
    if (this.sql.engine === "sqlite")
      return (await this.sql.get<{ user_version: number }>("PRAGMA user_version"))!.user_version;
    const row = await this.sql.get<{ version: number }>("SELECT version FROM store_schema");
    return POSTGRES_BASELINE + (row?.version ?? 0) - 1;
  }

  close(): Promise<void> {
    return this.closeEngine();
  }

  /** Runs `work` as one transaction: all of it is written, or none. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.sql.transaction(work);
  }

  // -------------------------------------------------------------------------------------------
  // Server settings
  // -------------------------------------------------------------------------------------------
  async settings(guildId: string): Promise<GuildSettings> {
    const row = await this.sql.get<{
      alert_channel_id: string | null;
      assessor_role_id: string | null;
      feed_channel_id: string | null;
    }>("SELECT * FROM guild_settings WHERE guild_id = ?", [guildId]);
    const followed = (
      await this.sql.all<{ protocol_id: number }>(
        "SELECT protocol_id FROM followed_protocols WHERE guild_id = ? ORDER BY protocol_id",
        [guildId],
      )
    ).map((r) => r.protocol_id);
    return {
      guildId,
      alertChannelId: row?.alert_channel_id ?? null,
      assessorRoleId: row?.assessor_role_id ?? null,
      feedChannelId: row?.feed_channel_id ?? null,
      followed,
    };
  }

  async updateSettings(
    guildId: string,
    changes: Partial<Pick<GuildSettings, "alertChannelId" | "assessorRoleId" | "feedChannelId">>,
  ): Promise<GuildSettings> {
    const current = await this.settings(guildId);
    const next = { ...current, ...changes };
    await this.sql.run(
      `INSERT INTO guild_settings (guild_id, alert_channel_id, assessor_role_id, feed_channel_id, updated_at)
      VALUES (@guildId, @alertChannelId, @assessorRoleId, @feedChannelId, @now)
      ON CONFLICT(guild_id) DO UPDATE SET alert_channel_id = excluded.alert_channel_id,
        assessor_role_id = excluded.assessor_role_id, feed_channel_id = excluded.feed_channel_id,
        updated_at = excluded.updated_at`,
      {
        guildId,
        alertChannelId: next.alertChannelId,
        assessorRoleId: next.assessorRoleId,
        feedChannelId: next.feedChannelId,
        now: Date.now(),
      },
    );
    return this.settings(guildId);
  }

  async follow(guildId: string, protocolId: number, following: boolean): Promise<GuildSettings> {
    if (following)
      await this.sql.run(
        "INSERT INTO followed_protocols (guild_id, protocol_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [guildId, protocolId],
      );
    else
      await this.sql.run("DELETE FROM followed_protocols WHERE guild_id = ? AND protocol_id = ?", [
        guildId,
        protocolId,
      ]);
    return this.settings(guildId);
  }

  /** Servers that want alerts for a protocol: those following it, or following nothing in particular (all). */
  async guildsFollowing(protocolId: number): Promise<GuildSettings[]> {
    const all = await this.settingsWhere("WHERE alert_channel_id IS NOT NULL");
    return all.filter((s) => s.followed.length === 0 || s.followed.includes(protocolId));
  }

  allSettings(): Promise<GuildSettings[]> {
    return this.settingsWhere("");
  }

  /** Servers' settings with what each follows: two queries, however many servers. */
  private async settingsWhere(where: string): Promise<GuildSettings[]> {
    const rows = await this.sql.all<{
      guild_id: string;
      alert_channel_id: string | null;
      assessor_role_id: string | null;
      feed_channel_id: string | null;
    }>(
      `SELECT guild_id, alert_channel_id, assessor_role_id, feed_channel_id FROM guild_settings ${where} ORDER BY guild_id`,
    );
    const follows = await this.sql.all<{ guild_id: string; protocol_id: number }>(
      "SELECT guild_id, protocol_id FROM followed_protocols ORDER BY guild_id, protocol_id",
    );
    const followed = new Map<string, number[]>();
    for (const f of follows) followed.set(f.guild_id, [...(followed.get(f.guild_id) ?? []), f.protocol_id]);
    return rows.map((r) => ({
      guildId: r.guild_id,
      alertChannelId: r.alert_channel_id,
      assessorRoleId: r.assessor_role_id,
      feedChannelId: r.feed_channel_id,
      followed: followed.get(r.guild_id) ?? [],
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Event cursor and idempotent posting
  // -------------------------------------------------------------------------------------------
  async cursor(stream: string): Promise<string | null> {
    return (
      (await this.sql.get<{ cursor: string }>("SELECT cursor FROM event_cursor WHERE stream = ?", [stream]))?.cursor ??
      null
    );
  }

  async setCursor(stream: string, cursor: string) {
    await this.sql.run(
      `INSERT INTO event_cursor (stream, cursor, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
      [stream, cursor, Date.now()],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Handled chain events (see bot/watcher/event-ledger.ts)
  // -------------------------------------------------------------------------------------------
  chainEvent(key: string, sql: Sql = this.sql): Promise<HandledEvent | undefined> {
    return sql.get<HandledEvent>(`${HANDLED_EVENT} WHERE event_key = ?`, [key]);
  }

  /**
   * The newest handled event of a contract; with `located`, the newest one whose API cursor is known (one the
   * poller read itself): where it reads on from, so a gap in pushed deliveries before a later push is still read.
   */
  lastChainEvent(contractId: string, options: { located?: boolean } = {}): Promise<HandledEvent | undefined> {
    const located = options.located ? " AND cursor IS NOT NULL" : "";
    return this.sql.get<HandledEvent>(`${HANDLED_EVENT} WHERE contract_id = ?${located} ORDER BY seq DESC LIMIT 1`, [
      contractId,
    ]);
  }

  /** The blocks that hold handled events, newest first. */
  handledBlocks(limit: number): Promise<{ height: number; hash: string }[]> {
    return this.sql.all(
      "SELECT MAX(block_height) AS height, block_hash AS hash FROM chain_events GROUP BY block_hash ORDER BY MAX(block_height) DESC, MAX(seq) DESC LIMIT ?",
      [limit],
    );
  }

  /**
   * Handled events in these blocks, newest first: by hash, and by height, because sources name a block by
   * different hashes (the API's transactions give the block hash, Chainhooks the index block hash).
   */
  async chainEventsIn(blocks: { height: number; hash: string }[]): Promise<HandledEvent[]> {
    if (blocks.length === 0) return [];
    const hashes = blocks.map((b) => b.hash);
    const heights = blocks.map((b) => b.height);
    return this.sql.all<HandledEvent>(
      `${HANDLED_EVENT} WHERE block_hash IN ${placeholders(hashes)} OR block_height IN ${placeholders(heights)} ORDER BY seq DESC`,
      [...hashes, ...heights],
    );
  }

  async nextEventSeq(sql: Sql = this.sql): Promise<number> {
    return ((await sql.get<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM chain_events"))?.seq ?? 0) + 1;
  }

  /** The recorded events among `keys`, by key: one statement per chunk, for a whole page of events. */
  async chainEvents(keys: readonly string[], sql: Sql = this.sql): Promise<Map<string, HandledEvent>> {
    const found = new Map<string, HandledEvent>();
    for (const chunk of paddedChunks([...new Set(keys)]))
      for (const row of await sql.all<HandledEvent>(
        `${HANDLED_EVENT} WHERE event_key IN ${placeholders(chunk)}`,
        chunk,
      ))
        found.set(row.key, row);
    return found;
  }

  /**
   * Records an event as handled (or moves it to the block that holds it now); `pending` while its handler has
   * yet to run (see markHandled).
   */
  recordChainEvent(e: ChainEventRecord, sql: Sql = this.sql): Promise<void> {
    return this.recordChainEvents([e], sql);
  }

  /** recordChainEvent for many events in a few statements, in one request; each key at most once. */
  async recordChainEvents(events: readonly ChainEventRecord[], sql: Sql = this.sql): Promise<void> {
    await sql.runAll(this.chainEventStatements(events));
  }

  /**
   * The statements that record these events (each key at most once): a pending event's number goes in
   * pending_events (an event mined again keeps whatever it had there).
   */
  chainEventStatements(events: readonly ChainEventRecord[]): Statement[] {
    const now = Date.now();
    const statements: Statement[] = powerOfTwoChunks(events).map((chunk) => ({
      text: `INSERT INTO chain_events (${CHAIN_EVENT_COLUMNS.join(", ")}) ${valuesList(chunk.length, CHAIN_EVENT_COLUMNS.length)}
          ON CONFLICT(event_key) DO UPDATE SET block_height = excluded.block_height, block_hash = excluded.block_hash,
            cursor = COALESCE(excluded.cursor, chain_events.cursor)`,
      params: chunk.flatMap((e) => [
        e.key,
        e.seq,
        e.contractId,
        e.txid,
        e.eventIndex,
        e.blockHeight,
        e.blockHash,
        e.cursor ?? null,
        e.hex,
        now,
      ]),
    }));
    for (const chunk of powerOfTwoChunks(events.filter((e) => e.pending)))
      statements.push({
        text: `INSERT INTO pending_events (seq) ${valuesList(chunk.length, 1)} ON CONFLICT (seq) DO NOTHING`,
        params: chunk.map((e) => e.seq),
      });
    return statements;
  }

  /** Events recorded whose handler has not finished, oldest first. */
  pendingChainEvents(): Promise<HandledEvent[]> {
    return this.sql.all<HandledEvent>(`${HANDLED_EVENT} WHERE seq IN (SELECT seq FROM pending_events) ORDER BY seq`);
  }

  /**
   * Marks handled the pending events numbered `from` to `to`: their handlers have run (in order, so every
   * pending event between them is among them). One statement for a page.
   */
  async markHandled(from: number, to: number) {
    await this.sql.run("DELETE FROM pending_events WHERE seq BETWEEN ? AND ?", [from, to]);
  }

  /**
   * Keeps a contract's newest handled events only (a re-organisation never reaches further back), and the
   * index's undo entries of those only.
   */
  async pruneChainEvents(contractId: string) {
    // Pruned in chunks: most batches find fewer than PRUNE_CHUNK events beyond what is kept, and write nothing.
    const newest = "SELECT seq FROM chain_events WHERE contract_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?";
    if (!(await this.sql.get(newest, [contractId, HANDLED_EVENTS_KEPT + PRUNE_CHUNK]))) return;
    const cutoff = (await this.sql.get<{ seq: number }>(newest, [contractId, HANDLED_EVENTS_KEPT]))!;
    const older = `SELECT event_key FROM chain_events WHERE contract_id = @contract AND seq <= @cutoff
      AND seq NOT IN (SELECT seq FROM pending_events)`;
    const args = { contract: contractId, cutoff: cutoff.seq };
    await this.transaction(async (tx) => {
      await tx.run(`DELETE FROM ix_undo WHERE event_key IN (${older})`, args);
      await tx.run(`DELETE FROM chain_events WHERE event_key IN (${older})`, args);
    });
  }

  async forgetChainEvent(key: string, sql: Sql = this.sql) {
    await sql.runAll([
      {
        text: "DELETE FROM pending_events WHERE seq IN (SELECT seq FROM chain_events WHERE event_key = ?)",
        params: [key],
      },
      { text: "DELETE FROM chain_events WHERE event_key = ?", params: [key] },
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Messages posted once per key
  // -------------------------------------------------------------------------------------------
  async recordPostedMessage(postKey: string, channelId: string, messageId: string, guildId: string | null = null) {
    await this.sql.run(
      `INSERT INTO posted_messages (post_key, channel_id, message_id, guild_id) VALUES (?, ?, ?, ?)
       ON CONFLICT(post_key) DO UPDATE SET channel_id = excluded.channel_id, message_id = excluded.message_id,
       guild_id = excluded.guild_id`,
      [postKey, channelId, messageId, guildId],
    );
  }

  /**
   * Messages posted under keys that start with `prefix` (an event's key, then the server), with the server each
   * went to (null for a message posted before the store kept it).
   */
  postedMessages(
    prefix: string,
  ): Promise<{ postKey: string; channelId: string; messageId: string; guildId: string | null }[]> {
    return this.sql.all(
      'SELECT post_key AS "postKey", channel_id AS "channelId", message_id AS "messageId", guild_id AS "guildId" FROM posted_messages WHERE substr(post_key, 1, ?) = ?',
      [prefix.length, prefix],
    );
  }

  /** Forgets that a key was posted (and its attempt mark and message), so it can be posted again. */
  async forgetPosted(postKey: string) {
    await this.transaction(async (tx) => {
      await tx.run("DELETE FROM posted_events WHERE event_key IN (?, ?)", [postKey, `attempt:${postKey}`]);
      await tx.run("DELETE FROM posted_messages WHERE post_key = ?", [postKey]);
    });
  }

  async wasPosted(eventKey: string): Promise<boolean> {
    return (await this.sql.get("SELECT 1 AS posted FROM posted_events WHERE event_key = ?", [eventKey])) !== undefined;
  }

  /** Marks a key posted; false if it was marked already (so two processes never both take it). */
  async markPosted(eventKey: string): Promise<boolean> {
    return (
      (await this.sql.run("INSERT INTO posted_events (event_key, posted_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [
        eventKey,
        Date.now(),
      ])) > 0
    );
  }

  claimMessage(
    guildId: string,
    claimId: number,
  ): Promise<{ channelId: string; messageId: string; threadId: string | null } | undefined> {
    return this.sql.get(
      'SELECT channel_id AS "channelId", message_id AS "messageId", thread_id AS "threadId" FROM claim_messages WHERE guild_id = ? AND claim_id = ?',
      [guildId, claimId],
    );
  }

  /** Records a vote (once per event) and keeps only the claim's newest LATEST_VOTES, by event order. */
  async recordVote(claimId: number, eventKey: string, seq: number, vote: RecordedVote) {
    await this.transaction(async (tx) => {
      await tx.run(
        "INSERT INTO claim_votes (event_key, claim_id, seq, voter, approve, weight, txid) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [eventKey, claimId, seq, vote.voter, vote.approve ? 1 : 0, String(vote.weight), vote.txid],
      );
      await tx.run(
        `DELETE FROM claim_votes WHERE claim_id = ? AND event_key NOT IN
        (SELECT event_key FROM claim_votes WHERE claim_id = ? ORDER BY seq DESC LIMIT ?)`,
        [claimId, claimId, LATEST_VOTES],
      );
    });
  }

  /** Forgets a vote whose event a re-organisation orphaned. */
  async forgetVote(eventKey: string) {
    await this.sql.run("DELETE FROM claim_votes WHERE event_key = ?", [eventKey]);
  }

  /** Forgets which message shows a claim in one server, so a claim filed again is announced again (each shard its own servers'). */
  async forgetClaimMessage(guildId: string, claimId: number) {
    await this.sql.run("DELETE FROM claim_messages WHERE guild_id = ? AND claim_id = ?", [guildId, claimId]);
  }

  /** A claim's newest votes, newest first. */
  async latestVotes(claimId: number): Promise<RecordedVote[]> {
    const rows = await this.sql.all<{ voter: string; approve: number; weight: string; txid: string }>(
      "SELECT voter, approve, weight, txid FROM claim_votes WHERE claim_id = ? ORDER BY seq DESC LIMIT ?",
      [claimId, LATEST_VOTES],
    );
    return rows.map((r) => ({ voter: r.voter, approve: r.approve === 1, weight: BigInt(r.weight), txid: r.txid }));
  }

  claimMessages(
    claimId: number,
  ): Promise<{ guildId: string; channelId: string; messageId: string; threadId: string | null }[]> {
    return this.sql.all(
      'SELECT guild_id AS "guildId", channel_id AS "channelId", message_id AS "messageId", thread_id AS "threadId" FROM claim_messages WHERE claim_id = ?',
      [claimId],
    );
  }

  async saveClaimMessage(
    guildId: string,
    claimId: number,
    channelId: string,
    messageId: string,
    threadId: string | null = null,
  ) {
    await this.sql.run(
      `INSERT INTO claim_messages (guild_id, claim_id, channel_id, message_id, thread_id) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(guild_id, claim_id) DO UPDATE SET channel_id = excluded.channel_id, message_id = excluded.message_id,
        thread_id = COALESCE(excluded.thread_id, claim_messages.thread_id)`,
      [guildId, claimId, channelId, messageId, threadId],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Linked wallets and link nonces
  // -------------------------------------------------------------------------------------------
  async linkedWallet(discordUserId: string): Promise<string | null> {
    return (await this.walletLink(discordUserId))?.address ?? null;
  }

  /** A member's linked address and whether they chose to show it to others (private by default). */
  async walletLink(discordUserId: string): Promise<{ address: string; shown: boolean } | null> {
    const row = await this.sql.get<{ address: string; shown: number }>(
      "SELECT address, show_wallet AS shown FROM linked_wallets WHERE discord_user_id = ?",
      [discordUserId],
    );
    return row ? { address: row.address, shown: row.shown === 1 } : null;
  }

  /**
   * Links an address to a member. An address belongs to one account at a time: linking it elsewhere
   * moves it, and the account it moved from is returned (the role sync then takes that account's role).
   * A member who links another address starts private again: they chose to show the old one.
   */
  linkWallet(discordUserId: string, address: string): Promise<{ movedFrom: string | null }> {
    return this.transaction(async (tx) => {
      const holder = await tx.get<{ id: string }>(
        "SELECT discord_user_id AS id FROM linked_wallets WHERE address = ?",
        [address],
      );
      const movedFrom = holder && holder.id !== discordUserId ? holder.id : null;
      if (movedFrom) await tx.run("DELETE FROM linked_wallets WHERE discord_user_id = ?", [movedFrom]);
      await tx.run(
        `INSERT INTO linked_wallets (discord_user_id, address, linked_at) VALUES (?, ?, ?)
        ON CONFLICT(discord_user_id) DO UPDATE SET address = excluded.address, linked_at = excluded.linked_at,
          show_wallet = CASE WHEN linked_wallets.address = excluded.address THEN linked_wallets.show_wallet ELSE 0 END`,
        [discordUserId, address, Date.now()],
      );
      return { movedFrom };
    });
  }

  /** Shows or hides a member's linked wallet to others; false if they have none. */
  async setWalletShown(discordUserId: string, shown: boolean): Promise<boolean> {
    return (
      (await this.sql.run("UPDATE linked_wallets SET show_wallet = ? WHERE discord_user_id = ?", [
        shown ? 1 : 0,
        discordUserId,
      ])) > 0
    );
  }

  /** Whether a member gets a DM with the result of what they sign once no private answer can reach them; false if not linked. */
  async setDmResults(discordUserId: string, on: boolean): Promise<boolean> {
    return (
      (await this.sql.run("UPDATE linked_wallets SET dm_results = ? WHERE discord_user_id = ?", [
        on ? 1 : 0,
        discordUserId,
      ])) > 0
    );
  }

  /** The member an address is linked to (one at most), and whether they asked for results by DM. */
  async memberOf(address: string): Promise<{ discordUserId: string; dmResults: boolean } | null> {
    const row = await this.sql.get<{ discordUserId: string; dm: number }>(
      'SELECT discord_user_id AS "discordUserId", dm_results AS dm FROM linked_wallets WHERE address = ?',
      [address],
    );
    return row ? { discordUserId: row.discordUserId, dmResults: Number(row.dm) === 1 } : null;
  }

  linkedWallets(): Promise<{ discordUserId: string; address: string }[]> {
    return this.sql.all('SELECT discord_user_id AS "discordUserId", address FROM linked_wallets');
  }

  /**
   * Issues a member's link nonce. A member has one at a time (a new /link replaces the old, which stops
   * working), and expired and used nonces are purged here as well as on a schedule. Returns how many of
   * the member's earlier nonces were still live.
   */
  createLinkNonce(nonce: string, discordUserId: string, expiresAt: number, now = Date.now()): Promise<number> {
    return this.transaction(async (tx) => {
      await tx.run("DELETE FROM link_nonces WHERE used_at IS NOT NULL OR expires_at < ?", [now]);
      const replaced = await tx.run("DELETE FROM link_nonces WHERE discord_user_id = ?", [discordUserId]);
      await tx.run("INSERT INTO link_nonces (nonce, discord_user_id, expires_at) VALUES (?, ?, ?)", [
        nonce,
        discordUserId,
        expiresAt,
      ]);
      return replaced;
    });
  }

  /** A nonce as issued (used or not, expired or not), for telling the member which it is. */
  async linkNonce(nonce: string): Promise<{ discordUserId: string; expiresAt: number; usedAt: number | null } | null> {
    return (
      (await this.sql.get<{ discordUserId: string; expiresAt: number; usedAt: number | null }>(
        'SELECT discord_user_id AS "discordUserId", expires_at AS "expiresAt", used_at AS "usedAt" FROM link_nonces WHERE nonce = ?',
        [nonce],
      )) ?? null
    );
  }

  /** The nonce's owner and expiry only while it can still be used: unused and not expired. */
  async liveLinkNonce(nonce: string, now = Date.now()): Promise<{ discordUserId: string; expiresAt: number } | null> {
    const issued = await this.linkNonce(nonce);
    return issued && issued.usedAt === null && now <= issued.expiresAt
      ? { discordUserId: issued.discordUserId, expiresAt: issued.expiresAt }
      : null;
  }

  /** Deletes used and expired nonces; returns how many. */
  purgeLinkNonces(now = Date.now()): Promise<number> {
    return this.sql.run("DELETE FROM link_nonces WHERE used_at IS NOT NULL OR expires_at < ?", [now]);
  }

  /**
   * Marks a nonce used; returns its owner and expiry, or null if it is unknown or already used. One statement,
   * so two requests with the same nonce (from one process or two) cannot both use it.
   */
  async consumeLinkNonce(
    nonce: string,
    now = Date.now(),
  ): Promise<{ discordUserId: string; expiresAt: number } | null> {
    return (
      (await this.sql.get<{ discordUserId: string; expiresAt: number }>(
        'UPDATE link_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL RETURNING discord_user_id AS "discordUserId", expires_at AS "expiresAt"',
        [now, nonce],
      )) ?? null
    );
  }

  // -------------------------------------------------------------------------------------------
  // Assessor roles the bot gave (it can take back only what it knows it gave)
  // -------------------------------------------------------------------------------------------
  async roleGrants(guildId: string, roleId: string): Promise<string[]> {
    return (
      await this.sql.all<{ id: string }>(
        "SELECT discord_user_id AS id FROM role_grants WHERE guild_id = ? AND role_id = ?",
        [guildId, roleId],
      )
    ).map((r) => r.id);
  }

  async recordRoleGrant(guildId: string, roleId: string, discordUserId: string) {
    await this.sql.run(
      "INSERT INTO role_grants (guild_id, role_id, discord_user_id, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      [guildId, roleId, discordUserId, Date.now()],
    );
  }

  async forgetRoleGrant(guildId: string, roleId: string, discordUserId: string) {
    await this.sql.run("DELETE FROM role_grants WHERE guild_id = ? AND role_id = ? AND discord_user_id = ?", [
      guildId,
      roleId,
      discordUserId,
    ]);
  }
}

/**
 * Opens an SQLite file, private to the bot's user, migrated. A file another process holds locked makes a write
 * wait at most BUSY_TIMEOUT_MS, synchronously, then fail with SQLITE_BUSY; callers retry later without blocking
 * (better-sqlite3's default waits 5 s on the event loop).
 */
function openSqlite(path: string): Database.Database {
  const onDisk = path !== ":memory:" && path !== "";
  if (onDisk) privateFile(path);
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // SQLite gives -wal and -shm the database file's mode; files left by an older version are fixed here.
    if (onDisk) for (const suffix of ["-wal", "-shm"]) ownerOnly(path + suffix);
    const from = db.pragma("user_version", { simple: true }) as number;
    for (let v = from; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Key of the advisory lock that lets one process at a time migrate a shared Postgres database. */
const MIGRATION_LOCK = 7_460_217;

/** Brings a Postgres database up to date: one process at a time, each migration with its version, in one go. */
async function migratePostgres(sql: PostgresSql) {
  await sql.transaction(async (tx) => {
    await tx.run("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK]);
    await tx.run("CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)");
    const done = (await tx.get<{ version: number }>("SELECT version FROM store_schema"))?.version ?? 0;
    for (let v = done; v < POSTGRES_MIGRATIONS.length; v++) await tx.exec(POSTGRES_MIGRATIONS[v]!);
    if (done === 0) await tx.run("INSERT INTO store_schema (version) VALUES (?)", [POSTGRES_MIGRATIONS.length]);
    else await tx.run("UPDATE store_schema SET version = ?", [POSTGRES_MIGRATIONS.length]);
  });
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
