import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { startStack, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";
import { checkIndex } from "../../../bot/index/index-check";
import { reindex } from "../../../bot/index/reindex";
import { IndexSnapshots } from "../../../bot/index/index-snapshots";
import { WATCHED_CONTRACTS } from "../../../bot/app";

/**
 * The index (bot/index/) compared with the chain's read-only functions, field by field, after a claim's whole
 * life, a re-organisation and a crash between indexing an event and posting it: no difference. Then every page,
 * the badge and every JSON route answer from it without one request to the chain.
 */

let s: Stack;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const index = () => s.bot.ctx.store.index;

/** Brings the index up to the tip and compares every record with the chain. */
async function differences() {
  await s.indexed();
  return checkIndex(index(), s.bot.ctx.reader, 10_000);
}

async function fileClaim(amount: bigint) {
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(amount * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Oracle manipulation drained the lending pool"),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://evidence.example/oracle.tar.gz"),
  ]);
  return (await index().claims({ limit: 1 })).total;
}

const vote = (i: number, claimId: number, approve: boolean) =>
  s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(approve)]);

beforeAll(async () => {
  s = await startStack();
  for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries())
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  await advance(3 * 86_400 + 7_200);
}, 90_000);
afterAll(async () => s?.stop());

describe("the index compared with the chain", () => {
  it("matches after a claim's whole life: voted, approved, paid and settled, then a second claim denied", async () => {
    expect(await differences()).toEqual([]);
    await fileClaim(60_000n);
    for (const [i, approve] of [true, true, false].entries()) await vote(i, 1, approve);
    expect(await differences()).toEqual([]);
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await advance(86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "execute-payout", [Cl.uint(1)]);
    await s.p.call(s.who.assessors[0]!, "claims-assessment", "settle-vote", [Cl.uint(1)]);
    await s.indexed();
    expect(await index().claim(1n)).toMatchObject({ status: "paid", approveCount: 2n, denyCount: 1n });
    expect(await differences()).toEqual([]);
    await fileClaim(10_000n);
    for (const i of [0, 1, 2]) await vote(i, 2, false);
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(2)]);
    await s.indexed();
    expect((await index().claim(2n))?.status).toBe("denied");
    expect(await differences()).toEqual([]);
  });

  it("matches after a re-organisation orphans a purchase and a deposit, and the fork mines one of them again", async () => {
    const quote = await s.p.quote(s.seeded.protocolId, 2_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(s.seeded.protocolId),
      Cl.uint(2_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    await s.p.call(s.who.provider, "capital-pool", "deposit", [Cl.uint(5_000n * STX)]);
    await s.indexed();
    const policies = (await index().counts()).policies;
    const r = await fetch(`${s.api.url}/devnet/reorg`, {
      method: "POST",
      body: JSON.stringify({ depth: 2, remine: 1 }),
    });
    expect(r.status).toBe(200);
    expect(await differences()).toEqual([]);
    expect((await index().counts()).policies).toBeLessThanOrEqual(policies);
  });

  it("matches after the bot stopped between indexing an event and posting it, and started again", async () => {
    // Every post of a deposit fails until the restart, as if the process died there each time.
    let failed = 0;
    s.bot.feed.handle = async (event) => {
      if (event.topic === "capital-deposited") failed++;
      throw new Error("the process died mid-post");
    };
    await s.p.call(s.who.provider, "capital-pool", "deposit", [Cl.uint(1_000n * STX)]);
    await s.indexed();
    expect(failed).toBeGreaterThan(0);
    // Indexed with its position, and pending: its post is still owed.
    expect((await s.bot.ctx.store.pendingChainEvents()).map((e) => e.contractId)).toEqual([s.p.id("capital-pool")]);
    const points = (await index().poolHistory(10_000)).capital.length;
    await s.restart();
    await s.p.call(s.who.provider, "capital-pool", "deposit", [Cl.uint(1_000n * STX)]);
    expect(await differences()).toEqual([]);
    expect(await s.bot.ctx.store.pendingChainEvents()).toEqual([]);
    // Each deposit indexed once: the one after the restart added one point to the capital's history.
    expect((await index().poolHistory(10_000)).capital.length).toBe(points + 1);
  });

  it("answers every page, the badge and every JSON route without one request to the chain", async () => {
    await s.indexed();
    await s.bot.watcher.stop(); // nothing else reads the chain meanwhile
    const total = () =>
      [...s.api.requests.entries()].reduce((a, [route, n]) => (route.startsWith("POST /devnet") ? a : a + n), 0);
    const before = total();
    const paths = [
      "/",
      "/pool",
      "/protocols/stackswap",
      `/protocols/by-id/${s.seeded.protocolId}`,
      "/badge/stackswap.svg",
      "/api/v1/protocols",
      "/api/v1/protocols/stackswap",
      `/api/v1/protocols/by-id/${s.seeded.protocolId}`,
      "/api/v1/claims/1",
      "/api/v1/pool",
    ];
    for (const path of paths) {
      const response = await fetch(`${s.bot.web!.url}${path}`);
      expect(response.status, path).toBe(200);
    }
    expect(total() - before).toBe(0);
  });

  it("rebuilds the same index from the chain with reindex, with the watcher stopped", async () => {
    const before = {
      counts: await index().counts(),
      claims: await index().claims({ limit: 100 }),
      policies: await index().protocolPolicies(1n),
    };
    const events = await reindex({
      store: s.bot.ctx.store,
      client: s.bot.ctx.reader.client,
      contracts: WATCHED_CONTRACTS.map((c) => s.p.id(c)),
      snapshots: new IndexSnapshots(s.bot.ctx.store.sql, index(), s.bot.ctx.reader),
      log: s.bot.ctx.log,
    });
    expect(events).toBeGreaterThan(before.counts.claims + before.counts.policies);
    expect({
      counts: await index().counts(),
      claims: await index().claims({ limit: 100 }),
      policies: await index().protocolPolicies(1n),
    }).toEqual(before);
    expect(await checkIndex(index(), s.bot.ctx.reader, 10_000)).toEqual([]);
  });
});
