import type { ClaimStatus, PoolStats } from "../chain/protocol-reader";
import type { CoverInForce } from "../chain/cover-in-force";
import { fromJson } from "./json-values";
import { placeholders, type Sql } from "../storage/sql";
import type { IndexTip, IndexedAssessor, IndexedClaim, IndexedPolicy, IndexedProtocol, IndexedVote } from "./records";
import type { POOL_SERIES } from "./index-writer";

/** Claims still open (the keeper and reminders work on these): claims-assessment's statuses before a close. */
export const OPEN_CLAIM_STATUSES: readonly ClaimStatus[] = ["voting", "no-quorum", "awaiting-council", "approved"];
export const TIP_STATE = "tip";
export const POOL_STATE = "pool";
const DEFAULT_LIST = 10;

type DataRow = { data: string };
const records = <T>(rows: unknown[]) => (rows as DataRow[]).map((r) => fromJson<T>(r.data));

/**
 * Everything views read (pages, the badge, the JSON API, commands) and jobs look for, answered from the index
 * with one query each: no chain request, and none per item.
 */
/** The open statuses as an SQL list (the contract's own names, never input). */
const OPEN_LIST = OPEN_CLAIM_STATUSES.map((status) => `'${status}'`).join(", ");

/** The statuses in which a claim is closed for good and its votes can be settled (the contract's `is-closed`). */
export const CLOSED_CLAIM_STATUSES: readonly ClaimStatus[] = ["paid", "denied", "vetoed"];
const CLOSED_LIST = CLOSED_CLAIM_STATUSES.map((status) => `'${status}'`).join(", ");

export class IndexReader {
  constructor(private readonly sql: Sql) {}

  private async state<T>(name: string): Promise<T | null> {
    const row = await this.sql.get<DataRow>("SELECT data FROM ix_state WHERE name = ?", [name]);
    return row ? fromJson<T>(row.data) : null;
  }

  /**
   * Changes whenever anything was written to the store (by this connection or another), or the tip moved: what
   * is worked out from the index can be kept until then (see Registry).
   */
  async version(): Promise<string> {
    // SQLite: data_version moves with other connections' commits, total_changes with this one's. Postgres: where
    // the write-ahead log is filled to, which moves with every write to the server (of any database: a wasted
    // recomputation at worst) and, unlike the flushed position, also before an asynchronous commit is on disk.
    const row =
      this.sql.engine === "sqlite"
        ? await this.sql.get<{ v: string }>(
            "SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() AS v",
          )
        : await this.sql.get<{ v: string }>("SELECT pg_current_wal_insert_lsn()::text AS v");
    return row!.v;
  }

  /** The newest block the index has followed, and its time: the index's "now". */
  tip(): Promise<IndexTip | null> {
    return this.state<IndexTip>(TIP_STATE);
  }

  /** The chain's time as the index last saw it (0 before the first pass). */
  async now(): Promise<bigint> {
    return BigInt((await this.tip())?.time ?? 0);
  }

  pool(): Promise<PoolStats | null> {
    return this.state<PoolStats>(POOL_STATE);
  }

  async protocols(statuses?: readonly string[]): Promise<IndexedProtocol[]> {
    const rows = statuses
      ? await this.sql.all(
          `SELECT data FROM ix_protocols WHERE status IN ${placeholders(statuses)} ORDER BY id`,
          statuses,
        )
      : await this.sql.all("SELECT data FROM ix_protocols ORDER BY id");
    return records<IndexedProtocol>(rows);
  }

  async protocol(id: bigint): Promise<IndexedProtocol | null> {
    return records<IndexedProtocol>(await this.sql.all("SELECT data FROM ix_protocols WHERE id = ?", [id]))[0] ?? null;
  }

  /** By exact name (the registry's names are unique). */
  async protocolByName(name: string): Promise<IndexedProtocol | null> {
    const rows = await this.sql.all("SELECT data FROM ix_protocols WHERE name = ?", [name]);
    return records<IndexedProtocol>(rows)[0] ?? null;
  }

  /** Protocols whose snapshot an event made stale (index-snapshots.ts reads them again). */
  async staleProtocolIds(): Promise<bigint[]> {
    const rows = await this.sql.all<{ id: number }>("SELECT id FROM ix_protocols WHERE stale = 1 ORDER BY id");
    return rows.map((r) => BigInt(r.id));
  }

  async claim(id: bigint): Promise<IndexedClaim | null> {
    return records<IndexedClaim>(await this.sql.all("SELECT data FROM ix_claims WHERE id = ?", [id]))[0] ?? null;
  }

  /** Claims newest first, optionally of one protocol or in some statuses, `limit` from `offset`. */
  async claims(
    filter: { protocolId?: bigint; statuses?: readonly ClaimStatus[]; limit?: number; offset?: number } = {},
  ): Promise<{ total: number; claims: IndexedClaim[] }> {
    const where: string[] = [];
    const args: (string | bigint)[] = [];
    if (filter.protocolId !== undefined) {
      where.push("protocol_id = ?");
      args.push(filter.protocolId);
    }
    if (filter.statuses) {
      where.push(`status IN ${placeholders(filter.statuses)}`);
      args.push(...filter.statuses);
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ix_claims ${clause}`, args))!.n;
    const rows = await this.sql.all(`SELECT data FROM ix_claims ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`, [
      ...args,
      filter.limit ?? DEFAULT_LIST,
      filter.offset ?? 0,
    ]);
    return { total, claims: records<IndexedClaim>(rows) };
  }

  /** Open claims whose voting or veto window has ended by `now`: what the keeper finalizes or pays. */
  async dueClaims(now: bigint, limit: number): Promise<IndexedClaim[]> {
    const rows = await this.sql.all(
      `SELECT data FROM ix_claims WHERE (status = 'voting' AND voting_ends_at <= @now)
        OR (status = 'approved' AND veto_ends_at <= @now) ORDER BY id LIMIT @limit`,
      { now, limit },
    );
    return records<IndexedClaim>(rows);
  }

  /** Claims still voting whose window closes within `within` seconds of `now`, soonest first. */
  async closingClaims(now: bigint, within: bigint, limit: number): Promise<IndexedClaim[]> {
    const rows = await this.sql.all(
      "SELECT data FROM ix_claims WHERE status = 'voting' AND voting_ends_at > @now AND voting_ends_at <= @until ORDER BY voting_ends_at, id LIMIT @limit",
      { now, until: now + within, limit },
    );
    return records<IndexedClaim>(rows);
  }

  /** Open and closed claims per protocol (or of one). */
  async claimCounts(protocolId?: bigint): Promise<Map<bigint, { open: number; past: number }>> {
    const only = protocolId === undefined ? "" : "WHERE protocol_id = ?";
    const rows = await this.sql.all<{ id: number; open: number; total: number }>(
      `SELECT protocol_id AS id, SUM(CASE WHEN status IN (${OPEN_LIST}) THEN 1 ELSE 0 END) AS open, COUNT(*) AS total
       FROM ix_claims ${only} GROUP BY protocol_id`,
      protocolId === undefined ? [] : [protocolId],
    );
    return new Map(rows.map((r) => [BigInt(r.id), { open: Number(r.open), past: Number(r.total) - Number(r.open) }]));
  }

  /** The transactions of each claim's life (votes left out), oldest first. */
  async claimTransactions(claimIds: readonly bigint[]): Promise<Map<bigint, { topic: string; txid: string }[]>> {
    const rows = await this.sql.all<{ id: number; topic: string; txid: string }>(
      `SELECT claim_id AS id, topic, txid FROM ix_claim_txs WHERE claim_id IN ${placeholders(claimIds)} ORDER BY claim_id, seq`,
      claimIds,
    );
    const byClaim = new Map<bigint, { topic: string; txid: string }[]>();
    for (const r of rows)
      byClaim.set(BigInt(r.id), [...(byClaim.get(BigInt(r.id)) ?? []), { topic: r.topic, txid: r.txid }]);
    return byClaim;
  }

  /** A claim's newest votes first. */
  async votes(claimId: bigint, limit: number): Promise<IndexedVote[]> {
    const rows = await this.sql.all("SELECT data FROM ix_votes WHERE claim_id = ? ORDER BY seq DESC LIMIT ?", [
      claimId,
      limit,
    ]);
    return records<IndexedVote>(rows);
  }

  /**
   * `voter`'s votes not yet settled, each with its claim: those on closed claims (ready to settle, oldest first,
   * at most `limit`) and how many wait for their claim to close.
   */
  async unsettledVotes(
    voter: string,
    limit: number,
  ): Promise<{
    ready: { vote: IndexedVote; claim: IndexedClaim; protocolName: string | null }[];
    readyCount: number;
    waiting: number;
  }> {
    const from = "FROM ix_votes v JOIN ix_claims c ON c.id = v.claim_id WHERE v.voter = ? AND v.settled = 0";
    const counts = await this.sql.all<{ closed: number; n: number }>(
      `SELECT CASE WHEN c.status IN (${CLOSED_LIST}) THEN 1 ELSE 0 END AS closed, COUNT(*) AS n ${from} GROUP BY 1`,
      [voter],
    );
    const rows = await this.sql.all<{ vote: string; claim: string; name: string | null }>(
      `SELECT v.data AS vote, c.data AS claim, p.name AS name FROM ix_votes v JOIN ix_claims c ON c.id = v.claim_id
       LEFT JOIN ix_protocols p ON p.id = c.protocol_id
       WHERE v.voter = ? AND v.settled = 0 AND c.status IN (${CLOSED_LIST}) ORDER BY v.claim_id LIMIT ?`,
      [voter, limit],
    );
    const count = (closed: number) => Number(counts.find((r) => Number(r.closed) === closed)?.n ?? 0);
    return {
      ready: rows.map((r) => ({
        vote: fromJson<IndexedVote>(r.vote),
        claim: fromJson<IndexedClaim>(r.claim),
        protocolName: r.name,
      })),
      readyCount: count(1),
      waiting: count(0),
    };
  }

  async assessor(address: string): Promise<IndexedAssessor | null> {
    const rows = await this.sql.all("SELECT data FROM ix_assessors WHERE address = ?", [address]);
    return records<IndexedAssessor>(rows)[0] ?? null;
  }

  async policy(id: bigint): Promise<IndexedPolicy | null> {
    return records<IndexedPolicy>(await this.sql.all("SELECT data FROM ix_policies WHERE id = ?", [id]))[0] ?? null;
  }

  /** A holder's policies, newest first, and how many there are. */
  async holderPolicies(
    holder: string,
    limit = DEFAULT_LIST,
    offset = 0,
  ): Promise<{ total: number; policies: IndexedPolicy[] }> {
    const total = (await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ix_policies WHERE holder = ?", [
      holder,
    ]))!.n;
    const rows = await this.sql.all("SELECT data FROM ix_policies WHERE holder = ? ORDER BY id DESC LIMIT ? OFFSET ?", [
      holder,
      limit,
      offset,
    ]);
    return { total, policies: records<IndexedPolicy>(rows) };
  }

  /** A protocol's policies, newest first, `limit` from `offset`, and how many there are (a list that pages). */
  async protocolPoliciesPage(
    protocolId: bigint,
    limit = DEFAULT_LIST,
    offset = 0,
  ): Promise<{ total: number; policies: IndexedPolicy[] }> {
    const total = (await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ix_policies WHERE protocol_id = ?", [
      protocolId,
    ]))!.n;
    const rows = await this.sql.all(
      "SELECT data FROM ix_policies WHERE protocol_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
      [protocolId, limit, offset],
    );
    return { total: Number(total), policies: records<IndexedPolicy>(rows) };
  }

  /**
   * Claims whose number starts with `digits` (any if empty), for autocomplete: open ones first, then newest
   * first, each with its protocol's name; one query.
   */
  async claimChoices(digits: string, limit: number): Promise<{ claim: IndexedClaim; protocolName: string | null }[]> {
    const rows = await this.sql.all<{ data: string; name: string | null }>(
      `SELECT c.data AS data, p.name AS name FROM ix_claims c LEFT JOIN ix_protocols p ON p.id = c.protocol_id
       WHERE CAST(c.id AS TEXT) LIKE ? ORDER BY CASE WHEN c.status IN (${OPEN_LIST}) THEN 0 ELSE 1 END, c.id DESC LIMIT ?`,
      [`${digits.replace(/\D/g, "")}%`, limit],
    );
    return rows.map((r) => ({ claim: fromJson<IndexedClaim>(r.data), protocolName: r.name }));
  }

  /**
   * Policies whose number starts with `digits` (any if empty), for autocomplete: `holder`'s own first (a member's
   * linked wallet), then newest first, each with its protocol's name; one query.
   */
  async policyChoices(
    digits: string,
    holder: string | null,
    limit: number,
  ): Promise<{ policy: IndexedPolicy; protocolName: string | null }[]> {
    const rows = await this.sql.all<{ data: string; name: string | null }>(
      `SELECT l.data AS data, p.name AS name FROM ix_policies l LEFT JOIN ix_protocols p ON p.id = l.protocol_id
       WHERE CAST(l.id AS TEXT) LIKE ? ORDER BY CASE WHEN l.holder = ? THEN 0 ELSE 1 END, l.id DESC LIMIT ?`,
      [`${digits.replace(/\D/g, "")}%`, holder ?? "", limit],
    );
    return rows.map((r) => ({ policy: fromJson<IndexedPolicy>(r.data), protocolName: r.name }));
  }

  /** Every policy of a protocol, newest first. */
  async protocolPolicies(protocolId: bigint): Promise<IndexedPolicy[]> {
    return records<IndexedPolicy>(
      await this.sql.all("SELECT data FROM ix_policies WHERE protocol_id = ? ORDER BY id DESC", [protocolId]),
    );
  }

  /** Active policies whose term has ended by `now`, oldest first: what the keeper expires. */
  async duePolicies(now: bigint, limit: number): Promise<IndexedPolicy[]> {
    const rows = await this.sql.all(
      "SELECT data FROM ix_policies WHERE status = 'active' AND ends_at <= ? ORDER BY ends_at, id LIMIT ?",
      [now, limit],
    );
    return records<IndexedPolicy>(rows);
  }

  /**
   * Each protocol's active cover as the cover contract counts it (`get-protocol-coverage`): what is left on its
   * policies not yet expired or exhausted. Summed here, not taken from the events that state it, because the
   * index takes each contract's events in turn and those statements would arrive out of order.
   */
  async activeCover(protocolId?: bigint): Promise<Map<bigint, bigint>> {
    const only = protocolId === undefined ? "" : "AND protocol_id = ?";
    const rows = await this.sql.all<{ id: number; cover: number | string }>(
      `SELECT protocol_id AS id, SUM(remaining_cover) AS cover FROM ix_policies WHERE status = 'active' ${only} GROUP BY protocol_id`,
      protocolId === undefined ? [] : [protocolId],
    );
    return new Map(rows.map((r) => [BigInt(r.id), BigInt(r.cover)]));
  }

  /** What is in force on each protocol at `now` (cover-in-force.ts's rule, as one grouped query). */
  async coverInForce(now: bigint, protocolId?: bigint): Promise<Map<bigint, CoverInForce>> {
    const only = protocolId === undefined ? "" : "AND protocol_id = @protocol";
    // Sums of 64-bit columns are numeric text on Postgres, numbers on SQLite: BigInt reads both.
    const rows = await this.sql.all<{
      id: number;
      inForce: number | string;
      waiting: number | string;
      startsAt: number | null;
    }>(
      `SELECT protocol_id AS id,
          SUM(CASE WHEN active_from <= @now THEN remaining_cover ELSE 0 END) AS "inForce",
          SUM(CASE WHEN active_from > @now THEN remaining_cover ELSE 0 END) AS waiting,
          MIN(CASE WHEN active_from > @now THEN active_from END) AS "startsAt"
        FROM ix_policies WHERE status = 'active' AND remaining_cover > 0 AND ends_at > @now ${only}
        GROUP BY protocol_id`,
      protocolId === undefined ? { now } : { now, protocol: protocolId },
    );
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
  async poolHistory(limit: number): Promise<Record<(typeof POOL_SERIES)[number], { t: number; value: bigint }[]>> {
    const series = async (name: string) =>
      (
        await this.sql.all<{ at: number; value: string }>(
          "SELECT at, value FROM (SELECT at, seq, value FROM ix_pool_history WHERE series = ? ORDER BY at DESC, seq DESC LIMIT ?) AS newest ORDER BY at, seq",
          [name, limit],
        )
      ).map((r) => ({ t: r.at, value: BigInt(r.value) }));
    return {
      capital: await series("capital"),
      premiums: await series("premiums"),
      utilization: await series("utilization"),
    };
  }

  async counts(): Promise<{ protocols: number; policies: number; claims: number }> {
    const count = async (table: string) => (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
    return {
      protocols: await count("ix_protocols"),
      policies: await count("ix_policies"),
      claims: await count("ix_claims"),
    };
  }
}
