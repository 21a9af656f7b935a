import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { Cl, type ClarityValue } from "@stacks/transactions";
import { decodeEvent } from "../../stacks/contract-values";
import type { ParsedTransactionResult } from "@stacks/clarinet-sdk";
import {
  AUDITOR,
  ORACLE,
  alice,
  bob,
  carol,
  dave,
  erin,
  grace,
  heidi,
  deployer,
  call,
  council,
  expectOk,
  printed,
  setupRoles,
  listProtocol,
  recordAudit,
  deposit,
  purchase,
  advance,
  now,
  DAY,
  STX,
  stake,
  submitClaim,
  vote,
  policyInForce,
  overcommittedPool,
  frank,
} from "./helpers";

/** topic -> documented field names, from docs/events.md (`### topic[, topic…]` followed by a table). */
function documentedTopics(): Map<string, string[]> {
  const doc = readFileSync(new URL("../../docs/events.md", import.meta.url), "utf8");
  const topics = new Map<string, string[]>();
  for (const section of doc.split(/^### /m).slice(1)) {
    const [heading, ...lines] = section.split("\n");
    const fields = lines
      .filter((l) => l.startsWith("| "))
      .slice(1)
      .map((l) => l.split("|")[1]!.trim());
    for (const topic of heading!.split(",").map((t) => t.trim())) topics.set(topic, ["topic", ...fields].sort());
  }
  return topics;
}

/** Every `topic: "…"` literal in the contracts. */
function topicsInContracts(): Set<string> {
  const dir = new URL("../../contracts/", import.meta.url);
  const found = new Set<string>();
  for (const file of readdirSync(dir)) {
    for (const m of readFileSync(new URL(file, dir), "utf8").matchAll(/topic: "([a-z-]+)"/g)) found.add(m[1]!);
  }
  // set-status in the registry passes its topic as an argument.
  for (const t of ["protocol-listed", "protocol-rejected", "protocol-paused", "protocol-unpaused", "protocol-delisted"])
    found.add(t);
  return found;
}

const seen = new Map<string, string[]>();
/** Topics the bot's decoder (the generated bindings checked with zod) read back, and every event it refused. */
const decoded = new Set<string>();
const refused: string[] = [];
function record(r: ParsedTransactionResult) {
  expectOk(r);
  for (const e of printed(r)) seen.set(e.topic, Object.keys(e).sort());
  for (const e of r.events.filter((e) => e.event === "print_event" && e.data.value)) {
    const contract = String(e.data.contract_identifier).split(".")[1]!;
    try {
      decoded.add(decodeEvent(contract, e.data.value as ClarityValue).topic);
    } catch (err) {
      refused.push((err as Error).message);
    }
  }
  return r;
}

describe("events", () => {
  it("every topic a contract can print is documented in docs/events.md", () => {
    const documented = documentedTopics();
    for (const topic of topicsInContracts()) expect(documented.has(topic), topic).toBe(true);
  });

  it("of the cover side are emitted with exactly the documented fields", () => {
    // Council.
    record(council.propose("propose-member", [Cl.principal(alice), Cl.bool(true)]));
    record(call("insurance-council", "execute", [Cl.uint(1)], deployer));
    record(council.propose("propose-threshold", [Cl.uint(2)]));
    record(call("insurance-council", "approve", [Cl.uint(2)], alice));
    record(call("insurance-council", "execute", [Cl.uint(2)], deployer));
    const pass = (method: string, args: Parameters<typeof council.pass>[1]) =>
      record(council.pass(method, args, [alice]));
    pass("propose-parameter", [Cl.stringAscii("voting-window"), Cl.uint(2 * DAY)]);
    const withdrawn = expectOk(
      record(council.propose("propose-parameter", [Cl.stringAscii("voting-window"), Cl.uint(4 * DAY)])),
    ) as bigint;
    record(call("insurance-council", "approve", [Cl.uint(withdrawn)], alice));
    record(call("insurance-council", "revoke", [Cl.uint(withdrawn)], alice));
    record(call("insurance-council", "cancel", [Cl.uint(withdrawn)], deployer));
    pass("propose-pause", [Cl.some(Cl.bool(false)), Cl.some(Cl.bool(false))]);
    pass("propose-role", [Cl.stringAscii("auditor"), Cl.principal(AUDITOR), Cl.bool(true)]);
    pass("propose-threshold", [Cl.uint(1)]);
    setupRoles();
    // Registry.
    const id = expectOk(record(listProtocol("events-demo", [erin]))) as bigint;
    record(call("protocol-registry", "approve-listing", [Cl.uint(id)], ORACLE));
    record(recordAudit(id));
    record(call("protocol-registry", "record-incident", [Cl.uint(id)], ORACLE));
    record(call("protocol-registry", "set-team-member", [Cl.uint(id), Cl.principal(grace), Cl.bool(true)], ORACLE));
    record(call("protocol-registry", "pause-protocol", [Cl.uint(id)], ORACLE));
    record(call("protocol-registry", "unpause-protocol", [Cl.uint(id)], ORACLE));
    const other = expectOk(record(listProtocol("rejected-one", [erin]))) as bigint;
    record(call("protocol-registry", "reject-listing", [Cl.uint(other)], ORACLE));
    // Pool and cover.
    const shares = expectOk(record(deposit(100_000n * STX, bob))) as bigint;
    record(call("capital-pool", "request-withdrawal", [Cl.uint(shares)], bob));
    record(call("capital-pool", "cancel-withdrawal", [], bob));
    record(call("capital-pool", "request-withdrawal", [Cl.uint(shares / 10n)], bob));
    const policy = expectOk(record(purchase(id, 1_000n * STX, 14, 1_000n * STX))) as bigint;
    advance(8 * DAY);
    record(call("capital-pool", "withdraw", [Cl.uint(0)], bob));
    advance(24 * DAY); // past the term and its claims grace period
    record(call("cybersecurity-insurance-defi", "expire-policy", [Cl.uint(policy)], erin));
    record(call("policy-ledger", "refresh-protocol-cap", [Cl.list([])], erin));
    record(call("policy-ledger", "sync-role", [Cl.stringAscii("cover"), Cl.principal(erin)], erin));
    record(call("protocol-registry", "delist-protocol", [Cl.uint(id)], ORACLE));
  });

  it("of the claims side are emitted with exactly the documented fields", () => {
    const { policyId } = policyInForce();
    // Staking.
    record(stake(1_000n * STX, carol));
    record(call("assessor-staking", "request-unstake", [Cl.uint(1_000n * STX)], carol));
    advance(8 * DAY);
    record(call("assessor-staking", "withdraw-stake", [], carol));
    record(call("assessor-staking", "sync-claims-role", [Cl.principal(carol)], carol));
    // An approved and paid claim.
    const paid = expectOk(record(submitClaim(policyId, 10_000n * STX, now() - 60n))) as bigint;
    record(vote(paid, true, bob));
    record(vote(paid, true, grace));
    record(vote(paid, false, heidi));
    advance(3 * DAY);
    record(call("claims-assessment", "finalize-claim", [Cl.uint(paid)], dave));
    advance(DAY);
    record(call("claims-assessment", "execute-payout", [Cl.uint(paid)], dave));
    record(call("claims-assessment", "settle-vote", [Cl.uint(paid)], bob));
    record(call("claims-assessment", "settle-vote-for", [Cl.uint(paid), Cl.principal(heidi)], dave));
    // An undecided claim the council denies.
    const undecided = expectOk(record(submitClaim(policyId, 10_000n * STX, now() - 60n))) as bigint;
    advance(3 * DAY);
    record(call("claims-assessment", "finalize-claim", [Cl.uint(undecided)], dave));
    record(call("claims-assessment", "council-deny-claim", [Cl.uint(undecided)], deployer));
    // An approved claim the council vetoes.
    const vetoed = expectOk(record(submitClaim(policyId, 10_000n * STX, now() - 60n))) as bigint;
    for (const who of [bob, grace, heidi]) record(vote(vetoed, true, who));
    advance(3 * DAY);
    record(call("claims-assessment", "finalize-claim", [Cl.uint(vetoed)], dave));
    record(
      call("claims-assessment", "council-veto", [Cl.uint(vetoed), Cl.buffer(new Uint8Array(32).fill(3))], deployer),
    );
    // Approving a claim vetoed as fraud costs stake.
    record(call("claims-assessment", "settle-vote", [Cl.uint(vetoed)], grace));
  });

  it("of a wiped-out pool's recapitalisation are emitted with exactly the documented fields", () => {
    const { c1, c2 } = overcommittedPool();
    expectOk(call("claims-assessment", "accept-partial-payout", [Cl.uint(c1)], frank));
    expectOk(call("claims-assessment", "accept-partial-payout", [Cl.uint(c2)], frank));
    record(deposit(1_000n * STX, grace));
  });

  it("cover every topic the contracts can print, each with exactly the documented fields", () => {
    const documented = documentedTopics();
    expect([...seen.keys()].sort()).toEqual([...topicsInContracts()].sort());
    for (const [topic, fields] of seen) expect({ topic, fields }).toEqual({ topic, fields: documented.get(topic) });
  });

  it("each decode through the generated bindings with the documented Clarity types, from the contract that prints them", () => {
    expect(refused).toEqual([]);
    expect([...decoded].sort()).toEqual([...seen.keys()].sort());
  });
});
