import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { XMLValidator, XMLParser } from "fast-xml-parser";
import Ajv2020 from "ajv/dist/2020.js";
import type { Browser } from "playwright-core";
import { startStack, type Stack } from "../bot/harness";
import { STX } from "../../devnet/scenario";
import { launchBrowser, screenshotPath } from "./browser";
import { formatBps, formatStx } from "../../bot/format/stx";

let s: Stack;
let browser: Browser;
const web = () => s.bot.web!.url;
/** Pages answer from the index: each request waits until it has followed the chain to its tip. */
const get = async (path: string) => {
  await s.indexed();
  const r = await fetch(`${web()}${path}`);
  return { status: r.status, type: r.headers.get("content-type") ?? "", headers: r.headers, text: await r.text() };
};
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });

/** Validates an API answer against the served OpenAPI document's schema for that route and status. */
const ajv = new Ajv2020({ strict: false, allErrors: true });
let openapi: { paths: unknown };
function conforms(route: string, status: number, body: unknown) {
  const responses = (openapi.paths as Record<string, { get: { responses: Record<string, any> } }>)[route]!.get
    .responses;
  const response = responses[String(status)];
  expect(response, `${route} documents ${status}`).toBeDefined();
  // A JSON pointer into the registered document, so the schema's own $refs resolve within it.
  const escapeSegment = (segment: string) => encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"));
  const pointer = response.$ref
    ? `${response.$ref.slice(1)}/content/${escapeSegment("application/json")}/schema`
    : `/paths/${escapeSegment(route)}/get/responses/${status}/content/${escapeSegment("application/json")}/schema`;
  const validate = ajv.getSchema(`openapi#${pointer}`);
  expect(validate, pointer).toBeDefined();
  expect(validate!(body), JSON.stringify(validate!.errors)).toBe(true);
}
async function json(route: string, path: string, status: number) {
  await s.indexed();
  const r = await fetch(`${web()}${path}`);
  expect(r.status).toBe(status);
  expect(r.headers.get("access-control-allow-origin")).toBe("*");
  const body = await r.json();
  conforms(route, status, body);
  return body as any;
}

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
  openapi = await (await fetch(`${web()}/api/v1/openapi.json`)).json();
  ajv.addSchema(openapi, "openapi");
  // A second protocol, listed and audited, with no cover.
  await s.p.call(s.who.team, "protocol-registry", "list-protocol", [
    Cl.stringAscii("lendy"),
    Cl.stringAscii(""),
    Cl.stringAscii("https://source.example/lendy"),
    Cl.stringAscii("ethereum"),
    Cl.uint(2),
    Cl.list([Cl.principal(s.who.team.address)]),
  ]);
  await s.p.call(s.who.oracle, "protocol-registry", "approve-listing", [Cl.uint(2)]);
  await s.p.call(s.who.auditor, "protocol-registry", "record-audit", [
    Cl.uint(2),
    Cl.bufferFromHex("cd".repeat(32)),
    Cl.stringAscii("https://audits.example/lendy.pdf"),
    Cl.uint(0),
    Cl.uint(1),
    Cl.uint(0),
    Cl.uint(0),
    Cl.uint(2),
  ]);
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  // Two more, so that the three distinct voters a quorum needs can vote.
  for (const i of [1, 2]) await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(10_000n * STX)]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe("the registry, the badge and the API against the chain", () => {
  it("says cover still in its waiting period is starting, not insured, on the page, the list, the badge and the API", async () => {
    const page = await get("/protocols/stackswap");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<span class="verdict pending">Cover starts [^<]+<\/span>/);
    expect(page.text).toContain('id="active-cover">0 STX<');
    expect(page.text).toContain('id="waiting-cover">250,000 STX<');
    const list = await get("/");
    expect(list.text).toContain('data-name="stackswap" data-chain="stacks" data-verdict="cover starting"');
    const badge = await get("/badge/stackswap.svg");
    expect(badge.text).toMatch(/<title>stackswap: cover starts \d{4}-\d{2}-\d{2}<\/title>/);
    const api = await json("/api/v1/protocols/{name}", "/api/v1/protocols/stackswap", 200);
    expect(api).toMatchObject({
      verdict: "cover starting",
      insured: false,
      coverInForce: "0",
      coverWaiting: String(250_000n * STX),
    });
  });

  it("says a protocol whose cover is in force is insured, with the amount, on its page, in the list, the badge and the API", async () => {
    await advance(3 * 86_400 + 7_200);
    const page = await get("/protocols/stackswap");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<span class="verdict insured">Insured · 250,000 STX</span>');
    expect(page.text).toContain('id="active-cover">250,000 STX<');
    expect(page.text).toContain("https://audits.example/stackswap-2026.pdf");
    expect(page.text).toContain(`0x${"ab".repeat(32)}`);
    expect(page.text).toContain(`[![stackswap cover](${web()}/badge/stackswap.svg)](${web()}/protocols/stackswap)`);
    const list = await get("/");
    expect(list.text).toContain('data-name="stackswap" data-chain="stacks" data-verdict="insured"');
    expect(list.text).toContain('data-name="lendy" data-chain="ethereum" data-verdict="not insured"');
    const badge = await get("/badge/stackswap.svg");
    expect(badge.status).toBe(200);
    expect(badge.type).toContain("image/svg+xml");
    expect(badge.headers.get("cache-control")).toContain("max-age=300");
    expect(badge.text).toContain("<title>stackswap: insured 250k STX</title>");
    const api = await json("/api/v1/protocols/{name}", "/api/v1/protocols/stackswap", 200);
    expect(api).toMatchObject({
      name: "stackswap",
      verdict: "insured",
      insured: true,
      activeCover: String(250_000n * STX),
      coverInForce: String(250_000n * STX),
      risk: { tier: 1, rateBps: 200 },
      audit: { verdict: "pass", medium: 2, low: 4 },
    });
  });

  it("renders the badge for insured, not insured, unknown and a protocol with an open claim, each a valid SVG naming its protocol", async () => {
    const parser = new XMLParser({ ignoreAttributes: false });
    const check = async (name: string, status: number, title: string) => {
      const badge = await get(`/badge/${encodeURIComponent(name)}.svg`);
      expect(badge.status).toBe(status);
      expect(XMLValidator.validate(badge.text)).toBe(true);
      const svg = parser.parse(badge.text).svg;
      expect(svg["@_xmlns"]).toBe("http://www.w3.org/2000/svg");
      expect(svg.title).toBe(title);
      return svg;
    };
    await check("stackswap", 200, "stackswap: insured 250k STX");
    const lendy = await check("lendy", 200, "lendy: not insured");
    expect(lendy.a["@_href"]).toBe(`${web()}/protocols/lendy`);
    await check("no-such-dapp", 404, "cover: unknown protocol");
    await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
      Cl.uint(1),
      Cl.uint(60_000n * STX),
      Cl.uint(s.api.chain.time - 600),
      Cl.stringUtf8("Exploit"),
      Cl.bufferFromHex("ee".repeat(32)),
      Cl.stringAscii("https://evidence.example/x"),
    ]);
    await check("stackswap", 200, "stackswap: claim open");
  });

  it("shows a paid claim on the protocol's page, with its outcome and transactions", async () => {
    for (const i of [0, 1, 2])
      await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await advance(86_400);
    const payout = await s.p.call(s.who.oracle, "claims-assessment", "execute-payout", [Cl.uint(1)]);
    const page = await get("/protocols/stackswap");
    const claims = page.text.slice(page.text.indexOf('<tbody id="claims">'));
    expect(claims).toContain('<td>#1</td><td>paid<div class="muted">54,000 STX paid</div></td>');
    expect(claims).toContain(`https://explorer.hiro.so/txid/0x${payout}`);
    expect(page.text).toContain('id="active-cover">190,000 STX<');
    const api = await json("/api/v1/protocols/{name}/claims", "/api/v1/protocols/stackswap/claims", 200);
    expect(api.claims[0]).toMatchObject({ id: "1", status: "paid", paid: String(54_000n * STX) });
    expect(api.claims[0].transactions.map((t: { topic: string }) => t.topic)).toEqual([
      "claim-submitted",
      "claim-approved",
      "claim-paid",
    ]);
    expect((await get("/badge/stackswap.svg")).text).toContain("<title>stackswap: insured 190k STX</title>");
  });
});

describe("the pool page", () => {
  it("shows the pool's figures as the chain has them", async () => {
    const onChain = await s.p.read("capital-pool", "get-pool-stats");
    const page = await get("/pool");
    expect(page.text).toContain(`id="capital">${formatStx(onChain.totalCapital)}<`);
    expect(page.text).toContain(formatStx(onChain.premiumsEarned));
    expect(page.text).toContain(formatBps(onChain.utilizationBps));
  });
});

describe("the JSON API", () => {
  it("answers every route, each as the OpenAPI file describes", async () => {
    const list = await json("/api/v1/protocols", "/api/v1/protocols", 200);
    expect(list.protocols.map((p: { name: string }) => p.name)).toEqual(["stackswap", "lendy"]);
    expect(await json("/api/v1/protocols/by-id/{id}", "/api/v1/protocols/by-id/2", 200)).toMatchObject({
      name: "lendy",
      verdict: "not insured",
    });
    expect(await json("/api/v1/protocols/{name}", "/api/v1/protocols/2", 404)).toMatchObject({
      error: { code: "not_found" },
    });
    const totals = await json("/api/v1/protocols/{name}/policies", "/api/v1/protocols/stackswap/policies", 200);
    expect(totals).toMatchObject({
      protocol: "stackswap",
      count: 1,
      coverSold: String(250_000n * STX),
      paidOut: String(54_000n * STX),
    });
    expect(totals.coverOverTime[0].cover).toBe(String(250_000n * STX));
    expect(await json("/api/v1/claims/{id}", "/api/v1/claims/1", 200)).toMatchObject({ id: "1", status: "paid" });
    const pool = await json("/api/v1/pool", "/api/v1/pool", 200);
    const onChain = await s.p.read("capital-pool", "get-pool-stats");
    expect(pool).toMatchObject({ totalCapital: String(onChain.totalCapital), totalPaidOut: String(54_000n * STX) });
    const quote = await json("/api/v1/quote", `/api/v1/quote?protocol=stackswap&amount=${10_000n * STX}&days=30`, 200);
    const exact = await s.p.quote(1, 10_000n * STX, 30);
    expect(quote.premium).toBe(String(exact.premium));
  });

  it("answers unknown ids with 404 and the error shape", async () => {
    expect(await json("/api/v1/protocols/{name}", "/api/v1/protocols/nope", 404)).toEqual({
      error: { code: "not_found", message: 'there is no protocol named "nope"' },
    });
    await json("/api/v1/protocols/{name}/policies", "/api/v1/protocols/nope/policies", 404);
    await json("/api/v1/protocols/{name}/claims", "/api/v1/protocols/nope/claims", 404);
    await json("/api/v1/claims/{id}", "/api/v1/claims/99", 404);
    await json("/api/v1/quote", "/api/v1/quote?protocol=nope&amount=1000000&days=30", 404);
  });

  it("answers bad parameters with 400, and a quote the contract refuses with 422", async () => {
    await json("/api/v1/protocols/{name}", `/api/v1/protocols/${"x".repeat(60)}`, 400);
    await json("/api/v1/protocols/{name}/policies", `/api/v1/protocols/${"x".repeat(60)}/policies`, 400);
    await json("/api/v1/protocols/{name}/claims", `/api/v1/protocols/${"x".repeat(60)}/claims`, 400);
    await json("/api/v1/claims/{id}", "/api/v1/claims/abc", 400);
    await json("/api/v1/quote", "/api/v1/quote?amount=1&days=30", 400);
    await json("/api/v1/quote", "/api/v1/quote?protocol=stackswap&amount=0&days=30", 400);
    await json("/api/v1/quote", "/api/v1/quote?protocol=stackswap&amount=1000000&days=soon", 400);
    // More than all STX in existence: refused before the contract's arithmetic could overflow (it answered 500).
    expect(
      await json("/api/v1/quote", `/api/v1/quote?protocol=stackswap&amount=${"9".repeat(20)}&days=30`, 400),
    ).toEqual({
      error: { code: "bad_request", message: "amount must be at most 1000000000000000 micro-STX (1,000,000,000 STX)" },
    });
    expect(await json("/api/v1/quote", "/api/v1/quote?protocol=stackswap&amount=1000000000&days=5", 422)).toEqual({
      error: {
        code: "err-invalid-duration",
        message: "days outside the policy length bounds (ERR-INVALID-DURATION, u4003)",
      },
    });
    const preflight = await fetch(`${web()}/api/v1/pool`, { method: "OPTIONS" });
    expect([preflight.status, preflight.headers.get("access-control-allow-origin")]).toEqual([204, "*"]);
  });
});

describe("the pages in headless Chromium", () => {
  it("render at desktop and phone widths without console errors, and the search filters the list", async () => {
    for (const [name, path] of [
      ["registry", "/"],
      ["protocol", "/protocols/stackswap"],
      ["pool", "/pool"],
    ] as const) {
      for (const [width, height, label] of [
        [1280, 900, "desktop"],
        [390, 844, "phone"],
      ] as const) {
        const page = await browser.newPage({ viewport: { width, height } });
        const errors: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        page.on("pageerror", (e) => errors.push(e.message));
        const response = await page.goto(`${web()}${path}`);
        expect(response!.status()).toBe(200);
        await page.screenshot({ path: screenshotPath(`${name}-${label}`), fullPage: true });
        if (name === "registry") {
          const visible = () =>
            page.$$eval("tbody tr[data-name]", (rows) =>
              rows.filter((r) => !(r as HTMLElement).hidden).map((r) => (r as HTMLElement).dataset.name),
            );
          expect(await visible()).toEqual(["stackswap", "lendy"]);
          await page.fill("#search", "LEN");
          expect(await visible()).toEqual(["lendy"]);
          expect(await page.textContent("#count")).toBe("1 of 2 protocols");
          await page.fill("#search", "");
          await page.selectOption("#verdict", "insured");
          expect(await visible()).toEqual(["stackswap"]);
          await page.selectOption("#verdict", "");
          await page.selectOption("#chain", "ethereum");
          expect(await visible()).toEqual(["lendy"]);
        }
        if (name === "pool") expect(await page.$$eval("svg.chart", (c) => c.length)).toBe(3);
        if (name === "protocol") expect(await page.$$eval("svg.chart", (c) => c.length)).toBe(1);
        expect(errors).toEqual([]);
        await page.close();
      }
    }
  });
});

describe("after the term", () => {
  it("says not insured once the term has ended, even before anyone calls expire-policy", async () => {
    const policy = await s.p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]);
    await advance(Number(policy!.endsAt) - s.api.chain.time + 60);
    expect((await s.p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(1)]))?.status).toBe(1n); // still "active" on-chain
    expect((await get("/badge/stackswap.svg")).text).toContain("<title>stackswap: not insured</title>");
    expect((await get("/")).text).toContain('data-name="stackswap" data-chain="stacks" data-verdict="not insured"');
    expect(await json("/api/v1/protocols/{name}", "/api/v1/protocols/stackswap", 200)).toMatchObject({
      verdict: "not insured",
      insured: false,
      coverInForce: "0",
    });
  });
});
