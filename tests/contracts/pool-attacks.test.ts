import { describe, it, expect } from "vitest";
import { Cl, ClarityType } from "@stacks/transactions";
import { tx } from "@stacks/clarinet-sdk";
import {
  alice,
  dave,
  frank,
  grace,
  call,
  readJs,
  errors,
  expectOk,
  expectRefused,
  boughtPolicy,
  stxBalance,
  deposit,
  submitClaim,
  advance,
  now,
  printed,
  overcommittedPool,
  policyInForce,
  openClaim,
  vote,
  bob,
  deployer,
  setupRoles,
  insurableProtocol,
  purchase,
  approveByVote,
  heidi,
  DAY,
  HOUR,
  STX,
  storedEntry,
  capitalAt,
  unearnedAt,
  erin,
} from "./helpers";
import { expectedPremium } from "./model/pricing";

const E = errors.pool;
const provider = (who: string) => () => readJs("capital-pool", "get-provider", [Cl.principal(who)]);
// What a refused call must leave as it was (the value of shares moves with time as premiums are earned).
const holding = (who: string) => () => storedEntry("capital-pool", "providers", Cl.principal(who));
const refreshCap = (covered: bigint[], who = grace) =>
  call("policy-ledger", "refresh-protocol-cap", [Cl.list(covered.map((id) => Cl.uint(id)))], who);
const requestAll = (who: string) => call("capital-pool", "request-withdrawal", [Cl.uint(provider(who)().shares)], who);
const withdraw = (who: string) => call("capital-pool", "withdraw", [Cl.uint(0)], who);

describe("capital providers keep what is theirs", () => {
  it("keeps a policy's backing locked through its claims grace period, so a provider cannot leave ahead of a late claim", () => {
    const { policyId } = boughtPolicy(1_000_000n * STX, 500_000n * STX, 14);
    const policy = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]);
    // The provider asks for everything a week before the term ends, to be out the moment it does.
    advance(Number(policy["ends-at"] - now()) - 7 * DAY + HOUR);
    expectOk(requestAll(alice));
    advance(7 * DAY);
    expect(now()).toBeGreaterThan(policy["ends-at"]);
    expectRefused(
      () => call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], grace),
      errors.cover["ERR-POLICY-NOT-DUE"],
    );
    expectRefused(() => withdraw(alice), E["ERR-CAPITAL-LOCKED"], holding(alice));
    // The hack that happened on the last day of cover is claimed in the grace period, against capital still there.
    expectOk(submitClaim(policyId, 400_000n * STX, policy["ends-at"] - BigInt(HOUR), frank));
    expect(readJs("capital-pool", "get-total-assets")).toBeGreaterThan(1_000_000n * STX);
  });

  it("lets a policy expire, and its backing leave, once the grace period is over", () => {
    const { policyId } = boughtPolicy(1_000_000n * STX, 500_000n * STX, 14);
    const deadline = readJs("cybersecurity-insurance-defi", "get-filing-deadline", [Cl.uint(policyId)]);
    expect(deadline).toBe(
      readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)])["ends-at"] + 14n * BigInt(DAY),
    );
    advance(Number(deadline - now()));
    expectOk(call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], grace));
    expectOk(requestAll(alice));
    advance(7 * DAY);
    // The pool still assumes the largest cover one protocol ever had until someone proves less: no
    // protocol has cover now, so the proof is the empty list.
    expectRefused(() => withdraw(alice), E["ERR-CAPITAL-LOCKED"], holding(alice));
    expect(refreshCap([]).result).toBeOk(Cl.uint(0));
    expect(expectOk(withdraw(alice))).toBeGreaterThan(1_000_000n * STX);
  });

  it("refuses a withdrawal request made long ago as an instant exit after a hack becomes public", () => {
    expectOk(deposit(100_000n * STX, alice));
    expectOk(requestAll(alice));
    expect(provider(alice)()["expires-at"] - provider(alice)()["unlocks-at"]).toBe(7n * BigInt(DAY));
    advance(60 * DAY);
    expectRefused(() => withdraw(alice), E["ERR-WITHDRAWAL-EXPIRED"], holding(alice));
    // A fresh request waits the whole cooldown again.
    expectOk(requestAll(alice));
    expectRefused(() => withdraw(alice), E["ERR-COOLDOWN-ACTIVE"], holding(alice));
    advance(7 * DAY);
    expect(expectOk(withdraw(alice))).toBe(100_000n * STX);
  });
});

describe("a wiped-out pool", () => {
  it("is recapitalised by the next deposit in a new share epoch, instead of minting 10^17 shares per micro-STX that later overflow", () => {
    const { c1, c2 } = overcommittedPool();
    expectOk(call("claims-assessment", "accept-partial-payout", [Cl.uint(c1)], frank));
    expectOk(call("claims-assessment", "accept-partial-payout", [Cl.uint(c2)], frank));
    expect(readJs("capital-pool", "get-total-assets")).toBe(0n);
    expect(readJs("capital-pool", "get-total-shares")).toBeGreaterThan(0n);
    expect(readJs("capital-pool", "is-wiped-out")).toBe(true);
    // The next provider starts a new epoch at the initial price; the old shares are worth nothing and retired.
    const result = deposit(1_000n * STX, grace);
    expect(printed(result)[0]).toMatchObject({ topic: "share-epoch-started", epoch: 1n, "residual-capital": 0n });
    expect(expectOk(result)).toBe(1_000n * STX * 1_000_000n);
    expect(provider(alice)()).toMatchObject({ shares: 0n, value: 0n });
    expect(readJs("capital-pool", "get-pool-stats")).toMatchObject({
      "total-shares": 1_000n * STX * 1_000_000n,
      "total-assets": 1_000n * STX,
    });
    expectRefused(
      () => call("capital-pool", "request-withdrawal", [Cl.uint(1n)], alice),
      E["ERR-INSUFFICIENT-SHARES"],
      holding(alice),
    );
    // Later providers and withdrawals work at ordinary prices.
    expect(expectOk(deposit(500n * STX, alice))).toBe(500n * STX * 1_000_000n);
    expectOk(requestAll(grace));
    advance(7 * DAY);
    // Both policies were paid out in full, so no protocol has cover: the bound comes down on that proof.
    expect(refreshCap([]).result).toBeOk(Cl.uint(0));
    expect(expectOk(withdraw(grace))).toBe(1_000n * STX);
  });
});

describe("no one moves the price of leaving or joining", () => {
  it("a claim filed in the same block as a provider's withdrawal does not cut what the provider receives", () => {
    const { policyId } = policyInForce();
    expectOk(call("capital-pool", "request-withdrawal", [Cl.uint(provider(alice)().shares / 10n)], alice));
    advance(7 * DAY);
    // What the requested shares are worth at the share price of the next block, where both land.
    const pending = provider(alice)()["pending-shares"] as bigint;
    const owed = (pending * (capitalAt() + 1n)) / ((readJs("capital-pool", "get-total-shares") as bigint) + 1_000_000n);
    // The policy holder files first in the block, hoping to lower the exit price for the shares it keeps.
    const [claim, exit] = simnet.mineBlock([
      tx.callPublicFn(
        "claims-assessment",
        "submit-claim",
        [
          Cl.uint(policyId),
          Cl.uint(100_000n * STX),
          Cl.uint(now() - 60n),
          Cl.stringUtf8("front-run"),
          Cl.buffer(new Uint8Array(32).fill(1)),
          Cl.stringAscii("https://evidence.example/x"),
        ],
        frank,
      ),
      tx.callPublicFn("capital-pool", "withdraw", [Cl.uint(owed)], alice),
    ]);
    expect(claim!.result.type).toBe(ClarityType.ResponseOk);
    expect(exit!.result).toBeOk(Cl.uint(owed));
    // The claim's possible payout stays backed: it is locked, not priced.
    expect(readJs("capital-pool", "get-pool-stats")["claims-pending"]).toBe(90_000n * STX);
  });

  it("a withdrawal that would pay less than the provider's minimum is refused and changes nothing", () => {
    expectOk(deposit(100_000n * STX, alice));
    expectOk(requestAll(alice));
    advance(7 * DAY);
    const value = provider(alice)()["pending-value"] as bigint;
    expectRefused(
      () => call("capital-pool", "withdraw", [Cl.uint(value + 1n)], alice),
      E["ERR-BELOW-MIN-AMOUNT"],
      holding(alice),
    );
    expect(call("capital-pool", "withdraw", [Cl.uint(value)], alice).result).toBeOk(Cl.uint(value));
  });

  it("a deposit during an approved claim's veto window is refused, so nobody buys in cheap on the chance of a veto", () => {
    const { claimId } = openClaim();
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(call("claims-assessment", "finalize-claim", [Cl.uint(claimId)], dave));
    const price = readJs("capital-pool", "get-share-price") as bigint;
    expectRefused(() => deposit(100_000n * STX, grace), E["ERR-CLAIMS-SETTLING"], holding(grace));
    // The veto lifts the price back (by the 54,000 STX owed on some 1,000,000); only then may new capital
    // come in, at the restored price: the deposit itself moves it by no more than rounding.
    expectOk(
      call("claims-assessment", "council-veto", [Cl.uint(claimId), Cl.buffer(new Uint8Array(32).fill(3))], deployer),
    );
    expect((readJs("capital-pool", "get-share-price") as bigint) * 1_000n).toBeGreaterThan(price * 1_050n);
    const joined = printed(deposit(100_000n * STX, grace)).find((e) => e.topic === "capital-deposited")! as Record<
      string,
      bigint
    >;
    const before =
      (10n ** 12n * (joined["total-capital"]! - joined.amount! + 1n)) /
      (joined["total-shares"]! - joined.shares! + 1_000_000n);
    expect(joined["share-price"]! - before).toBeGreaterThanOrEqual(0n);
    expect(joined["share-price"]! - before).toBeLessThanOrEqual(1n);
  });

  it("a vetoed claim leaves no incident on the protocol's risk score", () => {
    const { claimId, protocolId } = openClaim();
    const before = readJs("protocol-registry", "get-protocol", [Cl.uint(protocolId)]);
    const risk = () => readJs("protocol-registry", "get-risk-breakdown", [Cl.uint(protocolId)]);
    const riskBefore = risk();
    approveByVote(claimId);
    advance(3 * DAY);
    expectOk(call("claims-assessment", "finalize-claim", [Cl.uint(claimId)], dave));
    expectOk(
      call("claims-assessment", "council-veto", [Cl.uint(claimId), Cl.buffer(new Uint8Array(32).fill(3))], deployer),
    );
    const after = readJs("protocol-registry", "get-protocol", [Cl.uint(protocolId)]);
    expect(after["incident-count"]).toBe(0n);
    expect(risk()).toEqual(riskBefore);
    expect(after["incident-count"]).toBe(before["incident-count"]);
  });
});

describe("pricing", () => {
  it("does not reward splitting: five purchases of 100,000 STX cost at least one purchase of 500,000 STX", () => {
    setupRoles();
    const protocolId = insurableProtocol();
    expectOk(deposit(1_000_000n * STX, alice));
    // What one purchase of 500,000 STX would be charged now (quote is exactly what purchase-coverage charges).
    const whole = readJs("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(500_000n * STX),
      Cl.uint(365),
    ]).premium as bigint;
    expect(whole).toBe(
      expectedPremium({
        amount: 500_000n * STX,
        days: 365n,
        rateBps: 200n,
        activeCover: 0n,
        capacity: 2_000_000n * STX,
        slopeBps: 10_000n,
      }),
    );
    // All five in the next block, so that no premium is earned between them (earning lowers later premiums).
    expect(unearnedAt()).toBe(0n);
    let split = 0n;
    for (const result of simnet.mineBlock(
      Array.from({ length: 5 }, () =>
        tx.callPublicFn(
          "cybersecurity-insurance-defi",
          "purchase-coverage",
          [Cl.uint(protocolId), Cl.uint(100_000n * STX), Cl.uint(365), Cl.uint(500_000n * STX)],
          frank,
        ),
      ),
    )) {
      expectOk(result);
      split += printed(result).find((e) => e.topic === "policy-purchased")!.premium as bigint;
    }
    expect(split).toBeGreaterThanOrEqual(whole);
    // ... and by no more than rounding: either way the surcharge is the mean utilization over the cover bought.
    expect(split - whole).toBeLessThanOrEqual(5n);
  });
});

describe("premiums of running policies", () => {
  it("are earned over the term, so a buyer's own premium cannot raise the capacity it buys against", () => {
    const { policyId } = boughtPolicy(1_000_000n * STX, 500_000n * STX, 14);
    const stats = () => readJs("capital-pool", "get-pool-stats");
    const premium = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)])[
      "capital-premium"
    ] as bigint;
    expect(premium).toBeGreaterThan(0n);
    expect(stats()).toMatchObject({
      "unearned-premiums": premium,
      capacity: 2_000_000n * STX,
      "total-capital": 1_000_000n * STX,
    });
    advance(Number(readJs("cybersecurity-insurance-defi", "get-filing-deadline", [Cl.uint(policyId)]) - now()));
    expect(stats()).toMatchObject({ "unearned-premiums": 0n, capacity: 2n * (1_000_000n * STX + premium) });
    expectOk(call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policyId)], grace));
    expect(stats()).toMatchObject({ "unearned-premiums": 0n, capacity: 2n * (1_000_000n * STX + premium) });
  });

  it("cannot be taken back by a buyer who deposits, buys a year of cover and leaves after the cooldown, nor leave its protocol above the cap", () => {
    // An honest provider's capital, then the attacker (grace) deposits 4x as much and buys a year of cover.
    setupRoles();
    const protocolId = insurableProtocol();
    expectOk(deposit(250_000n * STX, alice));
    expectOk(deposit(1_000_000n * STX, grace));
    const start = stxBalance(grace);
    const policyId = expectOk(purchase(protocolId, 600_000n * STX, 365, 100_000n * STX, grace)) as bigint;
    const premium = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]).premium as bigint;
    expectOk(requestAll(grace));
    advance(7 * DAY);
    // Everything out is refused: 600,000 STX on one protocol keeps 1,200,000 STX in the pool (50 % cap).
    expectRefused(() => withdraw(grace), E["ERR-CAPITAL-LOCKED"], holding(grace));
    const free = readJs("capital-pool", "get-free-capital") as bigint;
    const shares =
      (free * ((readJs("capital-pool", "get-total-shares") as bigint) + 1_000_000n)) / capitalAt() - 1_000_000n;
    expectOk(call("capital-pool", "request-withdrawal", [Cl.uint(shares)], grace));
    advance(7 * DAY);
    const out = expectOk(withdraw(grace)) as bigint;
    // The protocol stays within half the capital left, and the attacker got back a week or two's share of
    // the premium at most, not the 85 % a price raised by the whole premium at once returned.
    const capital = readJs("capital-pool", "get-total-capital") as bigint;
    expect(
      readJs("cybersecurity-insurance-defi", "get-protocol-coverage", [Cl.uint(protocolId)]) as bigint,
    ).toBeLessThanOrEqual(capital / 2n);
    // Shares were minted at 1 micro-STX per 10^6: what the attacker took beyond that is premium coming back.
    const recovered = out - shares / 1_000_000n;
    expect(recovered).toBeGreaterThan(0n);
    expect(recovered).toBeLessThan(premium / 20n);
    expect(stxBalance(grace)).toBe(start - premium + out);
  });

  it("lower the per-protocol bound only on a complete proof: every covered protocol, in order, each once", () => {
    setupRoles();
    const first = insurableProtocol();
    const second = insurableProtocol("second", [erin]);
    expectOk(deposit(1_000_000n * STX, alice));
    expectOk(purchase(first, 300_000n * STX, 14, 100_000n * STX));
    expectOk(purchase(second, 100_000n * STX, 14, 100_000n * STX));
    const mark = () => readJs("policy-ledger", "get-protocol-cap-mark");
    const refused = errors.ledger["ERR-INCOMPLETE-PROOF"];
    // Leaving out the largest, repeating one, or listing one with no cover proves nothing.
    expectRefused(() => refreshCap([second]), refused, mark);
    expectRefused(() => refreshCap([second, second]), refused, mark);
    expectRefused(() => refreshCap([second, first]), refused, mark);
    expectRefused(() => refreshCap([first, second, 3n]), refused, mark);
    expect(refreshCap([first, second]).result).toBeOk(Cl.uint(300_000n * STX));
    expect(mark()).toBe(300_000n * STX);
  });
});

describe("the assessors' reward reserve", () => {
  it("cannot be drained by a holder who files claims and denies them with its own assessor wallet", () => {
    // frank holds the policy; bob, grace and heidi are frank's own assessor wallets and carry quorum.
    const wallets = [frank, bob, grace, heidi];
    const { policyId } = policyInForce();
    const reserve = readJs("capital-pool", "get-reward-reserve") as bigint;
    expect(reserve).toBeGreaterThan(0n);
    const held = () => wallets.reduce((sum, w) => sum + stxBalance(w), 0n);
    const before = held();
    const assets = readJs("capital-pool", "get-total-assets") as bigint;
    for (let i = 0; i < 3; i++) {
      const claimId = expectOk(submitClaim(policyId, 50_000n * STX, now() - 60n)) as bigint;
      for (const who of [bob, grace, heidi]) expectOk(vote(claimId, false, who));
      advance(3 * DAY);
      expect(call("claims-assessment", "finalize-claim", [Cl.uint(claimId)], dave).result).toBeOk(Cl.uint(5n));
      for (const who of [bob, grace, heidi])
        expectOk(call("claims-assessment", "settle-vote", [Cl.uint(claimId)], who));
    }
    // Each round cost the wallets half of a 500 STX bond (and the rounding dust of the split pot); the
    // reserve is untouched and the pool kept the halves.
    expect(readJs("capital-pool", "get-reward-reserve")).toBe(reserve);
    expect(before - held()).toBeGreaterThanOrEqual(3n * 250n * STX);
    expect(before - held()).toBeLessThanOrEqual(3n * 250n * STX + 9n); // at most 1 micro-STX per settled ballot
    expect(readJs("capital-pool", "get-total-assets")).toBe(assets + 3n * 250n * STX);
  });

  it("pays an approved claim's assessors less than any bond: the reward's bound is below the bond's", () => {
    const bounds = (name: string) => readJs("insurance-council", "get-parameter-info", [Cl.stringAscii(name)]);
    expect(bounds("assessment-reward-bps").max).toBeLessThanOrEqual(bounds("claim-bond-bps").min);
    expect(bounds("bond-to-pool-bps").min).toBeGreaterThan(0n);
  });
});
