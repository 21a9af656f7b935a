import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  alice,
  bob,
  carol,
  dave,
  deployer,
  erin,
  frank,
  grace,
  heidi,
  errors,
  expectOk,
  expectRefused,
  call,
  readJs,
  read,
  printed,
  topics,
  stake,
  stxBalance,
  approveByVote,
  contractId,
  advance,
  now,
  DAY,
  HOUR,
  STX,
  council,
  deposit,
  purchase,
  insurableProtocol,
  setupRoles,
  submitClaim,
  freshAddress,
  vote,
  claimOf,
  CLAIM_STATUS,
  policyInForce,
  openClaim,
  councilOfThree,
  overcommittedPool,
  storedEntry,
  capitalAt,
} from "./helpers";

const E = errors.claims;
const POOL = contractId("capital-pool");
const STAKING = contractId("assessor-staking");
const finalize = (claimId: bigint, who = dave) => call("claims-assessment", "finalize-claim", [Cl.uint(claimId)], who);
const payout = (claimId: bigint, who = dave) => call("claims-assessment", "execute-payout", [Cl.uint(claimId)], who);
const partial = (claimId: bigint, who = frank) =>
  call("claims-assessment", "accept-partial-payout", [Cl.uint(claimId)], who);
const settle = (claimId: bigint, who: string) => call("claims-assessment", "settle-vote", [Cl.uint(claimId)], who);
const councilApprove = (claimId: bigint, who: string) =>
  call("claims-assessment", "council-approve-claim", [Cl.uint(claimId)], who);
const councilDeny = (claimId: bigint, who: string) =>
  call("claims-assessment", "council-deny-claim", [Cl.uint(claimId)], who);
const REASON = new Uint8Array(32).fill(0xee);
const veto = (claimId: bigint, who: string) =>
  call("claims-assessment", "council-veto", [Cl.uint(claimId), Cl.buffer(REASON)], who);
const _claim = (id: bigint) => () => claimOf(id);
const pool = () => readJs("capital-pool", "get-pool-stats");
const policy = (id: bigint) => readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(id)]);
const assessor = (who: string) => readJs("assessor-staking", "get-assessor", [Cl.principal(who)]);
const _param = (name: string) => readJs("insurance-council", "get-parameter", [Cl.stringAscii(name)]) as bigint;
const providerValue = (who: string) => readJs("capital-pool", "get-provider", [Cl.principal(who)]).value as bigint;

/** Everything a claim changes, for the "changed nothing" checks. */
const everything = (claimId: bigint) => () => [
  claimOf(claimId),
  read("claims-assessment", "get-open-claim", [Cl.uint(1)]),
];

describe("submit-claim", () => {
  it("opens a claim with its evidence, takes the bond and records the rules it will be judged by", () => {
    const { policyId } = policyInForce();
    const frankBefore = stxBalance(frank);
    const incident = now() - 3_600n;
    const evidence = { hash: new Uint8Array(32).fill(0xab), uri: "ipfs://bafy-evidence" };
    const result = submitClaim(policyId, 60_000n * STX, incident, frank, evidence);
    expect(result.result).toBeOk(Cl.uint(1));
    const submittedAt = now();
    expect(claimOf(1n)).toMatchObject({
      "policy-id": policyId,
      claimant: frank,
      amount: 60_000n * STX,
      deductible: 6_000n * STX,
      payable: 54_000n * STX,
      "incident-time": incident,
      description: "Reentrancy in the swap router drained the pool",
      "evidence-uri": "ipfs://bafy-evidence",
      bond: 600n * STX,
      "submitted-at": submittedAt,
      "voting-ends-at": submittedAt + 259_200n,
      "total-stake": 180_000n * STX,
      "quorum-stake": 18_000n * STX,
      "approval-bps": 6_000n,
      large: false,
      "approve-weight": 0n,
      "deny-weight": 0n,
      status: CLAIM_STATUS.voting,
      "voter-count": 0n,
      "quorum-reached": false,
    });
    expect(stxBalance(frank)).toBe(frankBefore - 600n * STX);
    expect(pool()).toMatchObject({ "bonds-held": 600n * STX, "claims-pending": 54_000n * STX });
    expect(readJs("claims-assessment", "get-open-claim", [Cl.uint(policyId)])).toBe(1n);
    expect(printed(result)[0]).toMatchObject({
      topic: "claim-submitted",
      "claim-id": 1n,
      "policy-id": policyId,
      amount: 60_000n * STX,
      "evidence-hash": expect.anything(),
      "quorum-stake": 18_000n * STX,
      "voting-ends-at": submittedAt + 259_200n,
      bond: 600n * STX,
    });
  });

  it("takes the minimum bond on a small claim", () => {
    const { policyId } = policyInForce();
    expectOk(submitClaim(policyId, 100n * STX, now() - 60n));
    expect(claimOf(1n).bond).toBe(10n * STX);
  });

  it("accepts a claim during the grace period after the policy ended, for an incident inside the term", () => {
    const { policyId } = policyInForce();
    const endsAt = policy(policyId)["ends-at"] as bigint;
    advance(Number(endsAt - now()) + 5 * DAY);
    // Not expired yet: the cover's backing stays until the grace period is over.
    expect(call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], dave).result).toBeErr(
      Cl.uint(errors.cover["ERR-POLICY-NOT-DUE"]!),
    );
    expect(submitClaim(policyId, 1_000n * STX, endsAt - 100n).result).toBeOk(Cl.uint(1));
  });

  it("refuses while new claims are paused", () => {
    const { policyId } = policyInForce();
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(false)), Cl.some(Cl.bool(true))]));
    expectRefused(() => submitClaim(policyId, STX, now() - 60n), E["ERR-CLAIMS-PAUSED"]);
  });

  it("refuses an unknown policy and anyone but the policy holder", () => {
    const { policyId } = policyInForce();
    expectRefused(() => submitClaim(99n, STX, now() - 60n), E["ERR-UNKNOWN-POLICY"]);
    expectRefused(() => submitClaim(policyId, STX, now() - 60n, erin), E["ERR-NOT-POLICY-HOLDER"]);
  });

  it("refuses a zero amount and more than the remaining cover", () => {
    const { policyId } = policyInForce();
    expectRefused(() => submitClaim(policyId, 0n, now() - 60n), E["ERR-INVALID-AMOUNT"]);
    expectRefused(() => submitClaim(policyId, 100_000n * STX + 1n, now() - 60n), E["ERR-AMOUNT-EXCEEDS-COVER"]);
  });

  it("refuses an incident after the term, in the future, or a claim filed after the grace period", () => {
    const { policyId } = policyInForce();
    expectRefused(() => submitClaim(policyId, STX, now() + 600n), E["ERR-INCIDENT-IN-FUTURE"]);
    const endsAt = policy(policyId)["ends-at"] as bigint;
    advance(Number(endsAt - now()) + DAY);
    expectRefused(() => submitClaim(policyId, STX, endsAt), E["ERR-INCIDENT-AFTER-COVER"]);
    advance(14 * DAY);
    expectRefused(() => submitClaim(policyId, STX, endsAt - 1n), E["ERR-FILING-PERIOD-OVER"]);
  });

  it("refuses a claim without a description or an evidence location", () => {
    const { policyId } = policyInForce();
    expectRefused(
      () => submitClaim(policyId, STX, now() - 60n, frank, { hash: new Uint8Array(32), uri: "" }),
      E["ERR-INVALID-EVIDENCE"],
    );
    expectRefused(() => submitClaim(policyId, STX, now() - 60n, frank, undefined, ""), E["ERR-INVALID-EVIDENCE"]);
  });

  it("refuses a holder who cannot pay the bond", () => {
    setupRoles();
    const protocolId = insurableProtocol("stackswap", [erin]);
    expectOk(deposit(1_000_000n * STX, alice));
    const holder = freshAddress(1); // funded for the premium only
    const premium = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(10_000n * STX),
      Cl.uint(30),
    ]).premium;
    expect(simnet.transferSTX(premium, holder, bob).result).toBeOk(Cl.bool(true));
    const policyId = expectOk(purchase(protocolId, 10_000n * STX, 30, premium, holder)) as bigint;
    advance(3 * DAY + 2 * HOUR);
    expectRefused(
      () => submitClaim(policyId, 1_000n * STX, now() - 60n, holder),
      errors.pool["ERR-INSUFFICIENT-BALANCE"],
    );
  });
});

describe("vote", () => {
  it("adds stake x reputation to a running tally, one vote per assessor", () => {
    const { claimId } = openClaim();
    const result = vote(claimId, true, bob);
    expect(result.result).toBeOk(Cl.uint(100_000n * STX));
    expect(printed(result)[0]).toMatchObject({
      topic: "vote-cast",
      "claim-id": claimId,
      voter: bob,
      approve: true,
      stake: 100_000n * STX,
      weight: 100_000n * STX,
      "approve-weight": 100_000n * STX,
      "deny-weight": 0n,
      "voter-count": 1n,
      "quorum-stake": 18_000n * STX,
    });
    expectOk(vote(claimId, false, heidi));
    // Two voters carry enough stake, but a claim of 1,000 STX or more needs three distinct voters.
    expect(claimOf(claimId)).toMatchObject({
      "approve-weight": 100_000n * STX,
      "deny-weight": 30_000n * STX,
      "voted-stake": 130_000n * STX,
      "approve-count": 1n,
      "deny-count": 1n,
      "quorum-reached": false,
      "min-voters": 3n,
    });
    expectOk(vote(claimId, true, grace));
    expect(claimOf(claimId)).toMatchObject({
      "approve-weight": 150_000n * STX,
      "voted-stake": 180_000n * STX,
      "approve-count": 2n,
      "quorum-reached": true,
    });
    expect(readJs("claims-assessment", "get-vote", [Cl.uint(claimId), Cl.principal(heidi)])).toEqual({
      approve: false,
      stake: 30_000n * STX,
      weight: 30_000n * STX,
      settled: false,
    });
  });

  it("refuses an unknown claim, and a vote after the window or after finalization", () => {
    const { claimId } = openClaim();
    expectRefused(() => vote(9n, true, bob), E["ERR-UNKNOWN-CLAIM"]);
    advance(3 * DAY);
    expectRefused(() => vote(claimId, true, bob), E["ERR-VOTING-CLOSED"], everything(claimId));
    expectOk(finalize(claimId));
    expectRefused(() => vote(claimId, true, grace), E["ERR-VOTING-CLOSED"], everything(claimId));
  });

  it("shows a would-be voter's weight and eligibility", () => {
    const { claimId } = openClaim();
    const eligibility = (who: string) =>
      readJs("claims-assessment", "get-vote-eligibility", [Cl.uint(claimId), Cl.principal(who)]);
    expect(eligibility(bob)).toEqual({
      stake: 100_000n * STX,
      weight: 100_000n * STX,
      voted: false,
      conflict: false,
      open: true,
    });
    expect(eligibility(erin)).toMatchObject({ conflict: true, stake: 0n });
    expectOk(vote(claimId, true, bob));
    expect(eligibility(bob)).toMatchObject({ voted: true });
    expect(read("claims-assessment", "get-vote-eligibility", [Cl.uint(7), Cl.principal(bob)])).toBeErr(
      Cl.uint(E["ERR-UNKNOWN-CLAIM"]!),
    );
  });
});

describe("finalize-claim", () => {
  it("approves with quorum and approval above the threshold, reserving the payable amount", () => {
    const { claimId } = openClaim();
    expectOk(vote(claimId, true, bob));
    expectOk(vote(claimId, true, grace));
    expectOk(vote(claimId, false, heidi));
    const priceBefore = pool()["share-price"] as bigint;
    advance(3 * DAY);
    const result = finalize(claimId);
    expect(result.result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
    expect(topics(result)).toContain("claim-approved");
    const c = claimOf(claimId);
    expect(c).toMatchObject({ status: CLAIM_STATUS.approved, "decided-by": "vote", "veto-ends-at": now() + 86_400n });
    expect(pool()).toMatchObject({ "claims-owed": 54_000n * STX, "claims-pending": 0n });
    expect(pool()["share-price"]).toBeLessThan(priceBefore);
    // The incident counts in the protocol's risk score only once the claim is paid (a veto may still stop it).
    expect(readJs("protocol-registry", "get-protocol", [Cl.uint(1)])["incident-count"]).toBe(0n);
    advance(DAY);
    expectOk(payout(claimId));
    expect(readJs("protocol-registry", "get-protocol", [Cl.uint(1)])["incident-count"]).toBe(1n);
  });

  it("denies when approval is not above the threshold, splitting the forfeited bond between the deniers and the pool", () => {
    const { claimId } = openClaim();
    expectOk(vote(claimId, true, grace)); // 50,000 for
    expectOk(vote(claimId, false, bob)); // 100,000 against
    expectOk(vote(claimId, false, heidi)); // 30,000 against
    advance(3 * DAY);
    const [reserve, assets] = [pool()["reward-reserve"], pool()["total-assets"] as bigint];
    const result = finalize(claimId);
    expect(result.result).toBeOk(Cl.uint(CLAIM_STATUS.denied));
    expect(printed(result).at(-1)).toMatchObject({
      topic: "claim-denied",
      "bond-forfeited": 600n * STX,
      "bond-to-pool": 300n * STX,
      "decided-by": "vote",
    });
    const c = claimOf(claimId);
    expect(c["winning-weight"]).toBe(130_000n * STX);
    // The deniers share the bond less the pool's half; the reserve pays nothing on a denial.
    expect(c["reward-pot"]).toBe(300n * STX);
    expect(pool()["reward-reserve"]).toBe(reserve);
    expect(pool()["total-assets"]).toBe(assets + 300n * STX);
    expect(pool()).toMatchObject({ "claims-pending": 0n, "bonds-held": 0n, "claims-owed": 0n });
    expect(read("claims-assessment", "get-open-claim", [Cl.uint(1)])).toBeNone();
  });

  it("treats exactly the approval threshold as a denial (approval must be above it)", () => {
    const { policyId } = policyInForce({
      cover: 10_000n * STX,
      stakes: [
        [bob, 60n * STX],
        [grace, 30n * STX],
        [heidi, 10n * STX],
      ],
    });
    const claimId = expectOk(submitClaim(policyId, 1_000n * STX, now() - 60n)) as bigint;
    expectOk(vote(claimId, true, bob));
    expectOk(vote(claimId, false, grace));
    expectOk(vote(claimId, false, heidi));
    advance(3 * DAY);
    expect(finalize(claimId).result).toBeOk(Cl.uint(CLAIM_STATUS.denied));
  });

  it("escalates to the council when the vote misses quorum", () => {
    const { claimId } = openClaim();
    advance(3 * DAY);
    const result = finalize(claimId);
    expect(result.result).toBeOk(Cl.uint(CLAIM_STATUS.noQuorum));
    expect(printed(result)[0]).toMatchObject({
      topic: "claim-escalated",
      status: CLAIM_STATUS.noQuorum,
      "quorum-reached": false,
    });
    expect(pool()["claims-pending"]).toBe(54_000n * STX);
  });

  it("refuses an unknown claim, a claim still in its window, and a second finalization", () => {
    const { claimId } = openClaim();
    expectRefused(() => finalize(5n), E["ERR-UNKNOWN-CLAIM"]);
    advance(3 * DAY - 2 * HOUR);
    expectRefused(() => finalize(claimId), E["ERR-VOTING-OPEN"], everything(claimId));
    advance(3 * HOUR);
    expectOk(finalize(claimId));
    expectRefused(() => finalize(claimId), E["ERR-NOT-VOTING"], everything(claimId));
  });
});

describe("council decisions", () => {
  function noQuorumClaim() {
    const ids = openClaim();
    councilOfThree();
    advance(3 * DAY);
    expectOk(finalize(ids.claimId));
    return ids;
  }

  it("approves an undecided claim with M-of-N signatures", () => {
    const { claimId } = noQuorumClaim();
    const first = councilApprove(claimId, carol);
    expect(first.result).toBeOk(Cl.uint(CLAIM_STATUS.noQuorum));
    expect(printed(first)[0]).toEqual({
      topic: "council-claim-signed",
      "claim-id": claimId,
      member: carol,
      approve: true,
      approvals: 1n,
      denials: 0n,
      threshold: 2n,
    });
    expect(claimOf(claimId).council).toMatchObject({ approvals: 1n });
    const second = councilApprove(claimId, dave);
    expect(second.result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
    expect(claimOf(claimId)).toMatchObject({ status: CLAIM_STATUS.approved, "decided-by": "council" });
  });

  it("denies an undecided claim with M-of-N signatures", () => {
    const { claimId } = noQuorumClaim();
    expectOk(councilDeny(claimId, carol));
    expect(councilDeny(claimId, deployer).result).toBeOk(Cl.uint(CLAIM_STATUS.denied));
    expect(pool()["claims-pending"]).toBe(0n);
    // Nobody voted, so nobody can share the forfeited bond: it goes to the reserve for future claims.
    expect(claimOf(claimId)["reward-pot"]).toBe(0n);
  });

  it("refuses signatures from non-members, twice from one member, on unknown claims and on claims not awaiting the council", () => {
    const { claimId } = noQuorumClaim();
    expectRefused(() => councilApprove(claimId, bob), E["ERR-NOT-COUNCIL-MEMBER"], everything(claimId));
    expectRefused(() => councilDeny(claimId, bob), E["ERR-NOT-COUNCIL-MEMBER"], everything(claimId));
    expectOk(councilApprove(claimId, carol));
    expectRefused(() => councilApprove(claimId, carol), E["ERR-ALREADY-SIGNED"], everything(claimId));
    expectRefused(() => councilDeny(claimId, carol), E["ERR-ALREADY-SIGNED"], everything(claimId));
    expectRefused(() => councilApprove(44n, carol), E["ERR-UNKNOWN-CLAIM"]);
    expectOk(councilApprove(claimId, dave));
    expectRefused(() => councilApprove(claimId, deployer), E["ERR-NOT-AWAITING-COUNCIL"], everything(claimId));
    expectRefused(() => councilDeny(claimId, deployer), E["ERR-NOT-AWAITING-COUNCIL"], everything(claimId));
  });

  it("does not count a signature from before a council membership change", () => {
    const { claimId } = noQuorumClaim();
    expectOk(councilApprove(claimId, carol));
    const id = expectOk(council.propose("propose-member", [Cl.principal(grace), Cl.bool(true)]));
    expectOk(call("insurance-council", "approve", [Cl.uint(id)], dave));
    expectOk(call("insurance-council", "execute", [Cl.uint(id)], deployer));
    expect(councilApprove(claimId, dave).result).toBeOk(Cl.uint(CLAIM_STATUS.noQuorum));
    expect(claimOf(claimId).council).toMatchObject({ approvals: 1n });
  });

  it("tells whether a member has signed a claim's decision or veto under the current membership", () => {
    const { claimId } = noQuorumClaim();
    const signature = (who: string) =>
      readJs("claims-assessment", "get-council-signature", [Cl.uint(claimId), Cl.principal(who)]);
    expect(signature(carol)).toEqual({ decided: false, vetoed: false });
    expectOk(councilApprove(claimId, carol));
    expect(signature(carol)).toEqual({ decided: true, vetoed: false });
    expect(signature(dave)).toEqual({ decided: false, vetoed: false });
    // A membership change voids the signature, and the member may sign again.
    const id = expectOk(council.propose("propose-member", [Cl.principal(grace), Cl.bool(true)]));
    expectOk(call("insurance-council", "approve", [Cl.uint(id)], dave));
    expectOk(call("insurance-council", "execute", [Cl.uint(id)], deployer));
    expect(signature(carol)).toEqual({ decided: false, vetoed: false });
  });
});

describe("council veto", () => {
  function approvedClaim() {
    const ids = openClaim();
    councilOfThree();
    expectOk(vote(ids.claimId, true, bob));
    expectOk(vote(ids.claimId, true, grace));
    expectOk(vote(ids.claimId, false, heidi));
    advance(3 * DAY);
    expectOk(finalize(ids.claimId));
    return ids;
  }

  it("stops an approved claim in the veto window, records the reason and releases the reserve", () => {
    const { claimId } = approvedClaim();
    const priceAtApproval = pool()["share-price"] as bigint;
    expect(veto(claimId, carol).result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
    const result = veto(claimId, dave);
    expect(result.result).toBeOk(Cl.uint(CLAIM_STATUS.vetoed));
    expect(printed(result).at(-1)).toMatchObject({ topic: "claim-vetoed", "bond-forfeited": 600n * STX });
    expect(claimOf(claimId)).toMatchObject({ status: CLAIM_STATUS.vetoed, "winning-weight": 30_000n * STX });
    expect(pool()).toMatchObject({ "claims-owed": 0n, "bonds-held": 0n });
    expect(pool()["share-price"]).toBeGreaterThan(priceAtApproval);
  });

  it("refuses vetoes from non-members, twice from one member, after the window, and on claims not approved", () => {
    const { claimId } = approvedClaim();
    expectRefused(() => veto(claimId, bob), E["ERR-NOT-COUNCIL-MEMBER"], everything(claimId));
    expectRefused(() => veto(3n, carol), E["ERR-UNKNOWN-CLAIM"]);
    expectOk(veto(claimId, carol));
    expectRefused(() => veto(claimId, carol), E["ERR-ALREADY-SIGNED"], everything(claimId));
    expect(readJs("claims-assessment", "get-council-signature", [Cl.uint(claimId), Cl.principal(carol)])).toEqual({
      decided: false,
      vetoed: true,
    });
    advance(DAY);
    expectRefused(() => veto(claimId, dave), E["ERR-VETO-WINDOW-OVER"], everything(claimId));
    expectOk(payout(claimId));
    expectRefused(() => veto(claimId, dave), E["ERR-NOT-APPROVED"], everything(claimId));
  });
});

describe("payout", () => {
  it("refuses an unknown claim, a claim in voting, a payout inside the veto window, and a second payout", () => {
    const { claimId } = openClaim();
    expectRefused(() => payout(8n), E["ERR-UNKNOWN-CLAIM"]);
    expectRefused(() => payout(claimId), E["ERR-NOT-APPROVED"], everything(claimId));
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(finalize(claimId));
    expectRefused(() => payout(claimId), E["ERR-VETO-WINDOW-OPEN"], everything(claimId));
    advance(DAY);
    expectOk(payout(claimId));
    expectRefused(() => payout(claimId), E["ERR-ALREADY-PAID"], everything(claimId));
  });

  it("pays less the deductible, returns the bond, and takes the claim off the policy's cover", () => {
    const { claimId, policyId, protocolId } = openClaim();
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(finalize(claimId));
    advance(DAY);
    const before = stxBalance(frank);
    const result = payout(claimId, grace);
    expect(result.result).toBeOk(Cl.uint(54_000n * STX));
    expect(stxBalance(frank)).toBe(before + 54_000n * STX + 600n * STX);
    expect(printed(result).at(-1)).toMatchObject({
      topic: "claim-paid",
      paid: 54_000n * STX,
      deductible: 6_000n * STX,
      shortfall: 0n,
      "bond-returned": 600n * STX,
      "executed-by": grace,
    });
    expect(policy(policyId)).toMatchObject({
      "remaining-cover": 40_000n * STX,
      "total-paid": 54_000n * STX,
      status: 1n,
    });
    expect(readJs("cybersecurity-insurance-defi", "get-protocol-coverage", [Cl.uint(protocolId)])).toBe(40_000n * STX);
    expect(pool()).toMatchObject({ "active-cover": 40_000n * STX, "claims-owed": 0n, "total-paid-out": 54_000n * STX });
    expect(read("claims-assessment", "get-open-claim", [Cl.uint(policyId)])).toBeNone();
  });

  it("refuses record-payout on the policy ledger to anyone but the claims contract", () => {
    const { policyId } = policyInForce();
    expectRefused(
      () => call("policy-ledger", "record-payout", [Cl.uint(policyId), Cl.uint(STX), Cl.uint(STX)], frank),
      errors.ledger["ERR-NOT-AUTHORIZED"],
      () => policy(policyId),
    );
  });
});

describe("when the pool cannot pay in full", () => {
  it("pays no claim in full while the pool owes more than it holds; each claimant takes its pro-rata share, whatever the order", () => {
    const { c1, c2 } = overcommittedPool();
    const assets = pool()["total-assets"] as bigint;
    expect(pool()["claims-owed"]).toBe(180_000n * STX);
    expect(assets).toBeLessThan(180_000n * STX);
    // The first to call cannot take what the other claim is owed.
    expectRefused(() => payout(c1), E["ERR-POOL-SHORTFALL"], everything(c1));
    expectRefused(() => payout(c2), E["ERR-POOL-SHORTFALL"], everything(c2));
    expectRefused(() => partial(c2, dave), E["ERR-NOT-CLAIMANT"], everything(c2));
    const share = (90_000n * STX * assets) / (180_000n * STX);
    const before = stxBalance(frank);
    const second = partial(c2);
    expect(second.result).toBeOk(Cl.uint(share));
    expect(printed(second).at(-1)).toMatchObject({
      topic: "claim-paid",
      paid: share,
      shortfall: 90_000n * STX - share,
    });
    expect(stxBalance(frank)).toBe(before + share + claimOf(c2).bond);
    expect(claimOf(c2)).toMatchObject({ status: CLAIM_STATUS.paid, paid: share });
    // The claim paid second gets the same share as the one paid first would have.
    const rest = pool()["total-assets"] as bigint;
    expect(rest).toBe(assets - share);
    expect(partial(c1).result).toBeOk(Cl.uint(rest));
    expect(rest - share).toBeLessThanOrEqual(1n);
    expect(pool()).toMatchObject({ "total-assets": 0n, "claims-owed": 0n });
  });

  it("lets anyone close a claim in shortfall at its pro-rata share after the close delay, so its voters' stake is not locked for ever", () => {
    const { c1, c2 } = overcommittedPool();
    expectRefused(() => partial(c1, dave), E["ERR-NOT-CLAIMANT"], everything(c1));
    expect(readJs("assessor-staking", "get-assessor", [Cl.principal(bob)])["open-votes"]).toBe(2n);
    advance(7 * DAY);
    const assets = pool()["total-assets"] as bigint;
    const before = stxBalance(frank);
    expect(partial(c1, dave).result).toBeOk(Cl.uint(assets / 2n));
    expect(stxBalance(frank)).toBe(before + assets / 2n + claimOf(c1).bond);
    expectOk(partial(c2, dave));
    for (const c of [c1, c2]) expectOk(settle(c, bob));
    expect(readJs("assessor-staking", "get-assessor", [Cl.principal(bob)])).toMatchObject({
      locked: 0n,
      "open-votes": 0n,
    });
  });

  it("refuses new capital while the pool owes more than it holds, so a new provider cannot pay old debts", () => {
    const { c1 } = overcommittedPool();
    expectRefused(() => deposit(1_000n * STX, grace), errors.pool["ERR-POOL-INSOLVENT"]);
    expectOk(partial(c1));
    expectRefused(() => deposit(1_000n * STX, grace), errors.pool["ERR-POOL-INSOLVENT"]);
  });

  it("refuses a partial payout when the pool can pay in full, or for an unknown, unapproved or paid claim", () => {
    const { claimId } = openClaim();
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(finalize(claimId));
    advance(DAY);
    expectRefused(() => partial(claimId), E["ERR-NO-SHORTFALL"], everything(claimId));
    expectRefused(() => partial(12n), E["ERR-UNKNOWN-CLAIM"]);
    expectOk(payout(claimId));
    expectRefused(() => partial(claimId), E["ERR-ALREADY-PAID"], everything(claimId));
  });

  it("refuses a partial payout before approval or inside the veto window", () => {
    const { claimId } = openClaim();
    expectRefused(() => partial(claimId), E["ERR-NOT-APPROVED"], everything(claimId));
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(finalize(claimId));
    expectRefused(() => partial(claimId), E["ERR-VETO-WINDOW-OPEN"], everything(claimId));
  });
});

describe("settle-vote", () => {
  it("pays the winning side its share of the pot and moves reputation both ways", () => {
    const { claimId } = openClaim();
    expectOk(vote(claimId, true, bob));
    expectOk(vote(claimId, true, grace));
    expectOk(vote(claimId, false, heidi));
    advance(3 * DAY);
    expectOk(finalize(claimId));
    expectRefused(() => settle(claimId, bob), E["ERR-CLAIM-NOT-CLOSED"], everything(claimId));
    advance(DAY);
    expectOk(payout(claimId));
    const pot = claimOf(claimId)["reward-pot"] as bigint;
    expect(pot).toBeGreaterThan(0n);
    const before = stxBalance(bob);
    const result = settle(claimId, bob);
    expect(result.result).toBeOk(Cl.uint((pot * 100_000n) / 150_000n));
    expect(stxBalance(bob)).toBe(before + (pot * 100_000n) / 150_000n);
    // Reputation moves by the claim's size against the stake that voted: 60,000 of bob's 100,000 STX
    // earns 0.6 of the 0.1x gain; heidi's 30,000 STX against a 60,000 STX claim loses the whole 0.2x.
    expect(printed(result)[0]).toMatchObject({
      topic: "vote-settled",
      "with-outcome": true,
      reputation: 10_600n,
      slashed: 0n,
      "settled-by": bob,
    });
    expect(settle(claimId, heidi).result).toBeOk(Cl.uint(0));
    expect(assessor(heidi)).toMatchObject({ reputation: 8_000n, locked: 0n, "open-votes": 0n });
    expect(assessor(bob)).toMatchObject({ locked: 0n, "open-votes": 0n });
    expectRefused(() => settle(claimId, bob), E["ERR-ALREADY-SETTLED"], everything(claimId));
    expectRefused(() => settle(claimId, carol), E["ERR-NO-VOTE"], everything(claimId));
    expectRefused(() => settle(77n, bob), E["ERR-UNKNOWN-CLAIM"]);
  });

  it("keeps reputation between 0.5x and 2x", () => {
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("reputation-gain-bps"), Cl.uint(5_000)]));
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("reputation-loss-bps"), Cl.uint(5_000)]));
    const { policyId } = policyInForce({
      days: 365,
      stakes: [
        [bob, 100n * STX],
        [heidi, 10n * STX],
      ],
    });
    for (let i = 0; i < 3; i++) {
      const claimId = expectOk(submitClaim(policyId, 100n * STX, now() - 60n)) as bigint;
      expectOk(vote(claimId, false, bob));
      expectOk(vote(claimId, true, heidi));
      advance(3 * DAY);
      expectOk(finalize(claimId));
      expectOk(settle(claimId, bob));
      expectOk(settle(claimId, heidi));
    }
    expect(assessor(bob).reputation).toBe(20_000n);
    expect(assessor(heidi).reputation).toBe(5_000n);
    expect(read("assessor-staking", "get-voting-weight", [Cl.principal(bob), Cl.uint(now() + 1n)])).toBeUint(
      200n * STX,
    );
  });
});

describe("the whole lifecycle", () => {
  it("pays a large hack end to end: list, audit, capital, cover, waiting period, claim, votes, finalize, council, veto window, payout", () => {
    // List, audit, add capital; the council is deployer, carol and dave (2 of 3); claims of 50,000 STX or more are large.
    setupRoles();
    councilOfThree();
    expectOk(
      council.pass("propose-parameter", [Cl.stringAscii("large-claim-threshold"), Cl.uint(50_000n * STX)], [carol]),
    );
    const protocolId = insurableProtocol("stackswap", [erin]);
    const aliceStart = stxBalance(alice);
    const shares = expectOk(deposit(1_000_000n * STX, alice)) as bigint;
    // Cover bought at the quoted premium; 5 % of it funds the assessors.
    const frankStart = stxBalance(frank);
    const premium = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(100_000n * STX),
      Cl.uint(90),
    ]).premium as bigint;
    const policyId = expectOk(purchase(protocolId, 100_000n * STX, 90, premium, frank)) as bigint;
    const fee = (premium * 500n) / 10_000n;
    expect(pool()).toMatchObject({ "total-assets": 1_000_000n * STX + premium - fee, "reward-reserve": fee });
    // Assessors stake; the waiting period passes; the protocol is hacked.
    const stakes = { [bob]: 100_000n * STX, [grace]: 50_000n * STX, [heidi]: 30_000n * STX };
    const startOf: Record<string, bigint> = {};
    for (const [who, amount] of Object.entries(stakes)) {
      startOf[who] = stxBalance(who);
      expectOk(stake(amount, who));
    }
    advance(3 * DAY + 2 * HOUR);
    const hackedAt = now() - 600n;
    // The claim: 60,000 STX, bond 1 % = 600 STX, deductible 10 % = 6,000 STX.
    const claimId = expectOk(submitClaim(policyId, 60_000n * STX, hackedAt)) as bigint;
    expect(claimOf(claimId).large).toBe(true);
    expectOk(vote(claimId, true, bob));
    expectOk(vote(claimId, true, grace));
    expectOk(vote(claimId, false, heidi));
    advance(3 * DAY);
    expect(finalize(claimId, erin).result).toBeOk(Cl.uint(CLAIM_STATUS.awaitingCouncil));
    const pot = claimOf(claimId)["reward-pot"] as bigint;
    expect(pot).toBe(fee < 300n * STX ? fee : 300n * STX);
    // A large claim is not paid without the council.
    expectRefused(() => payout(claimId), E["ERR-NOT-APPROVED"], everything(claimId));
    expectOk(councilApprove(claimId, carol));
    expect(councilApprove(claimId, deployer).result).toBeOk(Cl.uint(CLAIM_STATUS.approved));
    advance(DAY);
    expect(payout(claimId, erin).result).toBeOk(Cl.uint(54_000n * STX));
    // Every party's balance, to the micro-STX.
    expect(stxBalance(frank)).toBe(frankStart - premium + 54_000n * STX);
    const settled: Record<string, bigint> = {};
    for (const who of [bob, grace, heidi]) settled[who] = expectOk(settle(claimId, who)) as bigint;
    expect(settled[bob]).toBe((pot * 100_000n) / 150_000n);
    expect(settled[grace]).toBe((pot * 50_000n) / 150_000n);
    expect(settled[heidi]).toBe(0n);
    for (const who of [bob, grace, heidi]) {
      expect(stxBalance(who)).toBe(startOf[who]! - stakes[who]! + settled[who]!);
    }
    const assets = 1_000_000n * STX + premium - fee - 54_000n * STX;
    expect(pool()).toMatchObject({
      "total-assets": assets,
      "claims-owed": 0n,
      "bonds-held": 0n,
      "reward-reserve": fee - pot,
      "rewards-owed": pot - settled[bob]! - settled[grace]!,
    });
    expect(stxBalance(POOL)).toBe(assets + (fee - pot) + (pot - settled[bob]! - settled[grace]!));
    expect(stxBalance(STAKING)).toBe(180_000n * STX);
    // The providers bear the payout; the part of the premium not yet earned is not theirs yet.
    const unearned = pool()["unearned-premiums"] as bigint;
    expect(unearned).toBeGreaterThan(0n);
    expect(providerValue(alice)).toBe((shares * (assets - unearned + 1n)) / (shares + 1_000_000n));
    expect(stxBalance(alice)).toBe(aliceStart - 1_000_000n * STX);
    expect(policy(policyId)).toMatchObject({ "remaining-cover": 40_000n * STX, "total-paid": 54_000n * STX });
  });
});

describe("attacks", () => {
  it("the team's own addresses try to vote", () => {
    const { claimId } = openClaim();
    expectOk(stake(10_000n * STX, erin)); // erin is on the protocol's team
    expectRefused(() => vote(claimId, true, erin), E["ERR-CONFLICT-OF-INTEREST"], everything(claimId));
  });

  it("the claimant, who is the policy holder, tries to vote", () => {
    const { claimId } = openClaim();
    expectOk(stake(10_000n * STX, frank));
    expectRefused(() => vote(claimId, true, frank), E["ERR-CONFLICT-OF-INTEREST"], everything(claimId));
  });

  it("an assessor stakes after the claim opened and votes", () => {
    const { claimId } = openClaim();
    expectOk(stake(500_000n * STX, carol));
    expectRefused(() => vote(claimId, true, carol), E["ERR-NO-ELIGIBLE-STAKE"], everything(claimId));
  });

  it("an assessor adds stake after the claim opened: only the stake held before counts", () => {
    const { claimId } = openClaim();
    expectOk(stake(1_000_000n * STX, heidi));
    expect(vote(claimId, true, heidi).result).toBeOk(Cl.uint(30_000n * STX));
  });

  it("an assessor votes twice", () => {
    const { claimId } = openClaim();
    expectOk(vote(claimId, true, bob));
    expectRefused(() => vote(claimId, false, bob), E["ERR-ALREADY-VOTED"], everything(claimId));
  });

  it("an assessor votes, then tries to move the stake to a second account and vote again", () => {
    const { claimId } = openClaim();
    expectOk(vote(claimId, true, bob));
    // The voted stake cannot leave before the claim closes ...
    expectRefused(
      () => call("assessor-staking", "request-unstake", [Cl.uint(100_000n * STX)], bob),
      errors.staking["ERR-STAKE-LOCKED"],
      () => readJs("assessor-staking", "get-assessor", [Cl.principal(bob)]),
    );
    // ... and fresh stake in a second account does not count on a claim opened before it.
    expectOk(stake(100_000n * STX, carol));
    expectRefused(() => vote(claimId, true, carol), E["ERR-NO-ELIGIBLE-STAKE"], everything(claimId));
  });

  it("a claim for an incident before the waiting period ended", () => {
    setupRoles();
    const protocolId = insurableProtocol("stackswap", [erin]);
    expectOk(deposit(1_000_000n * STX, alice));
    const policyId = expectOk(purchase(protocolId, 100_000n * STX, 90, 100_000n * STX, frank)) as bigint;
    const activeFrom = policy(policyId)["active-from"] as bigint;
    advance(3 * DAY + HOUR);
    expectRefused(() => submitClaim(policyId, 50_000n * STX, activeFrom - 1n), E["ERR-INCIDENT-BEFORE-COVER"]);
  });

  it("two claims on one policy", () => {
    const { policyId } = openClaim();
    expectRefused(() => submitClaim(policyId, 10_000n * STX, now() - 60n), E["ERR-CLAIM-ALREADY-OPEN"]);
  });

  it("payout executed twice", () => {
    const { claimId } = openClaim();
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(finalize(claimId));
    advance(DAY);
    expectOk(payout(claimId));
    expectRefused(() => payout(claimId), E["ERR-ALREADY-PAID"], everything(claimId));
  });

  it("a large claim paid without council", () => {
    const { claimId } = openClaim(100_000n * STX); // the default threshold: 100,000 STX
    approveByVote(claimId);
    advance(3 * DAY);
    expect(finalize(claimId).result).toBeOk(Cl.uint(CLAIM_STATUS.awaitingCouncil));
    advance(2 * DAY);
    expectRefused(() => payout(claimId), E["ERR-NOT-APPROVED"], everything(claimId));
  });

  it("a vetoed claim paid", () => {
    const { claimId } = openClaim();
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(finalize(claimId));
    expectOk(veto(claimId, deployer));
    advance(DAY);
    expectRefused(() => payout(claimId), E["ERR-NOT-APPROVED"], everything(claimId));
  });

  it("capital providers withdraw between approval and payout to escape the loss", () => {
    const { claimId } = openClaim();
    const shares = readJs("capital-pool", "get-provider", [Cl.principal(alice)]).shares as bigint;
    expectOk(call("capital-pool", "request-withdrawal", [Cl.uint(shares)], alice));
    approveByVote(claimId);
    advance(7 * DAY);
    expectOk(finalize(claimId));
    // Approved: the loss is already in the price; taking everything out is refused ...
    expectRefused(
      () => call("capital-pool", "withdraw", [Cl.uint(0)], alice),
      errors.pool["ERR-CAPITAL-LOCKED"],
      () => storedEntry("capital-pool", "providers", Cl.principal(alice)),
    );
    // ... and what can leave is valued after the loss: the remaining capital still covers the claim.
    const capital = pool()["total-capital"] as bigint;
    expect(capital).toBe((pool()["total-assets"] as bigint) - 54_000n * STX - (pool()["unearned-premiums"] as bigint));
    expect(readJs("capital-pool", "get-provider", [Cl.principal(alice)])["pending-value"]).toBeLessThanOrEqual(capital);
    advance(DAY);
    expect(payout(claimId).result).toBeOk(Cl.uint(54_000n * STX));
  });

  it("a provider withdraws while a claim is being assessed: paid the share price, but never the capital the claim may be owed", () => {
    const { claimId } = openClaim();
    const shares = readJs("capital-pool", "get-provider", [Cl.principal(alice)]).shares as bigint;
    expectOk(call("capital-pool", "request-withdrawal", [Cl.uint(shares / 10n)], alice));
    advance(7 * DAY - 4 * DAY);
    expect(claimOf(claimId).status).toBe(CLAIM_STATUS.voting);
    advance(4 * DAY);
    const s = pool();
    expect(s["free-capital"]).toBe((s["total-capital"] as bigint) - (s["locked-capital"] as bigint) - 54_000n * STX);
    // Paid at the share price of the withdrawal's own block.
    const value = ((shares / 10n) * (capitalAt() + 1n)) / ((s["total-shares"] as bigint) + 1_000_000n);
    expect(call("capital-pool", "withdraw", [Cl.uint(0)], alice).result).toBeOk(Cl.uint(value));
  });
});
