import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  alice,
  bob,
  carol,
  dave,
  deployer,
  frank,
  errors,
  expectOk,
  expectRefused,
  call,
  council,
  readJs,
  read,
  printed,
  advance,
  now,
  deposit,
  STX,
} from "./helpers";

const E = errors.council;
const param = (name: string) => readJs("insurance-council", "get-parameter", [Cl.stringAscii(name)]);
const proposal = (id: bigint) => () => readJs("insurance-council", "get-proposal", [Cl.uint(id)]);
const approve = (id: bigint, who: string) => call("insurance-council", "approve", [Cl.uint(id)], who);
const execute = (id: bigint, who = deployer) => call("insurance-council", "execute", [Cl.uint(id)], who);

/** Council of deployer, alice, bob with threshold 2. */
function threeMemberCouncil() {
  expectOk(council.pass("propose-member", [Cl.principal(alice), Cl.bool(true)]));
  expectOk(council.pass("propose-member", [Cl.principal(bob), Cl.bool(true)]));
  expectOk(council.pass("propose-threshold", [Cl.uint(2)]));
}

describe("council membership", () => {
  it("starts with the deployer as the only member and threshold 1", () => {
    expect(readJs("insurance-council", "get-council")).toEqual({ threshold: 1n, "member-count": 1n, epoch: 0n });
    expect(read("insurance-council", "is-member", [Cl.principal(deployer)])).toBeBool(true);
    expect(read("insurance-council", "is-member", [Cl.principal(alice)])).toBeBool(false);
  });

  it("adds members and raises the threshold only through executed proposals", () => {
    threeMemberCouncil();
    expect(readJs("insurance-council", "get-council")).toEqual({ threshold: 2n, "member-count": 3n, epoch: 3n });
    expect(read("insurance-council", "is-member", [Cl.principal(bob)])).toBeBool(true);
  });

  it("removes a member, and the removed member can no longer propose", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-member", [Cl.principal(bob), Cl.bool(false)]));
    expectOk(approve(id, alice));
    const result = execute(id);
    expectOk(result);
    expect(printed(result).map((e) => e.topic)).toEqual(["council-member-changed", "council-proposal-executed"]);
    expectRefused(
      () => council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(false))], bob),
      E["ERR-NOT-COUNCIL-MEMBER"],
    );
  });

  it("refuses to add an existing member", () => {
    expectRefused(
      () => council.propose("propose-member", [Cl.principal(deployer), Cl.bool(true)]),
      E["ERR-ALREADY-MEMBER"],
    );
  });

  it("refuses to remove someone who is not a member", () => {
    expectRefused(
      () => council.propose("propose-member", [Cl.principal(carol), Cl.bool(false)]),
      E["ERR-NOT-A-MEMBER"],
    );
  });

  it("refuses a removal that would leave fewer members than the threshold", () => {
    threeMemberCouncil();
    expectOk(council.pass("propose-threshold", [Cl.uint(3)], [alice, bob]));
    expectRefused(
      () => council.propose("propose-member", [Cl.principal(bob), Cl.bool(false)]),
      E["ERR-INVALID-THRESHOLD"],
    );
  });

  it("refuses a threshold of zero or above the member count", () => {
    expectRefused(() => council.propose("propose-threshold", [Cl.uint(0)]), E["ERR-INVALID-THRESHOLD"]);
    expectRefused(() => council.propose("propose-threshold", [Cl.uint(2)]), E["ERR-INVALID-THRESHOLD"]);
  });

  it("refuses a twenty-first member", () => {
    for (let i = 1; i < 20; i++) {
      const who = `${deployer}.member-${i}`;
      expectOk(council.pass("propose-member", [Cl.principal(who), Cl.bool(true)]));
    }
    expect(readJs("insurance-council", "get-member-count")).toBe(20n);
    expectRefused(() => council.propose("propose-member", [Cl.principal(alice), Cl.bool(true)]), E["ERR-COUNCIL-FULL"]);
  });
});

describe("council proposals", () => {
  it("records the proposer's approval and emits a proposal event", () => {
    const result = council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(2000)]);
    expect(result.result).toBeOk(Cl.uint(1));
    const [event] = printed(result);
    expect(event).toMatchObject({
      topic: "council-proposal-created",
      "proposal-id": 1n,
      kind: 1n,
      name: "quorum-bps",
      value: 2000n,
    });
    expect(proposal(1n)()).toMatchObject({ approvals: 1n, executed: false });
    expect(read("insurance-council", "has-approved", [Cl.uint(1), Cl.principal(deployer)])).toBeBool(true);
  });

  it("refuses proposals from non-members of every kind", () => {
    const E1 = E["ERR-NOT-COUNCIL-MEMBER"];
    expectRefused(() => council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(2000)], alice), E1);
    expectRefused(
      () => council.propose("propose-role", [Cl.stringAscii("auditor"), Cl.principal(alice), Cl.bool(true)], alice),
      E1,
    );
    expectRefused(() => council.propose("propose-member", [Cl.principal(alice), Cl.bool(true)], alice), E1);
    expectRefused(() => council.propose("propose-threshold", [Cl.uint(1)], alice), E1);
    expectRefused(() => council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(true))], alice), E1);
  });

  it("needs the threshold of approvals before it executes", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(2000)]));
    expectRefused(() => execute(id), E["ERR-NOT-ENOUGH-APPROVALS"], proposal(id));
    const approval = approve(id, alice);
    expect(approval.result).toBeOk(Cl.uint(2));
    expect(printed(approval)[0]).toMatchObject({
      topic: "council-proposal-approved",
      approvals: 2n,
      threshold: 2n,
      "executable-at": now() + 8n * 86_400n,
    });
    council.waitTimelock(id);
    expectOk(execute(id, bob));
    expect(param("quorum-bps")).toBe(2000n);
  });

  it("makes a parameter change or role grant wait the withdrawal cooldown plus a day, so providers can leave before a hostile change", () => {
    threeMemberCouncil();
    const hostile = expectOk(council.propose("propose-parameter", [Cl.stringAscii("deductible-bps"), Cl.uint(5_000)]));
    const grant = expectOk(
      council.propose("propose-role", [Cl.stringAscii("risk-oracle"), Cl.principal(alice), Cl.bool(true)]),
    );
    expectOk(approve(hostile, alice));
    const approvedAt = now();
    expectOk(approve(grant, alice));
    expect(readJs("insurance-council", "get-executable-at", [Cl.uint(hostile)])).toBe(
      approvedAt + 7n * 86_400n + 86_400n,
    );
    // A provider asks to leave the moment the change is approved ...
    expectOk(deposit(10_000n * STX, frank));
    expectOk(
      call(
        "capital-pool",
        "request-withdrawal",
        [Cl.uint(readJs("capital-pool", "get-provider", [Cl.principal(frank)]).shares)],
        frank,
      ),
    );
    advance(7 * 86_400);
    expectRefused(
      () => execute(hostile),
      E["ERR-TIMELOCKED"],
      () => [param("deductible-bps"), proposal(hostile)()],
    );
    expectRefused(() => execute(grant), E["ERR-TIMELOCKED"], proposal(grant));
    // ... and is out before it applies.
    expect(expectOk(call("capital-pool", "withdraw", [Cl.uint(0)], frank))).toBe(10_000n * STX);
    advance(86_400);
    expectOk(execute(hostile));
    expectOk(execute(grant));
    expect(param("deductible-bps")).toBe(5_000n);
    // Pauses act at once: they protect.
    const pause = expectOk(council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.none()]));
    expectOk(approve(pause, alice));
    expectOk(execute(pause));
  });

  it("restarts the timelock when an approval is revoked below the threshold", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(2000)]));
    expectOk(approve(id, alice));
    expectOk(call("insurance-council", "revoke", [Cl.uint(id)], alice));
    expect(readJs("insurance-council", "get-executable-at", [Cl.uint(id)])).toBeNull();
    advance(3 * 86_400);
    expectOk(approve(id, bob));
    expect(readJs("insurance-council", "get-executable-at", [Cl.uint(id)])).toBe(now() + 8n * 86_400n);
    advance(6 * 86_400);
    expectRefused(() => execute(id), E["ERR-TIMELOCKED"], proposal(id));
  });

  it("refuses approvals from non-members, twice from one member, and on unknown proposals", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(false))]));
    expectRefused(() => approve(id, carol), E["ERR-NOT-COUNCIL-MEMBER"], proposal(id));
    expectRefused(() => approve(id, deployer), E["ERR-ALREADY-APPROVED"], proposal(id));
    expectRefused(() => approve(99n, alice), E["ERR-UNKNOWN-PROPOSAL"]);
    expectRefused(() => execute(99n), E["ERR-UNKNOWN-PROPOSAL"]);
  });

  it("refuses execution by a non-member even with enough approvals", () => {
    const id = expectOk(council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(false))]));
    expectRefused(() => execute(id, carol), E["ERR-NOT-COUNCIL-MEMBER"], proposal(id));
  });

  it("refuses to execute or approve a proposal twice", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(false))]));
    expectOk(approve(id, alice));
    expectOk(execute(id));
    expectRefused(() => execute(id), E["ERR-ALREADY-EXECUTED"], proposal(id));
    expectRefused(() => approve(id, bob), E["ERR-ALREADY-EXECUTED"], proposal(id));
  });

  it("lets a proposal expire after seven days", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(false))]));
    const expiresAt = readJs("insurance-council", "get-proposal-expires-at", [Cl.uint(id)]);
    expect(expiresAt).toBe(readJs("insurance-council", "get-proposal", [Cl.uint(id)])["created-at"] + 7n * 86_400n);
    expect(readJs("insurance-council", "get-proposal-expires-at", [Cl.uint(id + 1n)])).toBeNull();
    advance(7 * 86_400);
    expectRefused(() => approve(id, alice), E["ERR-PROPOSAL-EXPIRED"], proposal(id));
    expectRefused(() => execute(id), E["ERR-PROPOSAL-EXPIRED"], proposal(id));
  });

  it("voids approvals gathered before a membership change (a removed member's approval cannot count)", () => {
    threeMemberCouncil();
    const id = expectOk(council.propose("propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(2000)], bob));
    const removal = expectOk(council.propose("propose-member", [Cl.principal(bob), Cl.bool(false)]));
    expectOk(approve(removal, alice));
    expectOk(execute(removal));
    expectRefused(() => approve(id, alice), E["ERR-PROPOSAL-STALE"], proposal(id));
    expectRefused(() => execute(id, alice), E["ERR-PROPOSAL-STALE"], proposal(id));
  });
});

describe("council parameters", () => {
  it("exposes every parameter with its bounds", () => {
    expect(readJs("insurance-council", "get-parameter-info", [Cl.stringAscii("voting-window")])).toEqual({
      value: 259_200n,
      min: 86_400n,
      max: 1_209_600n,
    });
    expect(param("capacity-ratio-bps")).toBe(20_000n);
    expect(read("insurance-council", "get-parameter-info", [Cl.stringAscii("nope")])).toBeErr(
      Cl.uint(E["ERR-UNKNOWN-PARAMETER"]!),
    );
  });

  it("changes a parameter within bounds and emits parameter-changed", () => {
    const result = council.pass("propose-parameter", [Cl.stringAscii("waiting-period"), Cl.uint(86_400)]);
    expectOk(result);
    expect(printed(result)[0]).toEqual({
      topic: "parameter-changed",
      name: "waiting-period",
      "old-value": 259_200n,
      value: 86_400n,
    });
    expect(param("waiting-period")).toBe(86_400n);
  });

  it("refuses an unknown parameter", () => {
    expectRefused(
      () => council.propose("propose-parameter", [Cl.stringAscii("free-money"), Cl.uint(1)]),
      E["ERR-UNKNOWN-PARAMETER"],
    );
  });

  it.each([
    ["voting-window", 3_600],
    ["voting-window", 10_000_000],
    ["quorum-bps", 0],
    ["approval-bps", 4_000],
    ["approval-bps", 10_000],
    ["capacity-ratio-bps", 100_000],
    ["protocol-cap-bps", 20_000],
    ["deductible-bps", 9_000],
    ["rate-tier-1-bps", 0],
    ["withdrawal-cooldown", 0],
    ["waiting-period", 0],
  ])("refuses %s = %i, outside its on-chain bounds", (name, value) => {
    expectRefused(
      () => council.propose("propose-parameter", [Cl.stringAscii(name), Cl.uint(value)]),
      E["ERR-PARAMETER-OUT-OF-BOUNDS"],
      () => param(name),
    );
  });

  it("refuses a minimum policy length above the maximum, at proposal and at execution", () => {
    expectRefused(
      () => council.propose("propose-parameter", [Cl.stringAscii("min-duration-days"), Cl.uint(366)]),
      E["ERR-PARAMETER-OUT-OF-BOUNDS"],
    );
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("max-duration-days"), Cl.uint(100)]));
    expectRefused(
      () => council.propose("propose-parameter", [Cl.stringAscii("min-duration-days"), Cl.uint(200)]),
      E["ERR-PARAMETER-CONFLICT"],
    );
    // Two proposals that are each valid but conflict once the first is executed.
    threeMemberCouncil();
    const raiseMin = expectOk(council.propose("propose-parameter", [Cl.stringAscii("min-duration-days"), Cl.uint(90)]));
    const lowerMax = expectOk(council.propose("propose-parameter", [Cl.stringAscii("max-duration-days"), Cl.uint(60)]));
    expectOk(approve(raiseMin, alice));
    expectOk(approve(lowerMax, alice));
    council.waitTimelock(lowerMax);
    expectOk(execute(raiseMin));
    expectRefused(
      () => execute(lowerMax),
      E["ERR-PARAMETER-CONFLICT"],
      () => [param("max-duration-days"), proposal(lowerMax)()],
    );
  });
});

describe("council roles and pause", () => {
  it("grants and revokes roles", () => {
    const granted = council.pass("propose-role", [Cl.stringAscii("auditor"), Cl.principal(carol), Cl.bool(true)]);
    expect(printed(granted)[0]).toEqual({ topic: "role-changed", role: "auditor", who: carol, enabled: true });
    expect(read("insurance-council", "has-role", [Cl.stringAscii("auditor"), Cl.principal(carol)])).toBeBool(true);
    expectOk(council.pass("propose-role", [Cl.stringAscii("auditor"), Cl.principal(carol), Cl.bool(false)]));
    expect(read("insurance-council", "has-role", [Cl.stringAscii("auditor"), Cl.principal(carol)])).toBeBool(false);
  });

  it("knows the protocol's own contracts by role from deployment", () => {
    expect(
      read("insurance-council", "has-role", [
        Cl.stringAscii("cover"),
        Cl.principal(`${deployer}.cybersecurity-insurance-defi`),
      ]),
    ).toBeBool(true);
    expect(read("insurance-council", "has-role", [Cl.stringAscii("cover"), Cl.principal(alice)])).toBeBool(false);
  });

  it("refuses an unknown role", () => {
    expectRefused(
      () => council.propose("propose-role", [Cl.stringAscii("king"), Cl.principal(carol), Cl.bool(true)]),
      E["ERR-UNKNOWN-ROLE"],
    );
  });

  it("does not grant a role on a proposal short of the threshold", () => {
    threeMemberCouncil();
    const id = expectOk(
      council.propose("propose-role", [Cl.stringAscii("auditor"), Cl.principal(dave), Cl.bool(true)]),
    );
    expectRefused(
      () => execute(id),
      E["ERR-NOT-ENOUGH-APPROVALS"],
      () => read("insurance-council", "has-role", [Cl.stringAscii("auditor"), Cl.principal(dave)]),
    );
  });

  it("pauses and unpauses new cover and new claims", () => {
    const paused = council.pass("propose-pause", [Cl.some(Cl.bool(true)), Cl.some(Cl.bool(true))]);
    expect(printed(paused)[0]).toEqual({
      topic: "pause-changed",
      "cover-paused": true,
      "claims-paused": true,
      "claims-pause-clock": 0n,
    });
    expect(read("insurance-council", "is-cover-paused")).toBeBool(true);
    expect(read("insurance-council", "is-claims-paused")).toBeBool(true);
    expectOk(council.pass("propose-pause", [Cl.some(Cl.bool(false)), Cl.some(Cl.bool(false))]));
    expect(read("insurance-council", "is-cover-paused")).toBeBool(false);
  });
});
