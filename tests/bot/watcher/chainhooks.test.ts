import { ALL_CONTRACTS } from "../../support/contracts";
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { Writable } from "node:stream";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import Ajv from "ajv";
import { Cl } from "@stacks/transactions";
import type { FastifyInstance } from "fastify";
import { ChainhookDefinitionSchema, ChainhookEventSchema, type ChainhookEvent } from "@hirosystems/chainhooks-client";
import type { z } from "zod";
import {
  chainhookDefinition,
  chainhooksPayload,
  deliveryOf,
  eventIndexes,
  isAuthorized,
  oneAtATime,
  parsePayload,
} from "../../../bot/watcher/chainhooks";
import type { BlockRef, EventSink, RawContractLog } from "../../../bot/watcher/chain-events";
import { chainhooksRoutes, type ChainhooksReceiver } from "../../../bot/web/routes/chainhooks";
import { buildWebApp, createApp } from "../../../bot/web/server";
import type { BotContext } from "../../../bot/discord/context";
import { loadConfig } from "../../../bot/config";
import { createBot, WATCHED_CONTRACTS } from "../../../bot/app";
import { testDatabase } from "../../support/test-store";
import { blockOf } from "../../../devnet/chainhooks-sender";
import { cvHex, type ChainBlock, type ChainTx } from "../../../devnet/chain";

const D = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM";
const CLAIMS = `${D}.claims-assessment`;
const POLICIES = `${D}.cybersecurity-insurance-defi`;
const WATCHED = WATCHED_CONTRACTS.map((c) => `${D}.${c}`);
const SECRET = "consumer-secret-0123456789abcdef";
const VALUE = cvHex(Cl.tuple({ topic: Cl.stringAscii("claim-submitted"), "claim-id": Cl.uint(1) }));
const OTHER_VALUE = cvHex(Cl.tuple({ topic: Cl.stringAscii("policy-purchased"), "policy-id": Cl.uint(2) }));
const h = (byte: string) => `0x${byte.repeat(32)}`;

/** A sink that records what it was asked, in order, and fails when told to. */
function recordingSink() {
  const calls: ({ kind: "apply"; logs: RawContractLog[] } | { kind: "rollback"; blocks: BlockRef[] })[] = [];
  const sink: EventSink & { calls: typeof calls; fail?: Error } = {
    calls,
    async apply(logs) {
      if (sink.fail) throw sink.fail;
      calls.push({ kind: "apply", logs });
    },
    async rollback(blocks) {
      if (sink.fail) throw sink.fail;
      calls.push({ kind: "rollback", blocks });
    },
  };
  return sink;
}

/**
 * A contract call as Hiro documents a delivery's transaction (docs.hiro.so, Chainhooks "Payload anatomy"): the
 * fee (0), the call (1), a fungible-token transfer's debit (2) and credit (3), then a print (4). The Stacks API
 * numbers the transfer event 0 and the print 1.
 */
function documentedTransaction(txid: string, position: number, logs: { contract: string; value: unknown }[]) {
  const transfer = (index: number, address: string, value: string) => ({
    type: "token_transfer",
    status: "success",
    operation_identifier: { index },
    account: { address },
    amount: {
      value,
      currency: { symbol: "", decimals: 0, metadata: { token_type: "ft", asset_identifier: `${D}.token::diko` } },
    },
  });
  return {
    transaction_identifier: { hash: txid },
    metadata: {
      type: "contract_call",
      nonce: 6689,
      result: { hex: "0x0703", repr: "(ok true)" },
      status: "success",
      fee_rate: "3000",
      position: { index: position, microblock_identifier: null },
      // As Hiro's example shows them: strings, where the package's schema says integers.
      execution_cost: { runtime: "7807", read_count: "5", read_length: "2441", write_count: "2", write_length: "1" },
      sender_address: D,
      sponsor_address: null,
      canonical: true,
      sponsored: false,
      microblock_canonical: true,
    },
    operations: [
      {
        type: "fee",
        status: "success",
        operation_identifier: { index: 0 },
        account: { address: D },
        amount: { value: "-3000", currency: { symbol: "STX", decimals: 6 } },
        metadata: { sponsored: false },
      },
      {
        type: "contract_call",
        status: "success",
        operation_identifier: { index: 1 },
        account: { address: D },
        metadata: { contract_identifier: CLAIMS, function_name: "submit-claim", args: [] },
      },
      transfer(2, D, "-10352515582"),
      transfer(3, "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG", "10352515582"),
      ...logs.map((log, i) => ({
        type: "contract_log",
        status: "success",
        operation_identifier: { index: 4 + i },
        metadata: { topic: "print", value: log.value, contract_identifier: log.contract },
      })),
    ],
  };
}

const documentedPayload = (event: { apply?: unknown[]; rollback?: unknown[]; network?: string }) => ({
  chainhook: { uuid: "be4ab3ed-b606-4fe0-97c4-6c0b1ac9b185", name: "cover-bot testnet" },
  event: {
    chain: "stacks",
    network: event.network ?? "testnet",
    apply: event.apply ?? [],
    rollback: event.rollback ?? [],
  },
});
/** The documented blocks' time, which each event carries (the index dates records by it). */
const BLOCK_TIME = 1757977309;
const documentedBlock = (height: number, hashByte: string, transactions: unknown[]) => ({
  timestamp: BLOCK_TIME,
  block_identifier: { hash: h(hashByte), index: height },
  parent_block_identifier: { hash: h("00"), index: height - 1 },
  transactions,
});

describe("a Chainhooks payload, as events", () => {
  it("counts the API's event index back from the operations: the call's own are skipped, a transfer is one event", () => {
    const tx = documentedTransaction(h("09"), 0, [{ contract: CLAIMS, value: VALUE }]);
    const parsed = parsePayload(documentedPayload({ apply: [documentedBlock(3549902, "a2", [tx])] }));
    expect(parsed.ok).toBe(true);
    const events = eventIndexes(parsed.ok ? parsed.payload.event.apply[0]!.transactions[0]!.operations : []);
    expect(events.map((e) => [e.operation.type, e.operation.operation_identifier.index, e.eventIndex])).toEqual([
      ["token_transfer", 2, 0],
      ["contract_log", 4, 1],
    ]);
  });

  it("gives each watched contract's log its contract, 0x txid, event index, hex and block, in chain order", () => {
    const first = documentedTransaction(h("0A"), 0, [
      { contract: CLAIMS, value: VALUE },
      { contract: `${D}.some-other-contract`, value: OTHER_VALUE },
      // With decode_clarity_values the value is { hex, repr }; without its 0x.
      { contract: POLICIES, value: { hex: OTHER_VALUE.slice(2), repr: "(tuple …)" } },
    ]);
    const second = documentedTransaction(h("0b"), 1, [{ contract: CLAIMS, value: VALUE }]);
    const failed = documentedTransaction(h("0c"), 2, [{ contract: CLAIMS, value: VALUE }]);
    failed.metadata.status = "abort_by_response";
    // Out of order on purpose: blocks by height, transactions by their position in the block.
    const payload = documentedPayload({
      apply: [documentedBlock(11, "BB", [failed, second]), documentedBlock(10, "aa", [first])],
    });
    const parsed = chainhooksPayload.parse(payload);
    expect(deliveryOf(parsed, WATCHED)).toEqual({
      rollback: [],
      apply: [
        {
          contractId: CLAIMS,
          txid: h("0a"),
          eventIndex: 1,
          hex: VALUE,
          block: { height: 10, hash: h("aa") },
          time: BLOCK_TIME,
        },
        {
          contractId: POLICIES,
          txid: h("0a"),
          eventIndex: 3,
          hex: OTHER_VALUE,
          block: { height: 10, hash: h("aa") },
          time: BLOCK_TIME,
        },
        {
          contractId: CLAIMS,
          txid: h("0b"),
          eventIndex: 1,
          hex: VALUE,
          block: { height: 11, hash: h("bb") },
          time: BLOCK_TIME,
        },
      ],
    });
  });

  it("numbers the local sender's events exactly as the local Stacks API does (their index in the transaction)", () => {
    const tx: ChainTx = {
      txid: h("ab"),
      sender: D,
      nonce: 3,
      fee: 500n,
      type: "contract_call",
      contractCall: { contractId: POLICIES, functionName: "purchase-coverage", args: [Cl.uint(1), Cl.uint(2)] },
      postConditionMode: "deny",
      postConditions: [],
      receivedAt: 0,
      status: "success",
      result: Cl.ok(Cl.uint(2)),
      vmError: null,
      events: [
        { kind: "stx-transfer", sender: D, recipient: `${D}.capital-pool`, amount: 70n, memo: "" },
        { kind: "log", contractId: `${D}.capital-pool`, topic: "print", value: Cl.uint(1) },
        { kind: "stx-transfer", sender: D, recipient: `${D}.capital-pool`, amount: 30n, memo: "premium" },
        { kind: "log", contractId: `${D}.some-other-contract`, topic: "print", value: Cl.uint(2) },
        { kind: "log", contractId: POLICIES, topic: "print", value: Cl.uint(3) },
      ],
      blockHeight: 7,
      blockTime: 1000,
      txIndex: 2,
    };
    const block: ChainBlock = {
      height: 7,
      hash: "cd".repeat(32),
      parentHash: "ef".repeat(32),
      time: 1000,
      txids: [tx.txid],
    };
    const payload: ChainhookEvent = {
      chainhook: { uuid: "u" },
      event: { chain: "stacks", network: "testnet", apply: [blockOf(block, [tx])], rollback: [] },
    };
    // What the receiver reads is what the package's type describes (checked by the compiler).
    const readable: z.input<typeof chainhooksPayload> = payload;
    const { apply } = deliveryOf(chainhooksPayload.parse(readable), WATCHED);
    const apiIndexes = tx.events.flatMap((e, i) => (e.kind === "log" && WATCHED.includes(e.contractId) ? [i] : []));
    expect(apiIndexes).toEqual([1, 4]);
    expect(apply.map((l) => [l.contractId, l.eventIndex, l.hex, l.block])).toEqual([
      [`${D}.capital-pool`, 1, cvHex(Cl.uint(1)), { height: 7, hash: `0x${"cd".repeat(32)}` }],
      [POLICIES, 4, cvHex(Cl.uint(3)), { height: 7, hash: `0x${"cd".repeat(32)}` }],
    ]);
    // The local sender's payload is valid against the package's own schema (TypeBox, as JSON Schema). Copied as
    // JSON: the package's execution_cost schemas are undefined (a circular require in its build), which ajv refuses.
    const validate = new Ajv({ strict: false }).compile(JSON.parse(JSON.stringify(ChainhookEventSchema)));
    expect(validate(JSON.parse(JSON.stringify(payload))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("names rolled-back blocks newest first", () => {
    const payload = chainhooksPayload.parse(
      documentedPayload({ rollback: [documentedBlock(5, "05", []), documentedBlock(6, "06", [])] }),
    );
    expect(deliveryOf(payload, WATCHED).rollback).toEqual([
      { height: 6, hash: h("06") },
      { height: 5, hash: h("05") },
    ]);
  });

  it.each([
    ["not an object", "hello", "body"],
    ["no event", { chainhook: { uuid: "u" } }, "event"],
    [
      "another chain",
      { ...documentedPayload({}), event: { ...documentedPayload({}).event, chain: "bitcoin" } },
      "event.chain",
    ],
    [
      "a block without its height",
      documentedPayload({ apply: [{ block_identifier: { hash: h("01") }, transactions: [] }] }),
      "event.apply.0.block_identifier.index",
    ],
    [
      "a txid that is not a hash",
      documentedPayload({ apply: [documentedBlock(1, "01", [documentedTransaction("0x12", 0, [])])] }),
      "transaction_identifier.hash",
    ],
    [
      "a log value that is not hex",
      documentedPayload({
        apply: [documentedBlock(1, "01", [documentedTransaction(h("01"), 0, [{ contract: CLAIMS, value: "0xzz" }])])],
      }),
      "operations.4.metadata.value",
    ],
    [
      "a log without its contract",
      documentedPayload({
        apply: [documentedBlock(1, "01", [documentedTransaction(h("01"), 0, [{ contract: "", value: VALUE }])])],
      }),
      "metadata.contract_identifier",
    ],
  ])("refuses %s, saying where", (_what, body, where) => {
    const parsed = parsePayload(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain(where);
  });
});

describe("the consumer secret", () => {
  it("is accepted only as Authorization: Bearer <secret>, exactly", () => {
    expect(isAuthorized(`Bearer ${SECRET}`, SECRET)).toBe(true);
    for (const header of [
      undefined,
      "",
      SECRET,
      `Bearer ${SECRET} `,
      `Bearer ${SECRET.slice(0, -1)}`,
      `bearer ${SECRET}`,
      `Bearer ${SECRET}x`,
      "Bearer ",
    ])
      expect(isAuthorized(header, SECRET), String(header)).toBe(false);
  });
});

describe("one sink call at a time", () => {
  it("runs calls in the order made, the next only after the one before finished, even when one fails", async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inner: EventSink = {
      async apply(logs) {
        order.push(`apply ${logs.length} start`);
        if (logs.length === 1) await gate;
        if (logs.length === 2) throw new Error("post failed");
        order.push(`apply ${logs.length} end`);
      },
      async rollback() {
        order.push("rollback");
      },
    };
    const sink = oneAtATime(inner);
    const one = [{} as RawContractLog];
    const first = sink.apply(one);
    const second = sink.apply([...one, ...one]);
    const third = sink.rollback([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(["apply 1 start"]);
    release();
    await first;
    await expect(second).rejects.toThrow("post failed");
    await third;
    expect(order).toEqual(["apply 1 start", "apply 1 end", "apply 2 start", "rollback"]);
  });
});

describe("POST /chainhooks/events", () => {
  let app: FastifyInstance;
  let sink: ReturnType<typeof recordingSink>;
  let logs: string[];
  let receiver: ChainhooksReceiver;
  /** `authorization` null: no header at all. */
  const post = (body: unknown, authorization: string | null = `Bearer ${SECRET}`) =>
    app.inject({
      method: "POST",
      url: "/chainhooks/events",
      headers: { "content-type": "application/json", ...(authorization === null ? {} : { authorization }) },
      payload: typeof body === "string" ? body : JSON.stringify(body),
    });
  const claimBlock = (height: number, byte: string) =>
    documentedBlock(height, byte, [documentedTransaction(h(byte), 0, [{ contract: CLAIMS, value: VALUE }])]);

  beforeEach(async () => {
    logs = [];
    // No redaction: the route itself must not log the secret.
    const log = pino(
      { level: "debug" },
      new Writable({
        write(chunk, _e, done) {
          logs.push(String(chunk));
          done();
        },
      }),
    );
    sink = recordingSink();
    receiver = { sink, secret: SECRET, contracts: WATCHED, network: "testnet" };
    app = createApp({});
    await app.register(chainhooksRoutes, { ctx: { log } as unknown as BotContext, receiver });
    await app.ready();
  });
  afterEach(() => app.close());

  it("rolls back, then applies, and answers 200 once the sink has finished", async () => {
    const res = await post(
      documentedPayload({ rollback: [claimBlock(9, "99")], apply: [claimBlock(9, "98"), claimBlock(10, "10")] }),
    );
    expect([res.statusCode, res.json()]).toEqual([200, { rolledBack: 1, applied: 2 }]);
    expect(sink.calls).toEqual([
      { kind: "rollback", blocks: [{ height: 9, hash: h("99") }] },
      {
        kind: "apply",
        logs: [
          {
            contractId: CLAIMS,
            txid: h("98"),
            eventIndex: 1,
            hex: VALUE,
            block: { height: 9, hash: h("98") },
            time: BLOCK_TIME,
          },
          {
            contractId: CLAIMS,
            txid: h("10"),
            eventIndex: 1,
            hex: VALUE,
            block: { height: 10, hash: h("10") },
            time: BLOCK_TIME,
          },
        ],
      },
    ]);
  });

  it.each([
    ["without the header", null],
    ["with another secret", "Bearer another-secret-0123456789"],
    ["with the secret but not as a bearer token", SECRET],
  ])("refuses a delivery %s: 401, nothing applied, nothing of the secret logged", async (_what, authorization) => {
    const res = await post(documentedPayload({ apply: [claimBlock(1, "01")] }), authorization);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: "missing or wrong consumer secret" });
    expect(sink.calls).toEqual([]);
    const text = logs.join("");
    expect(text).toContain("refused a Chainhooks delivery without the consumer secret");
    expect(text).not.toContain(SECRET);
    if (authorization) expect(text).not.toContain(authorization);
  });

  it("checks the secret before it reads the body: a malformed body without it is 401, not 400", async () => {
    expect((await post("{not json", null)).statusCode).toBe(401);
    expect((await post("{not json", "Bearer nope")).statusCode).toBe(401);
  });

  it.each([
    ["not JSON", "{not json"],
    ["not a payload", { hello: "world" }],
    [
      "a malformed block",
      documentedPayload({ apply: [{ block_identifier: { index: -1, hash: "x" }, transactions: [] }] }),
    ],
  ])("refuses a body that is %s with 400, applying nothing", async (_what, body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(sink.calls).toEqual([]);
  });

  it("refuses another network's delivery with 400", async () => {
    const res = await post(documentedPayload({ network: "mainnet", apply: [claimBlock(1, "01")] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("this bot follows testnet, not mainnet");
    expect(sink.calls).toEqual([]);
  });

  it("answers 500 when the sink fails, so Chainhooks delivers it again; 200 when it is delivered again", async () => {
    const body = documentedPayload({ apply: [claimBlock(1, "01")] });
    sink.fail = new Error("Discord is down");
    const failed = await post(body);
    expect(failed.statusCode).toBe(500);
    expect(logs.join("")).toContain("a Chainhooks delivery failed; it will be redelivered");
    sink.fail = undefined;
    expect((await post(body)).statusCode).toBe(200);
    expect(sink.calls).toHaveLength(1);
  });

  it("answers 503 with Retry-After while the bot is starting", async () => {
    let accepting = false;
    receiver.accepting = () => accepting;
    const body = documentedPayload({ apply: [claimBlock(1, "01")] });
    const early = await post(body);
    expect([early.statusCode, early.headers["retry-after"]]).toEqual([503, "5"]);
    expect(sink.calls).toEqual([]);
    accepting = true;
    expect((await post(body)).statusCode).toBe(200);
  });
});

describe("the bot's web server", () => {
  it("answers the route only when given a receiver (EVENT_SOURCE=chainhooks), past its page rules", async () => {
    const config = loadConfig({
      DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.0123456789abcdefghij",
      DISCORD_APPLICATION_ID: "123456789012345678",
      CONTRACT_DEPLOYER: D,
      WEB_PORT: "0",
      DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "chainhooks-")), "bot.sqlite"),
      ...(await testDatabase()),
    });
    const bot = await createBot(config, { logger: pino({ level: "silent" }) });
    const sink = recordingSink();
    const body = JSON.stringify(
      documentedPayload({
        apply: [documentedBlock(1, "01", [documentedTransaction(h("01"), 0, [{ contract: CLAIMS, value: VALUE }])])],
      }),
    );
    const request = {
      method: "POST" as const,
      url: "/chainhooks/events",
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` },
      payload: body,
    };
    const without = await buildWebApp(bot.ctx);
    expect((await without.inject(request)).statusCode).toBe(405);
    await without.close();
    const withReceiver = await buildWebApp(bot.ctx, {
      chainhooks: { sink, secret: SECRET, contracts: WATCHED, network: "testnet" },
      web: { rateLimit: { max: 1, windowMs: 60_000 } },
    });
    // Over a browser's request budget: deliveries are not counted against it.
    for (let i = 0; i < 3; i++) expect((await withReceiver.inject(request)).statusCode).toBe(200);
    expect(sink.calls).toHaveLength(3);
    await withReceiver.close();
    await bot.stop().catch(() => undefined);
  }, 60_000);
});

describe("the hook's definition", () => {
  it("has one contract_log filter per watched contract and posts to the receiver; the package's schema accepts it", () => {
    const definition = chainhookDefinition({
      network: "testnet",
      deployer: D,
      contracts: WATCHED,
      webhookUrl: "https://bot.example/chainhooks/events",
    });
    expect(definition).toEqual({
      name: `cover-bot testnet ${D}`,
      version: "1",
      chain: "stacks",
      network: "testnet",
      filters: {
        // Every contract: the index is built from all their events.
        events: ALL_CONTRACTS.map((name) => ({ type: "contract_log", contract_identifier: `${D}.${name}` })),
      },
      action: { type: "http_post", url: "https://bot.example/chainhooks/events" },
      options: { decode_clarity_values: false, enable_on_registration: true },
    });
    const validate = new Ajv({ strict: false }).compile(ChainhookDefinitionSchema);
    expect(validate(definition), JSON.stringify(validate.errors)).toBe(true);
  });
});
