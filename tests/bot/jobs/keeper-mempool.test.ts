import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { Cl, privateKeyToAddress } from "@stacks/transactions";
import { startStack, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";
import { signAndBroadcast } from "../../../stacks/contract-call";
import { MAXIMUM_MEMPOOL_TX_CHAINING } from "../../../devnet/chain";
import { Keeper, READ_CONCURRENCY } from "../../../bot/jobs/keeper";
import { KeeperTransactions } from "../../../bot/storage/keeper-transactions";
import { StacksClient } from "../../../bot/chain/stacks-client";
import { ProtocolReader } from "../../../bot/chain/protocol-reader";
import { formatStx } from "../../../bot/format/stx";

/**
 * The keeper against the local node's mempool rules (docs/local-stack.md): one transaction in flight per
 * action and target, confirmed by id and never sent twice while pending; each refusal of the node answered
 * once, with its log line, a bounded number of broadcasts, and the operators' channel told where the keeper
 * cannot act. Broadcasts are counted by the local API (`api.requests`), not by timing.
 */

let s: Stack;
let ops: string;
const HOUR = 3_600;
const DAY = 86_400;
/** The keeper's clock for its hourly alert windows: fixed, so two passes always fall in the same hour. */
const NOW = Date.UTC(2026, 0, 1, 12);
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const broadcasts = () => s.api.requests.get("POST /v2/transactions") ?? 0;
const confirmations = () => s.api.requests.get("GET /extended/v3/transactions/{id}") ?? 0;
const opsMessages = () => s.discord.channelMessages(ops).map((m) => m.content);
/** The log lines with this message, parsed. */
const logged = (message: string) =>
  s.logs
    .flatMap((l) => l.split("\n").filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === message);
const nothingDone = { finalized: [], paid: [], expired: [], capRefreshed: false };

/** A claim of 1,000 STX on a policy of the buyer's. */
const fileClaim = (policyId: number) =>
  s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(policyId),
    Cl.uint(1_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8(`Incident on policy ${policyId}`),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://evidence.example/x"),
  ]);
async function buyPolicies(count: number) {
  for (let i = 0; i < count; i++) {
    const quote = await s.p.quote(1, 10_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(10_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
  }
}
/** Claims on policies 1 and 2, both with their voting window closed (claim 2 is the newer). */
async function twoClaimsDue() {
  await fileClaim(1);
  await fileClaim(2);
  await advance(3 * DAY + HOUR);
}
/** Another process with the keeper's key: a call that passes the mempool's checks (and aborts when mined). */
const otherInstance = (nonce: bigint, key = s.who.oracle.privateKey) =>
  signAndBroadcast(s.p.network, {
    contractId: s.p.id("claims-assessment"),
    functionName: "finalize-claim",
    functionArgs: [Cl.uint(99)],
    senderKey: key,
    nonce,
    fee: 50_000n,
  });

function keeper(options: { key?: string; maxFee?: bigint; client?: StacksClient } = {}) {
  const base = s.bot.ctx;
  const client = options.client ?? base.reader.client;
  const ctx = {
    ...base,
    reader: options.client ? new ProtocolReader(client, base.config.stacks.deployer) : base.reader,
    config: {
      ...base.config,
      keeperMaxFee: options.maxFee ?? base.config.keeperMaxFee,
      discord: { ...base.config.discord, operationsChannelId: ops },
    },
  };
  return new Keeper(ctx, client, options.key ?? s.who.oracle.privateKey, { now: () => NOW });
}

beforeEach(async () => {
  s = await startStack({ env: { KEEPER_PRIVATE_KEY: "" } });
  ops = s.discord.channel("general").id;
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  await buyPolicies(1); // policy 2 (policy 1 was bought when the stack was seeded)
  await advance(3 * DAY + 2 * HOUR); // past the waiting period
});
afterEach(async () => {
  if (s) s.api.chain.autoMine = true;
  await s?.stop();
});

describe("the keeper's transactions in flight", () => {
  it("a keeper transaction stuck in the mempool is not sent twice", async () => {
    await twoClaimsDue();
    const k = keeper();
    s.api.chain.autoMine = false;
    const sent = broadcasts();
    expect(await k.run()).toMatchObject({ finalized: [1n, 2n] });
    expect(broadcasts() - sent).toBe(2);
    expect(s.api.chain.pendingNonces(s.who.oracle.address)).toHaveLength(2);
    // Next pass: both still pending. Each is confirmed by id, and neither is sent again.
    const confirmed = confirmations();
    expect(await k.run()).toEqual(nothingDone);
    expect(broadcasts() - sent).toBe(2);
    expect(confirmations() - confirmed).toBe(2);
    expect(logged("keeper transaction still in the mempool: not sent again")).toHaveLength(2);
    expect(s.api.chain.pendingNonces(s.who.oracle.address)).toHaveLength(2);
    // Mined: the next pass closes both records, and nothing is due any more.
    s.api.chain.mineMempool();
    s.api.chain.autoMine = true;
    expect(await k.run()).toEqual(nothingDone);
    expect(broadcasts() - sent).toBe(2);
    const records = new KeeperTransactions(s.bot.ctx.store.sql);
    for (const id of ["1", "2"])
      expect((await records.history("finalize-claim", id)).map((r) => r.status)).toEqual(["success"]);
    expect(await records.pendingCount()).toBe(0);
  });

  it("reads the due claims again, at most READ_CONCURRENCY at a time, oldest first", async () => {
    await buyPolicies(6); // policies 3 to 8
    await advance(3 * DAY + 2 * HOUR); // past their waiting period
    for (let id = 1; id <= 8; id++) await fileClaim(id);
    // A client of its own (the bot's settings), so the watcher's reads do not count.
    const client = new StacksClient(s.bot.ctx.reader.client.options);
    const real = client.network.client.fetch!;
    let inFlight = 0;
    let most = 0;
    let reads = 0;
    client.network.client.fetch = async (input, init) => {
      const read = String(input).includes("/v2/contracts/call-read/");
      if (read) {
        reads++;
        most = Math.max(most, ++inFlight);
      }
      try {
        return await real(input, init);
      } finally {
        if (read) inFlight--;
      }
    };
    await advance(3 * DAY + HOUR); // every window has closed: the index lists all eight as due
    await s.indexed();
    const done = await keeper({ client }).run();
    expect(done.finalized).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    expect(reads).toBeGreaterThanOrEqual(8); // each due claim read again before acting
    expect(most).toBeLessThanOrEqual(READ_CONCURRENCY);
  });
});

describe("the keeper's answer to each refusal of the node", () => {
  it("ConflictingNonceInMempool: does not resend, reads the nonce again, and sends once the nonce is free", async () => {
    await fileClaim(1);
    await advance(DAY);
    await fileClaim(2);
    await advance(2 * DAY + HOUR); // claim 1's window has closed, claim 2's closes in 23 hours
    const k = keeper();
    expect(await k.run()).toMatchObject({ finalized: [1n] }); // the keeper now counts its next nonce itself
    // Another process with the keeper's key takes that nonce, paying more; it stays in the mempool.
    s.api.chain.autoMine = false;
    const taken = BigInt(s.api.chain.nextNonce(s.who.oracle.address));
    expect(await otherInstance(taken)).toMatchObject({ ok: true });
    await advance(DAY);
    const sent = broadcasts();
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(1);
    const refusals = s.logs.filter((l) => l.includes("keeper call refused: ConflictingNonceInMempool"));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0]!)).toMatchObject({ functionName: "finalize-claim", id: "2" });
    // Once the other transaction is mined, the nonce read again is the next one.
    s.api.chain.mineMempool();
    s.api.chain.autoMine = true;
    expect(await k.run()).toMatchObject({ finalized: [2n] });
    expect(broadcasts() - sent).toBe(2);
    expect(logged("keeper call sent").at(-1)).toMatchObject({ id: "2", nonce: String(taken + 1n) });
    expect(opsMessages()).toEqual([]);
  });

  it("TooMuchChaining: stops the pass, waits for confirmations, and tells the operators when it lasts", async () => {
    await twoClaimsDue();
    // Another process has filled the keeper's chain of unconfirmed transactions to the limit.
    s.api.chain.autoMine = false;
    const first = BigInt(s.api.chain.nextNonce(s.who.oracle.address));
    for (let i = 0n; i <= BigInt(MAXIMUM_MEMPOOL_TX_CHAINING + 1); i++)
      expect(await otherInstance(first + i)).toMatchObject({ ok: true });
    const k = keeper();
    const sent = broadcasts();
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(1); // the second claim is not tried
    const refused =
      "keeper call refused: TooMuchChaining (the keeper's unconfirmed transactions are at the mempool's chaining limit): no more calls this pass, waiting for confirmations";
    expect(logged(refused)).toMatchObject([{ functionName: "finalize-claim", id: "1", passes: 1 }]);
    expect(opsMessages()).toEqual([]);
    // A second pass in a row: the operators hear of it, once.
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(3);
    expect(opsMessages()).toHaveLength(1);
    expect(opsMessages()[0]).toContain("TooMuchChaining");
    expect(opsMessages()[0]).toContain(s.who.oracle.address);
    // The chain confirms them: the keeper goes on.
    s.api.chain.mineMempool();
    s.api.chain.autoMine = true;
    expect(await k.run()).toMatchObject({ finalized: [1n, 2n] });
    expect(broadcasts() - sent).toBe(5);
  });

  it("FeeTooLow: sends once more with the node's minimum fee when that is within KEEPER_MAX_FEE_USTX", async () => {
    await twoClaimsDue();
    s.api.feeRate = 0; // the node's estimate is 0 micro-STX, below its own minimum of 1 per byte
    const sent = broadcasts();
    expect(await keeper().run()).toMatchObject({ finalized: [1n, 2n] });
    expect(broadcasts() - sent).toBe(4); // each call twice: refused, then at the minimum
    const raised = logged("keeper call refused: FeeTooLow; sending it once more with the node's minimum fee");
    expect(raised).toHaveLength(2);
    const sentLines = logged("keeper call sent");
    for (const [i, line] of raised.entries()) {
      expect(line).toMatchObject({ reason: "FeeTooLow", fee: "0" });
      expect(sentLines.at(i - 2)).toMatchObject({ id: line.id, fee: line.minimum });
    }
    expect(opsMessages()).toEqual([]);
  });

  it("FeeTooLow above KEEPER_MAX_FEE_USTX: nothing more is sent, and the operators are told once an hour", async () => {
    await twoClaimsDue();
    s.api.feeRate = 0;
    const k = keeper({ maxFee: 100n }); // a call needs about 200 micro-STX: one byte, one micro-STX
    const sent = broadcasts();
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(1);
    const [line] = logged(
      "keeper call refused: FeeTooLow, and the fee the node asks for is above KEEPER_MAX_FEE_USTX (or was refused too): nothing sent this pass",
    );
    expect(line).toMatchObject({ reason: "FeeTooLow", cap: "100" });
    expect(BigInt(line!.minimum as string)).toBeGreaterThan(100n);
    expect(opsMessages()).toHaveLength(1);
    expect(opsMessages()[0]).toMatch(
      /^⚠️ The keeper cannot pay the fee the node asks for finalize-claim: 0\.000\d+ STX/,
    );
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(2);
    expect(opsMessages()).toHaveLength(1);
  });

  it("NotEnoughFunds: stops the pass at once and tells the operators the keeper needs funding, with its address and balance", async () => {
    await twoClaimsDue();
    const key = `${"44".repeat(32)}01`;
    const address = privateKeyToAddress(key, "testnet");
    const k = keeper({ key });
    const sent = broadcasts();
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(1); // no further broadcast that pass
    const [line] = logged("keeper call refused: NotEnoughFunds: the keeper needs funding; no more calls this pass");
    expect(line).toMatchObject({ reason: "NotEnoughFunds", address, balance: "0", functionName: "finalize-claim" });
    expect(BigInt(line!.needed as string)).toBeGreaterThan(0n);
    expect(opsMessages()).toEqual([
      `⚠️ The keeper needs funding: its address ${address} holds 0 STX, and finalize-claim needs ${formatStx(BigInt(line!.needed as string))} in fees. It sends nothing until it is funded: send it STX.`,
    ]);
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(2);
    expect(opsMessages()).toHaveLength(1); // once an hour
    await fetch(`${s.api.url}/devnet/fund`, { method: "POST", body: JSON.stringify({ address, amount: "1000000" }) });
    expect(await k.run()).toMatchObject({ finalized: [1n, 2n] });
  });

  it("BadNonce: reads the nonce again once, and never loops when the nonce it reads is still refused", async () => {
    await twoClaimsDue();
    // The API's nonce route lags the chain: it answers a nonce already used.
    const client = new StacksClient(s.bot.ctx.reader.client.options);
    const real = client.network.client.fetch!;
    let staleAnswers = Number.POSITIVE_INFINITY;
    let nonceReads = 0;
    client.network.client.fetch = async (input, init) => {
      const response = await real(input, init);
      if (!String(input).includes("/extended/v3/principals/")) return response;
      nonceReads++;
      if (staleAnswers-- <= 0) return response;
      const body = await response.json();
      return Response.json({ ...body, next_nonce: body.last_confirmed_nonce });
    };
    const k = keeper({ client });
    const sent = broadcasts();
    expect(await k.run()).toMatchObject({ finalized: [] });
    expect(broadcasts() - sent).toBe(2); // the nonce read, then read again once: no loop
    expect(nonceReads).toBe(2);
    expect(logged("keeper call refused: BadNonce; reading the nonce again, once")).toHaveLength(1);
    const [stop] = logged("keeper call refused: BadNonce again with the nonce read again: no more calls this pass");
    expect(stop).toMatchObject({ functionName: "finalize-claim", id: "1", reason: "BadNonce" });
    // The route answers one stale nonce more: read again once, the right one goes through, and is counted after.
    staleAnswers = 1;
    expect(await k.run()).toMatchObject({ finalized: [1n, 2n] });
    expect(broadcasts() - sent).toBe(5);
    expect(nonceReads).toBe(4);
    expect(opsMessages()).toEqual([]);
  });
});
