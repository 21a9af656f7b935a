import { describe, it, expect, afterEach, vi } from "vitest";
import { Cl } from "@stacks/transactions";
import { RequestBudget, REQUEST_WEIGHTS, retryAfterMs, routeOf, weightOf } from "../../../bot/chain/request-budget";
import { ChainUnavailableError, StacksClient, resilientFetch } from "../../../bot/chain/stacks-client";
import { ProtocolReader } from "../../../bot/chain/protocol-reader";
import { Keeper } from "../../../bot/jobs/keeper";
import { STX } from "../../../devnet/scenario";
import { startStack, type Stack } from "../harness";

afterEach(() => {
  vi.useRealTimers();
});

/** Fake timers and clock: the budget's waits are stepped through, never waited for. */
const fakeClock = (at = "2026-05-01T12:00:00.000Z") => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(new Date(at));
};

/** Acquires and records when each acquisition went through (by the fake clock). */
function tracked(budget: RequestBudget, weight: number) {
  const entry: { at?: number; release?: () => void } = {};
  void budget.acquire(weight).then((release) => {
    entry.at = Date.now();
    entry.release = release;
  });
  return entry;
}

describe("the token bucket", () => {
  it("lets a burst of a fifth of a minute's units go at once, then one unit per 1/rate of a minute", async () => {
    fakeClock();
    const start = Date.now();
    const budget = new RequestBudget({ requestsPerMinute: 60, concurrency: 1_000 });
    expect(budget.capacity).toBe(12);
    const burst = Array.from({ length: 12 }, () => tracked(budget, REQUEST_WEIGHTS.plain));
    const next = tracked(budget, REQUEST_WEIGHTS.plain);
    await vi.advanceTimersByTimeAsync(0);
    expect(burst.every((e) => e.at === start)).toBe(true);
    expect(next.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(999);
    expect(next.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(next.at).toBe(start + 1_000);
    // A read-only call weighs two units: two seconds' worth at 60 a minute.
    const readOnly = tracked(budget, REQUEST_WEIGHTS.readOnly);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(readOnly.at).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(readOnly.at).toBe(start + 3_000);
    expect(budget.stats().delayed).toBe(2);
  });

  it("never lets more than 1.2 × the rate through in any 60 s, however many wait", async () => {
    fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 40, concurrency: 1_000 });
    const entries = Array.from({ length: 200 }, (_v, i) =>
      tracked(budget, i % 3 === 0 ? REQUEST_WEIGHTS.readOnly : REQUEST_WEIGHTS.plain),
    );
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const sent = entries.map((e, i) => ({ at: e.at!, units: i % 3 === 0 ? 2 : 1 }));
    expect(sent.every((e) => e.at !== undefined)).toBe(true);
    let worst = 0;
    for (const first of sent) {
      const inWindow = sent.filter((e) => e.at >= first.at && e.at < first.at + 60_000);
      worst = Math.max(
        worst,
        inWindow.reduce((a, e) => a + e.units, 0),
      );
    }
    expect(worst).toBeLessThanOrEqual(48);
    expect(worst).toBeGreaterThan(40); // the burst is used
    // Served in arrival order.
    expect(sent.map((e) => e.at)).toEqual([...sent.map((e) => e.at)].sort((a, b) => a - b));
  });

  it("weighs read-only calls 2, broadcasts 3 and plain GETs 1, naming routes without ids or the base URL's path", () => {
    const api = "https://provider.example/key-in-path-123";
    const readOnly = routeOf(
      "post",
      `${api}/v2/contracts/call-read/ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM/capital-pool/get-pool-stats`,
      api,
    );
    expect(readOnly).toBe("POST /v2/contracts/call-read/{address}/{contract}/{function}");
    expect(weightOf(readOnly)).toBe(2);
    expect(weightOf(routeOf("POST", `${api}/v2/transactions`, api))).toBe(3);
    const logs = routeOf(
      "GET",
      `${api}/extended/v2/smart-contracts/ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.claims-assessment/logs?limit=20`,
      api,
    );
    expect(logs).toBe("GET /extended/v2/smart-contracts/{principal}/logs");
    expect(weightOf(logs)).toBe(1);
    expect(routeOf("GET", `${api}/extended/v3/transactions/0x${"ab".repeat(32)}`, api)).toBe(
      "GET /extended/v3/transactions/{id}",
    );
    expect(routeOf("GET", `${api}/extended/v2/blocks/?limit=1`, api)).toBe("GET /extended/v2/blocks/");
    expect(readOnly + logs).not.toContain("key-in-path");
  });
});

describe("the concurrency limit", () => {
  it("keeps at most `concurrency` requests in flight and lets the next one go, in order, when one is answered", async () => {
    fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 60_000, concurrency: 4 });
    const entries = Array.from({ length: 7 }, () => tracked(budget, REQUEST_WEIGHTS.plain));
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.map((e) => e.at !== undefined)).toEqual([true, true, true, true, false, false, false]);
    expect(budget.stats()).toMatchObject({ inFlight: 4, waiting: 3 });
    entries[2]!.release!();
    entries[2]!.release!(); // freeing twice frees one slot
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.map((e) => e.at !== undefined)).toEqual([true, true, true, true, true, false, false]);
    for (const e of entries.slice(0, 2)) e.release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.every((e) => e.at !== undefined)).toBe(true);
    expect(budget.stats()).toMatchObject({ inFlight: 4, waiting: 0 });
  });
});

describe("429 and Retry-After", () => {
  it("reads Retry-After as seconds or as an HTTP-date", () => {
    const now = Date.parse("2026-05-01T12:00:00.000Z");
    expect(retryAfterMs("7", now)).toBe(7_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Fri, 01 May 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Fri, 01 May 2026 11:59:00 GMT", now)).toBe(0); // already past
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  /** An API that answers each request with the next status (429s with the given Retry-After), recording when it was asked. */
  function scripted(answers: { status: number; retryAfter?: string }[]) {
    const calls: { at: number; url: string }[] = [];
    const transport = (async (input: RequestInfo | URL) => {
      calls.push({ at: Date.now(), url: String(input) });
      const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
      return new Response(a.status === 200 ? "{}" : '{"error":"Too Many Requests"}', {
        status: a.status,
        headers: a.retryAfter ? { "retry-after": a.retryAfter } : {},
      });
    }) as typeof fetch;
    return { calls, transport };
  }

  it("waits out Retry-After in seconds, and no other request is sent meanwhile", async () => {
    fakeClock();
    const start = Date.now();
    const api = scripted([{ status: 429, retryAfter: "3" }, { status: 200 }]);
    const budget = new RequestBudget({ requestsPerMinute: 600 });
    const f = resilientFetch({ apiUrl: "http://api.test", budget, transport: api.transport });
    const first = f("http://api.test/v2/info");
    await vi.advanceTimersByTimeAsync(10);
    // Another request while the API says wait: it waits too.
    const second = f("http://api.test/extended/v2/blocks/?limit=1");
    await vi.advanceTimersByTimeAsync(2_980);
    expect(api.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(api.calls.map((c) => c.at - start)).toEqual([0, 3_000, 3_000]);
    expect(budget.stats()).toMatchObject({
      rateLimited: { "GET /v2/info": 1 },
      requests: { "GET /v2/info": 2, "GET /extended/v2/blocks/": 1 },
      pausedMs: 3_000,
    });
  });

  it("waits out Retry-After given as an HTTP-date", async () => {
    fakeClock("2026-05-01T12:00:00.000Z");
    const api = scripted([{ status: 429, retryAfter: "Fri, 01 May 2026 12:00:05 GMT" }, { status: 200 }]);
    const f = resilientFetch({ apiUrl: "http://api.test", requestsPerMinute: 600, transport: api.transport });
    const answer = f("http://api.test/v2/info");
    await vi.advanceTimersByTimeAsync(4_999);
    expect(api.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await answer).status).toBe(200);
    expect(api.calls.map((c) => new Date(c.at).toISOString())).toEqual([
      "2026-05-01T12:00:00.000Z",
      "2026-05-01T12:00:05.000Z",
    ]);
  });

  it("bounds the total wait: a Retry-After beyond it fails at once with ChainUnavailableError, and so does every request meanwhile", async () => {
    fakeClock();
    const api = scripted([{ status: 429, retryAfter: "120" }, { status: 200 }]);
    const f = resilientFetch({
      apiUrl: "http://api.test",
      requestsPerMinute: 600,
      maxRateLimitWaitMs: 60_000,
      transport: api.transport,
    });
    await expect(f("http://api.test/v2/info")).rejects.toEqual(
      new ChainUnavailableError("HTTP 429 (asked to wait 120 s)"),
    );
    await expect(f("http://api.test/v2/info")).rejects.toBeInstanceOf(ChainUnavailableError);
    expect(api.calls).toHaveLength(1);
    // A storm that outlasts the bound gives up once the waits add up to it.
    const storm = scripted([{ status: 429, retryAfter: "20" }]);
    const g = resilientFetch({ apiUrl: "http://api.test", requestsPerMinute: 600, transport: storm.transport });
    const given = g("http://api.test/v2/info").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(await given).toEqual(new ChainUnavailableError("HTTP 429 (asked to wait 20 s)"));
    // Waits of 20 s while they add up to at most 60 s; the fourth 429 would take it past.
    expect(storm.calls.map((c) => c.at - storm.calls[0]!.at)).toEqual([0, 20_000, 40_000, 60_000]);
  });
});

describe("a 429 storm on the local stack", () => {
  let s: Stack | undefined;
  afterEach(async () => s?.stop());

  it("a 429 storm is waited out without failing a keeper pass", async () => {
    // No background requests: the watcher polls once at start, the socket is off and the jobs do not run.
    s = await startStack({ env: { KEEPER_PRIVATE_KEY: "" }, bot: { pollMs: 3_600_000, socket: false } });
    const advance = (seconds: number) =>
      fetch(`${s!.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
    for (const [i, stake] of [100_000n, 800_000n, 100_000n].entries())
      await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(stake * STX)]);
    await advance(3 * 86_400 + 7_200);
    await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
      Cl.uint(s.seeded.policyId),
      Cl.uint(50_000n * STX),
      Cl.uint(s.api.chain.time - 600),
      Cl.stringUtf8("Drained"),
      Cl.bufferFromHex("aa".repeat(32)),
      Cl.stringAscii("https://e.example/x"),
    ]);
    for (const i of [0, 1, 2])
      await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
    await advance(3 * 86_400);

    // The keeper on a client whose every request is seen on the wire, in order.
    let seq = 0;
    const wire: { sent: number; at: number; done?: number; doneAt?: number; status?: number; retryAfter?: string }[] =
      [];
    const transport = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const entry: (typeof wire)[number] = { sent: ++seq, at: Date.now() };
      wire.push(entry);
      const response = await fetch(input, init);
      Object.assign(entry, {
        done: ++seq,
        doneAt: Date.now(),
        status: response.status,
        retryAfter: response.headers.get("retry-after") ?? undefined,
      });
      return response;
    }) as typeof fetch;
    const client = new StacksClient({ apiUrl: s.api.url, timeoutMs: 5_000, requestsPerMinute: 600, transport });
    const reader = new ProtocolReader(client, s.api.chain.deployer);
    // The index followed the chain first; the pass itself does not catch up, so every request it makes is on this wire.
    await s.indexed();
    await s.bot.feed.coalescer.idle(); // the alert's edits (which read the claim) are done
    const keeper = new Keeper({ ...s.bot.ctx, reader, catchUp: undefined }, client, s.who.oracle.privateKey);

    s.api.rateLimit = { remaining429: 5, retryAfterSeconds: 1 };
    const result = await keeper.run();
    expect(result).toMatchObject({ finalized: [1n] });
    expect((await reader.claim(1n))?.status).toBe("approved");
    // The storm happened, all of it: five 429s, each with its Retry-After.
    expect(s.api.limited).toHaveLength(5);
    expect(s.api.rateLimit).toMatchObject({ remaining429: 0 });
    const limited = wire.filter((w) => w.status === 429);
    expect(limited).toHaveLength(5);
    // No request left the client while the API said wait: none sent after a 429 came back and before its
    // Retry-After had passed.
    for (const l of limited) {
      const during = wire.filter((w) => w.sent > l.done! && w.at < l.doneAt! + Number(l.retryAfter) * 1_000);
      expect(during).toEqual([]);
    }
    expect(client.budget.stats().rateLimited).toEqual({ "GET /extended/v2/blocks/": 5 });
    expect(wire.filter((w) => w.status !== 429).every((w) => w.status! < 500)).toBe(true);
  }, 120_000);
});
