import { expectedPremium } from "./pricing";

/**
 * A small TypeScript model of the capital pool and the cover contract: the ledgers, the checks in
 * the order the contracts make them, and the integer arithmetic they use. Property tests run the
 * same random operations on the model and on the simnet and compare every result.
 */
export const BPS = 10_000n;
export const VIRTUAL_SHARES = 1_000_000n;
export const VIRTUAL_ASSETS = 1n;
const divCeil = (a: bigint, b: bigint) => (a === 0n ? 0n : (a - 1n) / b + 1n);

export type ProtocolState = { status: "pending" | "active" | "paused"; audited: boolean };
export type ModelPolicy = {
  protocolId: number;
  amount: bigint;
  endsAt: bigint;
  status: "active" | "expired";
  capitalPremium: bigint;
};
export type Earning = { rate: bigint; through: bigint; unearned: bigint };
const WEEK = 604_800n;
const RATE_SCALE = 1_000_000_000n;
const ACCRUAL_STEPS = 64;
export type Provider = { shares: bigint; pending: bigint; requestedAt: bigint };

export class CoverModel {
  totalAssets = 0n;
  totalShares = 0n;
  activeCover = 0n;
  premiumsEarned = 0n;
  /** The unearned-premium reserve as last stored, and the rates that stop at the start of each week. */
  earning: Earning = { rate: 0n, through: 0n, unearned: 0n };
  rateEnds = new Map<bigint, bigint>();
  /** Upper bound of the largest cover on one protocol (raised by purchases, lowered by a proof). */
  capMark = 0n;
  rewardReserve = 0n;
  coverPaused = false;
  params: Record<string, bigint> = {
    "capacity-ratio-bps": 20_000n,
    "protocol-cap-bps": 5_000n,
    "utilization-slope-bps": 10_000n,
    "min-deposit": 1_000_000n,
    "min-coverage": 1_000_000n,
    "min-duration-days": 14n,
    "max-duration-days": 365n,
    "withdrawal-cooldown": 604_800n,
    "withdrawal-window": 604_800n,
    "waiting-period": 259_200n,
    "assessor-fee-bps": 500n,
    "claim-grace-period": 1_209_600n,
  };
  providers = new Map<string, Provider>();
  protocols = new Map<number, ProtocolState>();
  protocolCover = new Map<number, bigint>();
  policies: ModelPolicy[] = [];

  /** The reserve as of `now`, computed the way the pool's accrual steps do (at most 64 week boundaries). */
  earningAt(now: bigint): Earning {
    let { rate, through, unearned } = this.earning;
    for (let step = 0; step < ACCRUAL_STEPS && through < now; step++) {
      if (rate === 0n) {
        through = now;
        unearned = 0n;
        break;
      }
      const boundary = (through / WEEK + 1n) * WEEK;
      const until = boundary < now ? boundary : now;
      const earned = (rate * (until - through)) / RATE_SCALE;
      unearned = unearned > earned ? unearned - earned : 0n;
      if (until === boundary) rate -= this.rateEnds.get(boundary / WEEK) ?? 0n;
      through = until;
      if (rate === 0n) unearned = 0n;
    }
    return { rate, through, unearned };
  }
  /** Providers' capital: the assets less the premiums not yet earned (no claims in these sequences). */
  capital(now: bigint) {
    const u = this.earningAt(now).unearned;
    return this.totalAssets > u ? this.totalAssets - u : 0n;
  }
  capacity(now: bigint) {
    return (this.capital(now) * this.params["capacity-ratio-bps"]!) / BPS;
  }
  locked() {
    const byCover = divCeil(this.activeCover * BPS, this.params["capacity-ratio-bps"]!);
    const byProtocol = divCeil(this.capMark * BPS, this.params["protocol-cap-bps"]!);
    return byCover > byProtocol ? byCover : byProtocol;
  }
  free(now: bigint) {
    const c = this.capital(now),
      l = this.locked();
    return c > l ? c - l : 0n;
  }
  sharesFor(amount: bigint, now: bigint) {
    return (amount * (this.totalShares + VIRTUAL_SHARES)) / (this.capital(now) + VIRTUAL_ASSETS);
  }
  valueOf(shares: bigint, now: bigint) {
    return (shares * (this.capital(now) + VIRTUAL_ASSETS)) / (this.totalShares + VIRTUAL_SHARES);
  }
  provider(who: string): Provider {
    return this.providers.get(who) ?? { shares: 0n, pending: 0n, requestedAt: 0n };
  }

  /** Expected outcome of deposit: ["ok", shares] or ["err", code]. */
  deposit(who: string, amount: bigint, balance: bigint, now: bigint): ["ok" | "err", bigint] {
    if (amount < this.params["min-deposit"]!) return ["err", 3001n];
    const e = this.earningAt(now);
    if (e.through !== now) return ["err", 3015n];
    // A wiped-out pool (over 10^8 shares per micro-STX) starts a new share epoch: old holdings are void.
    const capital = this.capital(now);
    const wipedOut =
      this.totalShares > 0n && this.totalShares + VIRTUAL_SHARES > (capital + VIRTUAL_ASSETS) * 100_000_000n;
    const shares = wipedOut ? (amount * VIRTUAL_SHARES) / (capital + VIRTUAL_ASSETS) : this.sharesFor(amount, now);
    if (shares === 0n) return ["err", 3002n];
    if (amount > balance) return ["err", 3007n];
    this.earning = e;
    if (wipedOut) {
      this.totalShares = 0n;
      this.providers.clear();
    }
    const p = this.provider(who);
    this.providers.set(who, { ...p, shares: p.shares + shares });
    this.totalAssets += amount;
    this.totalShares += shares;
    return ["ok", shares];
  }

  requestWithdrawal(who: string, shares: bigint, now: bigint): ["ok" | "err", bigint] {
    const p = this.provider(who);
    if (shares === 0n) return ["err", 3008n];
    if (shares > p.shares) return ["err", 3003n];
    this.providers.set(who, { ...p, pending: shares, requestedAt: now });
    return ["ok", now + this.params["withdrawal-cooldown"]!];
  }

  cancelWithdrawal(who: string): ["ok" | "err", bigint] {
    const p = this.provider(who);
    if (p.pending === 0n) return ["err", 3004n];
    this.providers.set(who, { ...p, pending: 0n, requestedAt: 0n });
    return ["ok", 0n];
  }

  withdraw(who: string, now: bigint): ["ok" | "err", bigint] {
    const p = this.provider(who);
    const amount = this.valueOf(p.pending, now);
    const e = this.earningAt(now);
    if (p.pending === 0n) return ["err", 3004n];
    if (e.through !== now) return ["err", 3015n];
    if (now < p.requestedAt + this.params["withdrawal-cooldown"]!) return ["err", 3005n];
    if (now >= p.requestedAt + this.params["withdrawal-cooldown"]! + this.params["withdrawal-window"]!)
      return ["err", 3012n];
    if (amount === 0n) return ["err", 3008n];
    if (amount > this.free(now)) return ["err", 3006n];
    this.earning = e;
    this.totalAssets -= amount;
    this.totalShares -= p.pending;
    this.providers.set(who, { shares: p.shares - p.pending, pending: 0n, requestedAt: 0n });
    return ["ok", amount];
  }

  /** Mirrors `quote` + `purchase-coverage`; `rateBps` is the protocol's current rate from the chain. */
  purchase(
    protocolId: number,
    amount: bigint,
    days: bigint,
    maxPremium: bigint,
    rateBps: bigint,
    now: bigint,
    balance: bigint,
  ): ["ok" | "err", bigint] {
    if (this.coverPaused) return ["err", 4001n];
    const protocol = this.protocols.get(protocolId);
    if (!protocol) return ["err", 2002n];
    if (protocol.status === "paused") return ["err", 2011n];
    if (protocol.status !== "active") return ["err", 2009n];
    if (!protocol.audited) return ["err", 2010n];
    if (amount < this.params["min-coverage"]!) return ["err", 4002n];
    if (days < this.params["min-duration-days"]! || days > this.params["max-duration-days"]!) return ["err", 4003n];
    const endsAt = now + this.params["waiting-period"]! + days * 86_400n;
    const e = this.earningAt(now);
    if (e.through !== now) return ["err", 3015n];
    const capital = this.capital(now);
    const capacity = this.capacity(now);
    const protocolAfter = (this.protocolCover.get(protocolId) ?? 0n) + amount;
    const premium = expectedPremium({
      amount,
      days,
      rateBps,
      activeCover: this.activeCover,
      capacity,
      slopeBps: this.params["utilization-slope-bps"]!,
    });
    // The pool takes the premium (and may find the buyer short of it) when the cover fits its capacity and
    // the buyer's maximum; the per-protocol cap is checked after, by the ledger.
    if (this.activeCover + amount <= capacity && premium <= maxPremium && premium > balance) return ["err", 3007n];
    if (this.activeCover + amount > capacity) return ["err", 4004n];
    if (protocolAfter > (capital * this.params["protocol-cap-bps"]!) / BPS) return ["err", 4005n];
    if (premium > maxPremium) return ["err", 4006n];
    const fee = (premium * this.params["assessor-fee-bps"]!) / BPS;
    const toCapital = premium - fee;
    const endWeek = divCeil(endsAt, WEEK);
    const rate = (toCapital * RATE_SCALE) / (endWeek * WEEK - now);
    this.earning = { rate: e.rate + rate, through: now, unearned: e.unearned + toCapital };
    this.rateEnds.set(endWeek, (this.rateEnds.get(endWeek) ?? 0n) + rate);
    if (protocolAfter > this.capMark) this.capMark = protocolAfter;
    this.totalAssets += toCapital;
    this.premiumsEarned += toCapital;
    this.rewardReserve += fee;
    this.activeCover += amount;
    this.protocolCover.set(protocolId, protocolAfter);
    this.policies.push({ protocolId, amount, endsAt, status: "active", capitalPremium: toCapital });
    return ["ok", BigInt(this.policies.length)];
  }

  expire(policyId: number, now: bigint): ["ok" | "err", bigint] {
    const policy = this.policies[policyId - 1];
    if (!policy) return ["err", 4007n];
    if (policy.status !== "active") return ["err", 4008n];
    // Claims may come until the grace period is over (claims are never paused in these sequences).
    if (now < policy.endsAt + this.params["claim-grace-period"]!) return ["err", 4009n];
    policy.status = "expired";
    this.activeCover -= policy.amount;
    this.protocolCover.set(policy.protocolId, (this.protocolCover.get(policy.protocolId) ?? 0n) - policy.amount);
    return ["ok", 1n];
  }

  /** The protocols with cover, in id order: the complete proof refresh-protocol-cap takes. */
  coveredProtocols(): number[] {
    return [...this.protocolCover]
      .filter(([, cover]) => cover > 0n)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  refreshCap(list: number[]): ["ok" | "err", bigint] {
    const covered = this.coveredProtocols();
    let last = 0,
      max = 0n,
      ok = true;
    for (const id of list) {
      const cover = this.protocolCover.get(id) ?? 0n;
      ok = ok && id > last && cover > 0n;
      last = id;
      if (cover > max) max = cover;
    }
    if (!ok || list.length !== covered.length) return ["err", 7004n];
    this.capMark = max;
    return ["ok", max];
  }
}
