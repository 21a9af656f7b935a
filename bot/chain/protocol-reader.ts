import { Cl, type ClarityValue } from "@stacks/transactions";
import { toPlain } from "../../stacks/clarity-values";
import type { ContractName, ReadOnlyFunction } from "../../stacks/contracts.generated";
import { coverInForce, POLICY_SCAN, type CoverInForce } from "./cover-in-force";
import { ChainUnavailableError, type StacksClient } from "./stacks-client";

/**
 * Typed reads of the protocol's contracts. Everything the bot shows comes from here; Clarity values are
 * decoded (kebab-case tuples to camelCase objects, status codes to names) in this one place.
 */

export const POLICY_STATUS = { 1: "active", 2: "expired", 3: "exhausted" } as const;
export const CLAIM_STATUS = { 1: "voting", 2: "no-quorum", 3: "awaiting-council", 4: "approved", 5: "denied", 6: "vetoed", 7: "paid" } as const;
export const PROTOCOL_STATUS = { 1: "pending", 2: "active", 3: "paused", 4: "delisted", 5: "rejected" } as const;
export const CATEGORIES = ["dex", "lending", "bridge", "stablecoin", "yield", "derivatives", "liquid-staking", "nft", "other"] as const;
export const VERDICTS = { 1: "pass", 2: "pass with conditions", 3: "fail" } as const;
export type ClaimStatus = (typeof CLAIM_STATUS)[keyof typeof CLAIM_STATUS];

export type Policy = {
  id: bigint; holder: string; protocolId: bigint; coverageAmount: bigint; premium: bigint; rateBps: bigint; tier: bigint;
  durationDays: bigint; purchasedAt: bigint; activeFrom: bigint; endsAt: bigint; remainingCover: bigint; totalPaid: bigint;
  status: (typeof POLICY_STATUS)[keyof typeof POLICY_STATUS];
};
export type Claim = {
  id: bigint; policyId: bigint; protocolId: bigint; claimant: string; amount: bigint; deductible: bigint; payable: bigint;
  incidentTime: bigint; description: string; evidenceHash: string; evidenceUri: string; bond: bigint; submittedAt: bigint;
  votingEndsAt: bigint; totalStake: bigint; quorumStake: bigint; approvalBps: bigint; large: boolean; minVoters: bigint; approveWeight: bigint;
  denyWeight: bigint; votedStake: bigint; approveCount: bigint; denyCount: bigint; status: ClaimStatus; decidedBy: string;
  vetoEndsAt: bigint; rewardPot: bigint; winningWeight: bigint; paid: bigint; vetoReason: string | null;
  council: { approvals: bigint; denials: bigint; vetoes: bigint }; voterCount: bigint; quorumReached: boolean;
};
export type Audit = { id: bigint; protocolId: bigint; auditor: string; reportHash: string; reportUri: string; critical: bigint;
  high: bigint; medium: bigint; low: bigint; verdict: (typeof VERDICTS)[keyof typeof VERDICTS]; recordedAt: bigint };
export type Risk = { score: bigint; tier: bigint; rateBps: bigint };
export type Protocol = {
  id: bigint; name: string; website: string; sourceUrl: string; chain: string; category: string; team: string[];
  submitter: string; status: (typeof PROTOCOL_STATUS)[keyof typeof PROTOCOL_STATUS]; submittedAt: bigint; listedAt: bigint;
  auditCount: bigint; latestAuditId: bigint; incidentCount: bigint;
};
export type ProtocolDetails = Protocol & { latestAudit: Audit | null; risk: Risk | null; activeCover: bigint;
  /** null when cover can be bought, else the contract's reason code. */ notInsurableCode: bigint | null };
export type PoolStats = {
  poolBalance: bigint; totalAssets: bigint; totalCapital: bigint; totalShares: bigint; sharePrice: bigint; activeCover: bigint;
  capacity: bigint; freeCapacity: bigint; utilizationBps: bigint; lockedCapital: bigint; freeCapital: bigint; claimsOwed: bigint;
  claimsPending: bigint; premiumsEarned: bigint; totalPaidOut: bigint; rewardReserve: bigint;
  rewardsOwed: bigint; bondsHeld: bigint;
  /** Providers' part of running policies' premiums, not yet earned into the share price. */ unearnedPremiums: bigint;
  /** The pool's upper bound of the largest cover on one protocol (see refresh-protocol-cap). */ protocolCapMark: bigint;
};
export type Assessor = { active: bigint; unstaking: bigint; unstakeAt: bigint; locked: bigint; openVotes: bigint; reputation: bigint;
  available: bigint; weight: bigint };
export type Quote = { premium: bigint; basePremium: bigint; rateBps: bigint; tier: bigint; riskScore: bigint; utilizationBps: bigint };

const camel = (key: string) => key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
/** Tuples (nested too) with camelCase keys. */
export function camelize(value: any): any {
  if (Array.isArray(value)) return value.map(camelize);
  if (value && typeof value === "object" && typeof value !== "bigint") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelize(v)]));
  }
  return value;
}

export class ContractError extends Error {
  constructor(readonly code: bigint) { super(`contract error u${code}`); }
}

export class ProtocolReader {
  constructor(readonly client: StacksClient, readonly deployer: string) {}

  /** The chain's own clock: the latest block's time (what the contracts compare against). */
  async chainTime(): Promise<bigint> {
    const { data } = await this.client.api.GET("/extended/v2/blocks/", { params: { query: { limit: 1 } } });
    const time = data?.results[0]?.block_time;
    if (time === undefined) throw new ChainUnavailableError("the API returned no blocks");
    return BigInt(time);
  }

  contractId(name: string) { return `${this.deployer}.${name}`; }

  /** Only a read-only function the contract has (checked against the generated bindings at compile time). */
  private async read<C extends ContractName>(contract: C, fn: ReadOnlyFunction<C> & string, args: ClarityValue[] = []): Promise<any> {
    return toPlain(await this.client.readOnly(this.contractId(contract), fn, args));
  }

  async policy(id: bigint): Promise<Policy | null> {
    const raw = await this.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(id)]);
    if (!raw) return null;
    const p = camelize(raw);
    return { ...p, id, status: POLICY_STATUS[Number(p.status) as 1] ?? "active" };
  }

  async claim(id: bigint): Promise<Claim | null> {
    const raw = await this.read("claims-assessment", "get-claim", [Cl.uint(id)]);
    if (!raw) return null;
    const c = camelize(raw);
    return { ...c, id, status: CLAIM_STATUS[Number(c.status) as 1] };
  }

  async protocol(id: bigint): Promise<Protocol | null> {
    const raw = await this.read("protocol-registry", "get-protocol", [Cl.uint(id)]);
    if (!raw) return null;
    const p = camelize(raw);
    return { ...p, id, status: PROTOCOL_STATUS[Number(p.status) as 1], category: CATEGORIES[Number(p.category) - 1] ?? "other" };
  }

  async protocolIdByName(name: string): Promise<bigint | null> {
    if (name.length === 0 || name.length > 48 || !/^[\x20-\x7e]+$/.test(name)) return null;
    return this.read("protocol-registry", "get-protocol-id", [Cl.stringAscii(name)]);
  }

  async protocolDetails(id: bigint): Promise<ProtocolDetails | null> {
    const protocol = await this.protocol(id);
    if (!protocol) return null;
    const [audit, risk, insurable, activeCover] = await Promise.all([
      protocol.latestAuditId > 0n ? this.read("protocol-registry", "get-audit", [Cl.uint(protocol.latestAuditId)]) : null,
      this.read("protocol-registry", "get-risk-breakdown", [Cl.uint(id)]),
      this.read("protocol-registry", "check-insurable", [Cl.uint(id)]),
      this.read("cybersecurity-insurance-defi", "get-protocol-coverage", [Cl.uint(id)]),
    ]);
    const latestAudit = audit ? { ...camelize(audit), id: protocol.latestAuditId, verdict: VERDICTS[Number(audit.verdict) as 1] } : null;
    return {
      ...protocol, latestAudit, activeCover,
      risk: risk && !("error" in risk) ? { score: risk.score, tier: risk.tier, rateBps: risk["rate-bps"] } : null,
      notInsurableCode: insurable && "error" in insurable ? insurable.error : null,
    };
  }

  async protocolCoverage(protocolId: bigint): Promise<bigint> {
    return this.read("cybersecurity-insurance-defi", "get-protocol-coverage", [Cl.uint(protocolId)]);
  }

  async lastProtocolId(): Promise<bigint> { return this.read("protocol-registry", "get-last-protocol-id"); }
  async lastPolicyId(): Promise<bigint> { return this.read("cybersecurity-insurance-defi", "get-last-policy-id"); }
  async lastClaimId(): Promise<bigint> { return this.read("claims-assessment", "get-last-claim-id"); }

  /** Every listed protocol (any status), by id. */
  async protocols(): Promise<Protocol[]> {
    const last = Number(await this.lastProtocolId());
    const all = await Promise.all(Array.from({ length: last }, (_v, i) => this.protocol(BigInt(i + 1))));
    return all.filter((p): p is Protocol => p !== null);
  }

  /** The exact premium purchase-coverage would charge now, or the contract's reason it would refuse. */
  async quote(protocolId: bigint, amount: bigint, days: bigint): Promise<Quote> {
    const raw = await this.read("cybersecurity-insurance-defi", "quote", [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days)]);
    if ("error" in raw) throw new ContractError(raw.error);
    return camelize(raw);
  }

  async pool(): Promise<PoolStats> { return camelize(await this.read("capital-pool", "get-pool-stats")); }

  async assessor(address: string): Promise<Assessor> {
    return camelize(await this.read("assessor-staking", "get-assessor", [Cl.principal(address)]));
  }

  /** Whether `voter` can vote on a claim now, and with what stake and weight (what the vote page shows). */
  async voteEligibility(claimId: bigint, voter: string): Promise<{ stake: bigint; weight: bigint; voted: boolean; conflict: boolean; open: boolean } | null> {
    const raw = await this.read("claims-assessment", "get-vote-eligibility", [Cl.uint(claimId), Cl.principal(voter)]);
    return raw && !("error" in raw) ? camelize(raw) : null;
  }

  async parameter(name: string): Promise<bigint> {
    return this.read("insurance-council", "get-parameter", [Cl.stringAscii(name)]);
  }

  /** The last moment a claim can be filed on the policy (term + grace period + any claims pause since). */
  async filingDeadline(policyId: bigint): Promise<bigint | null> {
    return this.read("cybersecurity-insurance-defi", "get-filing-deadline", [Cl.uint(policyId)]);
  }

  /** The holder's policies, newest first (up to `limit`). */
  async holderPolicies(holder: string, limit = 10): Promise<Policy[]> {
    const count = Number(await this.read("cybersecurity-insurance-defi", "get-holder-policy-count", [Cl.principal(holder)]));
    const indexes = Array.from({ length: Math.min(count, limit) }, (_v, i) => count - 1 - i);
    const ids: bigint[] = await Promise.all(indexes.map((i) => this.read("cybersecurity-insurance-defi", "get-holder-policy", [Cl.principal(holder), Cl.uint(i)])));
    return (await Promise.all(ids.map((id) => this.policy(id)))).filter((p): p is Policy => p !== null);
  }

  /** What is in force now on a protocol (see cover-in-force.ts), from its newest POLICY_SCAN policies. */
  async protocolCover(protocolId: bigint): Promise<CoverInForce> {
    const [{ policies }, now] = await Promise.all([this.protocolPolicies(protocolId, POLICY_SCAN), this.chainTime()]);
    return coverInForce(policies, now);
  }

  async protocolPolicies(protocolId: bigint, limit = 10): Promise<{ total: number; policies: Policy[] }> {
    const count = Number(await this.read("cybersecurity-insurance-defi", "get-protocol-policy-count", [Cl.uint(protocolId)]));
    const indexes = Array.from({ length: Math.min(count, limit) }, (_v, i) => count - 1 - i);
    const ids: bigint[] = await Promise.all(indexes.map((i) => this.read("cybersecurity-insurance-defi", "get-protocol-policy", [Cl.uint(protocolId), Cl.uint(i)])));
    return { total: count, policies: (await Promise.all(ids.map((id) => this.policy(id)))).filter((p): p is Policy => p !== null) };
  }

  /** The most recent claims, newest first, optionally only those in one status (scans at most `scan`). */
  async recentClaims(options: { status?: ClaimStatus; limit?: number; scan?: number } = {}): Promise<Claim[]> {
    const last = Number(await this.lastClaimId());
    const scan = Math.min(last, options.scan ?? 100);
    const claims = await Promise.all(Array.from({ length: scan }, (_v, i) => this.claim(BigInt(last - i))));
    return claims.filter((c): c is Claim => c !== null && (!options.status || c.status === options.status)).slice(0, options.limit ?? 10);
  }
}
