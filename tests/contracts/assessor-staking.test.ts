import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  bob,
  grace,
  errors,
  expectOk,
  expectRefused,
  call,
  readJs,
  printed,
  stake,
  stxBalance,
  contractId,
  advance,
  now,
  DAY,
  STX,
  openClaim,
  vote,
  council,
} from "./helpers";

const E = errors.staking;
const STAKING = contractId("assessor-staking");
const assessor = (who: string) => () => readJs("assessor-staking", "get-assessor", [Cl.principal(who)]);
const unstake = (amount: bigint, who = bob) => call("assessor-staking", "request-unstake", [Cl.uint(amount)], who);
const withdrawStake = (who = bob) => call("assessor-staking", "withdraw-stake", [], who);
const stakeBefore = (who: string, time: bigint) =>
  readJs("assessor-staking", "get-stake-before", [Cl.principal(who), Cl.uint(time)]);

describe("staking", () => {
  it("takes STX into custody, counts it as active stake and writes a checkpoint", () => {
    const before = stxBalance(bob);
    const result = stake(1_000n * STX, bob);
    expect(result.result).toBeOk(Cl.uint(1_000n * STX));
    expect(printed(result)[0]).toEqual({
      topic: "stake-added",
      assessor: bob,
      amount: 1_000n * STX,
      active: 1_000n * STX,
      "total-active": 1_000n * STX,
    });
    expect(stxBalance(bob)).toBe(before - 1_000n * STX);
    expect(stxBalance(STAKING)).toBe(1_000n * STX);
    expect(assessor(bob)()).toMatchObject({
      active: 1_000n * STX,
      reputation: 10_000n,
      weight: 1_000n * STX,
      locked: 0n,
    });
    expect(readJs("assessor-staking", "get-total-active-stake")).toBe(1_000n * STX);
    expect(readJs("assessor-staking", "get-checkpoint-count", [Cl.principal(bob)])).toBe(1n);
  });

  it("refuses zero, a first stake below the minimum, and more than the wallet holds", () => {
    expectRefused(() => stake(0n, bob), E["ERR-ZERO-AMOUNT"], assessor(bob));
    expectRefused(() => stake(STX - 1n, bob), E["ERR-BELOW-MIN-STAKE"], assessor(bob));
    expectRefused(() => stake(200_000_000n * STX, bob), E["ERR-INSUFFICIENT-BALANCE"], assessor(bob));
  });

  it("accepts a top-up below the minimum once the stake is above it", () => {
    expectOk(stake(STX, bob));
    expect(stake(1n, bob).result).toBeOk(Cl.uint(STX + 1n));
  });
});

describe("stake history", () => {
  it("answers what an assessor held strictly before any moment, however long the history", () => {
    const times: bigint[] = [];
    for (let i = 1; i <= 40; i++) {
      expectOk(stake(STX, bob));
      times.push(now());
      advance(600);
    }
    expect(readJs("assessor-staking", "get-checkpoint-count", [Cl.principal(bob)])).toBe(40n);
    expect(stakeBefore(bob, times[0]!)).toBe(0n);
    expect(stakeBefore(bob, times[0]! + 1n)).toBe(STX);
    expect(stakeBefore(bob, times[16]!)).toBe(16n * STX);
    expect(stakeBefore(bob, times[16]! + 1n)).toBe(17n * STX);
    expect(stakeBefore(bob, times[39]! + 1n)).toBe(40n * STX);
    expect(stakeBefore(grace, times[39]!)).toBe(0n);
  });

  it("counts requested unstakes out of the history from the moment they are requested", () => {
    expectOk(stake(10n * STX, bob));
    advance(600);
    expectOk(unstake(4n * STX));
    const t = now();
    advance(600);
    expect(stakeBefore(bob, t)).toBe(10n * STX);
    expect(stakeBefore(bob, t + 1n)).toBe(6n * STX);
  });
});

describe("unstaking", () => {
  it("requests, waits the cooldown, and returns the stake", () => {
    expectOk(stake(1_000n * STX, bob));
    const request = unstake(400n * STX);
    const unlocksAt = expectOk(request) as bigint;
    expect(printed(request)[0]).toMatchObject({
      topic: "unstake-requested",
      amount: 400n * STX,
      active: 600n * STX,
      unstaking: 400n * STX,
      "unstake-at": unlocksAt,
    });
    expect(readJs("assessor-staking", "get-total-active-stake")).toBe(600n * STX);
    expectRefused(() => withdrawStake(), E["ERR-COOLDOWN-ACTIVE"], assessor(bob));
    advance(7 * DAY);
    const before = stxBalance(bob);
    const result = withdrawStake();
    expect(result.result).toBeOk(Cl.uint(400n * STX));
    expect(printed(result)[0]).toEqual({
      topic: "stake-withdrawn",
      assessor: bob,
      amount: 400n * STX,
      active: 600n * STX,
    });
    expect(stxBalance(bob)).toBe(before + 400n * STX);
    expect(stxBalance(STAKING)).toBe(600n * STX);
  });

  it("refuses zero, more than the active stake, and withdrawing with nothing unstaking", () => {
    expectOk(stake(10n * STX, bob));
    expectRefused(() => unstake(0n), E["ERR-ZERO-AMOUNT"], assessor(bob));
    expectRefused(() => unstake(11n * STX), E["ERR-INSUFFICIENT-STAKE"], assessor(bob));
    expectRefused(() => withdrawStake(), E["ERR-NOTHING-TO-WITHDRAW"], assessor(bob));
  });

  it("keeps stake that voted locked until the vote is settled", () => {
    const { claimId } = openClaim();
    expectOk(vote(claimId, true, bob));
    expect(assessor(bob)()).toMatchObject({ locked: 100_000n * STX, "open-votes": 1n, available: 0n });
    expectRefused(() => unstake(STX), E["ERR-STAKE-LOCKED"], assessor(bob));
    // Stake added after voting is not locked and may leave.
    expectOk(stake(5n * STX, bob));
    expectOk(unstake(5n * STX));
  });

  it("restarts the cooldown when more is requested", () => {
    expectOk(stake(10n * STX, bob));
    expectOk(unstake(STX));
    advance(6 * DAY);
    expectOk(unstake(STX));
    advance(2 * DAY);
    expectRefused(() => withdrawStake(), E["ERR-COOLDOWN-ACTIVE"], assessor(bob));
    advance(6 * DAY);
    expect(withdrawStake().result).toBeOk(Cl.uint(2n * STX));
  });
});

describe("claims-contract functions", () => {
  it("refuse callers without the claims role", () => {
    expectOk(stake(10n * STX, bob));
    expectRefused(
      () => call("assessor-staking", "lock-for-vote", [Cl.principal(bob), Cl.uint(1), Cl.uint(now() + 1n)], bob),
      E["ERR-NOT-AUTHORIZED"],
      assessor(bob),
    );
    expectRefused(
      () =>
        call("assessor-staking", "settle-vote", [Cl.principal(bob), Cl.bool(true), Cl.uint(10_000), Cl.uint(0)], bob),
      E["ERR-NOT-AUTHORIZED"],
      assessor(bob),
    );
  });
});

describe("mirrors the vote path reads locally", () => {
  it("take team flags only from the registry, so nobody can bar an assessor by flagging them", () => {
    const flag = () => readJs("assessor-staking", "is-team-member", [Cl.uint(1), Cl.principal(bob)]);
    expectRefused(
      () => call("assessor-staking", "set-team-flag", [Cl.uint(1), Cl.principal(bob), Cl.bool(true)], bob),
      E["ERR-NOT-AUTHORIZED"],
      flag,
    );
    expect(flag()).toBe(false);
  });

  it("follow the council's claims role once anyone syncs it: a revoked claims contract can no longer lock stake", () => {
    const CLAIMS = contractId("claims-assessment");
    const mirrored = () => readJs("assessor-staking", "is-claims-caller", [Cl.principal(CLAIMS)]);
    expect(mirrored()).toBe(true);
    // A grant to a wallet: it may lock stake only after the sync.
    expectOk(council.pass("propose-role", [Cl.stringAscii("claims"), Cl.principal(grace), Cl.bool(true)]));
    expectOk(stake(10n * STX, bob));
    const lock = () =>
      call("assessor-staking", "lock-for-vote", [Cl.principal(bob), Cl.uint(1), Cl.uint(now() + 1n)], grace);
    expectRefused(lock, E["ERR-NOT-AUTHORIZED"], assessor(bob));
    const synced = call("assessor-staking", "sync-claims-role", [Cl.principal(grace)], bob);
    expect(synced.result).toBeOk(Cl.bool(true));
    expect(printed(synced)[0]).toEqual({ topic: "claims-role-synced", who: grace, granted: true, by: bob });
    expect(lock().result).toBeOk(
      Cl.tuple({ stake: Cl.uint(10n * STX), weight: Cl.uint(10n * STX), "team-member": Cl.bool(false) }),
    );
    // The revocation, synced, takes the right away again.
    expectOk(council.pass("propose-role", [Cl.stringAscii("claims"), Cl.principal(grace), Cl.bool(false)]));
    expect(call("assessor-staking", "sync-claims-role", [Cl.principal(grace)], bob).result).toBeOk(Cl.bool(false));
    expectRefused(lock, E["ERR-NOT-AUTHORIZED"], assessor(bob));
    expect(mirrored()).toBe(true);
  });
});
