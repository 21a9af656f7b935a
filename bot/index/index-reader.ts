import type Database from "better-sqlite3";
import type { ClaimStatus, PoolStats } from "../chain/protocol-reader";
import type { CoverInForce } from "../chain/cover-in-force";
import { fromJson } from "./json-values";
import { statementCache } from "../storage/statements";
import type { IndexTip, IndexedAssessor, IndexedClaim, IndexedPolicy, IndexedProtocol, IndexedVote } from "./records";
import type { POOL_SERIES } from "./index-writer";

/** Claims still open (the keeper and reminders work on these): claims-assessment's statuses before a close. */
export const OPEN_CLAIM_STATUSES: readonly ClaimStatus[] = ["voting", "no-quorum", "awaiting-council", "approved"];
export const TIP_STATE = "tip";
export const POOL_STATE = "pool";
const DEFAULT_LIST = 10;

type DataRow = { data: string };
const records = <T>(rows: unknown[]) => (rows as DataRow[]).map((r) => fromJson<T>(r.data));
const inList = (values: readonly (string | number)[]) => JSON.stringify(values);

/**
 * Everything views read (pages, the badge, the JSON API, commands) and jobs look for, answered from the index
 * with one query each: no chain request, and none per item.
 */
/** The open statuses as an SQL list (the contract's own names, never input). */
const OPEN_LIST = OPEN_CLAIM_STATUSES.map((status) => `'${status}'`).join(", ");

export class IndexReader {
  private readonly sql: (text: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.sql = statementCache(db);
  }

  private state<T>(name: string): T | null {
    const row = this.sql("SELECT data FROM ix_state WHERE name = ?").get(name) as DataRow | undefined;
    return row ? fromJson<T>(row.data) : null;
  }

  /**
   * Changes whenever anything was written to the store (by this connection or another), or the tip moved: what
   * is worked out from the index can be kept until then (see Registry).
   */
  version(): string {
    const others = this.db.pragma("data_version", { simple: true }) as number;
    const own = (this.sql("SELECT total_changes() AS n").get() as { n: number }).n;
    return `${others}:${own}`;
  }

  /** The newest block the index has followed, and its time: the index's "now". */
  tip(): IndexTip | null {
    return this.state<IndexTip>(TIP_STATE);
  }

  /** The chain's time as the index last saw it (0 before the first pass). */
  now(): bigint {
    return BigInt(this.tip()?.time ?? 0);
  }

  pool(): PoolStats | null {
    return this.state<PoolStats>(POOL_STATE);
  }

  protocols(statuses?: readonly string[]): IndexedProtocol[] {
    const rows = statuses
      ? this.sql("SELECT data FROM ix_protocols WHERE status IN (SELECT value FROM json_each(?)) ORDER BY id").all(
          inList(statuses),
        )
      : this.sql("SELECT data FROM ix_protocols ORDER BY id").all();
    return records<IndexedProtocol>(rows);
  }

  protocol(id: bigint): IndexedProtocol | null {
    return records<IndexedProtocol>(this.sql("SELECT data FROM ix_protocols WHERE id = ?").all(Number(id)))[0] ?? null;
  }

  /** By exact name (the registry's names are unique). */
  protocolByName(name: string): IndexedProtocol | null {
    const rows = this.sql("SELECT data FROM ix_protocols WHERE name = ?").all(name);
    return records<IndexedProtocol>(rows)[0] ?? null;
  }

  /** Protocols whose snapshot an event made stale (index-snapshots.ts reads them again). */
  staleProtocolIds(): bigint[] {
    return (this.sql("SELECT id FROM ix_protocols WHERE stale = 1 ORDER BY id").all() as { id: number }[]).map((r) =>
      BigInt(r.id),
    );
  }

  claim(id: bigint): IndexedClaim | null {
    return records<IndexedClaim>(this.sql("SELECT data FROM ix_claims WHERE id = ?").all(Number(id)))[0] ?? null;
  }

  /** Claims newest first, optionally of one protocol or in some statuses, `limit` from `offset`. */
  claims(filter: { protocolId?: bigint; statuses?: readonly ClaimStatus[]; limit?: number; offset?: number } = {}) {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.protocolId !== undefined) {
      where.push("protocol_id = ?");
      args.push(Number(filter.protocolId));
    }
    if (filter.statuses) {
      where.push("status IN (SELECT value FROM json_each(?))");
      args.push(inList(filter.statuses));
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = (this.sql(`SELECT COUNT(*) AS n FROM ix_claims ${clause}`).get(...args) as { n: number }).n;
    const rows = this.sql(`SELECT data FROM ix_claims ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(
      ...args,
      filter.limit ?? DEFAULT_LIST,
      filter.offset ?? 0,
    );
    return { total, claims: records<IndexedClaim>(rows) };
  }

  /** Open claims whose voting or veto window has ended by `now`: what the keeper finalizes or pays. */
  dueClaims(now: bigint, limit: number): IndexedClaim[] {
    const rows = this.sql(`SELECT data FROM ix_claims WHERE (status = 'voting' AND voting_ends_at <= @now)
        OR (status = 'approved' AND veto_ends_at <= @now) ORDER BY id LIMIT @limit`).all({ now: Number(now), limit });
    return records<IndexedClaim>(rows);
  }

  /** Claims still voting whose window closes within `within` seconds of `now`, soonest first. */
  closingClaims(now: bigint, within: bigint, limit: number): IndexedClaim[] {
    const rows = this.sql(
      "SELECT data FROM ix_claims WHERE status = 'voting' AND voting_ends_at > @now AND voting_ends_at <= @until ORDER BY voting_ends_at, id LIMIT @limit",
    ).all({ now: Number(now), until: Number(now + within), limit });
    return records<IndexedClaim>(rows);
  }

  /** Open and closed claims per protocol (or of one). */
  claimCounts(protocolId?: bigint): Map<bigint, { open: number; past: number }> {
    const only = protocolId === undefined ? "" : "WHERE protocol_id = @protocol";
    const rows = this.sql(
      `SELECT protocol_id AS id, SUM(CASE WHEN status IN (${OPEN_LIST}) THEN 1 ELSE 0 END) AS open, COUNT(*) AS total
       FROM ix_claims ${only} GROUP BY protocol_id`,
    ).all({ protocol: protocolId === undefined ? null : Number(protocolId) }) as {
      id: number;
      open: number;
      total: number;
    }[];
    return new Map(rows.map((r) => [BigInt(r.id), { open: r.open, past: r.total - r.open }]));
  }

  /** The transactions of each claim's life (votes left out), oldest first. */
  claimTransactions(claimIds: readonly bigint[]): Map<bigint, { topic: string; txid: string }[]> {
    const rows = this.sql(
      "SELECT claim_id AS id, topic, txid FROM ix_claim_txs WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, seq",
    ).all(inList(claimIds.map(Number))) as { id: number; topic: string; txid: string }[];
    const byClaim = new Map<bigint, { topic: string; txid: string }[]>();
    for (const r of rows)
      byClaim.set(BigInt(r.id), [...(byClaim.get(BigInt(r.id)) ?? []), { topic: r.topic, txid: r.txid }]);
    return byClaim;
  }

  /** A claim's newest votes first. */
  votes(claimId: bigint, limit: number): IndexedVote[] {
    const rows = this.sql("SELECT data FROM ix_votes WHERE claim_id = ? ORDER BY seq DESC LIMIT ?").all(
      Number(claimId),
      limit,
    );
    return records<IndexedVote>(rows);
  }

  assessor(address: string): IndexedAssessor | null {
    return (
      records<IndexedAssessor>(this.sql("SELECT data FROM ix_assessors WHERE address = ?").all(address))[0] ?? null
    );
  }

  policy(id: bigint): IndexedPolicy | null {
    return records<IndexedPolicy>(this.sql("SELECT data FROM ix_policies WHERE id = ?").all(Number(id)))[0] ?? null;
  }

  /** A holder's policies, newest first, and how many there are. */
  holderPolicies(holder: string, limit = DEFAULT_LIST, offset = 0) {
    const total = (this.sql("SELECT COUNT(*) AS n FROM ix_policies WHERE holder = ?").get(holder) as { n: number }).n;
    const rows = this.sql("SELECT data FROM ix_policies WHERE holder = ? ORDER BY id DESC LIMIT ? OFFSET ?").all(
      holder,
      limit,
      offset,
    );
    return { total, policies: records<IndexedPolicy>(rows) };
  }

  /** Every policy of a protocol, newest first. */
  protocolPolicies(protocolId: bigint): IndexedPolicy[] {
    return records<IndexedPolicy>(
      this.sql("SELECT data FROM ix_policies WHERE protocol_id = ? ORDER BY id DESC").all(Number(protocolId)),
    );
  }

  /** Active policies whose term has ended by `now`, oldest first: what the keeper expires. */
  duePolicies(now: bigint, limit: number): IndexedPolicy[] {
    const rows = this.sql(
      "SELECT data FROM ix_policies WHERE status = 'active' AND ends_at <= ? ORDER BY ends_at, id LIMIT ?",
    ).all(Number(now), limit);
    return records<IndexedPolicy>(rows);
  }

  /**
   * Each protocol's active cover as the cover contract counts it (`get-protocol-coverage`): what is left on its
   * policies not yet expired or exhausted. Summed here, not taken from the events that state it, because the
   * index takes each contract's events in turn and those statements would arrive out of order.
   */
  activeCover(protocolId?: bigint): Map<bigint, bigint> {
    const only = protocolId === undefined ? "" : "AND protocol_id = @protocol";
    const rows = this.sql(
      `SELECT protocol_id AS id, SUM(remaining_cover) AS cover FROM ix_policies WHERE status = 'active' ${only} GROUP BY protocol_id`,
    ).all({ protocol: protocolId === undefined ? null : Number(protocolId) }) as { id: number; cover: number }[];
    return new Map(rows.map((r) => [BigInt(r.id), BigInt(r.cover)]));
  }

  /** What is in force on each protocol at `now` (cover-in-force.ts's rule, as one grouped query). */
  coverInForce(now: bigint, protocolId?: bigint): Map<bigint, CoverInForce> {
    const only = protocolId === undefined ? "" : "AND protocol_id = @protocol";
    const rows = this.sql(`SELECT protocol_id AS id,
          SUM(CASE WHEN active_from <= @now THEN remaining_cover ELSE 0 END) AS inForce,
          SUM(CASE WHEN active_from > @now THEN remaining_cover ELSE 0 END) AS waiting,
          MIN(CASE WHEN active_from > @now THEN active_from END) AS startsAt
        FROM ix_policies WHERE status = 'active' AND remaining_cover > 0 AND ends_at > @now ${only}
        GROUP BY protocol_id`).all({
      now: Number(now),
      protocol: protocolId === undefined ? null : Number(protocolId),
    }) as {
      id: number;
      inForce: number;
      waiting: number;
      startsAt: number | null;
    }[];
    return new Map(
      rows.map((r) => [
        BigInt(r.id),
        {
          inForce: BigInt(r.inForce),
          waiting: BigInt(r.waiting),
          startsAt: r.startsAt === null ? null : BigInt(r.startsAt),
        },
      ]),
    );
  }

  /** The newest `limit` points of each of the pool's series, oldest first. */
  poolHistory(limit: number): Record<(typeof POOL_SERIES)[number], { t: number; value: bigint }[]> {
    const statement = this.sql(
      "SELECT at, value FROM (SELECT at, seq, value FROM ix_pool_history WHERE series = ? ORDER BY at DESC, seq DESC LIMIT ?) ORDER BY at, seq",
    );
    const series = (name: string) =>
      (statement.all(name, limit) as { at: number; value: string }[]).map((r) => ({ t: r.at, value: BigInt(r.value) }));
    return { capital: series("capital"), premiums: series("premiums"), utilization: series("utilization") };
  }

  counts() {
    const count = (table: string) => (this.sql(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { protocols: count("ix_protocols"), policies: count("ix_policies"), claims: count("ix_claims") };
  }
}
