import type { BotContext } from "../discord/context";
import type { Claim, ProtocolDetails } from "../chain/protocol-reader";
import { decodeLog } from "../chain/events";
import { latestContractLogs } from "../chain/contract-logs";
import { describeContractError } from "../chain/contract-errors";
import {
  coverInForce,
  listingVerdict,
  LISTED,
  POLICY_SCAN,
  type CoverInForce,
  type ListingVerdict,
} from "../chain/cover-in-force";
import { TtlCache } from "./ttl-cache";

/** How long a chain read is reused unless the server says otherwise (WebOptions.cacheMs), and how many are kept. */
const CACHE_MS = 10_000;
const CACHE_ENTRIES_MAX = 1_000;
/** How many transactions' mined times are kept, and asked for in one request. */
const TX_TIMES_MAX = 5_000;
const TX_BATCH = 50;
/** How many of each contract's newest events the pool's history is drawn from. */
const POOL_HISTORY_EVENTS = 200;

/**
 * What the public registry shows, read only from the chain: every listed protocol with its audit,
 * risk, cover and claims, a verdict ("insured" or not), cover over time, and the pool's history.
 * The JSON API returns these objects as they are (amounts as strings of micro-STX).
 */

export type ProtocolSummary = {
  id: string;
  name: string;
  chain: string;
  category: string;
  status: string;
  website: string;
  sourceUrl: string;
  audit: {
    verdict: string;
    critical: number;
    high: number;
    medium: number;
    low: number;
    reportUri: string;
    reportHash: string;
    auditor: string;
    recordedAt: number;
  } | null;
  auditCount: number;
  incidentCount: number;
  risk: { score: number; tier: number; rateBps: number } | null;
  /** Cover the chain counts as active (including policies in their waiting period or past their end). */
  activeCover: string;
  /** Cover in force now: past the waiting period and before the end. */
  coverInForce: string;
  coverWaiting: string;
  coverStartsAt: number | null;
  insured: boolean;
  listed: boolean;
  openClaims: number;
  pastClaims: number;
  coverAvailable: boolean;
  coverUnavailableReason: string | null;
  verdict: ListingVerdict;
};
export type ClaimSummary = {
  id: string;
  protocolId: string;
  policyId: string;
  claimant: string;
  amount: string;
  payable: string;
  paid: string;
  status: string;
  incidentTime: number;
  submittedAt: number;
  votingEndsAt: number;
  approveWeight: string;
  denyWeight: string;
  voterCount: number;
  description: string;
  evidenceUri: string;
  evidenceHash: string;
  transactions: { topic: string; txid: string }[];
};
export type PoolSummary = {
  totalCapital: string;
  activeCover: string;
  capacity: string;
  freeCapacity: string;
  utilizationBps: number;
  sharePrice: string;
  premiumsEarned: string;
  claimsOwed: string;
  claimsPending: string;
  totalPaidOut: string;
};

const OPEN = new Set(["voting", "no-quorum", "awaiting-council", "approved"]);

export function summarizeProtocol(p: ProtocolDetails, claims: Claim[], cover: CoverInForce): ProtocolSummary {
  const mine = claims.filter((c) => c.protocolId === p.id);
  const open = mine.filter((c) => OPEN.has(c.status)).length;
  const verdict = listingVerdict(p.status, cover, open);
  return {
    id: String(p.id),
    name: p.name,
    chain: p.chain,
    category: p.category,
    status: p.status,
    website: p.website,
    sourceUrl: p.sourceUrl,
    audit: p.latestAudit
      ? {
          verdict: p.latestAudit.verdict,
          critical: Number(p.latestAudit.critical),
          high: Number(p.latestAudit.high),
          medium: Number(p.latestAudit.medium),
          low: Number(p.latestAudit.low),
          reportUri: p.latestAudit.reportUri,
          reportHash: p.latestAudit.reportHash,
          auditor: p.latestAudit.auditor,
          recordedAt: Number(p.latestAudit.recordedAt),
        }
      : null,
    auditCount: Number(p.auditCount),
    incidentCount: Number(p.incidentCount),
    risk: p.risk ? { score: Number(p.risk.score), tier: Number(p.risk.tier), rateBps: Number(p.risk.rateBps) } : null,
    activeCover: String(p.activeCover),
    coverInForce: String(cover.inForce),
    coverWaiting: String(cover.waiting),
    coverStartsAt: cover.startsAt === null ? null : Number(cover.startsAt),
    insured: LISTED.has(p.status) && cover.inForce > 0n,
    listed: LISTED.has(p.status),
    openClaims: open,
    pastClaims: mine.length - open,
    coverAvailable: p.notInsurableCode === null,
    coverUnavailableReason: p.notInsurableCode === null ? null : describeContractError(p.notInsurableCode),
    verdict,
  };
}

/**
 * Every read is cached for a few seconds and shared by concurrent requests (single flight), so a burst
 * of public requests costs the chain what one request costs: the web server never spends the chain
 * budget the bot's alerts and commands need. The caches hold a bounded number of entries.
 */
export class Registry {
  private readonly cache: TtlCache;
  private txCache = new Map<string, number>();
  constructor(
    private readonly ctx: BotContext,
    options: { ttlMs?: number } = {},
  ) {
    this.cache = new TtlCache({ ttlMs: options.ttlMs ?? CACHE_MS, maxEntries: CACHE_ENTRIES_MAX });
  }

  async claims(): Promise<Claim[]> {
    return this.cache.get("claims", () => this.ctx.reader.settled.recentClaims({ limit: 500, scan: 500 }));
  }

  /** A protocol's policies, read once for both what is in force and the totals (one cached read). */
  private policyList(protocolId: bigint) {
    return this.cache.get(`policies:${protocolId}`, async () =>
      this.ctx.reader.settled.protocolPolicies(protocolId, POLICY_SCAN, await this.now()),
    );
  }

  private now(): Promise<bigint> {
    return this.cache.get("now", () => this.ctx.reader.chainTime());
  }

  private async cover(protocolId: bigint): Promise<CoverInForce> {
    const [{ policies }, now] = await Promise.all([this.policyList(protocolId), this.now()]);
    return coverInForce(policies, now);
  }

  private details(id: bigint): Promise<ProtocolDetails | null> {
    return this.cache.get(`details:${id}`, () => this.ctx.reader.protocolDetails(id));
  }

  /** Every protocol with an approved listing (active or paused); pending, rejected and delisted ones are left out. */
  async protocols(): Promise<ProtocolSummary[]> {
    return this.cache.get("protocols", async () => {
      const [all, claims] = await Promise.all([this.ctx.reader.protocols(), this.claims()]);
      const listed = all.filter((p) => LISTED.has(p.status));
      const rows = await Promise.all(
        listed.map(async (p) => {
          const [details, cover] = await Promise.all([this.details(p.id), this.cover(p.id)]);
          return details ? summarizeProtocol(details, claims, cover) : null;
        }),
      );
      return rows.filter((r): r is ProtocolSummary => r !== null);
    });
  }

  /** A protocol by its exact name (a name made of digits is a name, never an id); null if there is none. */
  async protocol(name: string): Promise<{ summary: ProtocolSummary; details: ProtocolDetails } | null> {
    const id = await this.cache.get(`name:${name}`, () => this.ctx.reader.protocolIdByName(name));
    return id === null ? null : this.protocolById(id);
  }

  async protocolById(id: bigint): Promise<{ summary: ProtocolSummary; details: ProtocolDetails } | null> {
    const details = await this.details(id);
    if (!details) return null;
    const [claims, cover] = await Promise.all([this.claims(), this.cover(id)]);
    return { summary: summarizeProtocol(details, claims, cover), details };
  }

  /** The newest `max` events of a contract, oldest first. */
  async events(contract: string, max = 500) {
    const contractId = this.ctx.reader.contractId(contract);
    const { total, logs } = await latestContractLogs(this.ctx.reader.client, contractId, (t) => Math.min(t, max));
    return logs
      .map((r, i) => decodeLog(contractId, r, total - logs.length + i, this.ctx.log))
      .filter((e) => e !== null);
  }

  /** When a transaction was mined (block time), cached. */
  async txTime(txid: string): Promise<number> {
    return (await this.txTimes([txid])).get(txid) ?? 0;
  }

  /**
   * When each transaction was mined (block time; 0 if unknown), cached. The ones not known yet are asked for
   * TX_BATCH at a time (`/extended/v1/tx/multiple`, current in API v9), not one request each.
   */
  async txTimes(txids: string[]): Promise<Map<string, number>> {
    const missing = [...new Set(txids)].filter((id) => !this.txCache.has(id));
    for (let i = 0; i < missing.length; i += TX_BATCH) {
      const ids = missing.slice(i, i + TX_BATCH);
      const { data } = await this.ctx.reader.client.api.GET("/extended/v1/tx/multiple", {
        params: { query: { tx_id: ids, event_limit: 0, exclude_function_args: true } },
      });
      for (const id of ids) {
        const found = data?.[id];
        const tx = found?.found ? found.result : undefined;
        // Only a mined time is kept (a transaction not found, or still pending, is asked for again).
        if (!tx || !("block_time" in tx)) continue;
        // Bounded: the oldest mined times are forgotten first (they are re-read if needed).
        if (this.txCache.size >= TX_TIMES_MAX) this.txCache.delete(this.txCache.keys().next().value!);
        this.txCache.set(id, tx.block_time);
      }
    }
    return new Map(txids.map((id) => [id, this.txCache.get(id) ?? 0]));
  }

  async claimSummaries(protocolId?: bigint): Promise<ClaimSummary[]> {
    const [claims, events] = await Promise.all([
      this.claims(),
      this.cache.get("events:claims", () => this.events("claims-assessment")),
    ]);
    const txs = new Map<string, { topic: string; txid: string }[]>();
    for (const e of events) {
      if (!("claimId" in e.data) || e.topic === "vote-cast" || e.topic === "vote-settled") continue;
      const key = String(e.data.claimId);
      txs.set(key, [...(txs.get(key) ?? []), { topic: e.topic, txid: e.txid }]);
    }
    return claims
      .filter((c) => protocolId === undefined || c.protocolId === protocolId)
      .map((c) => ({
        id: String(c.id),
        protocolId: String(c.protocolId),
        policyId: String(c.policyId),
        claimant: c.claimant,
        amount: String(c.amount),
        payable: String(c.payable),
        paid: String(c.paid),
        status: c.status,
        incidentTime: Number(c.incidentTime),
        submittedAt: Number(c.submittedAt),
        votingEndsAt: Number(c.votingEndsAt),
        approveWeight: String(c.approveWeight),
        denyWeight: String(c.denyWeight),
        voterCount: Number(c.voterCount),
        description: c.description,
        evidenceUri: c.evidenceUri,
        evidenceHash: c.evidenceHash,
        transactions: txs.get(String(c.id)) ?? [],
      }));
  }

  /** Totals of a protocol's policies, and its active cover over time as steps. */
  async policies(protocolId: bigint) {
    const { total, policies } = await this.policyList(protocolId);
    const sum = (f: (p: (typeof policies)[number]) => bigint) => policies.reduce((a, p) => a + f(p), 0n);
    const changes = policies
      .flatMap((p) => [
        { t: Number(p.purchasedAt), d: p.coverageAmount },
        { t: Number(p.endsAt), d: -p.coverageAmount },
      ])
      .sort((a, b) => a.t - b.t);
    let cover = 0n;
    const series: { t: number; value: bigint }[] = [];
    for (const c of changes) {
      cover += c.d;
      series.push({ t: c.t, value: cover });
    }
    return {
      count: total,
      activeCover: String(policies.filter((p) => p.status === "active").reduce((a, p) => a + p.remainingCover, 0n)),
      coverSold: String(sum((p) => p.coverageAmount)),
      premiums: String(sum((p) => p.premium)),
      paidOut: String(sum((p) => p.totalPaid)),
      series,
    };
  }

  async pool(): Promise<PoolSummary> {
    const s = await this.cache.get("pool", () => this.ctx.reader.pool());
    return {
      totalCapital: String(s.totalCapital),
      activeCover: String(s.activeCover),
      capacity: String(s.capacity),
      freeCapacity: String(s.freeCapacity),
      utilizationBps: Number(s.utilizationBps),
      sharePrice: String(s.sharePrice),
      premiumsEarned: String(s.premiumsEarned),
      claimsOwed: String(s.claimsOwed),
      claimsPending: String(s.claimsPending),
      totalPaidOut: String(s.totalPaidOut),
    };
  }

  /** Capital, utilization and premiums over time, from the pool's and the cover contract's events. */
  async poolHistory() {
    return this.cache.get("pool-history", () => this.loadPoolHistory());
  }

  private async loadPoolHistory() {
    const [pool, cover] = await Promise.all([
      this.events("capital-pool", POOL_HISTORY_EVENTS),
      this.events("cybersecurity-insurance-defi", POOL_HISTORY_EVENTS),
    ]);
    const times = await this.txTimes([...pool, ...cover].map((e) => e.txid));
    const at = (txid: string) => times.get(txid) ?? 0;
    const capital: { t: number; value: bigint }[] = [];
    const premiums: { t: number; value: bigint }[] = [];
    let premiumTotal = 0n;
    for (const e of pool) {
      const t = at(e.txid);
      if ("totalCapital" in e.data) capital.push({ t, value: e.data.totalCapital });
      if (e.topic === "premium-collected") {
        premiumTotal += e.data.toCapital;
        premiums.push({ t, value: premiumTotal });
      }
    }
    const utilization: { t: number; value: bigint }[] = [];
    for (const e of cover)
      if (e.topic === "policy-purchased") utilization.push({ t: at(e.txid), value: e.data.utilizationBps });
    return { capital, premiums, utilization };
  }
}
