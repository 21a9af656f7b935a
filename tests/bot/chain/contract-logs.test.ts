import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Cl, cvToValue, hexToCV } from "@stacks/transactions";
import { latestContractLogs } from "../../../bot/chain/contract-logs";
import { StacksClient } from "../../../bot/chain/stacks-client";
import { LOGS_OFFSET_MAX, logsPage } from "../../../devnet/api-shapes";
import type { LogEntry } from "../../../devnet/chain";

const CONTRACT = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.claims-assessment";
const EVENTS = 100_000;
const PER_BLOCK = 10;

/** One contract's log of 100,000 events (event i prints u<i>), ten a block, served as the local API pages it. */
const entries: LogEntry[] = Array.from({ length: EVENTS }, (_v, i) => ({
  position: [1 + Math.floor(i / PER_BLOCK), i % PER_BLOCK, 0],
  txid: `0x${i.toString(16).padStart(64, "0")}`,
  eventIndex: 0,
  contractId: CONTRACT,
  value: Cl.uint(i),
}));
const requests: URLSearchParams[] = [];
let server: Server;
let client: StacksClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.searchParams);
    const number = (name: string) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) : undefined);
    try {
      const page = logsPage(entries, {
        limit: number("limit"),
        offset: number("offset"),
        cursor: url.searchParams.get("cursor") ?? undefined,
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(page));
    } catch (e) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: (e as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A budget wide open: this API has no rate limit, and the test counts requests, not waits.
  client = new StacksClient({
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retries: 0,
    requestsPerMinute: 1_000_000,
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const printed = (logs: { contract_log: { value: { hex: string } } }[]) =>
  logs.map((l) => Number(cvToValue(hexToCV(l.contract_log.value.hex))));

describe("reading a contract's log far behind", () => {
  it("reads 100,000 events once each, oldest first, by cursor, never asking for an offset past 1,000", async () => {
    requests.length = 0;
    const { total, logs } = await latestContractLogs(client, CONTRACT, (t) => t);
    expect(total).toBe(EVENTS);
    const values = printed(logs);
    expect(values).toHaveLength(EVENTS);
    expect(values.every((v, i) => v === i)).toBe(true);
    expect(requests.some((q) => Number(q.get("offset") ?? 0) > LOGS_OFFSET_MAX)).toBe(false);
    expect(requests.length).toBe(Math.ceil(EVENTS / 50));
  });

  it("reads exactly the newest 1,600 when 1,600 are new (the case that lost and doubled events by offset)", async () => {
    const { logs } = await latestContractLogs(client, CONTRACT, () => 1_600);
    expect(printed(logs)).toEqual(Array.from({ length: 1_600 }, (_v, i) => EVENTS - 1_600 + i));
  });

  it("is refused by the API as the real one refuses: an offset past 1,000 answers 400", async () => {
    const answer = await fetch(`${client.options.apiUrl}/extended/v2/smart-contracts/${CONTRACT}/logs?offset=1001`);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: "'offset' must be equal to or less than 1000" });
  });
});
