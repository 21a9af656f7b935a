import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Cl, ClarityType, privateKeyToAddress, type ClarityValue } from "@stacks/transactions";
import { toPlain } from "../../stacks/clarity-values";
import { CONSTANTS } from "../../stacks/contracts.generated";
import type { ParsedTransactionResult } from "@stacks/clarinet-sdk";

export const accounts = simnet.getAccounts();
function account(name: string): string {
  const address = accounts.get(name);
  if (!address) throw new Error(`missing devnet account ${name}`);
  return address;
}
export const deployer = account("deployer");
export const wallets = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => account(`wallet_${i}`));
export const [alice, bob, carol, dave, erin, frank, grace, heidi] = wallets as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

export const CONTRACTS = [
  "insurance-council",
  "protocol-registry",
  "capital-pool",
  "policy-ledger",
  "cybersecurity-insurance-defi",
  "assessor-staking",
  "claims-assessment",
] as const;
export type ContractName = (typeof CONTRACTS)[number];
export const contractId = (name: ContractName) => `${deployer}.${name}`;

export const STX = 1_000_000n;
export const DAY = 86_400;

/** Named error codes, read from each contract's `(define-constant ERR-… (err uN))` lines. */
function readErrors(name: string): Record<string, bigint> {
  const source = readFileSync(new URL(`../../contracts/${name}.clar`, import.meta.url), "utf8");
  const errors: Record<string, bigint> = {};
  for (const m of source.matchAll(/\(define-constant (ERR-[A-Z0-9-]+) \(err u(\d+)\)\)/g)) {
    errors[m[1]!] = BigInt(m[2]!);
  }
  return errors;
}
export const errors = {
  council: readErrors("insurance-council"),
  registry: readErrors("protocol-registry"),
  pool: readErrors("capital-pool"),
  cover: readErrors("cybersecurity-insurance-defi"),
  ledger: readErrors("policy-ledger"),
  staking: readErrors("assessor-staking"),
  claims: readErrors("claims-assessment"),
};

/** A Clarity value as plain JS (see stacks/clarity-values); an (err …) here is a test failure. */
export function js(value: ClarityValue): any {
  if (value.type === ClarityType.ResponseErr) throw new Error(`unexpected err ${Cl.prettyPrint(value)}`);
  return toPlain(value);
}

export function call(contract: ContractName, method: string, args: ClarityValue[], sender: string) {
  return simnet.callPublicFn(contract, method, args, sender);
}
export function read(contract: ContractName, method: string, args: ClarityValue[] = [], sender = deployer) {
  return simnet.callReadOnlyFn(contract, method, args, sender).result;
}
export function readJs(contract: ContractName, method: string, args: ClarityValue[] = []) {
  return js(read(contract, method, args));
}

/**
 * A data var or map entry read straight from the simnet's storage, as plain JS (null for a missing entry).
 * No Clarity runs, so it costs microseconds where a read-only call costs about as much as a transaction:
 * the property suites read every ledger after every step through these.
 */
export function storedVar(contract: ContractName, variable: string): any {
  declared(contract, "variables", variable);
  return toPlain(simnet.getDataVar(contract, variable));
}
export function storedEntry(contract: ContractName, map: string, key: ClarityValue): any {
  // The SDK answers "not found" for a map that does not exist too: a typo must fail, not read as empty.
  declared(contract, "maps", map);
  try {
    return toPlain(simnet.getMapEntry(contract, map, key));
  } catch (e) {
    // The SDK throws this string for a key the map does not hold.
    if (e === "value not found" || (e as Error)?.message === "value not found") return null;
    throw e;
  }
}

const declarations = new Map<string, Set<string>>();
function declared(contract: ContractName, kind: "variables" | "maps", name: string) {
  const key = `${contract}/${kind}`;
  if (!declarations.has(key)) {
    const iface = simnet.getContractsInterfaces().get(contractId(contract));
    declarations.set(key, new Set((iface?.[kind] ?? []).map((d: { name: string }) => d.name)));
  }
  if (!declarations.get(key)!.has(name))
    throw new Error(`${contract} declares no ${kind === "maps" ? "map" : "data var"} ${name}`);
}

/** Each simnet transaction's block is 10 s after the previous block. */
export const TX_TIME_STEP = 10n;
const WEEK = 604_800n;
const RATE_SCALE = 1_000_000_000n;

/**
 * The pool's unearned premiums as the contract will count them at `time` (by default: in the next
 * transaction's block), computed from its stored earning state the way the contract does.
 */
export function unearnedAt(time = now() + TX_TIME_STEP): bigint {
  let { rate, through, unearned } = storedVar("capital-pool", "earning") as {
    rate: bigint;
    through: bigint;
    unearned: bigint;
  };
  for (let step = 0; step < 64 && through < time; step++) {
    if (rate === 0n) return 0n;
    const boundary = (through / WEEK + 1n) * WEEK;
    const until = boundary < time ? boundary : time;
    const earned = (rate * (until - through)) / RATE_SCALE;
    unearned = unearned > earned ? unearned - earned : 0n;
    if (until === boundary)
      rate -= (storedEntry("capital-pool", "rate-ends", Cl.uint(boundary / WEEK)) as bigint | null) ?? 0n;
    through = until;
    if (rate === 0n) unearned = 0n;
  }
  return unearned;
}

/** Providers' capital at `time` (by default: in the next transaction's block). */
export function capitalAt(time = now() + TX_TIME_STEP): bigint {
  const held = (storedVar("capital-pool", "claims-owed") as bigint) + unearnedAt(time);
  const assets = storedVar("capital-pool", "total-assets") as bigint;
  return assets > held ? assets - held : 0n;
}

export function expectOk(result: ParsedTransactionResult): any {
  if (result.result.type !== ClarityType.ResponseOk) {
    throw new Error(`expected ok, got ${Cl.prettyPrint(result.result)}`);
  }
  return js(result.result.value);
}

/** Print events of a call, as plain objects, each with its `topic`. */
export function printed(result: ParsedTransactionResult): Record<string, any>[] {
  return result.events
    .filter((e) => e.event === "print_event" && e.data.value)
    .map((e) => js(e.data.value as ClarityValue));
}
export function topics(result: ParsedTransactionResult): string[] {
  return printed(result).map((e) => e.topic);
}

export function stxBalance(who: string): bigint {
  return simnet.getAssetsMap().get("STX")?.get(who) ?? 0n;
}

/** Every data var of every project contract plus every STX balance. */
export function snapshot(extra: () => unknown = () => null): string {
  const vars: Record<string, string> = {};
  for (const [id, iface] of simnet.getContractsInterfaces()) {
    if (!id.startsWith(`${deployer}.`)) continue;
    const name = id.split(".")[1]!;
    for (const v of iface.variables) {
      if (v.access === "variable") vars[`${name}.${v.name}`] = Cl.prettyPrint(simnet.getDataVar(name, v.name));
    }
  }
  const balances = [...(simnet.getAssetsMap().get("STX") ?? new Map())].map(([k, v]) => `${k}=${v}`).sort();
  const sortedVars = Object.entries(vars).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ vars: sortedVars, balances, extra: extra() }, (_k, v) =>
    typeof v === "bigint" ? v.toString() : v,
  );
}

/**
 * Runs a call that must fail with the given error code, and checks that it changed nothing:
 * every data var, every STX balance, and whatever `extra` reads (map entries the call would touch).
 */
export function expectRefused(
  run: () => ParsedTransactionResult,
  code: bigint | undefined,
  extra: () => unknown = () => null,
) {
  if (code === undefined) throw new Error("unknown error name");
  const before = snapshot(extra);
  const result = run();
  expect(result.result).toBeErr(Cl.uint(code));
  expect(result.events.filter((e) => e.event === "print_event")).toHaveLength(0);
  expect(snapshot(extra)).toBe(before);
  return result;
}

/** Moves chain time forward by at least `seconds` (simnet blocks are some 570-600 s apart). */
export function advance(seconds: number) {
  const target = now() + BigInt(seconds);
  while (now() < target) simnet.mineEmptyBlocks(Math.max(1, Math.ceil(Number(target - now()) / 600)));
}

export function now(): bigint {
  return js(simnet.execute("stacks-block-time").result) as bigint;
}

// ---------------------------------------------------------------------------------------------
// Scenario builders
// ---------------------------------------------------------------------------------------------

export const council = {
  propose(method: string, args: ClarityValue[], sender = deployer) {
    return call("insurance-council", method, args, sender);
  },
  /** Proposes, gathers approvals from `approvers`, waits out the timelock and executes; returns the execute result. */
  pass(method: string, args: ClarityValue[], approvers: string[] = [], proposer = deployer) {
    const id = expectOk(this.propose(method, args, proposer)) as bigint;
    for (const a of approvers) expectOk(call("insurance-council", "approve", [Cl.uint(id)], a));
    this.waitTimelock(id);
    return call("insurance-council", "execute", [Cl.uint(id)], proposer);
  },
  /** Mines empty blocks until an approved proposal may execute. */
  waitTimelock(id: bigint) {
    const at = readJs("insurance-council", "get-executable-at", [Cl.uint(id)]) as bigint | null;
    if (at !== null && at > now()) advance(Number(at - now()));
  },
};

export const AUDITOR = carol;
export const ORACLE = dave;

export function grantRole(role: string, who: string) {
  expectOk(council.pass("propose-role", [Cl.stringAscii(role), Cl.principal(who), Cl.bool(true)]));
}

/** The usual starting point: an auditor and a risk oracle granted by the founding council. */
export function setupRoles() {
  grantRole("auditor", AUDITOR);
  grantRole("risk-oracle", ORACLE);
}

export const HASH = new Uint8Array(32).fill(7);

export function listProtocol(name: string, team: string[] = [erin], category = 1, sender = team[0] ?? erin) {
  return call(
    "protocol-registry",
    "list-protocol",
    [
      Cl.stringAscii(name),
      Cl.stringAscii(`https://${name}.example`),
      Cl.stringAscii(`https://source.example/${name}`),
      Cl.stringAscii("stacks"),
      Cl.uint(category),
      Cl.list(team.map((t) => Cl.principal(t))),
    ],
    sender,
  );
}

export function recordAudit(protocolId: bigint, findings = { critical: 0, high: 0, medium: 1, low: 2 }, verdict = 1) {
  return call(
    "protocol-registry",
    "record-audit",
    [
      Cl.uint(protocolId),
      Cl.buffer(HASH),
      Cl.stringAscii("https://audits.example/report.pdf"),
      Cl.uint(findings.critical),
      Cl.uint(findings.high),
      Cl.uint(findings.medium),
      Cl.uint(findings.low),
      Cl.uint(verdict),
    ],
    AUDITOR,
  );
}

/** Lists, approves and audits a protocol (roles must be set up). Returns its id. */
export function insurableProtocol(name = "stackswap", team: string[] = [erin], category = 1): bigint {
  const id = expectOk(listProtocol(name, team, category)) as bigint;
  expectOk(call("protocol-registry", "approve-listing", [Cl.uint(id)], ORACLE));
  expectOk(recordAudit(id));
  return id;
}

export function deposit(amount: bigint, who = alice) {
  return call("capital-pool", "deposit", [Cl.uint(amount)], who);
}

export function quote(protocolId: bigint, amount: bigint, days: number) {
  return read("cybersecurity-insurance-defi", "quote", [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days)]);
}

export function purchase(protocolId: bigint, amount: bigint, days: number, maxPremium: bigint, who = frank) {
  return call(
    "cybersecurity-insurance-defi",
    "purchase-coverage",
    [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days), Cl.uint(maxPremium)],
    who,
  );
}

/** Everything up to a bought policy; returns ids. */
export function boughtPolicy(capital = 1_000_000n * STX, cover = 100_000n * STX, days = 90) {
  setupRoles();
  const protocolId = insurableProtocol();
  expectOk(deposit(capital));
  const policyId = expectOk(purchase(protocolId, cover, days, cover)) as bigint;
  return { protocolId, policyId };
}

// ---------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------

export const HOUR = 3_600;

export function stake(amount: bigint, who: string) {
  return call("assessor-staking", "stake", [Cl.uint(amount)], who);
}

export function submitClaim(
  policyId: bigint,
  amount: bigint,
  incidentTime: bigint,
  who = frank,
  evidence = { hash: new Uint8Array(32).fill(9), uri: "https://evidence.example/bundle.tar.gz" },
  description = "Reentrancy in the swap router drained the pool",
) {
  return call(
    "claims-assessment",
    "submit-claim",
    [
      Cl.uint(policyId),
      Cl.uint(amount),
      Cl.uint(incidentTime),
      Cl.stringUtf8(description),
      Cl.buffer(evidence.hash),
      Cl.stringAscii(evidence.uri),
    ],
    who,
  );
}

export function vote(claimId: bigint, approve: boolean, who: string) {
  return call("claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(approve)], who);
}

export function claimOf(claimId: bigint) {
  return readJs("claims-assessment", "get-claim", [Cl.uint(claimId)]);
}

/** The claims contract's status codes, from the generated bindings (the contract's own constants). */
const STATUS = CONSTANTS["claims-assessment"];
export const CLAIM_STATUS = {
  voting: BigInt(STATUS["STATUS-VOTING"]),
  noQuorum: BigInt(STATUS["STATUS-NO-QUORUM"]),
  awaitingCouncil: BigInt(STATUS["STATUS-AWAITING-COUNCIL"]),
  approved: BigInt(STATUS["STATUS-APPROVED"]),
  denied: BigInt(STATUS["STATUS-DENIED"]),
  vetoed: BigInt(STATUS["STATUS-VETOED"]),
  paid: BigInt(STATUS["STATUS-PAID"]),
};

/**
 * A policy in force with assessors staked: 1,000,000 STX of capital (alice), by default 100,000 STX of
 * cover for 90 days on "stackswap" (team: erin) held by frank, assessors bob 100,000, grace 50,000 and
 * heidi 30,000 STX, and the waiting period over by two hours.
 */
export function policyInForce({
  cover = 100_000n * STX,
  days = 90,
  stakes = [
    [bob, 100_000n * STX],
    [grace, 50_000n * STX],
    [heidi, 30_000n * STX],
  ] as [string, bigint][],
} = {}) {
  setupRoles();
  const protocolId = insurableProtocol("stackswap", [erin]);
  expectOk(deposit(1_000_000n * STX, alice));
  const policyId = expectOk(purchase(protocolId, cover, days, cover, frank)) as bigint;
  for (const [who, amount] of stakes) expectOk(stake(amount, who));
  advance(3 * DAY + 2 * HOUR);
  return { protocolId, policyId };
}

/** The assessors of policyInForce (bob, grace and heidi: the three distinct voters a quorum needs) approve. */
export function approveByVote(claimId: bigint, voters = [bob, grace, heidi]) {
  for (const who of voters) expectOk(vote(claimId, true, who));
}

/** policyInForce, then frank files a claim for `amount` for a hack an hour ago. */
export function openClaim(amount = 60_000n * STX) {
  const ids = policyInForce();
  const claimId = expectOk(submitClaim(ids.policyId, amount, now() - 3_600n)) as bigint;
  return { ...ids, claimId };
}

/** Council of deployer, carol and dave, threshold 2. */
export function councilOfThree() {
  expectOk(council.pass("propose-member", [Cl.principal(carol), Cl.bool(true)]));
  expectOk(council.pass("propose-member", [Cl.principal(dave), Cl.bool(true)]));
  expectOk(council.pass("propose-threshold", [Cl.uint(2)]));
}

/** A valid testnet address that holds nothing, derived from a fixed private key. */
export function freshAddress(seed: number): string {
  return privateKeyToAddress(`${seed.toString(16).padStart(64, "0")}01`, "testnet");
}

/** Two approved claims owed more than the pool holds: capacity 5x and one protocol may take it all. */
export function overcommittedPool() {
  setupRoles();
  expectOk(council.pass("propose-parameter", [Cl.stringAscii("capacity-ratio-bps"), Cl.uint(50_000)]));
  expectOk(council.pass("propose-parameter", [Cl.stringAscii("protocol-cap-bps"), Cl.uint(10_000)]));
  expectOk(council.pass("propose-parameter", [Cl.stringAscii("large-claim-threshold"), Cl.uint(1_000_000n * STX)]));
  const p1 = insurableProtocol("one", [erin]);
  const p2 = insurableProtocol("two", [erin]);
  expectOk(deposit(100_000n * STX, alice));
  const policy1 = expectOk(purchase(p1, 100_000n * STX, 30, 100_000n * STX, frank)) as bigint;
  const policy2 = expectOk(purchase(p2, 100_000n * STX, 30, 100_000n * STX, frank)) as bigint;
  for (const who of [bob, grace, heidi]) expectOk(stake(10_000n * STX, who));
  advance(3 * DAY + 2 * HOUR);
  const c1 = expectOk(submitClaim(policy1, 100_000n * STX, now() - 60n)) as bigint;
  const c2 = expectOk(submitClaim(policy2, 100_000n * STX, now() - 60n)) as bigint;
  approveByVote(c1);
  approveByVote(c2);
  advance(3 * DAY);
  expectOk(call("claims-assessment", "finalize-claim", [Cl.uint(c1)], dave));
  expectOk(call("claims-assessment", "finalize-claim", [Cl.uint(c2)], dave));
  advance(DAY);
  return { c1, c2 };
}
