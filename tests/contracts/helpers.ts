import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Cl, ClarityType, cvToValue, type ClarityValue } from "@stacks/transactions";
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
  string, string, string, string, string, string, string, string,
];

export const CONTRACTS = ["insurance-council", "protocol-registry", "capital-pool", "cybersecurity-insurance-defi"] as const;
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
};

/** Converts a Clarity value to plain JS (uints as bigint, tuples as objects, optionals unwrapped). */
export function js(value: ClarityValue): any {
  switch (value.type) {
    case ClarityType.UInt:
    case ClarityType.Int:
      return BigInt(value.value);
    case ClarityType.OptionalNone:
      return null;
    case ClarityType.OptionalSome:
    case ClarityType.ResponseOk:
      return js(value.value);
    case ClarityType.ResponseErr:
      throw new Error(`unexpected err ${Cl.prettyPrint(value)}`);
    case ClarityType.Tuple:
      return Object.fromEntries(Object.entries(value.value).map(([k, v]) => [k, js(v)]));
    case ClarityType.List:
      return value.value.map(js);
    default:
      return cvToValue(value);
  }
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
    if (!id.startsWith(deployer + ".")) continue;
    const name = id.split(".")[1]!;
    for (const v of iface.variables) {
      if (v.access === "variable") vars[`${name}.${v.name}`] = Cl.prettyPrint(simnet.getDataVar(name, v.name));
    }
  }
  const balances = [...(simnet.getAssetsMap().get("STX") ?? new Map())].map(([k, v]) => `${k}=${v}`).sort();
  const sortedVars = Object.entries(vars).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ vars: sortedVars, balances, extra: extra() }, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
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

/** Moves chain time forward by at least `seconds` (simnet blocks are ~600 s apart). */
export function advance(seconds: number) {
  const blocks = Math.ceil(seconds / 600) + 1;
  simnet.mineEmptyBlocks(blocks);
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
  /** Proposes, gathers approvals from `approvers` and executes; returns the execute result. */
  pass(method: string, args: ClarityValue[], approvers: string[] = [], proposer = deployer) {
    const id = expectOk(this.propose(method, args, proposer)) as bigint;
    for (const a of approvers) expectOk(call("insurance-council", "approve", [Cl.uint(id)], a));
    return call("insurance-council", "execute", [Cl.uint(id)], proposer);
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
  return call("protocol-registry", "list-protocol", [
    Cl.stringAscii(name),
    Cl.stringAscii(`https://${name}.example`),
    Cl.stringAscii(`https://source.example/${name}`),
    Cl.stringAscii("stacks"),
    Cl.uint(category),
    Cl.list(team.map((t) => Cl.principal(t))),
  ], sender);
}

export function recordAudit(protocolId: bigint, findings = { critical: 0, high: 0, medium: 1, low: 2 }, verdict = 1) {
  return call("protocol-registry", "record-audit", [
    Cl.uint(protocolId), Cl.buffer(HASH), Cl.stringAscii("https://audits.example/report.pdf"),
    Cl.uint(findings.critical), Cl.uint(findings.high), Cl.uint(findings.medium), Cl.uint(findings.low), Cl.uint(verdict),
  ], AUDITOR);
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
  return call("cybersecurity-insurance-defi", "purchase-coverage",
    [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days), Cl.uint(maxPremium)], who);
}

/** Everything up to a bought policy; returns ids. */
export function boughtPolicy(capital = 1_000_000n * STX, cover = 100_000n * STX, days = 90) {
  setupRoles();
  const protocolId = insurableProtocol();
  expectOk(deposit(capital));
  const policyId = expectOk(purchase(protocolId, cover, days, cover)) as bigint;
  return { protocolId, policyId };
}
