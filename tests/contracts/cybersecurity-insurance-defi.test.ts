import { describe, it, expect, beforeEach } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  ORACLE,
  bob,
  erin,
  frank,
  grace,
  errors,
  expectOk,
  expectRefused,
  call,
  read,
  readJs,
  printed,
  deposit,
  stxBalance,
  contractId,
  freshAddress,
  setupRoles,
  insurableProtocol,
  listProtocol,
  recordAudit,
  purchase,
  quote,
  advance,
  now,
  DAY,
  STX,
  council,
} from "./helpers";
import { expectedPremium } from "./model/pricing";

const E = errors.cover;
const R = errors.registry;
const POOL = contractId("capital-pool");
const policy = (id: bigint) => () => readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(id)]);
const coverage = (protocolId: bigint) =>
  readJs("cybersecurity-insurance-defi", "get-protocol-coverage", [Cl.uint(protocolId)]);
const poolStats = () => readJs("capital-pool", "get-pool-stats");
const expire = (id: bigint, who = grace) => call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(id)], who);

let protocolId: bigint;
beforeEach(() => {
  setupRoles();
  protocolId = insurableProtocol();
  expectOk(deposit(1_000_000n * STX));
});

describe("quote", () => {
  it("prices amount x tier rate x days / 365, rising with utilization", () => {
    const q = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(100_000n * STX),
      Cl.uint(90),
    ]);
    const s = poolStats();
    expect(q).toMatchObject({ tier: 1n, "rate-bps": 200n, "utilization-bps": 500n });
    expect(q["base-premium"]).toBe((100_000n * STX * 200n * 90n + 365n * 10_000n - 1n) / (365n * 10_000n));
    expect(q.premium).toBe(
      expectedPremium({
        amount: 100_000n * STX,
        days: 90n,
        rateBps: 200n,
        activeCover: 0n,
        capacity: s.capacity,
        slopeBps: 10_000n,
      }),
    );
    // Same cover when the pool is busier costs more.
    expectOk(purchase(protocolId, 400_000n * STX, 90, 10_000n * STX));
    const busier = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(100_000n * STX),
      Cl.uint(90),
    ]);
    expect(busier.premium).toBeGreaterThan(q.premium);
    expect(busier["utilization-bps"]).toBe((500_000n * STX * 10_000n) / (poolStats().capacity as bigint));
  });

  it("is exactly what purchase-coverage charges, and never less than a later block charges", () => {
    for (const [i, [amount, days]] of (
      [
        [300_000n * STX, 365],
        [1n * STX, 14],
        [12_345n * STX + 7n, 200],
      ] as const
    ).entries()) {
      const premium = readJs("cybersecurity-insurance-defi", "quote", [
        Cl.uint(protocolId),
        Cl.uint(amount),
        Cl.uint(days),
      ]).premium as bigint;
      const before = stxBalance(frank);
      expectOk(purchase(protocolId, amount, days, premium));
      const charged = before - stxBalance(frank);
      // The first purchase lands on the state the quote read. Later ones land a block after their quote,
      // once a little more of the earlier premium is earned: more capital, a lower utilization surcharge.
      if (i === 0) expect(charged).toBe(premium);
      else {
        expect(charged).toBeLessThanOrEqual(premium);
        expect(charged * 1_000n).toBeGreaterThanOrEqual(premium * 999n);
      }
    }
  });

  it("answers with the same error purchase-coverage would give", () => {
    expect(quote(protocolId, 1n, 30)).toBeErr(Cl.uint(E["ERR-COVERAGE-TOO-SMALL"]!));
    expect(quote(99n, STX, 30)).toBeErr(Cl.uint(R["ERR-UNKNOWN-PROTOCOL"]!));
  });
});

/** An upper bound of how much the capacity (2x capital) grows in one 10 s block as running premiums are earned. */
function capacityGrowthPerBlock() {
  const rate = readJs("capital-pool", "get-earning").rate as bigint; // 10^-9 micro-STX per second
  return (rate * 10n * 2n) / 1_000_000_000n + 2n;
}

describe("purchase-coverage", () => {
  it("creates a policy with its terms, moves the premium into the pool and reserves capacity", () => {
    const amount = 100_000n * STX;
    const premium = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(amount),
      Cl.uint(90),
    ]).premium;
    const buyerBefore = stxBalance(frank);
    const poolBefore = stxBalance(POOL);
    const result = purchase(protocolId, amount, 90, premium);
    expect(result.result).toBeOk(Cl.uint(1));
    const t = now();
    expect(policy(1n)()).toEqual({
      holder: frank,
      "protocol-id": protocolId,
      "coverage-amount": amount,
      premium,
      "rate-bps": 200n,
      tier: 1n,
      "duration-days": 90n,
      "purchased-at": t,
      "active-from": t + 259_200n,
      "ends-at": t + 259_200n + 90n * 86_400n,
      "remaining-cover": amount,
      "total-paid": 0n,
      status: 1n,
      "claims-pause-clock": 0n,
      "capital-premium": premium - (premium * 500n) / 10_000n,
    });
    expect(stxBalance(frank)).toBe(buyerBefore - premium);
    expect(stxBalance(POOL)).toBe(poolBefore + premium);
    expect(coverage(protocolId)).toBe(amount);
    expect(poolStats()["active-cover"]).toBe(amount);
    expect(printed(result).map((e) => e.topic)).toEqual(["premium-collected", "policy-purchased"]);
    expect(printed(result)[1]).toMatchObject({
      "policy-id": 1n,
      holder: frank,
      "coverage-amount": amount,
      premium,
      "protocol-coverage": amount,
      "duration-days": 90n,
    });
    expect(readJs("cybersecurity-insurance-defi", "get-holder-policy-count", [Cl.principal(frank)])).toBe(1n);
    expect(readJs("cybersecurity-insurance-defi", "get-holder-policy", [Cl.principal(frank), Cl.uint(0)])).toBe(1n);
    expect(readJs("cybersecurity-insurance-defi", "get-protocol-policy-count", [Cl.uint(protocolId)])).toBe(1n);
    expect(readJs("cybersecurity-insurance-defi", "get-protocol-policy", [Cl.uint(protocolId), Cl.uint(0)])).toBe(1n);
    expect(readJs("cybersecurity-insurance-defi", "get-last-policy-id")).toBe(1n);
  });

  it("activates cover only after the waiting period and ends it after the term", () => {
    expectOk(purchase(protocolId, 1_000n * STX, 14, 1_000n * STX));
    const active = () => read("cybersecurity-insurance-defi", "is-policy-active", [Cl.uint(1)]);
    expect(active()).toBeBool(false);
    advance(3 * DAY);
    expect(active()).toBeBool(true);
    advance(14 * DAY);
    expect(active()).toBeBool(false);
    expect(read("cybersecurity-insurance-defi", "is-policy-active", [Cl.uint(9)])).toBeBool(false);
  });

  it("refuses while new cover is paused by the council", () => {
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(false))]));
    expectRefused(() => purchase(protocolId, STX, 30, STX), E["ERR-COVER-PAUSED"]);
  });

  it("refuses cover on a protocol that is unknown, unlisted, unaudited, paused or failed its audit", () => {
    expectRefused(() => purchase(99n, STX, 30, STX), R["ERR-UNKNOWN-PROTOCOL"]);
    const pending = expectOk(listProtocol("pending-one")) as bigint;
    expectRefused(() => purchase(pending, STX, 30, STX), R["ERR-NOT-LISTED"]);
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(pending)], ORACLE));
    expectRefused(() => purchase(pending, STX, 30, STX), R["ERR-NOT-AUDITED"]);
    expectOk(recordAudit(pending, { critical: 3, high: 0, medium: 0, low: 0 }, 3));
    expectRefused(() => purchase(pending, STX, 30, STX), R["ERR-AUDIT-FAILED"]);
    expectOk(call("protocol-registry", "pause-protocol", [Cl.uint(protocolId)], ORACLE));
    expectRefused(() => purchase(protocolId, STX, 30, STX), R["ERR-PROTOCOL-PAUSED"]);
    expectOk(call("protocol-registry", "delist-protocol", [Cl.uint(protocolId)], ORACLE));
    expectRefused(() => purchase(protocolId, STX, 30, STX), R["ERR-NOT-LISTED"]);
  });

  it("refuses cover below the minimum amount", () => {
    expectRefused(() => purchase(protocolId, STX - 1n, 30, STX), E["ERR-COVERAGE-TOO-SMALL"]);
    expectRefused(() => purchase(protocolId, 0n, 30, STX), E["ERR-COVERAGE-TOO-SMALL"]);
  });

  it("refuses a duration outside 14..365 days", () => {
    expectRefused(() => purchase(protocolId, STX, 13, STX), E["ERR-INVALID-DURATION"]);
    expectRefused(() => purchase(protocolId, STX, 366, STX), E["ERR-INVALID-DURATION"]);
    expectRefused(() => purchase(protocolId, STX, 0, STX), E["ERR-INVALID-DURATION"]);
  });

  it("refuses cover beyond the pool's capacity", () => {
    // Let one protocol take all the capital so that only the 2x capacity ratio binds.
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("protocol-cap-bps"), Cl.uint(10_000)]));
    const other = insurableProtocol("other", [erin]);
    const third = insurableProtocol("third", [erin]);
    expectOk(purchase(protocolId, 1_000_000n * STX, 14, 100_000n * STX));
    expectOk(purchase(third, 900_000n * STX, 14, 100_000n * STX));
    const room = poolStats()["free-capacity"] as bigint;
    // Capacity grows as the two premiums are earned, in the 10 s to the purchase's block at most this much.
    const growth = capacityGrowthPerBlock();
    expectRefused(
      () => purchase(other, room + growth + 1n, 14, 200_000n * STX),
      E["ERR-INSUFFICIENT-CAPACITY"],
      () => coverage(other),
    );
    expectOk(purchase(other, room, 14, 200_000n * STX));
    expect(poolStats()["active-cover"]).toBe(1_900_000n * STX + room);
  });

  it("refuses cover that would put more than half the capital on one protocol", () => {
    expectOk(purchase(protocolId, 400_000n * STX, 14, 100_000n * STX));
    const cap = ((poolStats()["total-capital"] as bigint) * 5_000n) / 10_000n;
    const growth = capacityGrowthPerBlock() / 4n + 1n; // the cap is half the capital; the capacity twice it
    expectRefused(
      () => purchase(protocolId, cap + growth - 400_000n * STX + 1n, 14, 100_000n * STX),
      E["ERR-PROTOCOL-CAP-EXCEEDED"],
      () => coverage(protocolId),
    );
    expectOk(purchase(protocolId, cap - 400_000n * STX, 14, 100_000n * STX));
  });

  it("refuses when the premium is above the buyer's maximum", () => {
    const premium = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(10_000n * STX),
      Cl.uint(30),
    ]).premium;
    expectRefused(() => purchase(protocolId, 10_000n * STX, 30, premium - 1n), E["ERR-PREMIUM-ABOVE-MAX"]);
  });

  it("refuses a buyer who cannot pay the premium", () => {
    const broke = freshAddress(2); // holds no STX
    expectRefused(
      () => purchase(protocolId, 10_000n * STX, 30, 10_000n * STX, broke),
      errors.pool["ERR-INSUFFICIENT-BALANCE"],
    );
  });
});

describe("expire-policy", () => {
  it("lets anyone expire a policy after its term and claims grace period, releasing its capacity", () => {
    expectOk(purchase(protocolId, 1_000n * STX, 14, 1_000n * STX));
    advance(31 * DAY); // three days' wait, fourteen of cover, fourteen of grace
    const result = expire(1n);
    expectOk(result);
    expect(policy(1n)()).toMatchObject({ status: 2n });
    expect(coverage(protocolId)).toBe(0n);
    expect(poolStats()["active-cover"]).toBe(0n);
    expect(printed(result)[0]).toMatchObject({
      topic: "policy-expired",
      "policy-id": 1n,
      "released-cover": 1_000n * STX,
      "expired-by": grace,
    });
  });

  it("refuses an unknown policy, a policy still in its term or grace period, and a second expiry", () => {
    expectRefused(() => expire(5n), E["ERR-UNKNOWN-POLICY"]);
    expectOk(purchase(protocolId, 1_000n * STX, 14, 1_000n * STX));
    advance(16 * DAY);
    expectRefused(() => expire(1n), E["ERR-POLICY-NOT-DUE"], policy(1n));
    advance(14 * DAY);
    expectRefused(() => expire(1n), E["ERR-POLICY-NOT-DUE"], policy(1n));
    advance(2 * DAY);
    expectOk(expire(1n));
    expectRefused(() => expire(1n), E["ERR-POLICY-NOT-ACTIVE"], policy(1n));
  });
});

describe("seed read-only names", () => {
  it("get-policy answers none for an unknown id, get-protocol-coverage zero for an uninsured protocol", () => {
    expect(read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)])).toBeNone();
    expect(coverage(42n)).toBe(0n);
    expect(readJs("cybersecurity-insurance-defi", "get-pool-balance")).toBe(1_000_000n * STX);
  });

  it("get-pool-balance answers what the pool can pay claims with, not the bonds and assessors' rewards it also holds", () => {
    expectOk(purchase(protocolId, 100_000n * STX, 90, 100_000n * STX));
    expectOk(call("assessor-staking", "stake", [Cl.uint(10_000n * STX)], bob));
    advance(3 * 86_400 + 3_600);
    expectOk(
      call(
        "claims-assessment",
        "submit-claim",
        [
          Cl.uint(1),
          Cl.uint(50_000n * STX),
          Cl.uint(now() - 60n),
          Cl.stringUtf8("exploit"),
          Cl.buffer(new Uint8Array(32).fill(1)),
          Cl.stringAscii("https://evidence.example/x"),
        ],
        frank,
      ),
    );
    const stats = poolStats();
    expect(readJs("cybersecurity-insurance-defi", "get-pool-balance")).toBe(stats["total-assets"]);
    // The raw balance also holds the 500 STX bond and the assessors' share of the premium.
    expect(stats["pool-balance"]).toBe(
      (stats["total-assets"] as bigint) + (stats["bonds-held"] as bigint) + (stats["reward-reserve"] as bigint),
    );
    expect(stats["bonds-held"]).toBe(500n * STX);
    expect(stats["reward-reserve"]).toBeGreaterThan(0n);
  });
});

describe("the seed's claims entry points", () => {
  const seedClaim = (policyId: bigint, who: string, amount = 20_000n * STX) =>
    call(
      "cybersecurity-insurance-defi",
      "submit-claim",
      [
        Cl.uint(policyId),
        Cl.uint(amount),
        Cl.uint(now() - 60n),
        Cl.stringUtf8("Oracle manipulated through a flash loan"),
        Cl.buffer(new Uint8Array(32).fill(4)),
        Cl.stringAscii("https://evidence.example/bundle.tar.gz"),
      ],
      who,
    );

  it("submit-claim here files the caller's claim in the claims contract, bond paid by the holder, and get-claim reads it back", () => {
    const policyId = expectOk(purchase(protocolId, 100_000n * STX, 90, 100_000n * STX)) as bigint;
    advance(3 * DAY + 3_600);
    const before = stxBalance(frank);
    const filed = seedClaim(policyId, frank);
    expect(filed.result).toBeOk(Cl.uint(1));
    expect(printed(filed).find((e) => e.topic === "claim-submitted")).toMatchObject({
      "claim-id": 1n,
      claimant: frank,
      amount: 20_000n * STX,
    });
    const bond = readJs("claims-assessment", "get-claim", [Cl.uint(1)]).bond as bigint;
    expect(stxBalance(frank)).toBe(before - bond);
    expect(read("cybersecurity-insurance-defi", "get-claim", [Cl.uint(1)])).toEqual(
      read("claims-assessment", "get-claim", [Cl.uint(1)]),
    );
    expect(readJs("cybersecurity-insurance-defi", "get-claim", [Cl.uint(1)])).toMatchObject({
      claimant: frank,
      "policy-id": policyId,
    });
    expect(read("cybersecurity-insurance-defi", "get-claim", [Cl.uint(2)])).toBeNone();
  });

  it("lets no one file for another holder: not through submit-claim here, nor by calling the claims contract's submit-claim-for", () => {
    const policyId = expectOk(purchase(protocolId, 100_000n * STX, 90, 100_000n * STX)) as bigint;
    advance(3 * DAY + 3_600);
    const claims = () => readJs("claims-assessment", "get-last-claim-id");
    // grace calls with frank's policy: the claims contract is told grace is the caller.
    expectRefused(() => seedClaim(policyId, grace), errors.claims["ERR-NOT-POLICY-HOLDER"], claims);
    // Only a contract with the cover role may name the holder.
    expectRefused(
      () =>
        call(
          "claims-assessment",
          "submit-claim-for",
          [
            Cl.principal(frank),
            Cl.uint(policyId),
            Cl.uint(STX),
            Cl.uint(now() - 60n),
            Cl.stringUtf8("x"),
            Cl.buffer(new Uint8Array(32).fill(4)),
            Cl.stringAscii("https://e.example/x"),
          ],
          grace,
        ),
      errors.claims["ERR-NOT-COVER-CONTRACT"],
      claims,
    );
    expect(claims()).toBe(0n);
  });
});
