import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
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
  readJs,
  read,
  errors,
  expectOk,
  expectRefused,
  setupRoles,
  listProtocol,
  recordAudit,
  deposit,
  purchase,
  stake,
  submitClaim,
  vote,
  claimOf,
  advance,
  now,
  printed,
  stxBalance,
  freshAddress,
  councilOfThree,
  policyInForce,
  approveByVote,
  CLAIM_STATUS,
  DAY,
  HOUR,
  STX,
} from "./helpers";

const E = errors.claims;
const finalize = (id: bigint) => call("claims-assessment", "finalize-claim", [Cl.uint(id)], dave);
const settle = (id: bigint, who: string) => call("claims-assessment", "settle-vote", [Cl.uint(id)], who);
const assessor = (who: string) => readJs("assessor-staking", "get-assessor", [Cl.principal(who)]);
const pool = () => readJs("capital-pool", "get-pool-stats");

describe("a team that insures itself and hacks itself", () => {
  it("is not paid: several policies and wallets, one then three assessor wallets, claims just under the council threshold", () => {
    setupRoles();
    councilOfThree(); // deployer, carol, dave; two signatures decide
    // The team lists its protocol and names bob, an honest assessor, as a team member to bar him.
    const protocolId = expectOk(listProtocol("selfhack", [erin, bob], 1, erin)) as bigint;
    expect(read("protocol-registry", "is-team-member", [Cl.uint(protocolId), Cl.principal(bob)])).toBeBool(false);
    // The risk oracle checks the addresses before it approves: bob never agreed, so it takes him off.
    expectOk(
      call("protocol-registry", "set-team-member", [Cl.uint(protocolId), Cl.principal(bob), Cl.bool(false)], ORACLE),
    );
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(protocolId)], ORACLE));
    expectOk(recordAudit(protocolId));
    expect(read("protocol-registry", "is-team-member", [Cl.uint(protocolId), Cl.principal(erin)])).toBeBool(true);
    expect(read("protocol-registry", "is-team-member", [Cl.uint(protocolId), Cl.principal(bob)])).toBeBool(false);
    expectOk(deposit(1_000_000n * STX, alice));
    // Cover through two wallets (frank, grace), each policy under the 100,000 STX council threshold.
    const p1 = expectOk(purchase(protocolId, 95_000n * STX, 90, 95_000n * STX, frank)) as bigint;
    const p2 = expectOk(purchase(protocolId, 95_000n * STX, 90, 95_000n * STX, grace)) as bigint;
    const p3 = expectOk(purchase(protocolId, 95_000n * STX, 90, 95_000n * STX, frank)) as bigint;
    // The team's assessor wallets: heidi (who alone carries the stake quorum), and two fresh ones.
    const [w1, w2] = [freshAddress(901), freshAddress(902)];
    simnet.transferSTX(30_000n * STX, w1, heidi);
    simnet.transferSTX(30_000n * STX, w2, heidi);
    expectOk(stake(100_000n * STX, heidi));
    for (const w of [w1, w2]) expectOk(stake(20_000n * STX, w));
    expectOk(stake(20_000n * STX, bob));
    advance(3 * DAY + 2 * HOUR);
    const paidOut = pool()["total-paid-out"] as bigint;
    const before = { frank: stxBalance(frank), grace: stxBalance(grace) };

    // 1. One assessor wallet alone: the quorum needs three distinct voters, so the council decides, and denies.
    const a = expectOk(submitClaim(p1, 95_000n * STX, now() - 60n, frank)) as bigint;
    expectOk(vote(a, true, heidi));
    advance(3 * DAY);
    expect(finalize(a).result).toBeOk(Cl.uint(CLAIM_STATUS.noQuorum));
    expectOk(call("claims-assessment", "council-deny-claim", [Cl.uint(a)], carol));
    expect(call("claims-assessment", "council-deny-claim", [Cl.uint(a)], dave).result).toBeOk(
      Cl.uint(CLAIM_STATUS.denied),
    );

    // 2. Three team wallets approve two claims just under the threshold, filed from two holders.
    const b1 = expectOk(submitClaim(p2, 95_000n * STX, now() - 60n, grace)) as bigint;
    const b2 = expectOk(submitClaim(p3, 95_000n * STX, now() - 60n, frank)) as bigint;
    for (const c of [b1, b2]) {
      approveByVote(c, [heidi, w1, w2]);
      expectOk(vote(c, false, bob));
    }
    advance(3 * DAY);
    // The first is approved by vote; the second adds up past the threshold for this protocol: the council must sign.
    expect(finalize(b1).result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
    expect(finalize(b2).result).toBeOk(Cl.uint(CLAIM_STATUS.awaitingCouncil));
    expect(claimOf(b2).large).toBe(true);
    // The council vetoes the first inside the veto window and denies the second.
    const reason = Cl.buffer(new Uint8Array(32).fill(0x66));
    expectOk(call("claims-assessment", "council-veto", [Cl.uint(b1), reason], carol));
    expect(call("claims-assessment", "council-veto", [Cl.uint(b1), reason], deployer).result).toBeOk(
      Cl.uint(CLAIM_STATUS.vetoed),
    );
    expectOk(call("claims-assessment", "council-deny-claim", [Cl.uint(b2)], carol));
    expect(call("claims-assessment", "council-deny-claim", [Cl.uint(b2)], deployer).result).toBeOk(
      Cl.uint(CLAIM_STATUS.denied),
    );

    // 3. The approvers of the vetoed claim lose a tenth of the stake they voted with, whoever settles their ballot.
    const staked = { heidi: assessor(heidi).active as bigint, w1: assessor(w1).active as bigint };
    const reward = expectOk(call("claims-assessment", "settle-vote-for", [Cl.uint(b1), Cl.principal(heidi)], bob));
    expect(reward).toBe(0n); // no reward for the wrong side
    expect(assessor(heidi).active).toBe(staked.heidi - 10_000n * STX);
    expectOk(settle(b1, w1));
    expect(assessor(w1).active).toBe(staked.w1 - 2_000n * STX);
    // bob, who denied, is paid his share of the forfeited bonds.
    const bobBefore = stxBalance(bob);
    expect(expectOk(settle(b1, bob))).toBeGreaterThan(0n);
    expect(stxBalance(bob)).toBeGreaterThan(bobBefore);

    // The team is paid nothing: the pool paid out nothing and the holders lost their three bonds of 950 STX.
    expect(pool()["total-paid-out"]).toBe(paidOut);
    expect(stxBalance(frank)).toBe(before.frank - 2n * 950n * STX);
    expect(stxBalance(grace)).toBe(before.grace - 950n * STX);
    for (const c of [a, b1, b2]) expect(claimOf(c).paid).toBe(0n);
    expect(readJs("protocol-registry", "get-protocol", [Cl.uint(protocolId)])["incident-count"]).toBe(0n);
  });

  it("finds a protocol's earlier approvals only within the large-claim window", () => {
    const { policyId, protocolId } = policyInForce({ cover: 200_000n * STX, days: 120 });
    expect(protocolId).toBe(1n);
    const first = expectOk(submitClaim(policyId, 60_000n * STX, now() - 60n)) as bigint;
    approveByVote(first);
    advance(3 * DAY);
    expect(finalize(first).result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
    advance(DAY);
    expectOk(call("claims-assessment", "execute-payout", [Cl.uint(first)], dave));
    // Inside the window a second claim under the threshold adds up past it: the council decides (and denies).
    const second = expectOk(submitClaim(policyId, 60_000n * STX, now() - 60n)) as bigint;
    approveByVote(second);
    advance(3 * DAY);
    expect(finalize(second).result).toBeOk(Cl.uint(CLAIM_STATUS.awaitingCouncil));
    expect(call("claims-assessment", "council-deny-claim", [Cl.uint(second)], deployer).result).toBeOk(
      Cl.uint(CLAIM_STATUS.denied),
    );
    // Once the 30-day window has passed, another claim under the threshold is decided by vote again.
    advance(27 * DAY);
    const third = expectOk(submitClaim(policyId, 60_000n * STX, now() - 60n)) as bigint;
    approveByVote(third);
    advance(3 * DAY);
    expect(finalize(third).result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
  });
});

describe("team addresses", () => {
  it("cannot be changed by anyone but a risk oracle, nor on an unknown protocol", () => {
    setupRoles();
    const id = expectOk(listProtocol("teamed", [erin])) as bigint;
    const team = () => read("protocol-registry", "is-team-member", [Cl.uint(id), Cl.principal(frank)]);
    expectRefused(
      () => call("protocol-registry", "set-team-member", [Cl.uint(id), Cl.principal(frank), Cl.bool(true)], erin),
      errors.registry["ERR-NOT-AUTHORIZED"],
      team,
    );
    expectRefused(
      () => call("protocol-registry", "set-team-member", [Cl.uint(9), Cl.principal(frank), Cl.bool(true)], ORACLE),
      errors.registry["ERR-UNKNOWN-PROTOCOL"],
    );
    const result = call(
      "protocol-registry",
      "set-team-member",
      [Cl.uint(id), Cl.principal(frank), Cl.bool(true)],
      ORACLE,
    );
    expect(printed(result)[0]).toEqual({
      topic: "team-member-set",
      "protocol-id": id,
      who: frank,
      member: true,
      by: ORACLE,
    });
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(id)], ORACLE));
    expect(team()).toBeBool(true);
  });
});

describe("reputation is earned", () => {
  it("denying one's own dust claim moves no reputation", () => {
    const { policyId } = policyInForce({ stakes: [[bob, 100_000n * STX]] });
    // A claim of 0.0073 STX: below the size that needs three voters, so bob alone carries it.
    const claimId = expectOk(submitClaim(policyId, 7_300n, now() - 60n)) as bigint;
    expectOk(vote(claimId, false, bob));
    advance(3 * DAY);
    expect(finalize(claimId).result).toBeOk(Cl.uint(CLAIM_STATUS.denied));
    const result = settle(claimId, bob);
    expectOk(result);
    expect(printed(result)[0]).toMatchObject({ topic: "vote-settled", "with-outcome": true, reputation: 10_000n });
    expect(assessor(bob).reputation).toBe(10_000n);
  });

  it("a losing voter cannot dodge the penalty by never settling: anyone may settle the ballot, and the reward goes to the voter", () => {
    const { policyId } = policyInForce();
    const claimId = expectOk(submitClaim(policyId, 60_000n * STX, now() - 60n)) as bigint;
    expectOk(vote(claimId, false, bob));
    expectOk(vote(claimId, false, grace));
    expectOk(vote(claimId, true, heidi));
    advance(3 * DAY);
    expect(finalize(claimId).result).toBeOk(Cl.uint(CLAIM_STATUS.denied));
    // heidi never settles; dave (the keeper, or anyone) does it for her.
    const result = call("claims-assessment", "settle-vote-for", [Cl.uint(claimId), Cl.principal(heidi)], dave);
    expect(printed(result)[0]).toMatchObject({
      topic: "vote-settled",
      voter: heidi,
      "with-outcome": false,
      "settled-by": dave,
    });
    expect(assessor(heidi)).toMatchObject({ reputation: 8_000n, locked: 0n, "open-votes": 0n });
    // A winner's reward goes to the winner, whoever settles.
    const [bobBefore, daveBefore] = [stxBalance(bob), stxBalance(dave)];
    const reward = expectOk(
      call("claims-assessment", "settle-vote-for", [Cl.uint(claimId), Cl.principal(bob)], dave),
    ) as bigint;
    expect(reward).toBeGreaterThan(0n);
    expect([stxBalance(bob), stxBalance(dave)]).toEqual([bobBefore + reward, daveBefore]);
    expectRefused(
      () => call("claims-assessment", "settle-vote-for", [Cl.uint(claimId), Cl.principal(bob)], dave),
      E["ERR-ALREADY-SETTLED"],
    );
    expectRefused(
      () => call("claims-assessment", "settle-vote-for", [Cl.uint(claimId), Cl.principal(carol)], dave),
      E["ERR-NO-VOTE"],
    );
  });
});

describe("slashed stake", () => {
  it("reaches the pool only from the staking contract", () => {
    setupRoles();
    expectRefused(
      () => call("capital-pool", "collect-slashed", [Cl.uint(STX)], frank),
      errors.pool["ERR-NOT-AUTHORIZED"],
      pool,
    );
  });
});
