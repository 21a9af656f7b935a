import { describe, it, expect, beforeAll } from "vitest";
import {
  measureContractCosts,
  growth,
  shareOfBlock,
  find,
  DIMENSIONS,
  INTERNAL_FUNCTIONS,
  type Measurement,
} from "../../scripts/lib/contract-costs";
import { deployer } from "./helpers";

function publicFunctions(): string[] {
  const names: string[] = [];
  for (const [id, iface] of simnet.getContractsInterfaces()) {
    if (!id.startsWith(`${deployer}.`)) continue;
    for (const f of iface.functions) if (f.access === "public") names.push(`${id.split(".")[1]}.${f.name}`);
  }
  return names.filter((n) => !INTERNAL_FUNCTIONS.includes(n)).sort();
}

/** The calls people make most have tighter budgets, in % of every block-limit dimension. */
const BUDGETS: Record<string, number> = {
  "claims-assessment.vote": 0.1,
  "cybersecurity-insurance-defi.purchase-coverage": 0.5,
};

function expectUnderOnePercent(runs: Measurement[]) {
  for (const m of runs) for (const d of DIMENSIONS) expect(shareOfBlock(m)[d], `${m.fn} ${d}`).toBeLessThan(1);
  for (const [fn, budget] of Object.entries(BUDGETS)) {
    for (const d of DIMENSIONS) expect(shareOfBlock(find(runs, fn))[d], `${fn} ${d}`).toBeLessThanOrEqual(budget);
  }
}

// One scale per test (each builds 1,000 policies or voters in a fresh simnet), against a base measured once.
describe("contract costs", () => {
  let base: Measurement[] = [];
  beforeAll(async () => {
    base = await measureContractCosts(simnet, { policies: 1, voters: 1 });
  });

  it("measure every public function a user can call, each under 1% of every block limit, vote under 0.10% and purchase-coverage under 0.50%", () => {
    expect(base.map((m) => m.fn).sort()).toEqual(publicFunctions());
    expectUnderOnePercent(base);
  });

  it("do not grow with 1,000 existing policies, and stay under 1% of every block limit", async () => {
    const policies = await measureContractCosts(simnet, { policies: 1_000, voters: 1 });
    expect(base.map((m) => ({ fn: m.fn, growth: growth(m, find(policies, m.fn)) }))).toEqual(
      base.map((m) => ({ fn: m.fn, growth: 0 })),
    );
    expectUnderOnePercent(policies);
  });

  it("do not grow with 1,000 earlier voters, and stay under 1% of every block limit", async () => {
    const voters = await measureContractCosts(simnet, { policies: 1, voters: 1_000 });
    expect(base.map((m) => ({ fn: m.fn, growth: growth(m, find(voters, m.fn)) }))).toEqual(
      base.map((m) => ({ fn: m.fn, growth: 0 })),
    );
    expectUnderOnePercent(voters);
  });
});
