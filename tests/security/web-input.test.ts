import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect } from "node:net";
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { startStack, type Stack } from "../bot/harness";
import { startWebServer, type WebServer } from "../../bot/web/server";
import { launchBrowser } from "../web/browser";

/** The web server's input is bounded before it is read, and every answer has the right shape and headers. */

let s: Stack;
let browser: Browser;
const web = () => s.bot.web!.url;
const get = async (path: string, init?: RequestInit, base = web()) => {
  const r = await fetch(`${base}${path}`, init);
  return { status: r.status, type: r.headers.get("content-type") ?? "", headers: r.headers, text: await r.text() };
};

/** Sends raw bytes and resolves with what the server answered and when it closed (bounded by `limitMs`). */
function rawRequest(port: number, write: (socket: ReturnType<typeof connect>) => void, limitMs: number) {
  return new Promise<{ answer: string; closedAfterMs: number }>((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1", () => write(socket));
    let answer = "";
    socket.on("data", (d) => {
      answer += d.toString("latin1");
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server held the connection for ${limitMs} ms`));
    }, limitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on("error", () => undefined);
  });
}

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe("bounded input", () => {
  it("refuses a body over 16 KiB with 413 before reading it", async () => {
    const { answer } = await rawRequest(
      s.bot.web!.port,
      (socket) => {
        // Announces 64 MB and sends 1 KiB: the answer must not wait for the rest.
        socket.write(
          `POST /api/link HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`,
        );
        socket.write("x".repeat(1024));
      },
      5_000,
    ).catch((e) => ({ answer: String(e), closedAfterMs: -1 }));
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"code":"body_too_large"');
  });

  it("answers 408 and closes a connection that trickles its headers past the limit", async () => {
    const server = await startWebServer(s.bot.ctx, {
      port: 0,
      web: { headersTimeoutMs: 1_000, requestTimeoutMs: 1_000 },
    });
    try {
      let timer: NodeJS.Timeout | undefined;
      // Trickled forever unless the server ends it; rawRequest fails the test if it holds on for 6 s.
      const { answer } = await rawRequest(
        server.port,
        (socket) => {
          socket.write("GET / HTTP/1.1\r\nHost: x\r\n");
          timer = setInterval(() => socket.write("X-Slow: 1\r\n"), 200);
          socket.on("close", () => clearInterval(timer));
        },
        6_000,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await server.close();
    }
  });

  it("answers 400 to a malformed percent-encoding, as a page or as JSON under /api/", async () => {
    for (const path of ["/protocols/%E0%A4%A", "/badge/%ff.svg"]) expect((await get(path)).status).toBe(400);
    const api = await get("/api/v1/protocols/%E0%A4%A");
    expect(api.status).toBe(400);
    expect(JSON.parse(api.text)).toMatchObject({ error: { code: "bad_request" } });
  });

  it("refuses unknown query parameters, naming them", async () => {
    const api = await get("/api/v1/pool?limit=1");
    expect(api.status).toBe(400);
    expect(JSON.parse(api.text)).toEqual({
      error: { code: "bad_request", message: 'unknown query parameter "limit"' },
    });
    const page = await get("/protocols/stackswap?utm_source=x");
    expect(page.status).toBe(400);
    expect(page.text).toContain("unknown query parameter &quot;utm_source&quot;");
  });

  it("answers JSON for every API error: unknown route, wrong method, refused body", async () => {
    const unknown = await get("/api/v2/nothing");
    expect([unknown.status, unknown.type]).toEqual([404, expect.stringContaining("application/json")]);
    const wrongType = await get("/api/link", {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<a/>",
    });
    expect([wrongType.status, JSON.parse(wrongType.text).error.code]).toEqual([415, "unsupported_media_type"]);
    const extra = await get("/api/link", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nonce: "a", address: "b", signature: "c", admin: true }),
    });
    expect(JSON.parse(extra.text)).toEqual({ error: { code: "bad_request", message: 'unknown field "admin"' } });
  });
});

describe("HTTP semantics", () => {
  it("answers methods other than GET, HEAD and OPTIONS with 405 and Allow", async () => {
    for (const method of ["DELETE", "PUT", "POST", "PATCH"]) {
      const r = await get("/protocols/stackswap", { method });
      expect([method, r.status, r.headers.get("allow")]).toEqual([method, 405, "GET, HEAD, OPTIONS"]);
    }
    const api = await get("/api/v1/pool", { method: "DELETE" });
    expect([api.status, JSON.parse(api.text).error.code]).toEqual([405, "method_not_allowed"]);
    const head = await get("/pool", { method: "HEAD" });
    expect([head.status, head.text]).toEqual([200, ""]);
  });

  it("serves the link page uncached, and refuses an expired nonce on GET as on POST", async () => {
    const user = s.member("linker");
    const live = randomBytes(16).toString("hex");
    const expired = randomBytes(16).toString("hex");
    await s.bot.ctx.store.createLinkNonce(live, user, Date.now() + 60_000);
    const page = await get(`/link/${live}`);
    expect([page.status, page.headers.get("cache-control")]).toEqual([200, "no-store"]);
    await s.bot.ctx.store.createLinkNonce(expired, s.member("late"), Date.now() - 1);
    const gone = await get(`/link/${expired}`);
    expect([gone.status, gone.headers.get("cache-control")]).toEqual([404, "no-store"]);
  });

  it("sends security headers: a strict CSP on pages, no framing, no referrer, no sniffing; the badge embeds anywhere", async () => {
    const page = await get("/vote/1");
    const csp = page.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const badge = await get("/badge/stackswap.svg");
    expect(badge.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(badge.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("blocks and reports an inline script injected into a page (CSP in Chromium)", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${web()}/protocols/stackswap`);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await expect.poll(() => violations.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => s.logs.some((l) => l.includes("content security policy violation") && l.includes("script-src")), {
        timeout: 10_000,
      })
      .toBe(true);
    await page.close();
  });
});

describe("the chain budget", () => {
  let limited: WebServer;
  afterAll(async () => {
    await limited?.close();
  });

  it("a burst of 30 badge requests from one address is cut at its budget, costs the chain nothing, and /pool still answers", async () => {
    limited = await startWebServer(s.bot.ctx, {
      port: 0,
      web: { rateLimit: { max: 10, windowMs: 60_000 } },
    });
    let chainRequests = 0;
    const count = () => {
      chainRequests += 1;
    };
    s.api.server.on("request", count);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => get("/badge/stackswap.svg", undefined, limited.url)),
    );
    s.api.server.off("request", count);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((c) => c === 200)).toHaveLength(10);
    expect(statuses.filter((c) => c === 429)).toHaveLength(20);
    expect(answers.find((a) => a.status === 429)!.headers.get("retry-after")).toMatch(/^\d+$/);
    // The badge answers from the index: what reached the chain meanwhile is the watcher's own polling.
    expect(chainRequests).toBeLessThan(10);
    const pool = await s.run("pool");
    expect(pool.ephemeral).toBe(false);
    expect(JSON.stringify(pool.reply ?? pool.callbacks)).toContain("Capital");
  });

  it("answers from the index while the chain cannot be read, and 503 where a route must read the chain", async () => {
    await s.indexed();
    await s.api.close();
    expect((await get("/api/v1/pool")).status).toBe(200);
    expect((await get("/pool")).status).toBe(200);
    // The quote is the chain's own answer at this moment: without the chain there is none.
    const quote = await get("/api/v1/quote?protocol=stackswap&amount=1000000000&days=30");
    expect(quote.status).toBe(503);
    expect(JSON.parse(quote.text)).toMatchObject({ error: { code: "chain_unavailable" } });
    const vote = await get("/vote/1");
    expect([vote.status, vote.type]).toEqual([503, "text/html; charset=utf-8"]);
  });
});
