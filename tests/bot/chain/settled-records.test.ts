import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { SettledRecords, type SettledReads } from "../../../bot/chain/settled-records";
import type { Claim, Policy } from "../../../bot/chain/protocol-reader";
import { STX } from "../../../devnet/scenario";
import { Registry } from "../../../bot/web/registry";
import { startStack, opt, answerOf, type Stack } from "../harness";

/** A chain of claims and policies in memory, counting every read by kind. */
function fakeChain() {
  const reads = new Map<string, number>();
  const count = (kind: string) => reads.set(kind, (reads.get(kind) ?? 0) + 1);
  const claims = new Map<bigint, Claim["status"]>([
    [1n, "paid"],
    [2n, "denied"],
    [3n, "voting"],
    [4n, "approved"],
  ]);
  const NOW = 1_000_000n;
  // Policy 1 ended, 2 expired, 3 exhausted, 4 running, 5 still in its waiting period.
  const policies = new Map<bigint, Partial<Policy>>([
    [1n, { status: "active", remainingCover: 10n, activeFrom: 0n, endsAt: NOW - 1n }],
    [2n, { status: "expired", remainingCover: 10n, activeFrom: 0n, endsAt: NOW + 100n }],
    [3n, { status: "exhausted", remainingCover: 0n, activeFrom: 0n, endsAt: NOW + 100n }],
    [4n, { status: "active", remainingCover: 7n, activeFrom: 0n, endsAt: NOW + 100n }],
    [5n, { status: "active", remainingCover: 5n, activeFrom: NOW + 50n, endsAt: NOW + 100n }],
  ]);
  const counted = <T>(kind: string, value: T) => {
    count(kind);
    return value;
  };
  const reader: SettledReads = {
    lastClaimId: async () => counted("lastClaimId", BigInt(claims.size)),
    claim: async (id) => counted(`claim:${id}`, claims.has(id) ? ({ id, status: claims.get(id)! } as Claim) : null),
    policy: async (id) => counted(`policy:${id}`, policies.has(id) ? ({ id, ...policies.get(id) } as Policy) : null),
    protocolPolicyCount: async () => counted("policyCount", BigInt(policies.size)),
    protocolPolicyId: async (_p, index) =>
      counted(`policyAt:${index}`, index < policies.size ? BigInt(index + 1) : null),
    chainTime: async () => counted("chainTime", NOW),
  };
  return { reader, reads, claims, policies, NOW };
}

describe("settled records", () => {
  it("reads a closed claim once, and an open one on every view", async () => {
    const chain = fakeChain();
    const settled = new SettledRecords(chain.reader);
    for (let view = 0; view < 3; view++) {
      const claims = await settled.recentClaims({ limit: 10 });
      expect(claims.map((c) => [c.id, c.status])).toEqual([
        [4n, "approved"],
        [3n, "voting"],
        [2n, "denied"],
        [1n, "paid"],
      ]);
    }
    expect(Object.fromEntries(chain.reads)).toEqual({
      lastClaimId: 3,
      "claim:1": 1,
      "claim:2": 1,
      "claim:3": 3,
      "claim:4": 3,
    });
    // An open claim that closes is read until it is seen closed, then no more.
    chain.claims.set(4n, "paid");
    await settled.recentClaims();
    await settled.recentClaims();
    expect(chain.reads.get("claim:4")).toBe(4);
    expect((await settled.recentClaims({ status: "paid" })).map((c) => c.id)).toEqual([4n, 1n]);
  });

  it("reads a protocol's policy list positions once, and only the policies that can still count as cover again", async () => {
    const chain = fakeChain();
    const settled = new SettledRecords(chain.reader);
    const first = await settled.protocolCover(1n);
    expect(first).toEqual({ inForce: 7n, waiting: 5n, startsAt: chain.NOW + 50n });
    for (let view = 0; view < 3; view++) expect(await settled.protocolCover(1n)).toEqual(first);
    const reads = Object.fromEntries(chain.reads);
    // Positions and the ended, expired and exhausted policies once; the running and waiting ones each view.
    expect(reads).toMatchObject({ "policyAt:0": 1, "policyAt:4": 1, "policy:1": 1, "policy:2": 1, "policy:3": 1 });
    expect(reads).toMatchObject({ "policy:4": 4, "policy:5": 4, policyCount: 4, chainTime: 4 });
    // A policy bought since is found: the count is read on every view.
    chain.policies.set(6n, { status: "active", remainingCover: 1n, activeFrom: 0n, endsAt: chain.NOW + 10n });
    expect((await settled.protocolCover(1n)).inForce).toBe(8n);
    expect((await settled.protocolPolicies(1n, 2, chain.NOW)).policies.map((p) => p.id)).toEqual([6n, 5n]);
  });

  it("forgets what it kept after its age, and keeps at most its bound", async () => {
    const chain = fakeChain();
    let now = 0;
    const settled = new SettledRecords(chain.reader, { maxAgeMs: 1_000, maxEntries: 3, now: () => now });
    await settled.claim(1n);
    await settled.claim(1n);
    expect(chain.reads.get("claim:1")).toBe(1);
    now = 1_000;
    await settled.claim(1n);
    expect(chain.reads.get("claim:1")).toBe(2);
    await settled.protocolPolicies(1n, 10, chain.NOW);
    expect(settled.size).toBe(3);
  });
});

describe("views that read every item", () => {
  let s: Stack;
  const callReads = () => s.api.requests.get("POST /v2/contracts/call-read/{address}/{name}/{fn}") ?? 0;
  const reads = async (act: () => Promise<unknown>, count = callReads) => {
    const before = count();
    await act();
    return count() - before;
  };
  beforeAll(async () => {
    // The web cache is off in tests (every view reads the chain); no socket and no polling, so that nothing
    // but the views reads the chain meanwhile.
    s = await startStack({ bot: { socket: false, pollMs: 3_600_000 } });
    // Two short policies besides the seeded one, which then end (3 days' waiting period, 14 days of cover).
    for (let i = 0; i < 2; i++) {
      const quote = await s.p.quote(s.seeded.protocolId, 1_000n * STX, 14);
      await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
        Cl.uint(s.seeded.protocolId),
        Cl.uint(1_000n * STX),
        Cl.uint(14),
        Cl.uint(quote.premium),
      ]);
    }
    await fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 18 * 86_400 }) });
  }, 120_000);
  afterAll(async () => s?.stop());

  it("/protocol and the registry read again only a protocol's policies that are still running", async () => {
    await s.bot.ctx.directory.all(); // the protocol names, cached for 30 s, are read before either run
    const command = () => s.run("protocol", [opt.str("name", "stackswap")]);
    const first = await reads(command);
    const second = await reads(command);
    // Not read again: the three positions in the protocol's policy list, and the two ended policies.
    expect(first - second).toBe(5);
    expect(answerOf(await command()).embed.title).toContain("stackswap");
    const page = () => fetch(`${s.bot.web!.url}/api/v1/protocols`).then((r) => r.json());
    s.bot.ctx.reader.settled.clear();
    const cold = await reads(page);
    const warm = await reads(page);
    // The registry keeps the same records: the second view reads neither the positions nor the ended policies.
    expect(cold - warm).toBe(5);
    const [summary] = (await page()).protocols;
    expect(summary).toMatchObject({ name: "stackswap", coverInForce: String(250_000n * STX) });
  });

  it("the pool page asks for its events' transactions in one request, not one each", async () => {
    const route = (name: string) => () => s.api.requests.get(name) ?? 0;
    const multiple = route("GET /extended/v1/tx/multiple");
    const single = route("GET /extended/v3/transactions/{id}");
    const view = async () => {
      const r = await fetch(`${s.bot.web!.url}/pool`);
      expect(r.status).toBe(200);
      return r.text();
    };
    const singleBefore = single();
    expect(await reads(view, multiple)).toBe(1);
    expect(single() - singleBefore).toBe(0);
    expect(await reads(view, multiple)).toBe(0); // the mined times are kept
    // Each point at its transaction's block time: the three purchases' utilization.
    const registry = new Registry(s.bot.ctx, { ttlMs: 0 });
    const { utilization } = await registry.poolHistory();
    const purchases = [...s.api.chain.txs.values()].filter((t) => t.contractCall?.functionName === "purchase-coverage");
    expect(utilization.map((u) => u.t)).toEqual(purchases.map((t) => t.blockTime));
    expect(new Set(utilization.map((u) => u.t)).size).toBe(3);
  });
});
