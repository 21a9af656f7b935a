import { coverInForce, POLICY_SCAN, type CoverInForce } from "./cover-in-force";
import type { Claim, ClaimStatus, Policy, ProtocolReader } from "./protocol-reader";

/**
 * The chain records a view (a page, a command) reads again and again although they no longer change, kept so
 * that each view reads only what still can: without it, a protocol's page or `/protocol` reads every policy
 * ever bought on the protocol (up to POLICY_SCAN, 1,000, two read-only calls each) and the registry every claim
 * (up to 500), on every view once the page cache has expired.
 *
 * - a closed claim (denied, vetoed, paid: the contract never writes it again);
 * - the id at a position of a protocol's policy list (the list only grows);
 * - a policy that can never count as cover again: not active, nothing left to pay, or past its end. Its payouts
 *   can still grow (a claim filed in the grace period), so the totals of a protocol's policies may lag by up to
 *   the memo's age.
 *
 * Kept for `maxAgeMs` (10 minutes), not for ever, so that a re-organisation of the chain shows within that
 * time, and at most `maxEntries` (the oldest go first). For views only: the keeper reads what it acts on fresh.
 */

/** Closed claims: claims-assessment's `is-closed`. */
const CLOSED: ReadonlySet<ClaimStatus> = new Set(["denied", "vetoed", "paid"]);
const MS_PER_MINUTE = 60_000;
const SETTLED_MAX_AGE_MINUTES = 10;
const SETTLED_MAX_AGE_MS = SETTLED_MAX_AGE_MINUTES * MS_PER_MINUTE;
const SETTLED_MAX_ENTRIES = 20_000;
/** How many of the latest claims recentClaims looks through unless told otherwise (as the reader's). */
const CLAIM_SCAN = 100;
const DEFAULT_LIMIT = 10;

/** What the memo reads through (the reader; tests give their own). */
export type SettledReads = Pick<
  ProtocolReader,
  "lastClaimId" | "claim" | "policy" | "protocolPolicyCount" | "protocolPolicyId" | "chainTime"
>;

const coverSettled = (p: Policy, now: bigint) => p.status !== "active" || p.remainingCover === 0n || now >= p.endsAt;

export class SettledRecords {
  private readonly entries = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly reader: SettledReads,
    private readonly options: { maxAgeMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  private recall<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at < (this.options.maxAgeMs ?? SETTLED_MAX_AGE_MS)) return entry.value as T;
    this.entries.delete(key);
    return undefined;
  }

  private remember(key: string, value: unknown) {
    this.entries.delete(key);
    while (this.entries.size >= (this.options.maxEntries ?? SETTLED_MAX_ENTRIES))
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: this.now(), value });
  }

  /** Records kept now. */
  get size() {
    return this.entries.size;
  }

  /** Forgets everything kept. */
  clear() {
    this.entries.clear();
  }

  /** A claim: read from the chain unless it is closed and was read before. */
  async claim(id: bigint): Promise<Claim | null> {
    const known = this.recall<Claim>(`claim:${id}`);
    if (known) return known;
    const claim = await this.reader.claim(id);
    if (claim && CLOSED.has(claim.status)) this.remember(`claim:${id}`, claim);
    return claim;
  }

  /** As ProtocolReader.recentClaims: the most recent claims, newest first, closed ones not read again. */
  async recentClaims(options: { status?: ClaimStatus; limit?: number; scan?: number } = {}): Promise<Claim[]> {
    const last = Number(await this.reader.lastClaimId());
    const scan = Math.min(last, options.scan ?? CLAIM_SCAN);
    const claims = await Promise.all(Array.from({ length: scan }, (_v, i) => this.claim(BigInt(last - i))));
    return claims
      .filter((c): c is Claim => c !== null && (!options.status || c.status === options.status))
      .slice(0, options.limit ?? DEFAULT_LIMIT);
  }

  private async policyId(protocolId: bigint, index: number): Promise<bigint | null> {
    const key = `policy-at:${protocolId}:${index}`;
    const known = this.recall<bigint>(key);
    if (known !== undefined) return known;
    const id = await this.reader.protocolPolicyId(protocolId, index);
    if (id !== null) this.remember(key, id);
    return id;
  }

  private async policy(id: bigint, now: bigint): Promise<Policy | null> {
    const known = this.recall<Policy>(`policy:${id}`);
    if (known) return known;
    const policy = await this.reader.policy(id);
    if (policy && coverSettled(policy, now)) this.remember(`policy:${id}`, policy);
    return policy;
  }

  /** As ProtocolReader.protocolPolicies (newest first), reading again only what can still change. */
  async protocolPolicies(
    protocolId: bigint,
    limit = DEFAULT_LIMIT,
    chainNow?: bigint,
  ): Promise<{ total: number; policies: Policy[] }> {
    const [count, now] = await Promise.all([
      this.reader.protocolPolicyCount(protocolId),
      chainNow ?? this.reader.chainTime(),
    ]);
    const total = Number(count);
    const indexes = Array.from({ length: Math.min(total, limit) }, (_v, i) => total - 1 - i);
    const ids = await Promise.all(indexes.map((i) => this.policyId(protocolId, i)));
    const found = await Promise.all(ids.filter((id) => id !== null).map((id) => this.policy(id, now)));
    return { total, policies: found.filter((p) => p !== null) };
  }

  /** As ProtocolReader.protocolCover: what is in force now on a protocol. */
  async protocolCover(protocolId: bigint): Promise<CoverInForce> {
    const now = await this.reader.chainTime();
    const { policies } = await this.protocolPolicies(protocolId, POLICY_SCAN, now);
    return coverInForce(policies, now);
  }
}
