import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  alice, bob, carol, frank, errors, expectOk, expectRefused, call, readJs, printed, deposit, stxBalance, contractId,
  setupRoles, insurableProtocol, purchase, advance, DAY, STX, council, deployer,
} from "./helpers";

const E = errors.pool;
const POOL = contractId("capital-pool");
const stats = () => readJs("capital-pool", "get-pool-stats");
const provider = (who: string) => () => readJs("capital-pool", "get-provider", [Cl.principal(who)]);
const requestWithdrawal = (shares: bigint, who = alice) => call("capital-pool", "request-withdrawal", [Cl.uint(shares)], who);
const withdraw = (who = alice) => call("capital-pool", "withdraw", [Cl.uint(0)], who);
const COOLDOWN = 7 * DAY;

describe("deposits", () => {
  it("mints 10^6 share units per micro-STX on the first deposit and moves the STX into the pool", () => {
    const before = stxBalance(alice);
    const result = deposit(1_000n * STX);
    expect(result.result).toBeOk(Cl.uint(1_000n * STX * 1_000_000n));
    expect(stxBalance(alice)).toBe(before - 1_000n * STX);
    expect(stxBalance(POOL)).toBe(1_000n * STX);
    expect(printed(result)[0]).toMatchObject({ topic: "capital-deposited", provider: alice, amount: 1_000n * STX,
      "share-price": 1_000_000n, "total-capital": 1_000n * STX });
    expect(provider(alice)()).toMatchObject({ shares: 1_000n * STX * 1_000_000n, value: 1_000n * STX, "pending-shares": 0n });
    expect(stats()).toMatchObject({ "total-capital": 1_000n * STX, capacity: 2_000n * STX, "share-price": 1_000_000n });
  });

  it("prices later deposits at the current share price", () => {
    expectOk(deposit(1_000n * STX, alice));
    const shares = expectOk(deposit(500n * STX, bob));
    expect(shares).toBe(500n * STX * 1_000_000n);
    expect(provider(bob)().value).toBe(500n * STX);
  });

  it("refuses a deposit below the minimum", () => {
    expectRefused(() => deposit(999_999n), E["ERR-BELOW-MIN-DEPOSIT"], provider(alice));
  });

  it("refuses a deposit larger than the wallet holds", () => {
    expectRefused(() => deposit(200_000_000n * STX), E["ERR-INSUFFICIENT-BALANCE"], provider(alice));
  });
});

describe("withdrawals", () => {
  it("requests, waits the cooldown, and withdraws the value of the shares", () => {
    const shares = expectOk(deposit(1_000n * STX)) as bigint;
    const request = requestWithdrawal(shares / 2n);
    const unlocksAt = expectOk(request) as bigint;
    expect(printed(request)[0]).toMatchObject({ topic: "withdrawal-requested", shares: shares / 2n, value: 500n * STX, "unlocks-at": unlocksAt });
    expect(provider(alice)()).toMatchObject({ "pending-shares": shares / 2n, "unlocks-at": unlocksAt });
    advance(COOLDOWN);
    const before = stxBalance(alice);
    const result = withdraw();
    expect(result.result).toBeOk(Cl.uint(500n * STX));
    expect(stxBalance(alice)).toBe(before + 500n * STX);
    expect(stxBalance(POOL)).toBe(500n * STX);
    expect(printed(result)[0]).toMatchObject({ topic: "capital-withdrawn", amount: 500n * STX, "provider-shares": shares / 2n });
    expect(provider(alice)()).toMatchObject({ shares: shares / 2n, "pending-shares": 0n });
  });

  it("refuses to request zero shares or more shares than held", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectRefused(() => requestWithdrawal(0n), E["ERR-ZERO-AMOUNT"], provider(alice));
    expectRefused(() => requestWithdrawal(shares + 1n), E["ERR-INSUFFICIENT-SHARES"], provider(alice));
    expectRefused(() => requestWithdrawal(1n, bob), E["ERR-INSUFFICIENT-SHARES"], provider(bob));
  });

  it("refuses to withdraw without a request or before the cooldown ends", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectRefused(() => withdraw(), E["ERR-NO-WITHDRAWAL-REQUEST"], provider(alice));
    expectOk(requestWithdrawal(shares));
    advance(COOLDOWN - 2 * 3_600);
    expectRefused(() => withdraw(), E["ERR-COOLDOWN-ACTIVE"], provider(alice));
  });

  it("restarts the cooldown when the request is replaced", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectOk(requestWithdrawal(shares));
    advance(COOLDOWN - DAY);
    expectOk(requestWithdrawal(shares / 2n));
    advance(2 * DAY);
    expectRefused(() => withdraw(), E["ERR-COOLDOWN-ACTIVE"], provider(alice));
  });

  it("cancels a request, and refuses to cancel when nothing is requested", () => {
    const shares = expectOk(deposit(10n * STX)) as bigint;
    expectRefused(() => call("capital-pool", "cancel-withdrawal", [], alice), E["ERR-NO-WITHDRAWAL-REQUEST"], provider(alice));
    expectOk(requestWithdrawal(shares));
    const result = call("capital-pool", "cancel-withdrawal", [], alice);
    expect(printed(result)[0]).toMatchObject({ topic: "withdrawal-cancelled", shares });
    expect(provider(alice)()).toMatchObject({ "pending-shares": 0n, shares });
  });

  it("refuses a withdrawal whose shares are worth less than one micro-STX", () => {
    expectOk(deposit(10n * STX));
    expectOk(requestWithdrawal(1n));
    advance(COOLDOWN);
    expectRefused(() => withdraw(), E["ERR-ZERO-AMOUNT"], provider(alice));
  });

  it("never takes capital that backs active cover", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    const shares = expectOk(deposit(1_000n * STX)) as bigint;
    // 400 STX of cover at the 2x capacity ratio locks 200 STX of capital.
    expectOk(purchase(protocolId, 400n * STX, 30, 100n * STX));
    expect(stats()["locked-capital"]).toBe(200n * STX);
    expectOk(requestWithdrawal(shares));
    advance(COOLDOWN);
    expectRefused(() => withdraw(), E["ERR-CAPITAL-LOCKED"], provider(alice));
    // A smaller request that leaves the locked capital in place goes through.
    const free = stats()["free-capital"] as bigint;
    const priceNum = stats()["total-capital"] as bigint;
    const freeShares = (free * (stats()["total-shares"] as bigint)) / priceNum;
    expectOk(requestWithdrawal(freeShares - 1_000_000n));
    advance(COOLDOWN);
    const paid = expectOk(withdraw()) as bigint;
    expect(paid).toBeLessThanOrEqual(free);
    expect(stats()["total-capital"]).toBeGreaterThanOrEqual(stats()["locked-capital"] as bigint);
  });

  it("keeps requested shares in the pool, so they share in premiums until they leave", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    const shares = expectOk(deposit(1_000n * STX)) as bigint;
    expectOk(requestWithdrawal(shares / 2n));
    const before = provider(alice)()["pending-value"] as bigint;
    expectOk(purchase(protocolId, 100n * STX, 365, 100n * STX));
    expect(provider(alice)()["pending-value"]).toBeGreaterThan(before);
  });
});

describe("share price", () => {
  it("rises with premiums", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    expectOk(deposit(1_000n * STX));
    const premium = readJs("cybersecurity-insurance-defi", "quote", [Cl.uint(protocolId), Cl.uint(100n * STX), Cl.uint(365)]).premium as bigint;
    expectOk(purchase(protocolId, 100n * STX, 365, premium));
    const s = stats();
    // 5 % of the premium funds the assessors' reward reserve; the rest is the providers'.
    const fee = (premium * 500n) / 10_000n;
    expect(s["reward-reserve"]).toBe(fee);
    expect(s["premiums-earned"]).toBe(premium - fee);
    expect(s["total-capital"]).toBe(1_000n * STX + premium - fee);
    expect(s["share-price"]).toBe(((1_000n * STX + premium - fee + 1n) * 10n ** 12n) / (1_000n * STX * 1_000_000n + 1_000_000n));
    expect(s["share-price"]).toBeGreaterThan(1_000_000n);
    expect(stxBalance(POOL)).toBe(1_000n * STX + premium);
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

describe("cover-contract functions", () => {
  it("refuse callers without the cover role", () => {
    expectOk(deposit(10n * STX));
    expectRefused(() => call("capital-pool", "collect-premium", [Cl.uint(STX)], frank), E["ERR-NOT-AUTHORIZED"]);
    expectRefused(() => call("capital-pool", "add-cover", [Cl.uint(STX)], frank), E["ERR-NOT-AUTHORIZED"]);
    expectRefused(() => call("capital-pool", "remove-cover", [Cl.uint(0)], frank), E["ERR-NOT-AUTHORIZED"]);
    expectRefused(() => call("capital-pool", "release-premium", [Cl.uint(0)], frank), E["ERR-NOT-AUTHORIZED"]);
  });

  it("refuse callers without the claims role, the council and the cover contract's role holders included", () => {
    expectOk(deposit(10n * STX));
    const gated: [string, ReturnType<typeof Cl.uint>[] | ReturnType<typeof Cl.principal>[]][] = [
      ["take-bond", [Cl.uint(STX)]], ["open-exposure", [Cl.uint(STX)]], ["close-exposure", [Cl.uint(0)]],
      ["approve-exposure", [Cl.uint(0)]], ["release-owed", [Cl.uint(0)]], ["forfeit-bond", [Cl.uint(0), Cl.uint(0)]],
      ["allocate-reward", [Cl.uint(0)]], ["refund-reward", [Cl.uint(0)]],
    ];
    for (const [method, args] of gated) {
      for (const who of [frank, deployer]) expectRefused(() => call("capital-pool", method, args, who), E["ERR-NOT-AUTHORIZED"]);
    }
    expectRefused(() => call("capital-pool", "return-bond", [Cl.uint(0), Cl.principal(frank)], frank), E["ERR-NOT-AUTHORIZED"]);
    expectRefused(() => call("capital-pool", "pay-reward", [Cl.uint(0), Cl.principal(frank)], frank), E["ERR-NOT-AUTHORIZED"]);
    expectRefused(() => call("capital-pool", "pay-claim", [Cl.uint(0), Cl.uint(0), Cl.principal(frank)], frank), E["ERR-NOT-AUTHORIZED"]);
  });

  it("report the numbers the pool's readers need", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    expectOk(deposit(1_000n * STX));
    expectOk(purchase(protocolId, 500n * STX, 30, 100n * STX));
    const s = stats();
    expect(s["active-cover"]).toBe(500n * STX);
    // The running policy's premium (less the assessors' 5 %) backs no new cover until the policy ends.
    const premium = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]).premium as bigint;
    expect(s["unearned-premiums"]).toBe(premium - (premium * 500n) / 10_000n);
    expect(s["underwriting-capital"]).toBe((s["total-capital"] as bigint) - (s["unearned-premiums"] as bigint));
    expect(s.capacity).toBe(((s["underwriting-capital"] as bigint) * 20_000n) / 10_000n);
    expect(s["free-capacity"]).toBe((s.capacity as bigint) - 500n * STX);
    expect(s["utilization-bps"]).toBe((500n * STX * 10_000n) / (s.capacity as bigint));
    expect(s["pool-balance"]).toBe(stxBalance(POOL));
    expect(readJs("capital-pool", "get-pool-balance")).toBe(stxBalance(POOL));
  });
});
