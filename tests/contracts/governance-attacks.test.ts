import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { Cl } from "@stacks/transactions";
import {
  deployer,
  carol,
  dave,
  read,
  readJs,
  errors,
  expectOk,
  expectRefused,
  listProtocol,
  council,
  councilOfThree,
  call,
  boughtPolicy,
  submitClaim,
  advance,
  DAY,
  STX,
  now,
} from "./helpers";

const E = errors.council;
const proposal = (id: bigint) => () => readJs("insurance-council", "get-proposal", [Cl.uint(id)]);
const approve = (id: bigint, who: string) => call("insurance-council", "approve", [Cl.uint(id)], who);
const execute = (id: bigint, who = deployer) => call("insurance-council", "execute", [Cl.uint(id)], who);
const pauseFlags = () => [read("insurance-council", "is-cover-paused"), read("insurance-council", "is-claims-paused")];

const CONTRACTS_DIR = new URL("../../contracts/", import.meta.url);

/** Every parameter name a contract reads: `(param "…")`, `get-parameter "…"` and the names tier-rate picks from. */
function parameterNamesRead(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(CONTRACTS_DIR).filter((f) => f.endsWith(".clar"))) {
    const source = readFileSync(new URL(file, CONTRACTS_DIR), "utf8");
    for (const m of source.matchAll(/\((?:param|get-parameter)\s+"([a-z0-9-]+)"\)/g)) names.add(m[1]!);
    for (const m of source.matchAll(/"(rate-tier-\d-bps)"/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe("governance against a careless or hostile change", () => {
  it("aborts a call that reads a misspelt parameter instead of reading u0 and switching a check off", () => {
    // A contract with a typo in a parameter name: today's get-parameter would hand it u0.
    simnet.deployContract(
      "typo-reader",
      `(define-read-only (capacity) (contract-call? .insurance-council get-parameter "capacity-ratio"))`,
      { clarityVersion: 4 },
      deployer,
    );
    expect(() => simnet.callReadOnlyFn("typo-reader", "capacity", [], deployer)).toThrow();
    expect(() => read("insurance-council", "get-parameter", [Cl.stringAscii("capacity-ratio")])).toThrow();
    // The correctly spelt name still reads its value.
    expect(readJs("insurance-council", "get-parameter", [Cl.stringAscii("capacity-ratio-bps")])).toBe(20_000n);
  });

  it("initialises every parameter name that any contract reads", () => {
    const names = parameterNamesRead();
    expect(names.length).toBeGreaterThanOrEqual(25);
    for (const name of names) {
      expect(read("insurance-council", "get-parameter-info", [Cl.stringAscii(name)]).type, name).toBe("ok");
    }
  });

  it("refuses to list one protocol twice under a case variant of its name, or under any name outside [a-z0-9-]", () => {
    expectOk(listProtocol("stackswap"));
    for (const variant of [
      "StackSwap",
      "STACKSWAP",
      "stackswap ",
      "stack_swap",
      "stack.swap",
      "-stackswap",
      "stack swap",
    ]) {
      expectRefused(() => listProtocol(variant), errors.registry["ERR-INVALID-NAME"]);
    }
    expectOk(listProtocol("stack-swap-2"));
  });

  it("lets a proposer cancel a proposal, which then can never be approved or executed, and nobody else cancel it", () => {
    councilOfThree();
    const id = expectOk(council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(100)])) as bigint;
    expectRefused(() => call("insurance-council", "cancel", [Cl.uint(id)], carol), E["ERR-NOT-PROPOSER"], proposal(id));
    expectOk(call("insurance-council", "cancel", [Cl.uint(id)], deployer));
    expectRefused(() => approve(id, carol), E["ERR-PROPOSAL-CANCELLED"], proposal(id));
    expectRefused(() => execute(id), E["ERR-PROPOSAL-CANCELLED"], proposal(id));
    expect(readJs("insurance-council", "get-parameter", [Cl.stringAscii("quorum-bps")])).toBe(1_000n);
  });

  it("lets a member take back an approval, so a proposal that lost its majority cannot execute", () => {
    councilOfThree();
    const id = expectOk(council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(100)])) as bigint;
    expectOk(approve(id, carol));
    expect(expectOk(call("insurance-council", "revoke", [Cl.uint(id)], carol))).toBe(1n);
    expectRefused(() => call("insurance-council", "revoke", [Cl.uint(id)], carol), E["ERR-NOT-APPROVED"], proposal(id));
    expectRefused(() => execute(id), E["ERR-NOT-ENOUGH-APPROVALS"], proposal(id));
    expect(readJs("insurance-council", "get-parameter", [Cl.stringAscii("quorum-bps")])).toBe(1_000n);
  });

  it("refuses an old approved 'unpause' after the council paused again, and an old parameter value after a newer one", () => {
    councilOfThree();
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(true)), Cl.none()], [carol]));
    // An unpause gathers its majority, but is not executed ...
    const stale = expectOk(council.propose("propose-pause", [Cl.some(Cl.bool(false)), Cl.none()])) as bigint;
    expectOk(approve(stale, carol));
    // ... the council resumes, then pauses again after an incident ...
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(false)), Cl.none()], [carol]));
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(true)), Cl.none()], [dave]));
    // ... and the old unpause cannot undo that.
    expectRefused(() => execute(stale), E["ERR-PROPOSAL-SUPERSEDED"], proposal(stale));
    expect(pauseFlags()).toEqual([Cl.bool(true), Cl.bool(false)]);
    // Likewise an old value for a parameter the council has since set again.
    const old = expectOk(council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(100)])) as bigint;
    expectOk(approve(old, carol));
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(2_000)], [dave]));
    expectRefused(() => execute(old), E["ERR-PROPOSAL-SUPERSEDED"], proposal(old));
    expect(readJs("insurance-council", "get-parameter", [Cl.stringAscii("quorum-bps")])).toBe(2_000n);
  });

  it("keeps new cover paused when the council pauses claims, and claims paused when it resumes cover", () => {
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(true)), Cl.none()]));
    expectOk(council.pass("propose-pause", [Cl.none(), Cl.some(Cl.bool(true))]));
    expect(pauseFlags()).toEqual([Cl.bool(true), Cl.bool(true)]);
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(false)), Cl.none()]));
    expect(pauseFlags()).toEqual([Cl.bool(false), Cl.bool(true)]);
  });

  it("does not let time spent with claims paused eat a policy's filing window", () => {
    const { policyId } = boughtPolicy(1_000_000n * STX, 10_000n * STX, 14);
    const policy = readJs("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]);
    advance(Number(policy["ends-at"] - now()) + 10 * DAY); // ten days into the fourteen-day grace period
    expectOk(council.pass("propose-pause", [Cl.none(), Cl.some(Cl.bool(true))]));
    advance(10 * DAY);
    expectOk(council.pass("propose-pause", [Cl.none(), Cl.some(Cl.bool(false))]));
    advance(3 * DAY); // 23 days after the end: past the grace period, but not past grace plus the pause
    expect(readJs("insurance-council", "get-claims-pause-clock")).toBeGreaterThanOrEqual(BigInt(10 * DAY));
    expectOk(submitClaim(policyId, 5_000n * STX, policy["ends-at"] - 3_600n));
  });
});
