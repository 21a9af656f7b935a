import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { Cl, ClarityType } from "@stacks/transactions";
import type { ParsedTransactionResult } from "@stacks/clarinet-sdk";
import {
  ORACLE,
  alice,
  bob,
  carol,
  dave,
  deployer,
  erin,
  frank,
  grace,
  heidi,
  call,
  council,
  readJs,
  stxBalance,
  contractId,
  setupRoles,
  listProtocol,
  recordAudit,
  expectOk,
  now,
  printed,
  errors,
  STX,
  HOUR,
  storedVar,
  storedEntry,
  unearnedAt,
} from "./helpers";

/**
 * Random lives of many claims, run on the simnet. Every call must end in `ok` or one of the contracts'
 * named errors (never a runtime failure), and after every step:
 * - the STX each custody contract holds equals the sum of its ledgers, and each ledger equals what the
 *   open, approved and closed claims say it should;
 * - no policy has paid out more than its cover;
 * - no claim is paid more than once, nor more than it is owed;
 * - every claim's tally equals the sum of the votes recorded on it.
 */

const POOL = contractId("capital-pool");
const STAKING = contractId("assessor-staking");
const ASSESSORS = [bob, heidi, alice, carol];
const HOLDERS = [frank, grace];
const MEMBERS = [deployer, carol, dave];
const PROVIDERS = [alice, bob];
const KNOWN_ERRORS = new Set(Object.values(errors).flatMap((e) => Object.values(e)));
const CLOSED = new Set([5n, 6n, 7n]);

type World = {
  policies: bigint[];
  claims: bigint[];
  votes: Map<bigint, string[]>;
  payouts: Map<bigint, number>;
  ops: number;
  /** Outcomes seen, as "label ok" or "label err <code>", for the checks that the examples reach what they claim. */
  seen: Set<string>;
};

function settled(result: ParsedTransactionResult, w: World, label = "") {
  const r = result.result;
  if (r.type === ClarityType.ResponseErr) {
    // A refusal must be one of the named errors.
    const code = BigInt((r.value as { value: bigint }).value);
    expect(KNOWN_ERRORS.has(code)).toBe(true);
    if (label) w.seen.add(`${label} err ${code}`);
    return false;
  }
  if (label) w.seen.add(`${label} ok`);
  expect(r.type).toBe(ClarityType.ResponseOk);
  for (const e of printed(result)) {
    if (e.topic === "claim-paid") w.payouts.set(e["claim-id"], (w.payouts.get(e["claim-id"]) ?? 0) + 1);
  }
  return true;
}

const REPUTATION_START = 10_000n;

// Ledgers are read straight from storage (storedVar/storedEntry): the same numbers the getters return,
// at a fraction of the cost, so that every invariant can be checked after every step.
function checkInvariants(w: World) {
  const pool = (name: string) => storedVar("capital-pool", name) as bigint;
  const [assets, reserve, rewardsOwed, bondsHeld] = [
    "total-assets",
    "reward-reserve",
    "rewards-owed",
    "bonds-held",
  ].map(pool);
  expect(stxBalance(POOL)).toBe(assets! + reserve! + rewardsOwed! + bondsHeld!);
  let bonds = 0n,
    pending = 0n,
    owed = 0n;
  for (const id of w.claims) {
    const c = storedEntry("claims-assessment", "claims", Cl.uint(id));
    if (!CLOSED.has(c.status)) bonds += c.bond;
    if ([1n, 2n, 3n].includes(c.status)) pending += c.payable;
    if (c.status === 4n) owed += c.payable;
    // Tally = sum of recorded votes.
    let yes = 0n,
      no = 0n,
      staked = 0n;
    for (const voter of w.votes.get(id) ?? []) {
      const v = storedEntry(
        "claims-assessment",
        "votes",
        Cl.tuple({ "claim-id": Cl.uint(id), voter: Cl.principal(voter) }),
      );
      if (v.approve) yes += v.weight;
      else no += v.weight;
      staked += v.stake;
    }
    expect([c["approve-weight"], c["deny-weight"], c["voted-stake"], c["approve-count"] + c["deny-count"]]).toEqual([
      yes,
      no,
      staked,
      BigInt((w.votes.get(id) ?? []).length),
    ]);
    // Paid at most once, never more than owed.
    expect(w.payouts.get(id) ?? 0).toBe(c.status === 7n ? 1 : 0);
    expect(c.paid).toBeLessThanOrEqual(c.payable);
  }
  expect([bondsHeld, pool("claims-pending"), pool("claims-owed")]).toEqual([bonds, pending, owed]);
  // Providers' shares of the current share epoch add up to the total (earlier epochs were wiped out).
  const epoch = storedVar("capital-pool", "share-epoch");
  let shares = 0n;
  for (const who of PROVIDERS) {
    const p = storedEntry("capital-pool", "providers", Cl.principal(who));
    if (p && p.epoch === epoch) shares += p.shares;
  }
  expect(shares).toBe(pool("total-shares"));
  // Staking custody.
  let staked = 0n;
  for (const who of ASSESSORS) {
    const a = storedEntry("assessor-staking", "assessors", Cl.principal(who)) ?? {
      active: 0n,
      unstaking: 0n,
      reputation: REPUTATION_START,
    };
    staked += a.active + a.unstaking;
    expect(a.reputation >= 5_000n && a.reputation <= 20_000n).toBe(true);
  }
  expect(stxBalance(STAKING)).toBe(staked);
  expect(storedVar("assessor-staking", "total-active") + storedVar("assessor-staking", "total-unstaking")).toBe(staked);
  // No policy pays more than its cover. The unearned-premium reserve never holds more than the providers'
  // part of the premiums collected, nor more than the pool's assets (a payout beyond the capital spends it).
  let collected = 0n;
  for (const id of w.policies) {
    const p = storedEntry("policy-ledger", "policies", Cl.uint(id));
    collected += p["capital-premium"];
    expect(p["total-paid"]).toBeLessThanOrEqual(p["coverage-amount"] - p["remaining-cover"]);
    expect(p["remaining-cover"]).toBeLessThanOrEqual(p["coverage-amount"]);
  }
  const unearned = unearnedAt(now());
  expect(unearned).toBeLessThanOrEqual(storedVar("capital-pool", "earning").unearned);
  expect(storedVar("capital-pool", "earning").unearned).toBeLessThanOrEqual(collected);
  expect(unearned).toBeLessThanOrEqual(assets!);
}

abstract class Step implements fc.Command<World, object> {
  check() {
    return true;
  }
  run(w: World) {
    this.act(w);
    w.ops += 1;
    checkInvariants(w);
  }
  abstract act(w: World): void;
  abstract toString(): string;
}
const pick = <T>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
/**
 * Half of the time any claim (wrong states exercise the refusals), half of the time one whose status the
 * call expects, so that random sequences regularly carry claims through their whole course.
 */
function target(w: World, n: number, statuses: bigint[]): bigint | undefined {
  if (n % 2 === 1 || statuses.length === 0) return pick(w.claims, n >> 1);
  const fitting = w.claims.filter((id) =>
    statuses.includes(storedEntry("claims-assessment", "claims", Cl.uint(id)).status),
  );
  return pick(fitting.length > 0 ? fitting : w.claims, n >> 1);
}
// The statuses each call on a claim moves on from.
const EXPECTS: Record<string, bigint[]> = {
  vote: [1n],
  "finalize-claim": [1n],
  "council-approve-claim": [2n, 3n],
  "council-deny-claim": [2n, 3n],
  "council-veto": [4n],
  "execute-payout": [4n],
  "accept-partial-payout": [4n],
  "settle-vote": [5n, 6n, 7n],
};

class Stake extends Step {
  constructor(
    readonly who: number,
    readonly amount: bigint,
  ) {
    super();
  }
  act(w: World) {
    settled(call("assessor-staking", "stake", [Cl.uint(this.amount)], ASSESSORS[this.who]!), w);
  }
  toString() {
    return `stake(${this.who}, ${this.amount})`;
  }
}
class Unstake extends Step {
  constructor(
    readonly who: number,
    readonly amount: bigint,
  ) {
    super();
  }
  act(w: World) {
    settled(call("assessor-staking", "request-unstake", [Cl.uint(this.amount)], ASSESSORS[this.who]!), w);
  }
  toString() {
    return `request-unstake(${this.who}, ${this.amount})`;
  }
}
class WithdrawStake extends Step {
  constructor(readonly who: number) {
    super();
  }
  act(w: World) {
    settled(call("assessor-staking", "withdraw-stake", [], ASSESSORS[this.who]!), w);
  }
  toString() {
    return `withdraw-stake(${this.who})`;
  }
}
class Buy extends Step {
  constructor(
    readonly holder: number,
    readonly protocol: number,
    readonly amount: bigint,
  ) {
    super();
  }
  act(w: World) {
    const r = call(
      "cybersecurity-insurance-defi",
      "purchase-coverage",
      [Cl.uint(this.protocol), Cl.uint(this.amount), Cl.uint(60), Cl.uint(this.amount)],
      HOLDERS[this.holder]!,
    );
    if (settled(r, w)) w.policies.push(BigInt((r.result as any).value.value));
  }
  toString() {
    return `buy(${this.holder}, p${this.protocol}, ${this.amount})`;
  }
}
class Submit extends Step {
  constructor(
    readonly policy: number,
    readonly amountBps: bigint,
    readonly hoursAgo: number,
  ) {
    super();
  }
  act(w: World) {
    const policyId = pick(w.policies, this.policy);
    if (policyId === undefined) return;
    const p = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]);
    const amount = (p["remaining-cover"] * this.amountBps) / 10_000n;
    const r = call(
      "claims-assessment",
      "submit-claim",
      [
        Cl.uint(policyId),
        Cl.uint(amount),
        Cl.uint(now() - BigInt(this.hoursAgo * HOUR)),
        Cl.stringUtf8("exploit"),
        Cl.buffer(new Uint8Array(32).fill(1)),
        Cl.stringAscii("https://evidence.example/x"),
      ],
      p.holder,
    );
    if (settled(r, w)) w.claims.push(BigInt((r.result as any).value.value));
  }
  toString() {
    return `submit(#${this.policy}, ${this.amountBps}bps, -${this.hoursAgo}h)`;
  }
}
class Vote extends Step {
  constructor(
    readonly claim: number,
    readonly voter: number,
    readonly approve: boolean,
  ) {
    super();
  }
  act(w: World) {
    const id = target(w, this.claim, EXPECTS.vote!);
    if (id === undefined) return;
    const voter = ASSESSORS[this.voter]!;
    if (settled(call("claims-assessment", "vote", [Cl.uint(id), Cl.bool(this.approve)], voter), w)) {
      w.votes.set(id, [...(w.votes.get(id) ?? []), voter]);
    }
  }
  toString() {
    return `vote(#${this.claim}, ${this.voter}, ${this.approve})`;
  }
}
class OnClaim extends Step {
  constructor(
    readonly fn: string,
    readonly claim: number,
    readonly who: number,
  ) {
    super();
  }
  act(w: World) {
    const id = target(w, this.claim, EXPECTS[this.fn]!);
    if (id === undefined) return;
    const args = this.fn === "council-veto" ? [Cl.uint(id), Cl.buffer(new Uint8Array(32).fill(2))] : [Cl.uint(id)];
    const sender = this.fn.startsWith("council")
      ? MEMBERS[this.who % 3]!
      : this.fn === "settle-vote"
        ? ASSESSORS[this.who % 4]!
        : this.fn === "accept-partial-payout"
          ? readJs("claims-assessment", "get-claim", [Cl.uint(id)]).claimant
          : dave;
    settled(call("claims-assessment", this.fn, args, sender), w);
  }
  toString() {
    return `${this.fn}(#${this.claim}, ${this.who})`;
  }
}
/** Two council members sign the same decision one after the other (the threshold is 2 of 3). */
class CouncilDecision extends Step {
  constructor(
    readonly fn: string,
    readonly claim: number,
    readonly first: number,
  ) {
    super();
  }
  act(w: World) {
    const id = target(w, this.claim, EXPECTS[this.fn]!);
    if (id === undefined) return;
    const args = this.fn === "council-veto" ? [Cl.uint(id), Cl.buffer(new Uint8Array(32).fill(2))] : [Cl.uint(id)];
    settled(call("claims-assessment", this.fn, args, MEMBERS[this.first % 3]!), w);
    w.ops += 1;
    checkInvariants(w);
    settled(call("claims-assessment", this.fn, args, MEMBERS[(this.first + 1) % 3]!), w);
  }
  toString() {
    return `${this.fn} by two members(#${this.claim}, ${this.first})`;
  }
}
class Advance extends Step {
  constructor(readonly blocks: number) {
    super();
  }
  act() {
    simnet.mineEmptyBlocks(this.blocks);
  }
  toString() {
    return `advance(${this.blocks})`;
  }
}
class Provide extends Step {
  constructor(
    readonly fn: "deposit" | "request-withdrawal" | "withdraw",
    readonly who: number,
    readonly amount: bigint,
  ) {
    super();
  }
  act(w: World) {
    const who = PROVIDERS[this.who]!;
    const args =
      this.fn === "withdraw"
        ? [Cl.uint(0)]
        : this.fn === "deposit"
          ? [Cl.uint(this.amount)]
          : [Cl.uint((readJs("capital-pool", "get-provider", [Cl.principal(who)]).shares * this.amount) / 100n)];
    settled(call("capital-pool", this.fn, args, who), w, this.fn);
  }
  toString() {
    return `${this.fn}(${this.who}, ${this.amount})`;
  }
}

/** A policy's expiry: refused until its claims grace period is over, then it frees the policy's backing. */
class Expire extends Step {
  constructor(readonly policy: number) {
    super();
  }
  act(w: World) {
    const policyId = pick(w.policies, this.policy);
    if (policyId !== undefined)
      settled(call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], dave), w, "expire");
  }
  toString() {
    return `expire(#${this.policy})`;
  }
}
/** Council business on the latest proposal: proposed, approved, revoked, cancelled or executed (after its timelock or not). */
class Govern extends Step {
  constructor(
    readonly fn: "propose" | "approve" | "revoke" | "cancel" | "execute",
    readonly value: bigint,
  ) {
    super();
  }
  act(w: World) {
    const last = storedVar("insurance-council", "last-proposal-id") as bigint;
    const id = Cl.uint(last);
    const r =
      this.fn === "propose"
        ? call("insurance-council", "propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(this.value)], deployer)
        : this.fn === "approve"
          ? call("insurance-council", "approve", [id], carol)
          : this.fn === "revoke"
            ? call("insurance-council", "revoke", [id], carol)
            : this.fn === "cancel"
              ? call("insurance-council", "cancel", [id], deployer)
              : call("insurance-council", "execute", [id], dave);
    settled(r, w, this.fn);
  }
  toString() {
    return `${this.fn}(${this.value})`;
  }
}

/** A parameter change passed by the council (2 of 3), timelock included. */
class Tune extends Step {
  constructor(
    readonly name: string,
    readonly value: bigint,
  ) {
    super();
  }
  act(w: World) {
    settled(
      council.pass("propose-parameter", [Cl.stringAscii(this.name), Cl.uint(this.value)], [carol]),
      w,
      `tune ${this.name}`,
    );
  }
  toString() {
    return `tune(${this.name}=${this.value})`;
  }
}

const stxAmount = fc.bigInt({ min: 1n, max: 200_000n }).map((n) => n * STX);
const submit = fc
  .tuple(fc.nat(20), fc.bigInt({ min: 0n, max: 11_000n }), fc.integer({ min: 0, max: 200 }))
  .map(([p, a, h]) => new Submit(p, a, h));
const voteOn = fc.tuple(fc.nat(40), fc.nat(3), fc.boolean()).map(([c, v, a]) => new Vote(c, v, a));
const onClaim = (fns: string[]) =>
  fc.tuple(fc.constantFrom(...fns), fc.nat(40), fc.nat(11)).map(([f, c, w]) => new OnClaim(f, c, w));
// Listed more than once: weights, so that claims regularly run their whole course.
const commands = [
  fc.tuple(fc.nat(3), stxAmount).map(([w, a]) => new Stake(w, a)),
  fc.tuple(fc.nat(3), stxAmount).map(([w, a]) => new Unstake(w, a)),
  fc.nat(3).map((w) => new WithdrawStake(w)),
  fc
    .tuple(
      fc.nat(1),
      fc.integer({ min: 1, max: 2 }),
      fc.bigInt({ min: 1_000n, max: 150_000n }).map((n) => n * STX),
    )
    .map(([h, p, a]) => new Buy(h, p, a)),
  submit,
  submit,
  voteOn,
  voteOn,
  voteOn,
  onClaim(["finalize-claim"]),
  onClaim(["finalize-claim"]),
  onClaim(["council-approve-claim", "council-deny-claim", "council-veto"]),
  onClaim(["council-approve-claim", "council-deny-claim", "council-veto"]),
  fc
    .tuple(
      fc.constantFrom("council-approve-claim", "council-deny-claim", "council-veto", "council-veto"),
      fc.nat(40),
      fc.nat(2),
    )
    .map(([f, c, m]) => new CouncilDecision(f, c, m)),
  onClaim(["execute-payout", "accept-partial-payout"]),
  onClaim(["execute-payout"]),
  onClaim(["settle-vote"]),
  onClaim(["settle-vote"]),
  fc.integer({ min: 1, max: 600 }).map((n) => new Advance(n)),
  // Short steps too, so that decisions also land inside the one-day veto window.
  fc.integer({ min: 1, max: 60 }).map((n) => new Advance(n)),
  fc.nat(20).map((p) => new Expire(p)),
  fc
    .tuple(
      fc.constantFrom("propose", "approve", "revoke", "cancel", "execute") as fc.Arbitrary<Govern["fn"]>,
      fc.constantFrom(800n, 1_000n, 1_500n),
    )
    .map(([f, v]) => new Govern(f, v)),
  fc
    .tuple(
      fc.constantFrom("deposit", "request-withdrawal", "withdraw") as fc.Arbitrary<
        "deposit" | "request-withdrawal" | "withdraw"
      >,
      fc.nat(1),
      fc.bigInt({ min: 1n, max: 100n }),
    )
    .map(([f, w, a]) => new Provide(f, w, f === "deposit" ? a * 10_000n * STX : a)),
];

/**
 * Run first, before the random sequences: three claims carried to the three ways a claim ends (paid,
 * denied, vetoed by two council members), and every ballot settled, so that each invariant is seen to
 * hold across a whole lifecycle on every run of the suite. (Odd claim picks address claims by filing order.)
 */
const byFilingOrder = (index: number) => 2 * index + 1;
const LIFECYCLES: Step[] = [
  new Submit(0, 3_000n, 1),
  new Submit(1, 2_000n, 1),
  new Submit(2, 5_000n, 1),
  // Three distinct voters on each claim: the quorum of a claim of 1,000 STX or more needs them.
  ...[0, 1, 2].flatMap((v) => [
    new Vote(byFilingOrder(0), v, true),
    new Vote(byFilingOrder(1), v, false),
    new Vote(byFilingOrder(2), v, true),
  ]),
  new Advance(500), // past the three-day voting window
  ...[0, 1, 2].map((i) => new OnClaim("finalize-claim", byFilingOrder(i), 0)),
  new CouncilDecision("council-veto", byFilingOrder(2), 0),
  new Advance(200), // past the one-day veto window
  new OnClaim("execute-payout", byFilingOrder(0), 0),
  new OnClaim("execute-payout", byFilingOrder(2), 0),
  ...[0, 1, 2].flatMap((i) => [0, 1, 2].map((v) => new OnClaim("settle-vote", byFilingOrder(i), v))),
];

/**
 * Run first too: the council lets one protocol take all the capital (with two protocols and a 50 % cap,
 * claims can never exceed it), a provider takes out all the capital that does not back cover, two large
 * claims on the remaining cover are approved by vote and council, the pool cannot pay both, each claimant
 * accepts its pro-rata share, and the pool is wiped out; the next deposit recapitalises it in a new share
 * epoch.
 */
const WIPE_OUT: Step[] = [
  new Tune("protocol-cap-bps", 10_000n),
  new Provide("request-withdrawal", 0, 83n),
  new Advance(1_100), // past the seven-day cooldown
  new Provide("withdraw", 0, 0n),
  new Submit(0, 10_000n, 1),
  new Submit(1, 10_000n, 1),
  ...[0, 1, 2].flatMap((v) => [new Vote(byFilingOrder(0), v, true), new Vote(byFilingOrder(1), v, true)]),
  new Advance(500),
  new OnClaim("finalize-claim", byFilingOrder(0), 0),
  new OnClaim("finalize-claim", byFilingOrder(1), 0),
  new CouncilDecision("council-approve-claim", byFilingOrder(0), 0),
  new CouncilDecision("council-approve-claim", byFilingOrder(1), 0),
  new Advance(200),
  new OnClaim("accept-partial-payout", byFilingOrder(0), 0),
  new OnClaim("accept-partial-payout", byFilingOrder(1), 0),
  new Provide("deposit", 1, 10_000n * STX),
  new Provide("request-withdrawal", 0, 100n),
];

/**
 * Run first too: a policy's expiry refused during its claims grace period (a claim is filed then), and
 * allowed after it; deposits refused in a veto window; a proposal revoked, approved again, executed after
 * its timelock, and another cancelled.
 */
const GRACE_AND_GOVERNANCE: Step[] = [
  new Govern("propose", 1_500n),
  new Govern("approve", 0n),
  new Govern("revoke", 0n),
  new Govern("approve", 0n),
  new Govern("execute", 0n), // timelocked
  new Advance(150 * 9), // past the timelock of the withdrawal cooldown plus a day
  new Govern("execute", 0n),
  new Govern("propose", 800n),
  new Govern("cancel", 0n),
  new Govern("execute", 0n),
  new Advance(150 * 103), // day 124 after the 120-day policies were bought (3 days waiting + 120): in the claims grace period
  new Expire(0),
  new Expire(1),
  new Expire(2),
  new Submit(0, 2_000n, 24 * 70), // an incident before the end, claimed in the grace period
  ...[0, 1, 2].map((v) => new Vote(byFilingOrder(0), v, true)),
  new Advance(500),
  new OnClaim("finalize-claim", byFilingOrder(0), 0),
  new Provide("deposit", 1, 10_000n * STX), // refused while the approved claim settles
  new Advance(200),
  new OnClaim("execute-payout", byFilingOrder(0), 0),
  new Advance(150 * 15), // past the grace period
  new Expire(0),
  new Expire(1),
  new Expire(2),
];

function setupWorld(): World {
  setupRoles();
  for (const who of [carol, dave]) expectOk(council.pass("propose-member", [Cl.principal(who), Cl.bool(true)]));
  expectOk(council.pass("propose-threshold", [Cl.uint(2)]));
  // Small enough claims mix both paths: large ones need the council.
  const id = expectOk(
    council.propose("propose-parameter", [Cl.stringAscii("large-claim-threshold"), Cl.uint(50_000n * STX)]),
  );
  expectOk(call("insurance-council", "approve", [Cl.uint(id)], carol));
  council.waitTimelock(id);
  expectOk(call("insurance-council", "execute", [Cl.uint(id)], deployer));
  for (const name of ["alpha", "beta"]) {
    const protocolId = expectOk(listProtocol(name, [erin], 1)) as bigint;
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(protocolId)], ORACLE));
    expectOk(recordAudit(protocolId));
  }
  expectOk(call("capital-pool", "deposit", [Cl.uint(600_000n * STX)], alice));
  expectOk(call("assessor-staking", "stake", [Cl.uint(50_000n * STX)], bob));
  expectOk(call("assessor-staking", "stake", [Cl.uint(20_000n * STX)], heidi));
  expectOk(call("assessor-staking", "stake", [Cl.uint(10_000n * STX)], alice));
  // Policies already in force, so claims can be filed from the first step.
  const policies: bigint[] = [];
  for (const [holder, protocolId, amount] of [
    [frank, 1, 100_000n],
    [grace, 2, 60_000n],
    [frank, 2, 20_000n],
  ] as const) {
    policies.push(
      expectOk(
        call(
          "cybersecurity-insurance-defi",
          "purchase-coverage",
          [Cl.uint(protocolId), Cl.uint(amount * STX), Cl.uint(120), Cl.uint(amount * STX)],
          holder,
        ),
      ) as bigint,
    );
  }
  simnet.mineEmptyBlocks(12 * 150);
  return { policies, claims: [], votes: new Map(), payouts: new Map(), ops: 0, seen: new Set() };
}

describe("claims-side properties", () => {
  it("keep the ledgers, the cover limits, single payouts and the tallies right over at least 1,000 random operations", async () => {
    let total = 0;
    const outcomes = new Map<bigint, number>(); // final status -> claims, over every run
    let recapitalised = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 200, size: "max" }), async (cmds) => {
        await simnet.initSession(process.cwd(), "./Clarinet.toml", undefined);
        const world = setupWorld();
        fc.modelRun(() => ({ model: world, real: {} }), cmds);
        total += world.ops;
        for (const o of world.seen) seen.add(o);
        if (storedVar("capital-pool", "share-epoch") > 0n) recapitalised += 1;
        for (const id of world.claims) {
          const status = storedEntry("claims-assessment", "claims", Cl.uint(id)).status as bigint;
          outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
        }
      }),
      { numRuns: 20, examples: [[LIFECYCLES], [WIPE_OUT], [GRACE_AND_GOVERNANCE]] },
    );
    expect(total).toBeGreaterThanOrEqual(1_000);
    // Claims must reach every way a claim ends, or the invariants above say little.
    for (const status of [5n, 6n, 7n])
      expect(outcomes.get(status) ?? 0, `claims ending in status ${status}`).toBeGreaterThan(0);
    expect(recapitalised, "runs that wiped the pool out and recapitalised it").toBeGreaterThan(0);
    // Expiry refused in the grace period and allowed after it, deposits refused while an approved claim
    // settles, and proposals revoked, cancelled, refused inside their timelock and executed after it.
    for (const outcome of [
      "expire err 4009",
      "expire ok",
      "deposit err 3014",
      "revoke ok",
      "cancel ok",
      "execute err 1019",
      "execute ok",
    ]) {
      expect(seen.has(outcome), outcome).toBe(true);
    }
  });
});
