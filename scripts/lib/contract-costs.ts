import { Cl, ClarityType, type ClarityValue } from "@stacks/transactions";
import type { Simnet, ParsedTransactionResult } from "@stacks/clarinet-sdk";

/**
 * Measures the execution cost of every public function of the protocol's contracts with a chosen
 * number of existing policies, so that anyone can see that no call grows more expensive as the
 * protocol grows. Used by the costs test (which asserts it) and by `npm run costs` (which writes
 * the table into docs/contracts.md).
 */

export const DIMENSIONS = ["runtime", "readCount", "readLength", "writeCount", "writeLength"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Cost = Record<Dimension, number>;
/** Role-gated functions only the protocol's own contracts call; measured inside the calls that use them. */
export const INTERNAL_FUNCTIONS = ["capital-pool.collect-premium", "capital-pool.add-cover", "capital-pool.remove-cover"];

export type Measurement = { fn: string; cost: Cost; limit: Cost };

const STX = 1_000_000n;
const DAY_BLOCKS = 150; // simnet blocks are ~600 s apart

function okOrThrow(r: ParsedTransactionResult, what: string): ClarityValue {
  if (r.result.type !== ClarityType.ResponseOk) throw new Error(`${what} failed: ${Cl.prettyPrint(r.result)}`);
  return r.result.value;
}
const uintOf = (v: ClarityValue) => BigInt((v as { value: bigint | string }).value);

export async function measureContractCosts(simnet: Simnet, existingPolicies: number, manifest = "./Clarinet.toml"): Promise<Measurement[]> {
  await simnet.initSession(process.cwd(), manifest, undefined);
  const a = simnet.getAccounts();
  const get = (n: string) => a.get(n)!;
  const [deployer, alice, bob, carol, dave, erin, frank] =
    ["deployer", "wallet_1", "wallet_2", "wallet_3", "wallet_4", "wallet_5", "wallet_6"].map(get) as string[];
  const out: Measurement[] = [];
  const run = (contract: string, fn: string, args: ClarityValue[], sender: string, measured = true) => {
    const r = simnet.callPublicFn(contract, fn, args, sender);
    const value = okOrThrow(r, `${contract}.${fn}`);
    if (measured) {
      if (!r.costs) throw new Error("costs are not tracked: start the simnet with trackCosts");
      out.push({ fn: `${contract}.${fn}`, cost: pick(r.costs.total), limit: pick(r.costs.limit) });
    }
    return value;
  };
  const pass = (fn: string, args: ClarityValue[]) => {
    const id = run("insurance-council", fn, args, deployer!, false);
    run("insurance-council", "execute", [id], deployer!, false);
  };

  // Roles, a second council member, one protocol to measure on and capital for everything.
  pass("propose-role", [Cl.stringAscii("auditor"), Cl.principal(carol!), Cl.bool(true)]);
  pass("propose-role", [Cl.stringAscii("risk-oracle"), Cl.principal(dave!), Cl.bool(true)]);
  const list = (name: string, measured = false) => uintOf(run("protocol-registry", "list-protocol", [
    Cl.stringAscii(name), Cl.stringAscii(`https://${name}.example`), Cl.stringAscii(`https://source.example/${name}`),
    Cl.stringAscii("stacks"), Cl.uint(1), Cl.list([Cl.principal(erin!)]),
  ], erin!, measured));
  const audit = (id: bigint, measured = false) => run("protocol-registry", "record-audit", [Cl.uint(id),
    Cl.bufferFromHex("11".repeat(32)), Cl.stringAscii("https://audits.example/r.pdf"), Cl.uint(0), Cl.uint(1), Cl.uint(2),
    Cl.uint(3), Cl.uint(1)], carol!, measured);
  const protocolId = list("main");
  run("protocol-registry", "approve-listing", [Cl.uint(protocolId)], dave!, false);
  audit(protocolId);
  run("capital-pool", "deposit", [Cl.uint(10_000_000n * STX)], alice!, false);

  // Existing policies, all on the measured protocol and by the measured buyer (so that the
  // per-holder and per-protocol indexes are as long as they get).
  for (let i = 0; i < existingPolicies; i++) {
    run("cybersecurity-insurance-defi", "purchase-coverage",
      [Cl.uint(protocolId), Cl.uint(1_000n * STX), Cl.uint(14), Cl.uint(1_000n * STX)], frank!, false);
  }

  // Council.
  const proposal = run("insurance-council", "propose-parameter", [Cl.stringAscii("quorum-bps"), Cl.uint(1500)], deployer!);
  run("insurance-council", "execute", [proposal], deployer!);
  run("insurance-council", "propose-role", [Cl.stringAscii("auditor"), Cl.principal(bob!), Cl.bool(true)], deployer!);
  run("insurance-council", "propose-pause", [Cl.bool(false), Cl.bool(false)], deployer!);
  run("insurance-council", "propose-threshold", [Cl.uint(1)], deployer!);
  const member = run("insurance-council", "propose-member", [Cl.principal(bob!), Cl.bool(true)], deployer!);
  run("insurance-council", "execute", [member], deployer!, false);
  const approval = run("insurance-council", "propose-threshold", [Cl.uint(2)], deployer!, false);
  run("insurance-council", "approve", [approval], bob!);

  // Registry.
  const second = list("measured", true);
  run("protocol-registry", "approve-listing", [Cl.uint(second)], dave!);
  audit(second, true);
  run("protocol-registry", "record-incident", [Cl.uint(second)], dave!);
  run("protocol-registry", "pause-protocol", [Cl.uint(second)], dave!);
  run("protocol-registry", "unpause-protocol", [Cl.uint(second)], dave!);
  run("protocol-registry", "delist-protocol", [Cl.uint(second)], dave!);
  run("protocol-registry", "reject-listing", [Cl.uint(list("rejected"))], dave!);

  // Pool and cover.
  const shares = uintOf(run("capital-pool", "deposit", [Cl.uint(1_000n * STX)], bob!));
  run("capital-pool", "request-withdrawal", [Cl.uint(shares)], bob!);
  run("capital-pool", "cancel-withdrawal", [], bob!);
  run("capital-pool", "request-withdrawal", [Cl.uint(shares / 2n)], bob!, false);
  const policy = run("cybersecurity-insurance-defi", "purchase-coverage",
    [Cl.uint(protocolId), Cl.uint(1_000n * STX), Cl.uint(14), Cl.uint(1_000n * STX)], frank!);
  simnet.mineEmptyBlocks(18 * DAY_BLOCKS);
  run("capital-pool", "withdraw", [], bob!);
  run("cybersecurity-insurance-defi", "expire-policy", [policy], erin!);
  return out;
}

function pick(c: Cost): Cost {
  return { runtime: c.runtime, readCount: c.readCount, readLength: c.readLength, writeCount: c.writeCount, writeLength: c.writeLength };
}

/** Share of the block limit, in percent, per dimension. */
export function shareOfBlock(m: Measurement): Cost {
  return Object.fromEntries(DIMENSIONS.map((d) => [d, (100 * m.cost[d]) / m.limit[d]])) as Cost;
}

/** How many such calls fit in one block: the tightest dimension decides. */
export function callsPerBlock(m: Measurement): number {
  return Math.min(...DIMENSIONS.map((d) => (m.cost[d] === 0 ? Infinity : Math.floor(m.limit[d] / m.cost[d]))));
}

/** Largest relative growth over all dimensions between two measurements of one function, in percent. */
export function growth(small: Measurement, large: Measurement): number {
  return Math.max(...DIMENSIONS.map((d) => (small.cost[d] === 0 ? (large.cost[d] === 0 ? 0 : 100) : (100 * (large.cost[d] - small.cost[d])) / small.cost[d])));
}

export function costTable(small: Measurement[], large: Measurement[], smallLabel: string, largeLabel: string): string {
  const pct = (x: number) => (x < 0.001 ? "<0.001%" : `${x.toFixed(3)}%`);
  const rows = small.map((s) => {
    const l = large.find((x) => x.fn === s.fn);
    if (!l) throw new Error(`no measurement for ${s.fn} with ${largeLabel}`);
    const share = shareOfBlock(l);
    const worst = Math.max(...DIMENSIONS.map((d) => shareOfBlock(s)[d]));
    return `| \`${s.fn}\` | ${DIMENSIONS.map((d) => pct(share[d])).join(" | ")} | ${pct(worst)} | ${callsPerBlock(l).toLocaleString("en-US")} | ${growth(s, l).toFixed(2)}% |`;
  });
  return [
    `| function | runtime | read count | read length | write count | write length | largest share with ${smallLabel} | calls per block | growth ${smallLabel} → ${largeLabel} |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
