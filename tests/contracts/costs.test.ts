import { describe, it, expect } from "vitest";
import { measureContractCosts, growth, shareOfBlock, DIMENSIONS, INTERNAL_FUNCTIONS } from "../../scripts/lib/contract-costs";
import { deployer } from "./helpers";

function publicFunctions(): string[] {
  const names: string[] = [];
  for (const [id, iface] of simnet.getContractsInterfaces()) {
    if (!id.startsWith(`${deployer}.`)) continue;
    for (const f of iface.functions) if (f.access === "public") names.push(`${id.split(".")[1]}.${f.name}`);
  }
  return names.filter((n) => !INTERNAL_FUNCTIONS.includes(n)).sort();
}

describe("contract costs", () => {
  it("do not grow from 1 to 1,000 existing policies, and every call stays under 1% of each block limit", async () => {
    const one = await measureContractCosts(simnet, 1);
    const thousand = await measureContractCosts(simnet, 1_000);
    expect(thousand.map((m) => m.fn)).toEqual(one.map((m) => m.fn));
    // Every public function a user can call is measured.
    expect([...new Set(one.map((m) => m.fn))].sort()).toEqual(publicFunctions());
    for (const small of one) {
      const large = thousand.find((m) => m.fn === small.fn)!;
      expect({ fn: small.fn, growth: growth(small, large) }).toEqual({ fn: small.fn, growth: 0 });
      for (const d of DIMENSIONS) expect(shareOfBlock(large)[d], `${small.fn} ${d}`).toBeLessThan(1);
    }
  });
});
