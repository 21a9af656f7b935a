import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  alice,
  bob,
  carol,
  frank,
  errors,
  expectOk,
  expectRefused,
  call,
  readJs,
  printed,
  deposit,
  stxBalance,
  contractId,
  setupRoles,
  insurableProtocol,
  purchase,
  advance,
  DAY,
  STX,
  council,
  deployer,
  storedEntry,
  storedVar,
  now,
} from "./helpers";

const E = errors.pool;
const POOL = contractId("capital-pool");
const stats = () => readJs("capital-pool", "get-pool-stats");
const provider = (who: string) => () => readJs("capital-pool", "get-provider", [Cl.principal(who)]);
// What a refused call must leave as it was (the value of shares moves with time as premiums are earned).
const holding = (who: string) => () => storedEntry("capital-pool", "providers", Cl.principal(who));
const requestWithdrawal = (shares: bigint, who = alice) =>
  call("capital-pool", "request-withdrawal", [Cl.uint(shares)], who);
const withdraw = (who = alice) => call("capital-pool", "withdraw", [Cl.uint(0)], who);
const COOLDOWN = 7 * DAY;

describe("deposits", () => {
  it("mints 10^6 share units per micro-STX on the first deposit and moves the STX into the pool", () => {
    const before = stxBalance(alice);
    const result = deposit(1_000n * STX);
    expect(result.result).toBeOk(Cl.uint(1_000n * STX * 1_000_000n));
    expect(stxBalance(alice)).toBe(before - 1_000n * STX);
    expect(stxBalance(POOL)).toBe(1_000n * STX);
    expect(printed(result)[0]).toMatchObject({
      topic: "capital-deposited",
      provider: alice,
      amount: 1_000n * STX,
      "share-price": 1_000_000n,
      "total-capital": 1_000n * STX,
    });
    expect(provider(alice)()).toMatchObject({
      shares: 1_000n * STX * 1_000_000n,
      value: 1_000n * STX,
      "pending-shares": 0n,
    });
    expect(stats()).toMatchObject({ "total-capital": 1_000n * STX, capacity: 2_000n * STX, "share-price": 1_000_000n });
  });

  it("prices later deposits at the current share price", () => {
    expectOk(deposit(1_000n * STX, alice));
    const shares = expectOk(deposit(500n * STX, bob));
    expect(shares).toBe(500n * STX * 1_000_000n);
    expect(provider(bob)().value).toBe(500n * STX);
  });

  it("refuses a deposit below the minimum", () => {
    expectRefused(() => deposit(999_999n), E["ERR-BELOW-MIN-DEPOSIT"], holding(alice));
  });

  it("refuses a deposit larger than the wallet holds", () => {
    expectRefused(() => deposit(200_000_000n * STX), E["ERR-INSUFFICIENT-BALANCE"], holding(alice));
  });
});

describe("withdrawals", () => {
  it("requests, waits the cooldown, and withdraws the value of the shares", () => {
    const shares = expectOk(deposit(1_000n * STX)) as bigint;
    const request = requestWithdrawal(shares / 2n);
    const unlocksAt = expectOk(request) as bigint;
    expect(printed(request)[0]).toMatchObject({
      topic: "withdrawal-requested",
      shares: shares / 2n,
      value: 500n * STX,
      "unlocks-at": unlocksAt,
    });
    expect(provider(alice)()).toMatchObject({ "pending-shares": shares / 2n, "unlocks-at": unlocksAt });
    advance(COOLDOWN);
    const before = stxBalance(alice);
    const result = withdraw();
    expect(result.result).toBeOk(Cl.uint(500n * STX));
    expect(stxBalance(alice)).toBe(before + 500n * STX);
    expect(stxBalance(POOL)).toBe(500n * STX);
    expect(printed(result)[0]).toMatchObject({
      topic: "capital-withdrawn",
      amount: 500n * STX,
      "provider-shares": shares / 2n,
    });
    expect(provider(alice)()).toMatchObject({ shares: shares / 2n, "pending-shares": 0n });
  });

  it("refuses to request zero shares or more shares than held", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectRefused(() => requestWithdrawal(0n), E["ERR-ZERO-AMOUNT"], holding(alice));
    expectRefused(() => requestWithdrawal(shares + 1n), E["ERR-INSUFFICIENT-SHARES"], holding(alice));
    expectRefused(() => requestWithdrawal(1n, bob), E["ERR-INSUFFICIENT-SHARES"], holding(bob));
  });

  it("refuses to withdraw without a request or before the cooldown ends", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectRefused(() => withdraw(), E["ERR-NO-WITHDRAWAL-REQUEST"], holding(alice));
    expectOk(requestWithdrawal(shares));
    advance(COOLDOWN - 2 * 3_600);
    expectRefused(() => withdraw(), E["ERR-COOLDOWN-ACTIVE"], holding(alice));
  });

  it("restarts the cooldown when the request is replaced", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectOk(requestWithdrawal(shares));
    advance(COOLDOWN - DAY);
    expectOk(requestWithdrawal(shares / 2n));
    advance(2 * DAY);
    expectRefused(() => withdraw(), E["ERR-COOLDOWN-ACTIVE"], holding(alice));
  });

  it("cancels a request, and refuses to cancel when nothing is requested", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectRefused(
      () => call("capital-pool", "cancel-withdrawal", [], alice),
      E["ERR-NO-WITHDRAWAL-REQUEST"],
      holding(alice),
    );
    expectOk(requestWithdrawal(shares));
    const result = call("capital-pool", "cancel-withdrawal", [], alice);
    expect(printed(result)[0]).toMatchObject({ topic: "withdrawal-cancelled", shares });
    expect(provider(alice)()).toMatchObject({ "pending-shares": 0n, shares });
  });

  it("refuses a withdrawal whose shares are worth less than one micro-STX", () => {
    expectOk(deposit(10n * STX));
    expectOk(requestWithdrawal(1n));
    advance(COOLDOWN);
    expectRefused(() => withdraw(), E["ERR-ZERO-AMOUNT"], holding(alice));
  });

  it("never takes capital that backs active cover", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    const shares = expectOk(deposit(1_000n * STX)) as bigint;
    // 400 STX of cover at the 2x capacity ratio needs 200 STX of capital; all of it on one protocol, under
    // the 50 % per-protocol cap, keeps 800 STX in the pool: the larger lock holds.
    expectOk(purchase(protocolId, 400n * STX, 30, 100n * STX));
    expect(stats()["locked-capital"]).toBe(800n * STX);
    expectOk(requestWithdrawal(shares));
    advance(COOLDOWN);
    expectRefused(() => withdraw(), E["ERR-CAPITAL-LOCKED"], holding(alice));
    // A smaller request that leaves the locked capital in place goes through.
    const free = stats()["free-capital"] as bigint;
    const priceNum = stats()["total-capital"] as bigint;
    const freeShares = (free * (stats()["total-shares"] as bigint)) / priceNum;
    expectOk(requestWithdrawal(freeShares - 1_000_000n));
    advance(COOLDOWN);
    expectOk(withdraw());
    expect(stats()["total-capital"]).toBeGreaterThanOrEqual(stats()["locked-capital"] as bigint);
    // What is left is locked: the rest of the holding cannot follow.
    expectOk(requestWithdrawal(provider(alice)().shares as bigint));
    advance(COOLDOWN);
    expectRefused(() => withdraw(), E["ERR-CAPITAL-LOCKED"], holding(alice));
  });

  it("keeps requested shares in the pool, so they share in premiums until they leave", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    const shares = expectOk(deposit(1_000n * STX)) as bigint;
    expectOk(requestWithdrawal(shares / 2n));
    const before = provider(alice)()["pending-value"] as bigint;
    expectOk(purchase(protocolId, 100n * STX, 365, 100n * STX));
    // Premiums are earned over the term: nothing at purchase, some a few days later.
    expect(provider(alice)()["pending-value"]).toBe(before);
    advance(3 * DAY);
    expect(provider(alice)()["pending-value"]).toBeGreaterThan(before);
  });
});

describe("share price", () => {
  it("rises with premiums as they are earned, evenly over the policy's term", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    expectOk(deposit(1_000n * STX));
    const premium = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(100n * STX),
      Cl.uint(365),
    ]).premium as bigint;
    expectOk(purchase(protocolId, 100n * STX, 365, premium));
    const policy = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]);
    // 5 % of the premium funds the assessors' reward reserve; the rest is the providers', unearned at first.
    const fee = (premium * 500n) / 10_000n;
    let s = stats();
    expect(s["reward-reserve"]).toBe(fee);
    expect(s["premiums-earned"]).toBe(premium - fee);
    expect(s["unearned-premiums"]).toBe(premium - fee);
    expect(s["total-capital"]).toBe(1_000n * STX);
    expect(s["share-price"]).toBe(1_000_000n);
    expect(stxBalance(POOL)).toBe(1_000n * STX + premium);
    // Earned until the end of the week the term ends in (weeks counted from time 0).
    const WEEK = 7n * BigInt(DAY);
    const earnedUntil = (((policy["ends-at"] as bigint) + WEEK - 1n) / WEEK) * WEEK;
    const span = earnedUntil - (policy["purchased-at"] as bigint);
    advance(Number(span / 2n));
    s = stats();
    const earned = (s["total-capital"] as bigint) - 1_000n * STX;
    expect(earned).toBeGreaterThan(((premium - fee) * 49n) / 100n);
    expect(earned).toBeLessThan(((premium - fee) * 51n) / 100n);
    expect((s["unearned-premiums"] as bigint) + earned).toBe(premium - fee);
    advance(Number(span / 2n) + 60);
    s = stats();
    expect(s["unearned-premiums"]).toBe(0n);
    expect(s["total-capital"]).toBe(1_000n * STX + premium - fee);
    expect(s["share-price"]).toBe(
      ((1_000n * STX + premium - fee + 1n) * 10n ** 12n) / (1_000n * STX * 1_000_000n + 1_000_000n),
    );
  });

  it("defeats the first-depositor inflation attack", () => {
    // The attacker makes the smallest deposit the council allows, then donates a large amount
    // straight to the pool, hoping the next depositor's shares round down to nothing.
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("min-deposit"), Cl.uint(1)]));
    expect(deposit(1n, carol).result).toBeOk(Cl.uint(1_000_000n));
    const donation = simnet.transferSTX(10_000n * STX, POOL, carol);
    expect(donation.result).toBeOk(Cl.bool(true));
    // The ledger ignores donations, so the share price does not move.
    expect(stats()["total-assets"]).toBe(1n);
    expect(stats()["share-price"]).toBe(1_000_000n);
    // Victims of any size get shares worth what they paid, to the micro-STX.
    expectOk(deposit(1n * STX, bob));
    expect(provider(bob)().value).toBeGreaterThanOrEqual(1n * STX - 1n);
    expectOk(deposit(1_000n * STX, alice));
    expect(provider(alice)().value).toBeGreaterThanOrEqual(1_000n * STX - 1n);
    // The attacker can take out no more than they put in through the ledger: the donation is lost to them.
    expect(provider(carol)().value).toBeLessThanOrEqual(1n);
  });
});

describe("the unearned-premium reserve", () => {
  it("refuses deposits and withdrawals priced on a reserve that fell behind, until anyone brings it up to date", () => {
    // A three-year policy earns for some 157 weeks; one accrual crosses at most 64 week boundaries.
    setupRoles();
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("max-duration-days"), Cl.uint(1_095)]));
    const protocolId = insurableProtocol();
    expectOk(deposit(1_000_000n * STX));
    expectOk(purchase(protocolId, 100_000n * STX, 1_095, 100_000n * STX));
    advance(70 * 7 * DAY);
    const earning = () => storedVar("capital-pool", "earning");
    expectRefused(() => deposit(1_000n * STX, bob), E["ERR-EARNINGS-BEHIND"], earning);
    const behind = earning().through as bigint;
    expectOk(call("capital-pool", "accrue-premiums", [], carol));
    expect(earning().through).toBeGreaterThan(behind);
    expectOk(deposit(1_000n * STX, bob));
    expect(storedVar("capital-pool", "earning").through).toBe(now());
  });
});

describe("cover-contract functions", () => {
  it("refuse callers without the cover role", () => {
    expectOk(deposit(10n * STX));
    const farFuture = Cl.uint(BigInt(simnet.getBlockTime()) + 100n * BigInt(DAY));
    expectRefused(
      () =>
        call(
          "capital-pool",
          "underwrite",
          [Cl.uint(STX), Cl.uint(STX), Cl.uint(0), farFuture, Cl.uint(STX), Cl.uint(now() + 10n)],
          frank,
        ),
      E["ERR-NOT-AUTHORIZED"],
    );
    expectRefused(() => call("capital-pool", "remove-cover", [Cl.uint(0)], frank), E["ERR-NOT-AUTHORIZED"]);
  });

  it("refuse callers without the claims role, the council and the cover contract's role holders included", () => {
    expectOk(deposit(10n * STX));
    const gated: [string, ReturnType<typeof Cl.uint>[] | ReturnType<typeof Cl.principal>[]][] = [
      ["take-bond", [Cl.uint(STX)]],
      ["open-exposure", [Cl.uint(STX)]],
      ["close-exposure", [Cl.uint(0)]],
      ["approve-exposure", [Cl.uint(0)]],
      ["release-owed", [Cl.uint(0)]],
      ["forfeit-bond", [Cl.uint(0), Cl.uint(0)]],
      ["allocate-reward", [Cl.uint(0)]],
      ["refund-reward", [Cl.uint(0)]],
    ];
    for (const [method, args] of gated) {
      for (const who of [frank, deployer])
        expectRefused(() => call("capital-pool", method, args, who), E["ERR-NOT-AUTHORIZED"]);
    }
    expectRefused(
      () => call("capital-pool", "return-bond", [Cl.uint(0), Cl.principal(frank)], frank),
      E["ERR-NOT-AUTHORIZED"],
    );
    expectRefused(
      () => call("capital-pool", "pay-reward", [Cl.uint(0), Cl.principal(frank)], frank),
      E["ERR-NOT-AUTHORIZED"],
    );
    expectRefused(
      () => call("capital-pool", "pay-claim", [Cl.uint(0), Cl.uint(0), Cl.principal(frank)], frank),
      E["ERR-NOT-AUTHORIZED"],
    );
  });

  it("report the numbers the pool's readers need", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    expectOk(deposit(1_000n * STX));
    expectOk(purchase(protocolId, 500n * STX, 30, 100n * STX));
    const s = stats();
    expect(s["active-cover"]).toBe(500n * STX);
    // The running policy's premium (less the assessors' 5 %) is capital only as it is earned.
    const premium = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]).premium as bigint;
    expect(s["unearned-premiums"]).toBe(premium - (premium * 500n) / 10_000n);
    expect(s["total-capital"]).toBe((s["total-assets"] as bigint) - (s["unearned-premiums"] as bigint));
    expect(s["protocol-cap-mark"]).toBe(500n * STX);
    expect(s.capacity).toBe(((s["total-capital"] as bigint) * 20_000n) / 10_000n);
    expect(s["free-capacity"]).toBe((s.capacity as bigint) - 500n * STX);
    expect(s["utilization-bps"]).toBe((500n * STX * 10_000n) / (s.capacity as bigint));
    expect(s["pool-balance"]).toBe(stxBalance(POOL));
    expect(readJs("capital-pool", "get-pool-balance")).toBe(stxBalance(POOL));
  });
});
