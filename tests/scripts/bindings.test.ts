import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { bindingsSource, clarityType } from "../../scripts/lib/bindings";

describe("the generated contract bindings", () => {
  it("are what the contracts generate now (run npm run bindings after changing a contract)", async () => {
    const committed = readFileSync(new URL("../../stacks/contracts.generated.ts", import.meta.url), "utf8");
    expect(committed).toBe(await bindingsSource());
  }, 60_000);

  it("write Clarity types as Clarity does", () => {
    expect(clarityType("uint128")).toBe("uint");
    expect(clarityType({ "string-ascii": { length: 48 } })).toBe("(string-ascii 48)");
    expect(clarityType({ response: { ok: { tuple: [{ name: "premium", type: "uint128" }] }, error: "uint128" } })).toBe(
      "(response { premium: uint } uint)",
    );
    expect(clarityType({ list: { type: "principal", length: 5 } })).toBe("(list 5 principal)");
    expect(clarityType({ optional: { buffer: { length: 32 } } })).toBe("(optional (buff 32))");
  });
});
