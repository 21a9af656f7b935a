import { INDEX_MIGRATION } from "../index/schema";

/**
 * The store's schema, as versioned migrations per engine. SQLite's are its history (a file made by any earlier
 * version is brought up to date); Postgres starts at what SQLite's first seven add up to, in its own types
 * (BIGINT for every integer, an identity column for the keeper's ids), and the migrations after it are shared.
 * tests/bot/storage/schema.test.ts proves both engines end with the same tables, columns and indexes.
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
  // 8: a sharded bot (bot/sharding/): the server each post went to, so each shard edits only its own; what the
  // ingestion leader hands the shards to post (handled and orphaned events, in order), each shard's position in
  // it, and who leads (for operators: the advisory lock itself decides).
  `ALTER TABLE posted_messages ADD COLUMN guild_id TEXT;
   CREATE TABLE feed_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     event_key TEXT NOT NULL,
     contract_id TEXT NOT NULL,
     txid TEXT NOT NULL,
     event_index INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     hex TEXT NOT NULL,
     block_height INTEGER NOT NULL,
     block_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE feed_cursors (
     shard_id INTEGER PRIMARY KEY,
     last_id INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE ingestion_leader (
     id INTEGER PRIMARY KEY,
     holder TEXT NOT NULL,
     acquired_at INTEGER NOT NULL
   );`,
  // 9: events whose handler has yet to run in a table of their own (their numbers), so marking a page handled
  // deletes a few small rows instead of rewriting every event's row and its indexes (bot/watcher/event-ledger.ts).
  `CREATE TABLE pending_events (seq INTEGER PRIMARY KEY);
   INSERT INTO pending_events (seq) SELECT seq FROM chain_events WHERE pending = 1;
   DROP INDEX chain_events_pending;
   ALTER TABLE chain_events DROP COLUMN pending;`,
  // 10: the result of what members sign on the bot's pages (bot/jobs/transaction-results.ts): the transactions
  // the pages report, until the chain decides them; the newest interaction of each member who opened a page from
  // a command (its token answers them privately for 15 minutes); and each member's choice of a DM after that.
  `CREATE TABLE followed_transactions (
     txid TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     followed_at INTEGER NOT NULL,
     checked_at INTEGER NOT NULL,
     closed_at INTEGER,
     sender TEXT,
     contract_id TEXT,
     function_name TEXT,
     result TEXT,
     block_height INTEGER,
     told TEXT
   );
   CREATE INDEX followed_transactions_open ON followed_transactions(closed_at, checked_at);
   CREATE TABLE result_tokens (
     discord_user_id TEXT PRIMARY KEY,
     application_id TEXT NOT NULL,
     token TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   ALTER TABLE linked_wallets ADD COLUMN dm_results INTEGER NOT NULL DEFAULT 0;`,
  // 11: personal notifications (bot/notifications/): what each member chose to be told by DM, and each server's
  // council role, pinged when a claim needs the council.
  `CREATE TABLE member_notifications (
     discord_user_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     PRIMARY KEY (discord_user_id, kind)
   );
   ALTER TABLE guild_settings ADD COLUMN council_role_id TEXT;`,
  // 12: subscriptions per channel (/subscribe): which events of which protocols a channel gets, and whom to mention
  // (bot/storage/subscriptions.ts); and a claim's post in each channel (an alert, or a forum post), keyed per channel
  // so two channels of one server both get it. The alerts already posted move there, so their edits continue.
  `CREATE TABLE channel_subscriptions (
     guild_id TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     events TEXT NOT NULL,
     protocol_ids TEXT NOT NULL,
     role_id TEXT,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (guild_id, channel_id)
   );
   CREATE TABLE channel_claim_posts (
     channel_id TEXT NOT NULL,
     claim_id INTEGER NOT NULL,
     guild_id TEXT NOT NULL,
     message_id TEXT NOT NULL,
     thread_id TEXT,
     forum INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (channel_id, claim_id)
   );
   CREATE INDEX channel_claim_posts_claim ON channel_claim_posts(claim_id);
   INSERT INTO channel_claim_posts (channel_id, claim_id, guild_id, message_id, thread_id)
     SELECT channel_id, claim_id, guild_id, message_id, thread_id FROM claim_messages;`,
  // 13: the Discord name and avatar of the member a link is for, shown on the wallet-link page instead of their
  // numeric id (bot/storage/member-links.ts); kept with the nonce only, so they go when it is used or expires.
  `ALTER TABLE link_nonces ADD COLUMN member_name TEXT;
   ALTER TABLE link_nonces ADD COLUMN member_avatar TEXT;`,
];

/** SQLite's integers in Postgres's words: every integer 64-bit, and the one autoincrement an identity column. */
const inPostgresTypes = (sql: string) =>
  sql
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    .replace(/\bINTEGER\b/g, "BIGINT");

/**
 * Postgres's migrations: the first creates what SQLite's migrations 1 to 7 add up to (2 made a table that 7
 * dropped; 3's clean-ups have nothing to clean in a new database). Later entries match SQLite's, one for one.
 */
export const POSTGRES_MIGRATIONS: string[] = [
  inPostgresTypes(`${MIGRATIONS[0]}
   CREATE TABLE role_grants (
     guild_id TEXT NOT NULL,
     role_id TEXT NOT NULL,
     discord_user_id TEXT NOT NULL,
     granted_at INTEGER NOT NULL,
     PRIMARY KEY (guild_id, role_id, discord_user_id)
   );
   DROP INDEX linked_wallets_address;
   CREATE UNIQUE INDEX linked_wallets_address ON linked_wallets(address);
   ALTER TABLE linked_wallets ADD COLUMN show_wallet INTEGER NOT NULL DEFAULT 0;
   CREATE UNIQUE INDEX link_nonces_member ON link_nonces(discord_user_id);
   ${MIGRATIONS[3]}
   ${MIGRATIONS[4]}
   ${MIGRATIONS[5]}
   ${INDEX_MIGRATION}`),
  inPostgresTypes(MIGRATIONS[7]!),
  inPostgresTypes(MIGRATIONS[8]!),
  inPostgresTypes(MIGRATIONS[9]!),
  inPostgresTypes(MIGRATIONS[10]!),
  inPostgresTypes(MIGRATIONS[11]!),
  inPostgresTypes(MIGRATIONS[12]!),
];

/** The SQLite version Postgres's first migration stands for. */
export const POSTGRES_BASELINE = 7;
