import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import { Cl, cvToHex, makeContractCall, serializeTransaction } from "@stacks/transactions";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { Protocol, actors, seedCoverScenario, STX, type Actors } from "../../devnet/scenario";

/**
 * The local Stacks API against the official definitions in ../shared/specs (see SOURCES.md there): every
 * route the bot, its keeper and its tools use answers, on success and on error, a body that validates
 * against the published schema for that route and status, and the behaviours SOURCES.md lists hold.
 */
const SPECS = new URL("../../../shared/specs/", import.meta.url);
type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type PathItems = Record<string, Record<string, Operation>>;
const hiro = JSON.parse(readFileSync(new URL("hiro-stacks-blockchain-api-v9.0.2.openapi.json", SPECS), "utf8")) as {
  paths: PathItems;
};
const hidden = JSON.parse(readFileSync(new URL("hiro-stacks-blockchain-api-v9.0.2.route-schemas.json", SPECS), "utf8"));
const node = JSON.parse(readFileSync(new URL("stacks-core-rpc.openapi.json", SPECS), "utf8")) as PathItems;

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map<object, ValidateFunction>();
/** The published schema of (route, method, status), falling back to the document's 4XX answer. */
function schemaOf(paths: PathItems, route: string, method: string, status: number): object {
  const operation = paths[route]?.[method];
  expect(operation, `${method.toUpperCase()} ${route} is in the official document`).toBeDefined();
  const answer = operation!.responses[String(status)] ?? operation!.responses[`${String(status)[0]}XX`];
  const schema = answer?.content?.["application/json"]?.schema;
  expect(schema, `${method.toUpperCase()} ${route} documents ${status}`).toBeDefined();
  return schema!;
}
function conforms(schema: object, body: unknown, what: string) {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  expect(validate(body), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

let api: LocalStacksApi;
let p: Protocol;
let who: Actors;
let txid: string;
const get = async (path: string) => {
  const r = await fetch(`${api.url}${path}`);
  return { status: r.status, headers: r.headers, body: await r.json() };
};
const post = async (path: string, body: unknown) => {
  const r = await fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

beforeAll(async () => {
  api = await startLocalStacksApi();
  p = new Protocol(networkFor(api.url), api.chain.deployer);
  who = actors(api.chain.accounts);
  await seedCoverScenario(p, who);
  txid = [...api.chain.txs.keys()].at(-1)!;
});
afterAll(async () => api?.close());

describe("the local Stacks API against Hiro's published API (v9.0.2)", () => {
  const pool = () => `${api.chain.deployer}.capital-pool`;
  const logsRoute = "/extended/v2/smart-contracts/{contract_id}/logs";

  it("answers contract logs as documented, with the cursor format, and an unknown contract with an empty log", async () => {
    const page = await get(`/extended/v2/smart-contracts/${pool()}/logs?limit=1`);
    expect(page.status).toBe(200);
    conforms(schemaOf(hiro.paths, logsRoute, "get", 200), page.body, "logs");
    expect(page.body.cursor).toMatch(/^\d+:2147483647:\d+:\d+$/);
    expect(page.body.prev_cursor).toMatch(/^\d+:2147483647:\d+:\d+$/);
    const older = await get(`/extended/v2/smart-contracts/${pool()}/logs?limit=1&cursor=${page.body.prev_cursor}`);
    expect(older.status).toBe(200);
    conforms(schemaOf(hiro.paths, logsRoute, "get", 200), older.body, "an older page");
    const unknown = await get(`/extended/v2/smart-contracts/${api.chain.deployer}.nope/logs`);
    expect([unknown.status, unknown.body.total, unknown.body.results]).toEqual([200, 0, []]);
  });

  it("refuses an offset past 1,000 (400) and a cursor past the end (404) with the documented error body", async () => {
    const deep = await get(`/extended/v2/smart-contracts/${pool()}/logs?offset=1001`);
    expect(deep.status).toBe(400);
    conforms(schemaOf(hiro.paths, logsRoute, "get", 400), deep.body, "offset past 1,000");
    const gone = await get(`/extended/v2/smart-contracts/${pool()}/logs?cursor=1:2147483647:0:0`);
    expect(gone.status).toBe(404);
    conforms(schemaOf(hiro.paths, logsRoute, "get", 404), gone.body, "cursor past the end");
  });

  it("answers the current transaction and nonce routes as documented", async () => {
    const tx = await get(`/extended/v3/transactions/${txid}`);
    expect(tx.status).toBe(200);
    conforms(schemaOf(hiro.paths, "/extended/v3/transactions/{tx_id}", "get", 200), tx.body, "v3 transaction");
    const nonces = await get(`/extended/v3/principals/${who.buyer.address}/nonces`);
    conforms(schemaOf(hiro.paths, "/extended/v3/principals/{principal}/nonces", "get", 200), nonces.body, "v3 nonces");
    const blocks = await get("/extended/v2/blocks/?limit=1");
    conforms(schemaOf(hiro.paths, "/extended/v2/blocks/", "get", 200), blocks.body, "blocks");
  });

  it("answers a block by latest, height and hash, and a batch of transactions, as documented", async () => {
    const blockRoute = "/extended/v2/blocks/{height_or_hash}";
    const latest = await get("/extended/v2/blocks/latest");
    expect(latest.status).toBe(200);
    conforms(schemaOf(hiro.paths, blockRoute, "get", 200), latest.body, "latest block");
    const byHeight = await get(`/extended/v2/blocks/${latest.body.height}`);
    const byHash = await get(`/extended/v2/blocks/${latest.body.hash}`);
    expect([byHeight.body.hash, byHash.body.height]).toEqual([latest.body.hash, latest.body.height]);
    const unknown = await get(`/extended/v2/blocks/0x${"ee".repeat(32)}`);
    expect(unknown.status).toBe(404);
    conforms(schemaOf(hiro.paths, blockRoute, "get", 404), unknown.body, "unknown block");
    const missing = `0x${"0f".repeat(32)}`;
    const list = await get(`/extended/v1/tx/multiple?tx_id=${txid}&tx_id=${missing}`);
    expect(list.status).toBe(200);
    conforms(schemaOf(hiro.paths, "/extended/v1/tx/multiple", "get", 200), list.body, "transactions by id");
    expect([list.body[txid].found, list.body[missing]]).toEqual([true, { found: false, result: { tx_id: missing } }]);
  });

  it("re-organises as the real chain does: orphaned blocks are not found, their events leave the log and total shrinks", async () => {
    const logs = () => get(`/extended/v2/smart-contracts/${pool()}/logs?limit=1`);
    await p.call(who.provider, "capital-pool", "deposit", [Cl.uint(10_000_000n)]);
    const before = await logs();
    const orphanedTx = before.body.results[0].tx_id;
    const fork = await post("/devnet/reorg", { depth: 1 });
    expect(fork.status).toBe(200);
    expect(fork.body.fork).toHaveLength(2);
    const after = await logs();
    expect(after.body.total).toBe(before.body.total - 1);
    expect(after.body.results[0].tx_id).not.toBe(orphanedTx);
    expect((await get(`/extended/v2/blocks/${fork.body.orphaned[0].hash}`)).status).toBe(404);
    expect((await get(`/extended/v2/blocks/latest`)).body.hash).toBe(fork.body.fork[1].hash);
    const list = await get(`/extended/v1/tx/multiple?tx_id=${orphanedTx}`);
    expect(list.body[orphanedTx].found).toBe(false);
    // The stored cursor of the orphaned event now points at the event before it, as Hiro's `<=` does.
    const at = await get(`/extended/v2/smart-contracts/${pool()}/logs?limit=1&cursor=${before.body.cursor}`);
    expect(at.body.results[0].tx_id).toBe(after.body.results[0].tx_id);
    const refused = await post("/devnet/reorg", { depth: 0 });
    expect(refused.status).toBe(400);
  });

  it("answers the routes deprecated in v9 in their own (hidden) shapes, with the Warning header", async () => {
    const tx = await get(`/extended/v1/tx/${txid}`);
    expect(tx.headers.get("warning")).toMatch(/^299 /);
    conforms(hidden["GET /extended/v1/tx/{tx_id}"], tx.body, "v1 transaction");
    const nonces = await get(`/extended/v1/address/${who.buyer.address}/nonces`);
    expect(nonces.headers.get("warning")).toMatch(/^299 /);
    conforms(hidden["GET /extended/v1/address/{principal}/nonces"], nonces.body, "v1 nonces");
  });
});

describe("the local Stacks API against the Stacks node's RPC document", () => {
  it("answers /v2/info, accounts, read-only calls, fee estimates and broadcasts as documented", async () => {
    conforms(schemaOf(node, "/v2/info", "get", 200), (await get("/v2/info")).body, "/v2/info");
    conforms(
      schemaOf(node, "/v2/accounts/{principal}", "get", 200),
      (await get(`/v2/accounts/${who.buyer.address}`)).body,
      "account",
    );
    const read = await post(`/v2/contracts/call-read/${api.chain.deployer}/capital-pool/get-pool-stats`, {
      sender: who.buyer.address,
      arguments: [],
    });
    const readRoute = "/v2/contracts/call-read/{deployer_address}/{contract_name}/{function_name}";
    conforms(schemaOf(node, readRoute, "post", 200), read.body, "read-only call");
    const failed = await post(`/v2/contracts/call-read/${api.chain.deployer}/nope/get-x`, {
      sender: who.buyer.address,
      arguments: [],
    });
    conforms(schemaOf(node, readRoute, "post", 200), failed.body, "read-only call of no contract");
    const call = await makeContractCall({
      contractAddress: api.chain.deployer,
      contractName: "capital-pool",
      functionName: "deposit",
      functionArgs: [Cl.uint(10n * STX)],
      senderKey: who.provider.privateKey,
      network: p.network,
    });
    const estimate = await post("/v2/fees/transaction", {
      transaction_payload: cvToHex(Cl.uint(1)),
      estimated_len: serializeTransaction(call).length / 2,
    });
    conforms(schemaOf(node, "/v2/fees/transaction", "post", 200), estimate.body, "fee estimate");
    const sent = await fetch(`${api.url}/v2/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: serializeTransaction(call) }),
    });
    conforms(schemaOf(node, "/v2/transactions", "post", 200), await sent.json(), "broadcast");
    const again = await fetch(`${api.url}/v2/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: serializeTransaction(call) }),
    });
    expect(again.status).toBe(400);
    conforms(schemaOf(node, "/v2/transactions", "post", 400), await again.json(), "a rejected broadcast");
  });
});
