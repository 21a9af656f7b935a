/**
 * The index of the protocol's history (bot/index/): one row per protocol, policy, claim, vote and assessor,
 * the pool's history, and for every event applied the rows it changed as they were before (`ix_undo`), so a
 * re-organisation undoes it exactly. Plain SQL both engines accept: integer micro-STX amounts that fit 64 bits
 * (the columns that are summed or compared), everything else in a JSON text column read as a whole.
 */
export const INDEX_MIGRATION = `
  CREATE TABLE ix_protocols (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    stale INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX ix_protocols_name ON ix_protocols(name);
  CREATE INDEX ix_protocols_stale ON ix_protocols(stale);
  CREATE TABLE ix_policies (
    id INTEGER PRIMARY KEY,
    protocol_id INTEGER NOT NULL,
    holder TEXT NOT NULL,
    status TEXT NOT NULL,
    active_from INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    remaining_cover INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX ix_policies_protocol ON ix_policies(protocol_id, id);
  CREATE INDEX ix_policies_holder ON ix_policies(holder, id);
  CREATE INDEX ix_policies_due ON ix_policies(status, ends_at);
  CREATE TABLE ix_claims (
    id INTEGER PRIMARY KEY,
    protocol_id INTEGER NOT NULL,
    policy_id INTEGER NOT NULL,
    claimant TEXT NOT NULL,
    status TEXT NOT NULL,
    voting_ends_at INTEGER NOT NULL,
    veto_ends_at INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX ix_claims_protocol ON ix_claims(protocol_id, id);
  CREATE INDEX ix_claims_status ON ix_claims(status, voting_ends_at);
  CREATE INDEX ix_claims_policy ON ix_claims(policy_id);
  CREATE TABLE ix_claim_txs (
    claim_id INTEGER NOT NULL,
    event_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    topic TEXT NOT NULL,
    txid TEXT NOT NULL,
    PRIMARY KEY (claim_id, event_key)
  );
  CREATE TABLE ix_votes (
    claim_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    approve INTEGER NOT NULL,
    settled INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (claim_id, voter)
  );
  CREATE INDEX ix_votes_voter ON ix_votes(voter, settled);
  CREATE TABLE ix_assessors (
    address TEXT PRIMARY KEY,
    data TEXT NOT NULL
  );
  CREATE TABLE ix_pool_history (
    series TEXT NOT NULL,
    event_key TEXT NOT NULL,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (series, event_key)
  );
  CREATE INDEX ix_pool_history_time ON ix_pool_history(series, at, seq);
  CREATE TABLE ix_state (
    name TEXT PRIMARY KEY,
    data TEXT NOT NULL
  );
  CREATE TABLE ix_undo (
    event_key TEXT NOT NULL,
    n INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    row_key TEXT NOT NULL,
    before TEXT,
    PRIMARY KEY (event_key, n)
  );
  ALTER TABLE chain_events ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX chain_events_pending ON chain_events(pending, seq);
`;
