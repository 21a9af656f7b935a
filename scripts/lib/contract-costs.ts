import { Cl, ClarityType, privateKeyToAddress, type ClarityValue } from "@stacks/transactions";
import { tx, type Simnet, type ParsedTransactionResult } from "@stacks/clarinet-sdk";

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
export const INTERNAL_FUNCTIONS = [
  "capital-pool.underwrite",
  "capital-pool.collect-slashed",
  "capital-pool.remove-cover",
  "capital-pool.take-bond",
  "capital-pool.return-bond",
  "capital-pool.forfeit-bond",
  "capital-pool.allocate-reward",
  "capital-pool.refund-reward",
  "capital-pool.pay-reward",
  "capital-pool.open-exposure",
  "capital-pool.close-exposure",
  "capital-pool.approve-exposure",
  "capital-pool.release-owed",
  "capital-pool.pay-claim",
  "policy-ledger.open-policy",
  "policy-ledger.expire-policy",
  "policy-ledger.record-payout",
  "claims-assessment.submit-claim-for",
  "assessor-staking.lock-for-vote",
  "assessor-staking.settle-vote",
  "assessor-staking.set-team-flag",
];

export type Scale = { policies: number; voters: number; claims?: number };

/**
 * Voters on the side claims (the vetoed one, and the pool that cannot pay in full) are capped: they
 * only serve council-veto and accept-partial-payout, whose costs do not depend on voters either, and
 * 10,000 of them would double the time of a 10,000-voter run. docs/performance.md says so.
 */
export const SIDE_VOTERS_CAP = 1_000;

export type Measurement = { fn: string; cost: Cost; limit: Cost };

const STX = 1_000_000n;
const DAY_BLOCKS = 150; // simnet blocks are ~600 s apart
const TIMELOCK_BLOCKS = 8 * DAY_BLOCKS + 2; // parameter changes and role grants: the withdrawal cooldown plus a day

function okOrThrow(r: ParsedTransactionResult, what: string): ClarityValue {
  if (r.result.type !== ClarityType.ResponseOk) throw new Error(`${what} failed: ${Cl.prettyPrint(r.result)}`);
  return r.result.value;
}
const uintOf = (v: ClarityValue) => BigInt((v as { value: bigint | string }).value);

/**
 * Measures every public function once. `scale.policies` policies exist on the measured protocol
 * before anything is measured; `scale.voters` assessors have voted on each measured claim before the
 * measured vote, finalization, payout and settlement.
 */
export async function measureContractCosts(
  simnet: Simnet,
  scale: Scale,
  manifest = "./Clarinet.toml",
): Promise<Measurement[]> {
  const out = await measureCoverSide(simnet, scale, manifest);
  out.push(...(await measurePartialPayout(simnet, scale, manifest)));
  return out;
}

/** Unmeasured set-up calls, many to a block (much faster than one block each at 10,000). */
function batch(simnet: Simnet, calls: ReturnType<typeof tx.callPublicFn>[], what: string) {
  for (let i = 0; i < calls.length; i += 200) {
    for (const r of simnet.mineBlock(calls.slice(i, i + 200))) okOrThrow(r, what);
  }
}

/** Fresh assessors, funded by the faucet, each staking 10 STX. */
function stakedAssessors(simnet: Simnet, count: number, offset: number): string[] {
  const faucet = simnet.getAccounts().get("faucet")!;
  const voters = Array.from({ length: count }, (_v, i) =>
    privateKeyToAddress(`${(offset + i + 1).toString(16).padStart(64, "0")}01`, "testnet"),
  );
  batch(simnet, voters.map((v) => tx.transferSTX(Number(20n * STX), v, faucet)) as never, "fund voter");
  batch(
    simnet,
    voters.map((v) => tx.callPublicFn("assessor-staking", "stake", [Cl.uint(10n * STX)], v)),
    "stake",
  );
  return voters;
}

async function measureCoverSide(simnet: Simnet, scale: Scale, manifest: string): Promise<Measurement[]> {
  const existingPolicies = scale.policies;
  await simnet.initSession(process.cwd(), manifest, undefined);
  const a = simnet.getAccounts();
  const get = (n: string) => a.get(n)!;
  const [deployer, alice, bob, carol, dave, erin, frank, heidi] = [
    "deployer",
    "wallet_1",
    "wallet_2",
    "wallet_3",
    "wallet_4",
    "wallet_5",
    "wallet_6",
    "wallet_8",
  ].map(get) as string[];
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
    simnet.mineEmptyBlocks(TIMELOCK_BLOCKS);
    run("insurance-council", "execute", [id], deployer!, false);
  };

  // Roles, a second council member, one protocol to measure on and capital for everything.
  pass("propose-role", [Cl.stringAscii("auditor"), Cl.principal(carol!), Cl.bool(true)]);
  pass("propose-role", [Cl.stringAscii("risk-oracle"), Cl.principal(dave!), Cl.bool(true)]);
  const list = (name: string, measured = false) =>
    uintOf(
      run(
        "protocol-registry",
        "list-protocol",
        [
          Cl.stringAscii(name),
          Cl.stringAscii(`https://${name}.example`),
          Cl.stringAscii(`https://source.example/${name}`),
          Cl.stringAscii("stacks"),
          Cl.uint(1),
          Cl.list([Cl.principal(erin!)]),
        ],
        erin!,
        measured,
      ),
    );
  const audit = (id: bigint, measured = false) =>
    run(
      "protocol-registry",
      "record-audit",
      [
        Cl.uint(id),
        Cl.bufferFromHex("11".repeat(32)),
        Cl.stringAscii("https://audits.example/r.pdf"),
        Cl.uint(0),
        Cl.uint(1),
        Cl.uint(2),
        Cl.uint(3),
        Cl.uint(1),
      ],
      carol!,
      measured,
    );
  const protocolId = list("main");
  run("protocol-registry", "approve-listing", [Cl.uint(protocolId)], dave!, false);
  audit(protocolId);
  // Enough capital that 10,000 policies of 1,000 STX stay under one protocol's 50 % cap.
  run("capital-pool", "deposit", [Cl.uint(50_000_000n * STX)], alice!, false);

  // Existing policies, all on the measured protocol and by the measured buyer (so that the
  // per-holder and per-protocol indexes are as long as they get), and existing open claims on them.
  const existingClaims = scale.claims ?? 0;
  batch(
    simnet,
    Array.from({ length: Math.max(existingPolicies, existingClaims) }, (_v, i) =>
      tx.callPublicFn(
        "cybersecurity-insurance-defi",
        "purchase-coverage",
        [Cl.uint(protocolId), Cl.uint(1_000n * STX), Cl.uint(i < existingClaims ? 365 : 14), Cl.uint(1_000n * STX)],
        frank!,
      ),
    ),
    "purchase",
  );
  if (existingClaims > 0) {
    simnet.mineEmptyBlocks(4 * DAY_BLOCKS);
    const at = Cl.uint(BigInt(simnet.getBlockTime()) - 600n);
    batch(
      simnet,
      Array.from({ length: existingClaims }, (_v, i) =>
        tx.callPublicFn(
          "claims-assessment",
          "submit-claim",
          [
            Cl.uint(i + 1),
            Cl.uint(STX),
            at,
            Cl.stringUtf8("existing claim"),
            Cl.bufferFromHex("55".repeat(32)),
            Cl.stringAscii("https://evidence.example/e"),
          ],
          frank!,
        ),
      ),
      "claim",
    );
  }

  // Council.
  const proposal = run(
    "insurance-council",
    "propose-parameter",
    [Cl.stringAscii("quorum-bps"), Cl.uint(1500)],
    deployer!,
  );
  simnet.mineEmptyBlocks(TIMELOCK_BLOCKS);
  run("insurance-council", "execute", [proposal], deployer!);
  run("insurance-council", "propose-role", [Cl.stringAscii("auditor"), Cl.principal(bob!), Cl.bool(true)], deployer!);
  run("insurance-council", "propose-pause", [Cl.some(Cl.bool(false)), Cl.some(Cl.bool(false))], deployer!);
  run("insurance-council", "propose-threshold", [Cl.uint(1)], deployer!);
  const member = run("insurance-council", "propose-member", [Cl.principal(bob!), Cl.bool(true)], deployer!);
  run("insurance-council", "execute", [member], deployer!, false);
  const approval = run("insurance-council", "propose-threshold", [Cl.uint(2)], deployer!, false);
  run("insurance-council", "approve", [approval], bob!);
  run("insurance-council", "revoke", [approval], bob!);
  run("insurance-council", "cancel", [approval], deployer!);

  // Registry.
  const second = list("measured", true);
  run("protocol-registry", "approve-listing", [Cl.uint(second)], dave!);
  audit(second, true);
  run("protocol-registry", "record-incident", [Cl.uint(second)], dave!);
  run("protocol-registry", "set-team-member", [Cl.uint(second), Cl.principal(heidi!), Cl.bool(false)], dave!);
  run("protocol-registry", "pause-protocol", [Cl.uint(second)], dave!);
  run("protocol-registry", "unpause-protocol", [Cl.uint(second)], dave!);
  run("protocol-registry", "delist-protocol", [Cl.uint(second)], dave!);
  run("protocol-registry", "reject-listing", [Cl.uint(list("rejected"))], dave!);

  // Pool and cover.
  const shares = uintOf(run("capital-pool", "deposit", [Cl.uint(1_000n * STX)], bob!));
  run("capital-pool", "request-withdrawal", [Cl.uint(shares)], bob!);
  run("capital-pool", "cancel-withdrawal", [], bob!);
  run("capital-pool", "request-withdrawal", [Cl.uint(shares / 2n)], bob!, false);
  const policy = run(
    "cybersecurity-insurance-defi",
    "purchase-coverage",
    [Cl.uint(protocolId), Cl.uint(1_000n * STX), Cl.uint(14), Cl.uint(1_000n * STX)],
    frank!,
  );
  // Withdraw inside the window after the cooldown; expire once the policy's claim grace has passed.
  simnet.mineEmptyBlocks(8 * DAY_BLOCKS);
  run("capital-pool", "withdraw", [Cl.uint(0)], bob!);
  simnet.mineEmptyBlocks(24 * DAY_BLOCKS); // waiting period 3 d + term 14 d + grace 14 d
  run("cybersecurity-insurance-defi", "expire-policy", [policy], erin!);
  run("capital-pool", "accrue-premiums", [], erin!);
  // Every protocol with cover (only the measured one: the others were never insured).
  run("policy-ledger", "refresh-protocol-cap", [Cl.list([Cl.uint(protocolId)])], erin!);
  run(
    "policy-ledger",
    "sync-role",
    [Cl.stringAscii("cover"), Cl.principal(`${deployer}.cybersecurity-insurance-defi`)],
    erin!,
  );
  run("assessor-staking", "sync-claims-role", [Cl.principal(`${deployer}.claims-assessment`)], erin!);

  // Claims: policies in force for four claims, assessors staked before any claim opens.
  const claimPolicies = [0, 1, 2, 3].map(() =>
    run(
      "cybersecurity-insurance-defi",
      "purchase-coverage",
      [Cl.uint(protocolId), Cl.uint(1_000n * STX), Cl.uint(60), Cl.uint(1_000n * STX)],
      frank!,
      false,
    ),
  );
  // At least two besides the measured assessor: a quorum on a claim of 1,000 STX or more needs three voters.
  const voters = stakedAssessors(simnet, Math.max(2, scale.voters), 0);
  // Enough stake that the measured assessor alone carries quorum on the side claims at any scale.
  run("assessor-staking", "stake", [Cl.uint(100_000n * STX)], heidi!);
  simnet.mineEmptyBlocks(4 * DAY_BLOCKS);
  const incident = Cl.uint(BigInt(simnet.getBlockTime()) - 600n);
  /** The same claim, of 100 STX, filed on a policy. */
  const claimArgs = (policyId: ClarityValue) => [
    policyId,
    Cl.uint(100n * STX),
    incident,
    Cl.stringUtf8("Oracle manipulated through a flash loan"),
    Cl.bufferFromHex("22".repeat(32)),
    Cl.stringAscii("https://evidence.example/bundle.tar.gz"),
  ];
  const file = (policyId: ClarityValue, measured: boolean) =>
    run("claims-assessment", "submit-claim", claimArgs(policyId), frank!, measured);
  const paid = file(claimPolicies[0]!, true);
  const undecided = file(claimPolicies[1]!, false);
  // Filed through the seed's entry point on the cover contract.
  const refused = run("cybersecurity-insurance-defi", "submit-claim", claimArgs(claimPolicies[2]!), frank!);
  const vetoed = file(claimPolicies[3]!, false);
  batch(
    simnet,
    voters.map((v) => tx.callPublicFn("claims-assessment", "vote", [paid, Cl.bool(true)], v)),
    "vote",
  );
  batch(
    simnet,
    voters
      .slice(0, SIDE_VOTERS_CAP)
      .map((v) => tx.callPublicFn("claims-assessment", "vote", [vetoed, Cl.bool(true)], v)),
    "vote",
  );
  run("claims-assessment", "vote", [paid, Cl.bool(true)], heidi!);
  run("claims-assessment", "vote", [vetoed, Cl.bool(true)], heidi!, false);
  simnet.mineEmptyBlocks(DAY_BLOCKS * 3 + 10);
  run("claims-assessment", "finalize-claim", [paid], erin!);
  run("claims-assessment", "finalize-claim", [vetoed], erin!, false);
  run("claims-assessment", "finalize-claim", [undecided], erin!, false);
  run("claims-assessment", "finalize-claim", [refused], erin!, false);
  run("claims-assessment", "council-approve-claim", [undecided], deployer!);
  run("claims-assessment", "council-deny-claim", [refused], deployer!);
  run("claims-assessment", "council-veto", [vetoed, Cl.bufferFromHex("33".repeat(32))], deployer!);
  simnet.mineEmptyBlocks(DAY_BLOCKS + 10);
  run("claims-assessment", "execute-payout", [paid], erin!);
  run("claims-assessment", "settle-vote", [paid], heidi!);
  run("claims-assessment", "settle-vote-for", [paid, Cl.principal(voters[0]!)], erin!);
  run("claims-assessment", "settle-vote", [vetoed], heidi!, false);
  run("assessor-staking", "request-unstake", [Cl.uint(500n * STX)], heidi!);
  simnet.mineEmptyBlocks(8 * DAY_BLOCKS);
  run("assessor-staking", "withdraw-stake", [], heidi!);
  return out;
}

/**
 * accept-partial-payout needs a pool that owes more than it holds: capacity 5x, one protocol may take
 * all of it, two approved claims of 90,000 STX each against some 100,000 STX of capital; the second
 * one closed is measured.
 */
async function measurePartialPayout(simnet: Simnet, scale: Scale, manifest: string): Promise<Measurement[]> {
  await simnet.initSession(process.cwd(), manifest, undefined);
  const a = simnet.getAccounts();
  const [deployer, alice, carol, dave, erin, frank] = [
    "deployer",
    "wallet_1",
    "wallet_3",
    "wallet_4",
    "wallet_5",
    "wallet_6",
  ].map((n) => a.get(n)!) as string[];
  const out: Measurement[] = [];
  const run = (contract: string, fn: string, args: ClarityValue[], sender: string, measured = false) => {
    const r = simnet.callPublicFn(contract, fn, args, sender);
    const value = okOrThrow(r, `${contract}.${fn}`);
    if (measured) out.push({ fn: `${contract}.${fn}`, cost: pick(r.costs!.total), limit: pick(r.costs!.limit) });
    return value;
  };
  const pass = (fn: string, args: ClarityValue[]) => {
    const id = run("insurance-council", fn, args, deployer!);
    simnet.mineEmptyBlocks(TIMELOCK_BLOCKS);
    return run("insurance-council", "execute", [id], deployer!);
  };
  pass("propose-role", [Cl.stringAscii("auditor"), Cl.principal(carol!), Cl.bool(true)]);
  pass("propose-role", [Cl.stringAscii("risk-oracle"), Cl.principal(dave!), Cl.bool(true)]);
  pass("propose-parameter", [Cl.stringAscii("capacity-ratio-bps"), Cl.uint(50_000)]);
  pass("propose-parameter", [Cl.stringAscii("protocol-cap-bps"), Cl.uint(10_000)]);
  pass("propose-parameter", [Cl.stringAscii("large-claim-threshold"), Cl.uint(1_000_000n * STX)]);
  const policies: ClarityValue[] = [];
  run("capital-pool", "deposit", [Cl.uint(100_000n * STX)], alice!);
  for (const name of ["one", "two"]) {
    const id = run(
      "protocol-registry",
      "list-protocol",
      [
        Cl.stringAscii(name),
        Cl.stringAscii(""),
        Cl.stringAscii(`https://source.example/${name}`),
        Cl.stringAscii("stacks"),
        Cl.uint(1),
        Cl.list([Cl.principal(erin!)]),
      ],
      erin!,
    );
    run("protocol-registry", "approve-listing", [id], dave!);
    run(
      "protocol-registry",
      "record-audit",
      [
        id,
        Cl.bufferFromHex("11".repeat(32)),
        Cl.stringAscii("https://audits.example/r.pdf"),
        Cl.uint(0),
        Cl.uint(0),
        Cl.uint(0),
        Cl.uint(0),
        Cl.uint(1),
      ],
      carol!,
    );
    policies.push(
      run(
        "cybersecurity-insurance-defi",
        "purchase-coverage",
        [id, Cl.uint(100_000n * STX), Cl.uint(30), Cl.uint(100_000n * STX)],
        frank!,
      ),
    );
  }
  const voters = stakedAssessors(simnet, Math.min(SIDE_VOTERS_CAP, Math.max(3, scale.voters)), 50_000);
  simnet.mineEmptyBlocks(4 * DAY_BLOCKS);
  const incident = Cl.uint(BigInt(simnet.getBlockTime()) - 600n);
  const claims = policies.map((p) =>
    run(
      "claims-assessment",
      "submit-claim",
      [
        p,
        Cl.uint(100_000n * STX),
        incident,
        Cl.stringUtf8("Bridge drained"),
        Cl.bufferFromHex("44".repeat(32)),
        Cl.stringAscii("https://evidence.example/b"),
      ],
      frank!,
    ),
  );
  for (const c of claims)
    batch(
      simnet,
      voters.map((v) => tx.callPublicFn("claims-assessment", "vote", [c, Cl.bool(true)], v)),
      "vote",
    );
  simnet.mineEmptyBlocks(DAY_BLOCKS * 3 + 10);
  for (const c of claims) run("claims-assessment", "finalize-claim", [c], erin!);
  simnet.mineEmptyBlocks(DAY_BLOCKS + 10);
  // Neither claim can be paid in full: each closes at its pro-rata share.
  run("claims-assessment", "accept-partial-payout", [claims[0]!], frank!);
  run("claims-assessment", "accept-partial-payout", [claims[1]!], frank!, true);
  return out;
}

function pick(c: Cost): Cost {
  return {
    runtime: c.runtime,
    readCount: c.readCount,
    readLength: c.readLength,
    writeCount: c.writeCount,
    writeLength: c.writeLength,
  };
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
  return Math.max(
    ...DIMENSIONS.map((d) =>
      small.cost[d] === 0 ? (large.cost[d] === 0 ? 0 : 100) : (100 * (large.cost[d] - small.cost[d])) / small.cost[d],
    ),
  );
}

export type CostRuns = { base: Measurement[]; policies: Measurement[]; voters: Measurement[] };

/** Measures at the base scale, with 1,000 existing policies, and with 1,000 earlier voters. */
export async function measureAllScales(simnet: Simnet, large = 1_000): Promise<CostRuns> {
  return {
    base: await measureContractCosts(simnet, { policies: 1, voters: 1 }),
    policies: await measureContractCosts(simnet, { policies: large, voters: 1 }),
    voters: await measureContractCosts(simnet, { policies: 1, voters: large }),
  };
}

/** Per function, the larger of two measurements on every dimension (runs that grew different counts). */
export function worstOf(a: Measurement[], b: Measurement[]): Measurement[] {
  return a.map((m) => {
    const other = find(b, m.fn);
    return {
      fn: m.fn,
      limit: m.limit,
      cost: Object.fromEntries(DIMENSIONS.map((d) => [d, Math.max(m.cost[d], other.cost[d])])) as Cost,
    };
  });
}

export function find(runs: Measurement[], fn: string): Measurement {
  const m = runs.find((x) => x.fn === fn);
  if (!m) throw new Error(`no measurement for ${fn}`);
  return m;
}

export function costTable(runs: CostRuns): string {
  const pct = (x: number) => (x < 0.001 ? "<0.001%" : `${x.toFixed(3)}%`);
  const rows = runs.base.map((m) => {
    const share = shareOfBlock(m);
    return (
      `| \`${m.fn}\` | ${DIMENSIONS.map((d) => pct(share[d])).join(" | ")} | ${callsPerBlock(m).toLocaleString("en-US")} | ` +
      `${growth(m, find(runs.policies, m.fn)).toFixed(2)}% | ${growth(m, find(runs.voters, m.fn)).toFixed(2)}% |`
    );
  });
  return [
    "| function | runtime | read count | read length | write count | write length | calls per block | growth with 1,000 policies | growth with 1,000 voters |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
