import { describe, it, expect } from "vitest";
import { Cl } from "@stacks/transactions";
import { ContractShapeError, decodeEvent, decodeReadResult } from "../../stacks/contract-values";

const voter = "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG";
const settled = (extra: Record<string, ReturnType<typeof Cl.uint>> = {}) =>
  Cl.tuple({
    topic: Cl.stringAscii("vote-settled"),
    "claim-id": Cl.uint(7),
    voter: Cl.principal(voter),
    "with-outcome": Cl.bool(true),
    reward: Cl.uint(5),
    reputation: Cl.uint(10_100),
    slashed: Cl.uint(0),
    "settled-by": Cl.principal(voter),
    ...extra,
  });

describe("the contract boundary", () => {
  it("decodes an event into its typed, camelCase fields", () => {
    const event = decodeEvent("claims-assessment", settled());
    expect(event).toEqual({
      topic: "vote-settled",
      data: { claimId: 7n, voter, withOutcome: true, reward: 5n, reputation: 10_100n, slashed: 0n, settledBy: voter },
    });
  });

  it("refuses an event with a field its topic lacks, a field of the wrong type, or an unknown topic", () => {
    expect(() => decodeEvent("claims-assessment", settled({ bonus: Cl.uint(1) }))).toThrow(ContractShapeError);
    expect(() => decodeEvent("claims-assessment", settled({ reward: Cl.stringAscii("5") as never }))).toThrow(/reward/);
    expect(() => decodeEvent("claims-assessment", Cl.tuple({ topic: Cl.stringAscii("claim-stolen") }))).toThrow(
      /"claim-stolen"/,
    );
    expect(() => decodeEvent("claims-assessment", Cl.uint(1))).toThrow(ContractShapeError);
  });

  it("refuses an event from a contract that does not print that topic (a lookalike contract)", () => {
    expect(() => decodeEvent("capital-pool", settled())).toThrow(/capital-pool printed an event/);
  });

  it("decodes read-only results by the function's generated type, errors included", () => {
    expect(
      decodeReadResult(
        "capital-pool",
        "get-earning",
        Cl.tuple({ rate: Cl.uint(1), through: Cl.uint(2), unearned: Cl.uint(3) }),
      ),
    ).toEqual({ rate: 1n, through: 2n, unearned: 3n });
    expect(decodeReadResult("cybersecurity-insurance-defi", "quote", Cl.error(Cl.uint(4004)))).toEqual({
      error: 4004n,
    });
    expect(decodeReadResult("claims-assessment", "get-claim", Cl.none())).toBeNull();
    expect(() => decodeReadResult("capital-pool", "get-earning", Cl.uint(1))).toThrow(/capital-pool.get-earning/);
  });
});
