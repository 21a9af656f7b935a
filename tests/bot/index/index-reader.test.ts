import { describe, it, expect } from "vitest";
import { openTestStore } from "../../support/test-store";
import type { ProtocolEvent } from "../../../bot/chain/events";

/** Events as the ledger hands them to the index: the claims contract's, one transaction each. */
const CLAIMS = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.claims-assessment";
const COVER = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.cybersecurity-insurance-defi";
const HOLDER = "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG";
let n = 0;
const event = (contractId: string, topic: string, data: Record<string, unknown>) =>
  ({
    contractId,
    txid: `0x${(++n).toString(16).padStart(64, "0")}`,
    eventIndex: 0,
    seq: n,
    topic,
    data,
  }) as ProtocolEvent;
const key = (e: ProtocolEvent) => `${e.contractId}:${e.txid}:${e.eventIndex}`;

const claim = (id: number, votingEndsAt: number) =>
  event(CLAIMS, "claim-submitted", {
    claimId: BigInt(id),
    policyId: BigInt(id),
    protocolId: 1n,
    claimant: HOLDER,
    amount: 100n,
    deductible: 10n,
    payable: 90n,
    incidentTime: 1n,
    description: "d",
    evidenceHash: `0x${"ab".repeat(32)}`,
    evidenceUri: "https://e.example/x",
    bond: 1n,
    votingEndsAt: BigInt(votingEndsAt),
    totalStake: 1_000n,
    quorumStake: 100n,
    approvalBps: 6_000n,
    large: false,
    minVoters: 0n,
  });
const policy = (id: number, endsAt: number) =>
  event(COVER, "policy-purchased", {
    policyId: BigInt(id),
    protocolId: 1n,
    holder: HOLDER,
    coverageAmount: 1_000n,
    premium: 10n,
    rateBps: 200n,
    tier: 1n,
    durationDays: 30n,
    activeFrom: 0n,
    endsAt: BigInt(endsAt),
    protocolCoverage: 1_000n,
    utilizationBps: 100n,
  });

describe("what jobs find due in the index", () => {
  it("finds the oldest due claim behind 150 newer ones still voting, which a scan of the newest 100 never reached", async () => {
    const store = await openTestStore();
    await store.indexing((w) => w.apply(claim(1, 1_000), 10));
    for (let id = 2; id <= 151; id++) await store.indexing((w) => w.apply(claim(id, 1_000_000), 10));
    expect(await store.index.dueClaims(999n, 10)).toEqual([]);
    expect((await store.index.dueClaims(1_000n, 10)).map((c) => c.id)).toEqual([1n]);
    expect((await store.index.closingClaims(999n, 1n, 10)).map((c) => c.id)).toEqual([1n]);
    await store.close();
  });

  it("lists active policies past their term, oldest term first, and forgets an expiry a re-organisation undid", async () => {
    const store = await openTestStore();
    for (const [id, endsAt] of [
      [1, 300],
      [2, 100],
      [3, 900],
    ] as const)
      await store.indexing((w) => w.apply(policy(id, endsAt), 10));
    expect((await store.index.duePolicies(500n, 10)).map((p) => p.id)).toEqual([2n, 1n]);
    const expired = event(COVER, "policy-expired", {
      policyId: 2n,
      protocolId: 1n,
      holder: HOLDER,
      releasedCover: 1_000n,
      protocolCoverage: 1_000n,
      expiredBy: HOLDER,
    });
    await store.indexing((w) => w.apply(expired, 20));
    expect((await store.index.duePolicies(500n, 10)).map((p) => p.id)).toEqual([1n]);
    expect((await store.index.activeCover()).get(1n)).toBe(2_000n);
    await store.indexing((w) => w.undo(key(expired)));
    expect((await store.index.duePolicies(500n, 10)).map((p) => p.id)).toEqual([2n, 1n]);
    expect((await store.index.activeCover()).get(1n)).toBe(3_000n);
    await store.close();
  });
});
