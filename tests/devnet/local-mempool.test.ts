import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import {
  Cl,
  PostConditionMode,
  makeContractCall,
  makeSTXTokenTransfer,
  privateKeyToAddress,
  serializeTransaction,
  type StacksTransactionWire,
} from "@stacks/transactions";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { FEE_RECIPIENT, MAXIMUM_MEMPOOL_TX_CHAINING } from "../../devnet/chain";
import { actors, STX, type Actors } from "../../devnet/scenario";

/**
 * The local node's mempool rules, as stacks-core's (`blocks.rs` can_include_tx, `mempool.rs` try_add_tx,
 * `posttransaction.rs`): the minimum fee per byte, nonces below the confirmed one, the chaining limit, a
 * conflicting nonce and replace-by-fee, the funds for fee and amount; and fees charged when a block is mined.
 */
const node = JSON.parse(
  readFileSync(new URL("../../../shared/specs/stacks-core-rpc.openapi.json", import.meta.url), "utf8"),
) as Record<string, { post: { responses: Record<string, { content: Record<string, { schema: object }> }> } }>;
const rejectionSchema = new Ajv({ strict: false, allErrors: true }).compile(
  node["/v2/transactions"]!.post.responses["400"]!.content["application/json"]!.schema,
);

let api: LocalStacksApi;
let who: Actors;
const network = () => networkFor(api.url);
const u128 = (n: bigint) => `0x${n.toString(16).padStart(32, "0")}`;

beforeEach(async () => {
  api = await startLocalStacksApi();
  who = actors(api.chain.accounts);
});
afterEach(async () => api?.close());

/** A contract call that passes every admission check (its execution aborts: there is no claim 99). */
const call = (senderKey: string, nonce: number, fee: bigint, claimId = 99) =>
  makeContractCall({
    contractAddress: api.chain.deployer,
    contractName: "claims-assessment",
    functionName: "finalize-claim",
    functionArgs: [Cl.uint(claimId)],
    senderKey,
    network: network(),
    postConditionMode: PostConditionMode.Allow,
    nonce: BigInt(nonce),
    fee,
  });
const transfer = (senderKey: string, recipient: string, amount: bigint, nonce: number, fee: bigint) =>
  makeSTXTokenTransfer({
    recipient,
    amount,
    senderKey,
    network: network(),
    nonce: BigInt(nonce),
    fee,
  });
const size = (tx: StacksTransactionWire) => serializeTransaction(tx).length / 2;

async function submit(tx: StacksTransactionWire) {
  const r = await fetch(`${api.url}/v2/transactions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tx: serializeTransaction(tx) }),
  });
  return { status: r.status, body: await r.json() };
}
/** A rejection with the node's body: HTTP 400, the documented shape, this transaction's id. */
async function refused(tx: StacksTransactionWire, reason: string, schema = true) {
  const txs = api.chain.txs.size;
  const { status, body } = await submit(tx);
  expect(status).toBe(400);
  expect(body).toMatchObject({ error: "transaction rejected", reason, txid: tx.txid() });
  if (schema) expect(rejectionSchema(body), JSON.stringify(rejectionSchema.errors)).toBe(true);
  expect(api.chain.txs.size).toBe(txs); // nothing recorded
  return body;
}
const v3 = async (txid: string) => (await fetch(`${api.url}/extended/v3/transactions/${txid}`)).json();
const nonces = async (address: string) => (await fetch(`${api.url}/extended/v3/principals/${address}/nonces`)).json();

describe("the local node's mempool", () => {
  it("refuses a fee below 1 micro-STX per byte of the serialized transaction with FeeTooLow {expected, actual}", async () => {
    const bytes = size(await call(who.provider.privateKey, 0, 1n));
    const low = await call(who.provider.privateKey, 0, BigInt(bytes - 1));
    expect(size(low)).toBe(bytes); // the fee field has a fixed width
    const body = await refused(low, "FeeTooLow");
    expect(body.reason_data).toEqual({ expected: bytes, actual: bytes - 1 });
    expect((await refused(await call(who.provider.privateKey, 0, 0n), "FeeTooLow")).reason_data).toEqual({
      expected: bytes,
      actual: 0,
    });
    // Exactly the minimum is relayed.
    const enough = await call(who.provider.privateKey, 0, BigInt(bytes));
    expect(await submit(enough)).toEqual({ status: 200, body: enough.txid() });
  });

  it("refuses a nonce below the confirmed one with BadNonce {expected, actual, principal, is_origin}", async () => {
    await submit(await call(who.provider.privateKey, 0, 10_000n));
    expect(api.chain.nextNonce(who.provider.address)).toBe(1);
    const body = await refused(await call(who.provider.privateKey, 0, 10_000n, 98), "BadNonce");
    expect(body.reason_data).toEqual({ expected: 1, actual: 0, principal: who.provider.address, is_origin: true });
  });

  it("answers a resent transaction with its txid, refuses another one with its pending nonce (ConflictingNonceInMempool), and lets a higher fee replace it", async () => {
    api.chain.autoMine = false;
    const first = await call(who.provider.privateKey, 0, 10_000n);
    expect(await submit(first)).toEqual({ status: 200, body: first.txid() });
    // The same bytes again: the node already holds them, answers their txid and adds nothing.
    expect(await submit(first)).toEqual({ status: 200, body: first.txid() });
    expect(api.chain.pendingNonces(who.provider.address)).toEqual([0]);
    // Another transaction with that nonce, for no more fee.
    const same = await refused(await call(who.provider.privateKey, 0, 10_000n, 98), "ConflictingNonceInMempool");
    expect(same).not.toHaveProperty("reason_data");
    await refused(await call(who.provider.privateKey, 0, 9_000n, 97), "ConflictingNonceInMempool");
    // For more fee it takes the first one's place (replace-by-fee).
    const bump = await call(who.provider.privateKey, 0, 20_000n, 96);
    expect(await submit(bump)).toEqual({ status: 200, body: bump.txid() });
    expect(await v3(first.txid())).toMatchObject({
      status: "dropped_replace_by_fee",
      replaced_by_tx_id: `0x${bump.txid()}`,
    });
    const block = api.chain.mineMempool()!;
    expect(block.txids).toEqual([`0x${bump.txid()}`]);
    expect((await v3(first.txid())).status).toBe("dropped_replace_by_fee");
  });

  it(`admits nonces up to ${MAXIMUM_MEMPOOL_TX_CHAINING + 1} past the confirmed one (TooMuchChaining beyond), and mines one after a gap only once the gap is filled`, async () => {
    const key = who.provider.privateKey;
    const last = MAXIMUM_MEMPOOL_TX_CHAINING + 1; // stacks-core: account nonce + 1 + MAXIMUM_MEMPOOL_TX_CHAINING
    expect((await nonces(who.provider.address)).mempool).toEqual({
      last_nonce: null,
      pending_nonces: [],
      missing_nonces: [],
    });
    const gapped = await call(key, 1, 10_000n);
    expect((await submit(gapped)).status).toBe(200);
    expect((await v3(gapped.txid())).status).toBe("pending");
    expect(await nonces(who.provider.address)).toMatchObject({
      next_nonce: 2,
      last_confirmed_nonce: null,
      mempool: { last_nonce: 1, pending_nonces: [1], missing_nonces: [0] },
    });
    expect((await submit(await call(key, last, 10_000n))).status).toBe(200);
    const body = await refused(await call(key, last + 1, 10_000n), "TooMuchChaining");
    expect(body.reason_data).toEqual({
      message: "Nonce would exceed chaining limit in mempool",
      expected: last,
      actual: last + 1,
      principal: who.provider.address,
      is_origin: true,
    });
    // Filling the gap mines 0 and 1 together; the nonce after the next gap still waits.
    const filler = await call(key, 0, 10_000n);
    expect((await submit(filler)).status).toBe(200);
    expect(api.chain.txs.get(`0x${filler.txid()}`)!.blockHeight).toBe(
      api.chain.txs.get(`0x${gapped.txid()}`)!.blockHeight,
    );
    expect(api.chain.nextNonce(who.provider.address)).toBe(2);
    expect(api.chain.pendingNonces(who.provider.address)).toEqual([last]);
    expect(await nonces(who.provider.address)).toMatchObject({
      next_nonce: last + 1,
      last_confirmed_nonce: 1,
      mempool: { pending_nonces: [last], missing_nonces: Array.from({ length: last - 2 }, (_v, i) => last - 1 - i) },
    });
    // The limit counts from the confirmed nonce: two confirmed, two more may be chained.
    expect((await submit(await call(key, last + 2, 10_000n))).status).toBe(200);
    await refused(await call(key, last + 3, 10_000n), "TooMuchChaining");
  });

  it("refuses a sender without the balance for the fee (a call) or for the amount and the fee (a transfer) with NotEnoughFunds", async () => {
    const key = `${"43".repeat(32)}01`;
    const poor = privateKeyToAddress(key, "testnet");
    await fetch(`${api.url}/devnet/fund`, { method: "POST", body: JSON.stringify({ address: poor, amount: "1000" }) });
    // stacks-core writes these two amounts as u128 hex strings, where the published schema says integers.
    const callBody = await refused(await call(key, 0, 2_000n), "NotEnoughFunds", false);
    expect(callBody.reason_data).toEqual({ expected: u128(2_000n), actual: u128(1_000n) });
    const tooMuch = await transfer(key, who.buyer.address, 600n, 0, 500n);
    expect((await refused(tooMuch, "NotEnoughFunds", false)).reason_data).toEqual({
      expected: u128(1_100n),
      actual: u128(1_000n),
    });
    // Amount and fee to the last micro-STX go through.
    const all = await transfer(key, who.buyer.address, 500n, 0, 500n);
    expect(size(all)).toBeLessThanOrEqual(500);
    expect(await submit(all)).toEqual({ status: 200, body: all.txid() });
    expect(api.chain.balance(poor)).toBe(0n);
  });

  it("charges fees: a mined transaction's fee leaves its sender, also when the call aborts, and reaches FEE_RECIPIENT", async () => {
    const account = async (address: string) =>
      BigInt((await (await fetch(`${api.url}/v2/accounts/${address}`)).json()).balance);
    const start = await account(who.provider.address);
    const buyerStart = api.chain.balance(who.buyer.address);
    expect(api.chain.balance(FEE_RECIPIENT)).toBe(0n);
    api.chain.autoMine = false;
    const pay = await transfer(who.provider.privateKey, who.buyer.address, 1n * STX, 0, 1_000n);
    await submit(pay);
    const aborting = await call(who.provider.privateKey, 1, 2_000n);
    await submit(aborting);
    // Nothing is charged while they wait in the mempool.
    expect(await account(who.provider.address)).toBe(start);
    api.chain.mineMempool();
    expect((await v3(pay.txid())).status).toBe("success");
    expect(await v3(aborting.txid())).toMatchObject({ status: "abort_by_response", fee_rate: "2000" });
    expect(await account(who.provider.address)).toBe(start - 1n * STX - 1_000n - 2_000n);
    expect(api.chain.balance(who.buyer.address)).toBe(buyerStart + 1n * STX);
    expect(api.chain.balance(FEE_RECIPIENT)).toBe(3_000n);
    // The fee moves no STX the API reports as an event of the transaction.
    expect(api.chain.txs.get(`0x${aborting.txid()}`)!.events).toEqual([]);
  });
});
