import { describe, it, expect } from "vitest";
import { camelName, ClarityTypeSyntaxError, parseClarityType, typeScriptOf, zodOf } from "../../stacks/clarity-types";

describe("Clarity types", () => {
  it("parse the notation Clarity prints, with or without lengths", () => {
    expect(parseClarityType("(optional (buff 32))")).toEqual({ kind: "optional", of: { kind: "buff" } });
    expect(parseClarityType("(list principal)")).toEqual(parseClarityType("(list 5 principal)"));
    expect(parseClarityType("{ a-b: uint, c: (string-ascii 8) }")).toEqual({
      kind: "tuple",
      fields: [
        ["a-b", { kind: "uint" }],
        ["c", { kind: "string" }],
      ],
    });
    expect(parseClarityType("(response bool none)")).toEqual({
      kind: "response",
      ok: { kind: "bool" },
      err: { kind: "none" },
    });
  });

  it("refuse what is not a Clarity type, naming it", () => {
    expect(() => parseClarityType("float")).toThrow(ClarityTypeSyntaxError);
    expect(() => parseClarityType("(map uint)")).toThrow(/unknown Clarity type "\(map"/);
    expect(() => parseClarityType("{ a: uint")).toThrow(ClarityTypeSyntaxError);
    expect(() => parseClarityType("uint uint")).toThrow(/unexpected "uint"/);
  });

  it("give TypeScript types with camelCase fields", () => {
    expect(typeScriptOf(parseClarityType("(optional { rate-bps: uint, team: (list 5 principal), ok: bool })"))).toBe(
      "{ rateBps: bigint; team: (string)[]; ok: boolean } | null",
    );
    expect(typeScriptOf(parseClarityType("(response { premium: uint } uint)"))).toBe(
      "{ premium: bigint } | { error: bigint }",
    );
    expect(camelName("executable-at")).toBe("executableAt");
  });

  it("check decoded values strictly: types, buffers as hex, no field the type lacks", () => {
    const schema = zodOf(parseClarityType("{ claim-id: uint, reason-hash: (buff 32), by: (optional principal) }"));
    expect(schema.safeParse({ claimId: 1n, reasonHash: "0xab", by: null }).success).toBe(true);
    expect(schema.safeParse({ claimId: 1, reasonHash: "0xab", by: null }).success).toBe(false);
    expect(schema.safeParse({ claimId: 1n, reasonHash: "ab", by: null }).success).toBe(false);
    expect(schema.safeParse({ claimId: 1n, reasonHash: "0xab", by: null, extra: 1n }).success).toBe(false);
    expect(schema.safeParse({ claimId: 1n, reasonHash: "0xab" }).success).toBe(false);
    const response = zodOf(parseClarityType("(response bool uint)"));
    expect(response.safeParse(true).success).toBe(true);
    expect(response.safeParse({ error: 4005n }).success).toBe(true);
    expect(response.safeParse({ error: "4005" }).success).toBe(false);
  });
});
