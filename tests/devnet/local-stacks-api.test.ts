import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { spawn } from "node:child_process";
import {
  Cl,
  Pc,
  PostConditionMode,
  broadcastTransaction,
  fetchCallReadOnlyFunction,
  fetchNonce,
  makeContractCall,
  cvToValue,
  serializeTransaction,
  serializeCV,
  privateKeyToAddress,
  type ClarityValue,
} from "@stacks/transactions";
import { badAsciiByte } from "../../devnet/clarity-strings";
import { principalsOf } from "../../devnet/api-shapes";
import type { ChainTx } from "../../devnet/chain";
import { createClient, StacksApiSocketClient } from "@stacks/blockchain-api-client";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { Protocol, actors, seedCoverScenario, STX, type Actors } from "../../devnet/scenario";

let api: LocalStacksApi;
let p: Protocol;
let who: Actors;

async function start(options: Parameters<typeof startLocalStacksApi>[0] = {}) {
  api = await startLocalStacksApi(options);
  p = new Protocol(networkFor(api.url), api.chain.deployer);
  who = actors(api.chain.accounts);
}
afterEach(async () => api?.close());

const deposit = (
  amount: bigint,
  senderKey = who.provider.privateKey,
  mode = PostConditionMode.Allow,
  postConditions: Parameters<typeof makeContractCall>[0]["postConditions"] = [],
) =>
  makeContractCall({
    contractAddress: api.chain.deployer,
    contractName: "capital-pool",
    functionName: "deposit",
    functionArgs: [Cl.uint(amount)],
    senderKey,
    network: p.network,
    postConditionMode: mode,
    postConditions,
  });

/** What a bad submission must leave untouched. */
async function chainState() {
  return JSON.stringify(
    {
      tip: api.chain.tipHeight,
      txs: api.chain.txs.size,
      nonce: api.chain.nextNonce(who.provider.address),
      balance: api.chain.balance(who.provider.address).toString(),
      pool: await p.read("capital-pool", "get-pool-stats"),
    },
    (_k, v) => (typeof v === "bigint" ? v.toString() : v),
  );
}

describe("the local Stacks API, through @stacks/transactions", () => {
  beforeEach(async () => start());

  it("takes a signed purchase-coverage call, executes it as its signer, and serves the policy back through a read-only call", async () => {
    const seeded = await seedCoverScenario(p, who);
    const policy = cvToValue(
      await fetchCallReadOnlyFunction({
        contractAddress: api.chain.deployer,
        contractName: "cybersecurity-insurance-defi",
        functionName: "get-policy",
        functionArgs: [Cl.uint(seeded.policyId)],
        senderAddress: who.buyer.address,
        network: p.network,
      }),
      true,
    );
    expect(policy.value.holder.value).toBe(who.buyer.address);
    expect(BigInt(policy.value["coverage-amount"].value)).toBe(250_000n * STX);
    expect(BigInt(policy.value.premium.value)).toBe(seeded.premium);
    // The buyer paid exactly the premium and its transactions' fees.
    const fees = [...api.chain.txs.values()]
      .filter((t) => t.sender === who.buyer.address)
      .reduce((sum, t) => sum + t.fee, 0n);
    expect(fees).toBeGreaterThan(0n);
    expect(api.chain.balance(who.buyer.address)).toBe(who.buyer.balance - seeded.premium - fees);
    // The transaction as the API serves it.
    const purchase = [...api.chain.txs.values()].find((t) => t.contractCall?.functionName === "purchase-coverage")!;
    const client = createClient({ baseUrl: api.url });
    const v1 = (await client.GET("/extended/v1/tx/{tx_id}", { params: { path: { tx_id: purchase.txid } } }))
      .data as any;
    expect(v1).toMatchObject({
      tx_id: purchase.txid,
      tx_status: "success",
      tx_type: "contract_call",
      sender_address: who.buyer.address,
      contract_call: {
        contract_id: `${api.chain.deployer}.cybersecurity-insurance-defi`,
        function_name: "purchase-coverage",
      },
      tx_result: { repr: `(ok u${seeded.policyId})` },
    });
    expect(v1.events.some((e: any) => e.contract_log?.value.repr.includes('(topic "policy-purchased")'))).toBe(true);
    const v3 = (await client.GET("/extended/v3/transactions/{tx_id}", { params: { path: { tx_id: purchase.txid } } }))
      .data as any;
    expect(v3).toMatchObject({
      tx_id: purchase.txid,
      status: "success",
      type: "contract_call",
      block: { height: v1.block_height },
    });
    const missing = await client.GET("/extended/v1/tx/{tx_id}", { params: { path: { tx_id: `0x${"0".repeat(64)}` } } });
    expect(missing.response.status).toBe(404);
  });

  it("answers fees and nonces the way wallets expect", async () => {
    expect(await fetchNonce({ address: who.provider.address, network: p.network })).toBe(0n);
    const tx = await deposit(10n * STX);
    expect(tx.auth.spendingCondition.fee).toBeGreaterThan(0n);
    await broadcastTransaction({ transaction: tx, network: p.network });
    expect(await fetchNonce({ address: who.provider.address, network: p.network })).toBe(1n);
    const account = await (await fetch(`${api.url}/v2/accounts/${who.provider.address}`)).json();
    expect(account).toMatchObject({
      nonce: 1,
      balance: `0x${(who.provider.balance - 10n * STX - tx.auth.spendingCondition.fee).toString(16).padStart(32, "0")}`,
    });
  });

  it("marks the routes deprecated in API v9 with a Warning header, answers 410 when they are switched off, and serves their v3 replacements", async () => {
    const v1 = `${api.url}/extended/v1/address/${who.provider.address}/nonces`;
    const v3 = `${api.url}/extended/v3/principals/${who.provider.address}/nonces`;
    expect((await fetch(v1)).headers.get("warning")).toBe(
      '299 - "Deprecated: use /extended/v3/principals/{principal}/nonces"',
    );
    const current = await fetch(v3);
    expect(current.headers.get("warning")).toBeNull();
    expect(await current.json()).toEqual({
      next_nonce: 0,
      last_confirmed_nonce: null,
      mempool: { last_nonce: null, pending_nonces: [], missing_nonces: [] },
    });
    await broadcastTransaction({ transaction: await deposit(10n * STX), network: p.network });
    expect(await (await fetch(v3)).json()).toMatchObject({ next_nonce: 1, last_confirmed_nonce: 0 });
    api.deprecatedGone = true;
    expect((await fetch(v1)).status).toBe(410);
    expect((await fetch(`${api.url}/extended/v1/tx/0x${"00".repeat(32)}`)).status).toBe(410);
    expect((await fetch(v3)).status).toBe(200);
  });

  it("plays Hiro's rate limit: the next N requests answer 429 with Retry-After (seconds or a date) and an error body, then it is off", async () => {
    const info = `${api.url}/v2/info`;
    const readOnly = `${api.url}/v2/contracts/call-read/${api.chain.deployer}/capital-pool/get-pool-stats`;
    const before = api.requests.get("GET /v2/info") ?? 0;
    api.rateLimit = { remaining429: 2, retryAfterSeconds: 3 };
    const first = await fetch(info);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(first.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 2);
    expect(await first.json()).toEqual({
      error: "Too Many Requests",
      message: "API rate limit exceeded: retry after 3",
    });
    const second = await fetch(readOnly, {
      method: "POST",
      body: JSON.stringify({ sender: who.provider.address, arguments: [] }),
    });
    expect(second.status).toBe(429);
    // The local controls are never limited, and do not use up the storm.
    expect((await fetch(`${api.url}/devnet/mine`, { method: "POST", body: "{}" })).status).toBe(200);
    expect(api.rateLimit).toEqual({ remaining429: 0, retryAfterSeconds: 3 });
    expect((await fetch(info)).status).toBe(200);
    expect(api.requests.get("GET /v2/info")! - before).toBe(2); // a refused request was still received
    expect(api.limited.map((l) => [l.route, l.retryAfter])).toEqual([
      ["GET /v2/info", "3"],
      ["POST /v2/contracts/call-read/{address}/{name}/{fn}", "3"],
    ]);
    // As an HTTP-date: the moment to retry, at least the given seconds ahead (to the second).
    api.rateLimit = { remaining429: 1, retryAfterSeconds: 120, retryAfterAs: "date" };
    const dated = await fetch(info);
    expect(dated.status).toBe(429);
    const at = Date.parse(dated.headers.get("retry-after")!);
    expect(dated.headers.get("retry-after")).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(at).toBeGreaterThan(Date.now() + 110_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 120_000);
    expect((await fetch(info)).status).toBe(200);
  });

  it("reports a failed read-only call as the node does", async () => {
    await expect(
      fetchCallReadOnlyFunction({
        contractAddress: api.chain.deployer,
        contractName: "no-such-contract",
        functionName: "get-x",
        functionArgs: [],
        senderAddress: who.provider.address,
        network: p.network,
      }),
    ).rejects.toThrow(/NoSuchContract/);
  });

  it("rejects a bad signature, a replayed nonce and malformed bytes with the node's error bodies, changing nothing", async () => {
    await broadcastTransaction({ transaction: await deposit(5n * STX), network: p.network });
    const before = await chainState();
    // A signature byte flipped after signing.
    const forged = await deposit(7n * STX);
    const hex = serializeTransaction(forged);
    const sigAt = hex.length - 4 * 2 - 140; // inside the 65-byte signature, before the payload
    const tampered = `${hex.slice(0, sigAt)}${hex[sigAt] === "0" ? "1" : "0"}${hex.slice(sigAt + 1)}`;
    const bad = await (
      await fetch(`${api.url}/v2/transactions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tx: tampered }),
      })
    ).json();
    expect(bad).toMatchObject({
      error: "transaction rejected",
      reason: "SignatureValidation",
      reason_data: { message: expect.any(String) },
    });
    // The same signed transaction twice: the second is a replayed nonce.
    const once = await deposit(3n * STX);
    expect(await broadcastTransaction({ transaction: once, network: p.network })).toEqual({ txid: once.txid() });
    const afterOnce = await chainState();
    const replay = await broadcastTransaction({ transaction: once, network: p.network });
    expect(replay).toEqual({
      txid: once.txid(),
      error: "transaction rejected",
      reason: "BadNonce",
      reason_data: { expected: 2, actual: 1, principal: who.provider.address, is_origin: true },
    });
    // Bytes that are no transaction at all.
    const garbage = await fetch(`${api.url}/v2/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: "deadbeef" }),
    });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get("content-type")).toContain("text/plain");
    expect(await garbage.text()).toMatch(/^Failed to deserialize posted transaction/);
    const notJson = await fetch(`${api.url}/v2/transactions`, { method: "POST", body: "{" });
    expect([notJson.status, await notJson.text()]).toEqual([400, "Failed to parse body"]);
    expect(await chainState()).toBe(afterOnce);
    expect(before).not.toBe(afterOnce); // the one good transaction did change it
  });

  it("refuses a string-ascii argument with a non-ASCII character as a node does (400, plain text, saying so), changing nothing", async () => {
    const before = await chainState();
    // Cl.stringAscii writes each character's low byte: "é" goes on the wire as the single byte 0xe9.
    const uri = Cl.stringAscii("https://évidence.example/x");
    expect(serializeCV(uri)).toContain("e9");
    const tx = await makeContractCall({
      contractAddress: api.chain.deployer,
      contractName: "claims-assessment",
      functionName: "submit-claim",
      functionArgs: [
        Cl.uint(1),
        Cl.uint(1n * STX),
        Cl.uint(1),
        Cl.stringUtf8("x"),
        Cl.bufferFromHex("ab".repeat(32)),
        uri,
      ],
      senderKey: who.provider.privateKey,
      network: p.network,
      fee: 10_000n,
      nonce: 0n,
    });
    const answer = await fetch(`${api.url}/v2/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: serializeTransaction(tx) }),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("content-type")).toContain("text/plain");
    // The node's own words (stacks-core posttransaction.rs and the Clarity value codec), then which argument and byte.
    expect(await answer.text()).toBe(
      'Failed to deserialize posted transaction: Failed to decode clarity value: DeserializationError("Bad string")' +
        ": a string-ascii argument contains a non-ASCII character (argument 6 of submit-claim, byte 0xe9 at index 8)",
    );
    // @stacks/transactions cannot parse a plain-text refusal, from this chain or a real node.
    await expect(broadcastTransaction({ transaction: tx, network: p.network })).rejects.toThrow(
      /unable to parse node response/,
    );
    expect(await chainState()).toBe(before);
    // The nonce was not spent and the simnet did not panic: the next transaction goes through.
    expect(await broadcastTransaction({ transaction: await deposit(3n * STX), network: p.network })).toEqual({
      txid: expect.any(String),
    });
    expect(api.chain.nextNonce(who.provider.address)).toBe(1);
  });

  it("refuses a call to a contract or function that does not exist, before it reaches a block", async () => {
    const tip = api.chain.tipHeight;
    const noContract = await makeContractCall({
      contractAddress: api.chain.deployer,
      contractName: "nothing-here",
      functionName: "x",
      functionArgs: [],
      senderKey: who.provider.privateKey,
      network: p.network,
    });
    expect(await broadcastTransaction({ transaction: noContract, network: p.network })).toMatchObject({
      reason: "NoSuchContract",
    });
    const noFunction = await makeContractCall({
      contractAddress: api.chain.deployer,
      contractName: "capital-pool",
      functionName: "steal",
      functionArgs: [],
      senderKey: who.provider.privateKey,
      network: p.network,
    });
    expect(await broadcastTransaction({ transaction: noFunction, network: p.network })).toMatchObject({
      reason: "NoSuchPublicFunction",
    });
    expect(api.chain.tipHeight).toBe(tip);
  });

  it("reports a contract's refusal as abort_by_response with its error code", async () => {
    const tx = await deposit(1n); // below the minimum deposit
    await broadcastTransaction({ transaction: tx, network: p.network });
    const json = await (await fetch(`${api.url}/extended/v1/tx/0x${tx.txid()}`)).json();
    expect(json).toMatchObject({ tx_status: "abort_by_response", tx_result: { repr: "(err u3001)" } });
  });

  it("aborts a deny-mode transaction that moves STX without a post-condition, and accepts it with one", async () => {
    const unguarded = await deposit(2n * STX, who.provider.privateKey, PostConditionMode.Deny);
    await broadcastTransaction({ transaction: unguarded, network: p.network });
    expect(api.chain.txs.get(`0x${unguarded.txid()}`)).toMatchObject({ status: "abort_by_post_condition" });
    const guarded = await deposit(2n * STX, who.provider.privateKey, PostConditionMode.Deny, [
      Pc.principal(who.provider.address)
        .willSendEq(2n * STX)
        .ustx(),
    ]);
    await broadcastTransaction({ transaction: guarded, network: p.network });
    expect(api.chain.txs.get(`0x${guarded.txid()}`)).toMatchObject({ status: "success" });
    const wrong = await deposit(2n * STX, who.provider.privateKey, PostConditionMode.Deny, [
      Pc.principal(who.provider.address)
        .willSendLte(1n * STX)
        .ustx(),
    ]);
    await broadcastTransaction({ transaction: wrong, network: p.network });
    expect(api.chain.txs.get(`0x${wrong.txid()}`)).toMatchObject({ status: "abort_by_post_condition" });
  });
});

describe("contract logs, through @stacks/blockchain-api-client", () => {
  beforeEach(async () => start());

  it("pages newest first with cursors, back and forth, over every event", async () => {
    for (let i = 1; i <= 23; i++)
      await broadcastTransaction({ transaction: await deposit(BigInt(i) * STX), network: p.network });
    const client = createClient({ baseUrl: api.url });
    const contractId = `${api.chain.deployer}.capital-pool`;
    const page = async (cursor?: string) =>
      (
        await client.GET("/extended/v2/smart-contracts/{contract_id}/logs", {
          params: { path: { contract_id: contractId }, query: { limit: 10, ...(cursor ? { cursor } : {}) } },
        })
      ).data!;
    const amounts = (p: Awaited<ReturnType<typeof page>>) =>
      p.results.map((r) => /\(amount u(\d+)\)/.exec(r.contract_log.value.repr)![1]);
    const first = await page();
    expect(first.total).toBe(23);
    expect(amounts(first)).toEqual(Array.from({ length: 10 }, (_v, i) => String((23 - i) * 1_000_000)));
    const second = await page(first.prev_cursor!);
    const third = await page(second.prev_cursor!);
    expect([...amounts(first), ...amounts(second), ...amounts(third)]).toEqual(
      Array.from({ length: 23 }, (_v, i) => String((23 - i) * 1_000_000)),
    );
    expect(third.prev_cursor).toBeNull();
    // Forward again from the second page.
    expect(second.next_cursor).toBe(first.cursor);
    expect(amounts(await page(second.next_cursor!))).toEqual(amounts(first));
    expect(first.next_cursor).toBeNull();
    // The older route, by offset.
    const v1 = (
      await client.GET("/extended/v1/contract/{contract_id}/events", {
        params: { path: { contract_id: contractId }, query: { limit: 5, offset: 20 } },
      })
    ).data!;
    expect(v1.results.map((r: any) => /\(amount u(\d+)\)/.exec(r.contract_log.value.repr)![1])).toEqual([
      "3000000",
      "2000000",
      "1000000",
    ]);
  });

  it("answers bad paging parameters with 400, a cursor before the log with 404, and an unknown contract with an empty log", async () => {
    const client = createClient({ baseUrl: api.url });
    const logs = (contract_id: string, query: Record<string, unknown>) =>
      client.GET("/extended/v2/smart-contracts/{contract_id}/logs", {
        params: { path: { contract_id }, query: query as never },
      });
    expect((await logs(`${api.chain.deployer}.capital-pool`, { limit: 500 })).response.status).toBe(400);
    expect((await logs(`${api.chain.deployer}.capital-pool`, { cursor: "abc" })).response.status).toBe(400);
    expect((await logs(`${api.chain.deployer}.capital-pool`, { cursor: "1:2147483647:0:0" })).response.status).toBe(
      404,
    );
    const unknown = await logs(`${api.chain.deployer}.nope`, {});
    expect([unknown.response.status, unknown.data?.total, unknown.data?.results]).toEqual([200, 0, []]);
    expect((await logs(`${api.chain.deployer}.capital-pool`, { limit: 0 })).data?.limit).toBe(20);
  });
});

describe("real-time notifications, through StacksApiSocketClient", () => {
  beforeEach(async () => start());

  it("notifies a new block and each transaction touching a subscribed address", async () => {
    const socket = new StacksApiSocketClient({ url: api.url });
    const blocks: number[] = [];
    const touching: string[] = [];
    const pool = `${api.chain.deployer}.capital-pool`;
    socket.subscribeBlocks((b) => blocks.push(b.height));
    socket.subscribeAddressTransactions(pool, (_a, tx) => touching.push(tx.tx.tx_id));
    await new Promise((r) => setTimeout(r, 200));
    const tx = await deposit(4n * STX);
    await broadcastTransaction({ transaction: tx, network: p.network });
    await expect.poll(() => touching, { timeout: 5_000 }).toEqual([`0x${tx.txid()}`]);
    expect(blocks).toContain(api.chain.txs.get(`0x${tx.txid()}`)!.blockHeight);
    socket.socket.close();
  });
});

describe("who is notified of a transaction", () => {
  it("only the principals it involves, as Hiro's: never a contract that merely printed an event", () => {
    const tx = {
      sender: "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG",
      contractCall: {
        contractId: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.claims-assessment",
        functionName: "f",
        args: [],
      },
      events: [
        {
          kind: "log",
          contractId: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.policy-ledger",
          topic: "print",
          value: Cl.uint(1),
        },
        {
          kind: "stx-transfer",
          sender: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.capital-pool",
          recipient: "ST3AM1A56AK2C1XAFJ4115ZSV26EB49BVQ10MGCS0",
          amount: 1n,
          memo: "",
        },
      ],
    } as unknown as ChainTx;
    expect([...principalsOf(tx)].sort()).toEqual(
      [
        "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG",
        "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.claims-assessment",
        "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.capital-pool",
        "ST3AM1A56AK2C1XAFJ4115ZSV26EB49BVQ10MGCS0",
      ].sort(),
    );
  });
});

describe("blocks and local controls", () => {
  it("batches transactions into one block on an interval when asked", async () => {
    await start({ blockIntervalMs: 300 });
    const a = await deposit(2n * STX);
    const b = await makeContractCall({
      contractAddress: api.chain.deployer,
      contractName: "assessor-staking",
      functionName: "stake",
      functionArgs: [Cl.uint(5n * STX)],
      senderKey: who.assessors[0]!.privateKey,
      network: p.network,
      postConditionMode: PostConditionMode.Allow,
    });
    await broadcastTransaction({ transaction: a, network: p.network });
    await broadcastTransaction({ transaction: b, network: p.network });
    const pending = await (await fetch(`${api.url}/extended/v1/tx/0x${a.txid()}`)).json();
    expect(pending.tx_status).toBe("pending");
    await expect.poll(() => api.chain.txs.get(`0x${b.txid()}`)!.status, { timeout: 3_000 }).toBe("success");
    expect(api.chain.txs.get(`0x${a.txid()}`)!.blockHeight).toBe(api.chain.txs.get(`0x${b.txid()}`)!.blockHeight);
  });

  it("mines, moves time and funds accounts under /devnet/, and refuses bad input", async () => {
    await start();
    const post = (path: string, body: unknown) =>
      fetch(`${api.url}/devnet/${path}`, { method: "POST", body: JSON.stringify(body) });
    const tip = api.chain.tipHeight;
    expect(await (await post("mine", { count: 3 })).json()).toMatchObject({ block_height: tip + 3 });
    const before = api.chain.time;
    const advanced = await (await post("advance", { seconds: 86_400 })).json();
    expect(advanced.block_time).toBeGreaterThanOrEqual(before + 86_400);
    const fresh = privateKeyToAddress(`${"42".repeat(32)}01`, "testnet");
    expect(await (await post("fund", { address: fresh, amount: "5000000" })).json()).toEqual({
      address: fresh,
      balance: "5000000",
    });
    expect((await post("mine", { count: 0 })).status).toBe(400);
    expect((await post("advance", { seconds: "soon" })).status).toBe(400);
    expect((await post("fund", { address: "nobody", amount: 1 })).status).toBe(400);
    expect(
      (await post("fund", { address: `${fresh.slice(0, -1)}${fresh.endsWith("A") ? "B" : "A"}`, amount: 1 })).status,
    ).toBe(400);
    expect((await post("fund", { address: fresh, amount: "lots" })).status).toBe(400);
    const info = await (await fetch(`${api.url}/v2/info`)).json();
    expect(info.stacks_tip_height).toBe(api.chain.tipHeight);
  });
});

describe("npm run devnet", () => {
  it("serves /v2/info and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "devnet/main.ts", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += String(d);
          const m = /local Stacks API on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`devnet exited with ${code}: ${out}`)));
      });
      const info = await (await fetch(`${url}/v2/info`)).json();
      expect(info.network_id).toBe(2147483648);
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
  });

  it("refuses a bad port with a message naming it", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "devnet/main.ts", "--port", "banana"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += String(d);
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain("--port must be a port number");
  });
});

describe("Clarity's string-ascii rule", () => {
  it("allows printable ASCII and the five whitespace bytes, and finds any other byte at any depth", () => {
    expect(badAsciiByte(Cl.stringAscii("a-Z 0~!\t\n\f\r"))).toBeNull();
    for (const [text, byte] of [
      ["\u000b", 0x0b],
      ["\u0000", 0],
      ["\u007f", 0x7f],
      ["caf\u00e9", 0xe9],
    ] as const) {
      expect(badAsciiByte(Cl.stringAscii(text))).toEqual({ byte, index: text.length - 1 });
    }
    const nested: ClarityValue = Cl.some(
      Cl.tuple({
        ok: Cl.stringAscii("fine"),
        list: Cl.list([Cl.ok(Cl.stringAscii("x")), Cl.error(Cl.stringAscii("bad\u00ff"))]),
      }),
    );
    expect(badAsciiByte(nested)).toEqual({ byte: 0xff, index: 3 });
    // string-utf8 has its own rule (any character): not this one.
    expect(badAsciiByte(Cl.stringUtf8("café"))).toBeNull();
  });
});
