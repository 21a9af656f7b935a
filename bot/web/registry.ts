import type { BotContext } from "../discord/context";
import type { ProtocolDetails } from "../chain/protocol-reader";
import { ChainUnavailableError } from "../chain/stacks-client";
import { describeContractError } from "../chain/contract-errors";
import { listingVerdict, LISTED, type CoverInForce, type ListingVerdict } from "../chain/cover-in-force";
import type { IndexedClaim } from "../index/records";

/** How many of the pool's newest points each of its series shows. */
const POOL_HISTORY_POINTS = 200;
/** How many claims a list of claims holds at most (newest first). */
const CLAIMS_LISTED = 500;
const NO_COVER: CoverInForce = { inForce: 0n, waiting: 0n, startsAt: null };
const NO_CLAIMS = { open: 0, past: 0 };

/**
 * What the public registry shows, read from the index (bot/index/), never from the chain on a request: every
 * listed protocol with its audit, risk, cover and claims, a verdict ("insured" or not), cover over time, and
 * the pool's history. "Now" is the time of the newest block the index has followed. The JSON API returns these
 * objects as they are (amounts as strings of micro-STX).
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

export function summarizeProtocol(
  p: ProtocolDetails,
  claims: { open: number; past: number },
  cover: CoverInForce,
  activeCover: bigint,
): ProtocolSummary {
  const verdict = listingVerdict(p.status, cover, claims.open);
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
    activeCover: String(activeCover),
    coverInForce: String(cover.inForce),
    coverWaiting: String(cover.waiting),
    coverStartsAt: cover.startsAt === null ? null : Number(cover.startsAt),
    insured: LISTED.has(p.status) && cover.inForce > 0n,
    listed: LISTED.has(p.status),
    openClaims: claims.open,
    pastClaims: claims.past,
    coverAvailable: p.notInsurableCode === null,
    coverUnavailableReason: p.notInsurableCode === null ? null : describeContractError(p.notInsurableCode),
    verdict,
  };
}

const claimSummary = (c: IndexedClaim, transactions: { topic: string; txid: string }[]): ClaimSummary => ({
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
  transactions,
});

/**
 * The registry's answers, each a few queries of the index (bot/index/index-reader.ts): no chain request, and
 * none per protocol or claim, so they cost the same whatever the protocol's history and however many ask.
 */
export class Registry {
  private kept = new Map<string, Promise<unknown>>();
  private keptAt = "";

  constructor(private readonly ctx: Pick<BotContext, "store">) {}

  private get index() {
    return this.ctx.store.index;
  }

  /**
   * What is worked out from the whole index (the list of every protocol, and its page), kept until the index
   * changes: a list of 1,000 protocols costs its queries and rendering once per change, not once per request.
   * What is kept is the computation's promise, so requests that arrive while it runs share it rather than start
   * their own; one that fails is dropped, so the next request tries again.
   */
  async keep<T>(name: string, compute: () => Promise<T>): Promise<T> {
    const version = await this.index.version();
    if (version !== this.keptAt) {
      this.kept = new Map();
      this.keptAt = version;
    }
    const kept = this.kept;
    const running = kept.get(name) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const computing = compute();
    kept.set(name, computing);
    // Dropped from the map it was kept in (the index may have changed since), unless something replaced it there.
    computing.catch(() => {
      if (kept.get(name) === computing) kept.delete(name);
    });
    return computing;
  }

  /** Every protocol with an approved listing (active or paused); pending, rejected and delisted ones are left out. */
  async protocols(): Promise<ProtocolSummary[]> {
    return this.keep("protocols", () => this.listed());
  }

  private async listed(): Promise<ProtocolSummary[]> {
    const now = await this.index.now();
    const [protocols, claims, cover, active] = await Promise.all([
      this.index.protocols([...LISTED]),
      this.index.claimCounts(),
      this.index.coverInForce(now),
      this.index.activeCover(),
    ]);
    return protocols.map((p) =>
      summarizeProtocol(p, claims.get(p.id) ?? NO_CLAIMS, cover.get(p.id) ?? NO_COVER, active.get(p.id) ?? 0n),
    );
  }

  /** A protocol by its exact name (a name made of digits is a name, never an id); null if there is none. */
  async protocol(name: string): Promise<{ summary: ProtocolSummary; details: ProtocolDetails } | null> {
    return this.found(await this.index.protocolByName(name));
  }

  async protocolById(id: bigint): Promise<{ summary: ProtocolSummary; details: ProtocolDetails } | null> {
    return this.found(await this.index.protocol(id));
  }

  private async found(details: ProtocolDetails | null) {
    if (!details) return null;
    const now = await this.index.now();
    const [counts, cover, active] = await Promise.all([
      this.index.claimCounts(details.id),
      this.index.coverInForce(now, details.id),
      this.index.activeCover(details.id),
    ]);
    return {
      summary: summarizeProtocol(
        details,
        counts.get(details.id) ?? NO_CLAIMS,
        cover.get(details.id) ?? NO_COVER,
        active.get(details.id) ?? 0n,
      ),
      details,
    };
  }

  /** The newest claims (of one protocol, or all), with the transactions of each one's life. */
  async claimSummaries(protocolId?: bigint): Promise<ClaimSummary[]> {
    const { claims } = await this.index.claims({ protocolId, limit: CLAIMS_LISTED });
    const txs = await this.index.claimTransactions(claims.map((c) => c.id));
    return claims.map((c) => claimSummary(c, txs.get(c.id) ?? []));
  }

  async claimSummary(id: bigint): Promise<ClaimSummary | null> {
    const claim = await this.index.claim(id);
    return claim ? claimSummary(claim, (await this.index.claimTransactions([id])).get(id) ?? []) : null;
  }

  /** Totals of a protocol's policies, and its active cover over time as steps. */
  async policies(protocolId: bigint) {
    const policies = await this.index.protocolPolicies(protocolId);
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
      count: policies.length,
      activeCover: String(policies.filter((p) => p.status === "active").reduce((a, p) => a + p.remainingCover, 0n)),
      coverSold: String(sum((p) => p.coverageAmount)),
      premiums: String(sum((p) => p.premium)),
      paidOut: String(sum((p) => p.totalPaid)),
      series,
    };
  }

  /** The pool's figures as last read by the index; until the first read, the chain is said to be unavailable. */
  async pool(): Promise<PoolSummary> {
    const s = await this.index.pool();
    if (!s) throw new ChainUnavailableError("the pool's figures have not been read yet");
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
    return this.index.poolHistory(POOL_HISTORY_POINTS);
  }
}
