import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  alice, dave, frank, grace, call, readJs, errors, expectOk, expectRefused, boughtPolicy, deposit, submitClaim, advance, now, printed,
  overcommittedPool, DAY, HOUR, STX,
} from "./helpers";

const E = errors.pool;
const provider = (who: string) => () => readJs("capital-pool", "get-provider", [Cl.principal(who)]);
const requestAll = (who: string) => call("capital-pool", "request-withdrawal", [Cl.uint(provider(who)().shares)], who);
const withdraw = (who: string) => call("capital-pool", "withdraw", [], who);

describe("capital providers keep what is theirs", () => {
  it("keeps a policy's backing locked through its claims grace period, so a provider cannot leave ahead of a late claim", () => {
    const { policyId } = boughtPolicy(1_000_000n * STX, 500_000n * STX, 14);
    const policy = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]);
    // The provider asks for everything a week before the term ends, to be out the moment it does.
    advance(Number(policy["ends-at"] - now()) - 7 * DAY + HOUR);
    expectOk(requestAll(alice));
    advance(7 * DAY);
    expect(now()).toBeGreaterThan(policy["ends-at"]);
    expectRefused(() => call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], grace),
      errors.cover["ERR-POLICY-NOT-DUE"]);
    expectRefused(() => withdraw(alice), E["ERR-CAPITAL-LOCKED"], provider(alice));
    // The hack that happened on the last day of cover is claimed in the grace period, against capital still there.
    expectOk(submitClaim(policyId, 400_000n * STX, policy["ends-at"] - BigInt(HOUR), frank));
    expect(readJs("capital-pool", "get-total-assets")).toBeGreaterThan(1_000_000n * STX);
  });

  it("lets a policy expire, and its backing leave, once the grace period is over", () => {
    const { policyId } = boughtPolicy(1_000_000n * STX, 500_000n * STX, 14);
    const deadline = readJs("cybersecurity-insurance-defi", "get-filing-deadline", [Cl.uint(policyId)]);
    expect(deadline).toBe(readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)])["ends-at"] + 14n * BigInt(DAY));
    advance(Number(deadline - now()));
    expectOk(call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], grace));
    expectOk(requestAll(alice));
    advance(7 * DAY);
    expect(expectOk(withdraw(alice))).toBeGreaterThan(1_000_000n * STX);
  });

  it("refuses a withdrawal request made long ago as an instant exit after a hack becomes public", () => {
    expectOk(deposit(100_000n * STX, alice));
    expectOk(requestAll(alice));
    expect(provider(alice)()["expires-at"] - provider(alice)()["unlocks-at"]).toBe(7n * BigInt(DAY));
    advance(60 * DAY);
    expectRefused(() => withdraw(alice), E["ERR-WITHDRAWAL-EXPIRED"], provider(alice));
    // A fresh request waits the whole cooldown again.
    expectOk(requestAll(alice));
    expectRefused(() => withdraw(alice), E["ERR-COOLDOWN-ACTIVE"], provider(alice));
    advance(7 * DAY);
    expect(expectOk(withdraw(alice))).toBe(100_000n * STX);
  });
});

describe("a wiped-out pool", () => {
  it("is recapitalised by the next deposit in a new share epoch, instead of minting 10^17 shares per micro-STX that later overflow", () => {
    const { c1, c2 } = overcommittedPool();
    expectOk(call("claims-assessment", "execute-payout", [Cl.uint(c1)], dave));
    expectOk(call("claims-assessment", "accept-partial-payout", [Cl.uint(c2)], frank));
    expect(readJs("capital-pool", "get-total-assets")).toBe(0n);
    expect(readJs("capital-pool", "get-total-shares")).toBeGreaterThan(0n);
    expect(readJs("capital-pool", "is-wiped-out")).toBe(true);
    // The next provider starts a new epoch at the initial price; the old shares are worth nothing and retired.
    const result = deposit(1_000n * STX, grace);
    expect(printed(result)[0]).toMatchObject({ topic: "share-epoch-started", epoch: 1n, "residual-capital": 0n });
    expect(expectOk(result)).toBe(1_000n * STX * 1_000_000n);
    expect(provider(alice)()).toMatchObject({ shares: 0n, value: 0n });
    expect(readJs("capital-pool", "get-pool-stats")).toMatchObject({ "total-shares": 1_000n * STX * 1_000_000n, "total-assets": 1_000n * STX });
    expectRefused(() => call("capital-pool", "request-withdrawal", [Cl.uint(1n)], alice), E["ERR-INSUFFICIENT-SHARES"], provider(alice));
    // Later providers and withdrawals work at ordinary prices.
    expect(expectOk(deposit(500n * STX, alice))).toBe(500n * STX * 1_000_000n);
    expectOk(requestAll(grace));
    advance(7 * DAY);
    expect(expectOk(withdraw(grace))).toBe(1_000n * STX);
  });
});
