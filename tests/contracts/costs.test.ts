import { describe, it, expect } from "vitest";
import { measureAllScales, growth, shareOfBlock, find, DIMENSIONS, INTERNAL_FUNCTIONS } from "../../scripts/lib/contract-costs";
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
  it("do not grow with 1,000 existing policies or 1,000 earlier voters, and each call stays under 1% of every block limit", async () => {
    const runs = await measureAllScales(simnet);
    // Every public function a user can call is measured.
    expect(runs.base.map((m) => m.fn).sort()).toEqual(publicFunctions());
    for (const m of runs.base) {
      expect({ fn: m.fn, policies: growth(m, find(runs.policies, m.fn)), voters: growth(m, find(runs.voters, m.fn)) })
        .toEqual({ fn: m.fn, policies: 0, voters: 0 });
      for (const scaled of [m, find(runs.policies, m.fn), find(runs.voters, m.fn)]) {
        for (const d of DIMENSIONS) expect(shareOfBlock(scaled)[d], `${m.fn} ${d}`).toBeLessThan(1);
      }
    }
  });
});
