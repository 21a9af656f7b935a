import { describe, it, expect, afterEach } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resilientFetch, ChainUnavailableError, StacksClient } from "../../../bot/chain/stacks-client";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A flaky API on 127.0.0.1 that answers each request with the next behaviour in the list. */
async function flaky(behaviours: ("500" | "429" | "ok" | "hang")[]) {
  const seen: { apiKey?: string }[] = [];
  server = createServer((req, res) => {
    seen.push({ apiKey: req.headers["x-api-key"] as string | undefined });
    const b = behaviours[Math.min(seen.length - 1, behaviours.length - 1)];
    if (b === "hang") return; // never answers
    if (b === "ok") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"okay":true,"result":"0x0100000000000000000000000000000007"}');
    }
    res.writeHead(Number(b));
    res.end();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe("reading the chain", () => {
  it("retries 5xx and 429 with backoff and sends the API key", async () => {
    const api = await flaky(["500", "429", "ok"]);
    const f = resilientFetch({ apiUrl: api.url, apiKey: "key-12345678", retries: 2, baseDelayMs: 10 });
    expect((await f(`${api.url}/v2/info`)).status).toBe(200);
    expect(api.seen).toEqual([{ apiKey: "key-12345678" }, { apiKey: "key-12345678" }, { apiKey: "key-12345678" }]);
  });

  it("gives up with ChainUnavailableError after the retries", async () => {
    const api = await flaky(["500"]);
    const f = resilientFetch({ apiUrl: api.url, retries: 2, baseDelayMs: 5 });
    await expect(f(`${api.url}/v2/info`)).rejects.toThrow(new ChainUnavailableError("HTTP 500"));
    expect(api.seen).toHaveLength(3);
  });

  it("times out a silent API and says so", async () => {
    const api = await flaky(["hang"]);
    const f = resilientFetch({ apiUrl: api.url, retries: 0, timeoutMs: 150 });
    await expect(f(`${api.url}/v2/info`)).rejects.toThrow("no answer within 150 ms");
  });

  it("reports a refused connection as unavailable", async () => {
    const client = new StacksClient({ apiUrl: "http://127.0.0.1:9", retries: 1, baseDelayMs: 5, timeoutMs: 500 });
    await expect(
      client.readOnly("ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.capital-pool", "get-pool-stats"),
    ).rejects.toBeInstanceOf(ChainUnavailableError);
  });

  it("decodes a read-only answer through @stacks/transactions", async () => {
    const api = await flaky(["ok"]);
    const client = new StacksClient({ apiUrl: api.url });
    expect(await client.readOnly("ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.capital-pool", "get-total-shares")).toEqual(
      { type: "uint", value: 7n },
    );
  });
});
