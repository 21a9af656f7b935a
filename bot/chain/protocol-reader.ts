import { Cl, type ClarityValue } from "@stacks/transactions";
import { decodeReadResult } from "../../stacks/contract-values";
import {
  STATUS_NAMES,
  type ContractName,
  type ReadOnlyFunction,
  type ReadResult,
} from "../../stacks/contracts.generated";
import { ChainUnavailableError, type StacksClient } from "./stacks-client";

/**
 * Typed reads of the protocol's contracts. Everything the bot shows comes from here; Clarity values are
 * decoded (kebab-case tuples to camelCase objects, status codes to names) in this one place.
 */

// Status names come from the contracts' own constants (the generated bindings), so a new status cannot go unnamed.
export const POLICY_STATUS = STATUS_NAMES["policy-ledger"];
export const CLAIM_STATUS = STATUS_NAMES["claims-assessment"];
export const PROTOCOL_STATUS = STATUS_NAMES["protocol-registry"];
export const CATEGORIES = [
  "dex",
  "lending",
  "bridge",
  "stablecoin",
  "yield",
  "derivatives",
  "liquid-staking",
  "nft",
  "other",
] as const;
export const VERDICTS = { 1: "pass", 2: "pass with conditions", 3: "fail" } as const;
export type ClaimStatus = (typeof CLAIM_STATUS)[keyof typeof CLAIM_STATUS];
/** The longest protocol name the registry holds (string-ascii 48). */
export const PROTOCOL_NAME_MAX = 48;

/** A read-only function's result that may be none, without the none. */
type Found<C extends ContractName, F extends ReadOnlyFunction<C>> = NonNullable<ReadResult<C, F>>;
type Ok<T> = Exclude<T, { error: bigint }>;
const COVER = "cybersecurity-insurance-defi";

// The records the bot shows are the contracts' own, as the generated bindings type them, with ids added and
// status, verdict and category codes named.
export type Policy = Omit<Found<typeof COVER, "get-policy">, "status"> & {
  id: bigint;
  status: (typeof POLICY_STATUS)[keyof typeof POLICY_STATUS];
};
export type Claim = Omit<Found<"claims-assessment", "get-claim">, "status"> & { id: bigint; status: ClaimStatus };
export type Audit = Omit<Found<"protocol-registry", "get-audit">, "verdict"> & {
  id: bigint;
  verdict: (typeof VERDICTS)[keyof typeof VERDICTS];
};
export type Risk = { score: bigint; tier: bigint; rateBps: bigint };
export type Protocol = Omit<Found<"protocol-registry", "get-protocol">, "status" | "category"> & {
  id: bigint;
  status: (typeof PROTOCOL_STATUS)[keyof typeof PROTOCOL_STATUS];
  category: string;
};
export type ProtocolDetails = Protocol & {
  latestAudit: Audit | null;
  risk: Risk | null;
  activeCover: bigint;
  /** null when cover can be bought, else the contract's reason code. */ notInsurableCode: bigint | null;
};
export type PoolStats = ReadResult<"capital-pool", "get-pool-stats">;
export type Assessor = ReadResult<"assessor-staking", "get-assessor">;
export type Provider = ReadResult<"capital-pool", "get-provider">;
export type Quote = Ok<ReadResult<typeof COVER, "quote">>;
export type Vote = Found<"claims-assessment", "get-vote">;
export type Council = ReadResult<"insurance-council", "get-council">;
export type Proposal = Found<"insurance-council", "get-proposal">;
export type ProposalState = Proposal & {
  id: bigint;
  approvedByMember: boolean;
  executableAt: bigint | null;
  expiresAt: bigint;
};
export type VoteEligibility = Ok<Found<"claims-assessment", "get-vote-eligibility">>;

export class ContractError extends Error {
  constructor(readonly code: bigint) {
    super(`contract error u${code}`);
  }
}

export class ProtocolReader {
  constructor(
    readonly client: StacksClient,
    readonly deployer: string,
  ) {}

  /** The chain's own clock: the latest block's time (what the contracts compare against). */
  async chainTime(): Promise<bigint> {
    const { data } = await this.client.api.GET("/extended/v2/blocks/", { params: { query: { limit: 1 } } });
    const time = data?.results[0]?.block_time;
    if (time === undefined) throw new ChainUnavailableError("the API returned no blocks");
    return BigInt(time);
  }

  contractId(name: string) {
    return `${this.deployer}.${name}`;
  }

  /**
   * Only a read-only function the contract has, and its result typed and checked as the generated bindings
   * describe it (stacks/contract-values.ts).
   */
  private async read<C extends ContractName, F extends ReadOnlyFunction<C> & string>(
    contract: C,
    fn: F,
    args: ClarityValue[] = [],
  ): Promise<ReadResult<C, F>> {
    return decodeReadResult(contract, fn, await this.client.readOnly(this.contractId(contract), fn, args));
  }

  async policy(id: bigint): Promise<Policy | null> {
    const raw = await this.read(COVER, "get-policy", [Cl.uint(id)]);
    if (!raw) return null;
    const p = raw;
    return { ...p, id, status: POLICY_STATUS[Number(p.status) as keyof typeof POLICY_STATUS] ?? "active" };
  }

  async claim(id: bigint): Promise<Claim | null> {
    const raw = await this.read("claims-assessment", "get-claim", [Cl.uint(id)]);
    if (!raw) return null;
    const c = raw;
    return { ...c, id, status: CLAIM_STATUS[Number(c.status) as keyof typeof CLAIM_STATUS] };
  }

  async protocol(id: bigint): Promise<Protocol | null> {
    const raw = await this.read("protocol-registry", "get-protocol", [Cl.uint(id)]);
    if (!raw) return null;
    const p = raw;
    return {
      ...p,
      id,
      status: PROTOCOL_STATUS[Number(p.status) as keyof typeof PROTOCOL_STATUS],
      category: CATEGORIES[Number(p.category) - 1] ?? "other",
    };
  }

  async protocolDetails(id: bigint): Promise<ProtocolDetails | null> {
    const protocol = await this.protocol(id);
    if (!protocol) return null;
    const [audit, risk, insurable, activeCover] = await Promise.all([
      protocol.latestAuditId > 0n
        ? this.read("protocol-registry", "get-audit", [Cl.uint(protocol.latestAuditId)])
        : null,
      this.read("protocol-registry", "get-risk-breakdown", [Cl.uint(id)]),
      this.read("protocol-registry", "check-insurable", [Cl.uint(id)]),
      this.read(COVER, "get-protocol-coverage", [Cl.uint(id)]),
    ]);
    const latestAudit = audit
      ? { ...audit, id: protocol.latestAuditId, verdict: VERDICTS[Number(audit.verdict) as keyof typeof VERDICTS] }
      : null;
    return {
      ...protocol,
      latestAudit,
      activeCover,
      risk: risk && !("error" in risk) ? { score: risk.score, tier: risk.tier, rateBps: risk.rateBps } : null,
      notInsurableCode: insurable && "error" in insurable ? insurable.error : null,
    };
  }

  async protocolCoverage(protocolId: bigint): Promise<bigint> {
    return this.read(COVER, "get-protocol-coverage", [Cl.uint(protocolId)]);
  }

  async lastProtocolId(): Promise<bigint> {
    return this.read("protocol-registry", "get-last-protocol-id");
  }
  async lastPolicyId(): Promise<bigint> {
    return this.read(COVER, "get-last-policy-id");
  }
  async lastClaimId(): Promise<bigint> {
    return this.read("claims-assessment", "get-last-claim-id");
  }

  /** The exact premium purchase-coverage would charge now, or the contract's reason it would refuse. */
  async quote(protocolId: bigint, amount: bigint, days: bigint): Promise<Quote> {
    const raw = await this.read(COVER, "quote", [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days)]);
    if ("error" in raw) throw new ContractError(raw.error);
    return raw;
  }

  async pool(): Promise<PoolStats> {
    return await this.read("capital-pool", "get-pool-stats");
  }

  /** A capital provider's shares, their value now, and any withdrawal request with its unlock and expiry. */
  async provider(address: string): Promise<Provider> {
    return await this.read("capital-pool", "get-provider", [Cl.principal(address)]);
  }

  /** The shares a deposit of `amount` would mint now. */
  async sharesForAmount(amount: bigint): Promise<bigint> {
    return await this.read("capital-pool", "shares-for-amount", [Cl.uint(amount)]);
  }

  async assessor(address: string): Promise<Assessor> {
    return await this.read("assessor-staking", "get-assessor", [Cl.principal(address)]);
  }

  /** Whether `voter` can vote on a claim now, and with what stake and weight (what the vote page shows). */
  async voteEligibility(
    claimId: bigint,
    voter: string,
  ): Promise<{ stake: bigint; weight: bigint; voted: boolean; conflict: boolean; open: boolean } | null> {
    const raw = await this.read("claims-assessment", "get-vote-eligibility", [Cl.uint(claimId), Cl.principal(voter)]);
    return raw && !("error" in raw) ? raw : null;
  }

  /** The council's threshold, size and membership epoch. */
  async council(): Promise<Council> {
    return this.read("insurance-council", "get-council");
  }

  async isCouncilMember(address: string): Promise<boolean> {
    return this.read("insurance-council", "is-member", [Cl.principal(address)]);
  }

  /** Whether a member has signed a claim's decision and its veto under the current membership. */
  async councilSignature(claimId: bigint, member: string): Promise<{ decided: boolean; vetoed: boolean }> {
    return this.read("claims-assessment", "get-council-signature", [Cl.uint(claimId), Cl.principal(member)]);
  }

  /** A council proposal with, for `member`, whether they approved it, and when it may execute and expires. */
  async proposal(id: bigint, member: string): Promise<ProposalState | null> {
    const [proposal, approved, executableAt, expiresAt] = await Promise.all([
      this.read("insurance-council", "get-proposal", [Cl.uint(id)]),
      this.read("insurance-council", "has-approved", [Cl.uint(id), Cl.principal(member)]),
      this.read("insurance-council", "get-executable-at", [Cl.uint(id)]),
      this.read("insurance-council", "get-proposal-expires-at", [Cl.uint(id)]),
    ]);
    return proposal ? { ...proposal, id, approvedByMember: approved, executableAt, expiresAt: expiresAt ?? 0n } : null;
  }

  /** `voter`'s ballot on a claim, if they voted. */
  async vote(claimId: bigint, voter: string): Promise<Vote | null> {
    return this.read("claims-assessment", "get-vote", [Cl.uint(claimId), Cl.principal(voter)]);
  }

  async parameter(name: string): Promise<bigint> {
    return this.read("insurance-council", "get-parameter", [Cl.stringAscii(name)]);
  }

  /** The claim open on a policy, if any (a policy carries one open claim at a time). */
  async openClaim(policyId: bigint): Promise<bigint | null> {
    return this.read("claims-assessment", "get-open-claim", [Cl.uint(policyId)]);
  }

  async claimsPaused(): Promise<boolean> {
    return this.read("insurance-council", "is-claims-paused");
  }

  /**
   * The micro-STX an address can spend now (the node's account answer, which Hiro's API serves too: its
   * `balance` leaves out what stacking locks).
   */
  async stxBalance(address: string): Promise<bigint> {
    const base = this.client.options.apiUrl.replace(/\/+$/, "");
    const answer = await this.client.fetch(`${base}/v2/accounts/${encodeURIComponent(address)}?proof=0`);
    if (!answer.ok) throw new ChainUnavailableError(`HTTP ${answer.status} reading an account`);
    const { balance } = (await answer.json()) as { balance?: string };
    if (typeof balance !== "string" || !/^0x[0-9a-f]+$/i.test(balance))
      throw new ChainUnavailableError("the account answer has no balance");
    return BigInt(balance);
  }

  /** The last moment a claim can be filed on the policy (term + grace period + any claims pause since). */
  async filingDeadline(policyId: bigint): Promise<bigint | null> {
    return this.read(COVER, "get-filing-deadline", [Cl.uint(policyId)]);
  }
}
