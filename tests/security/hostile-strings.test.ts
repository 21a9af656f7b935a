import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { XMLValidator } from "fast-xml-parser";
import type { APIEmbed } from "discord-api-types/v10";
import type { Browser, Page } from "playwright-core";
import { startStack, opt, type Stack } from "../bot/harness";
import { STX } from "../../devnet/scenario";
import { sendReminders } from "../../bot/jobs/reminders";
import { launchBrowser } from "../web/browser";
import {
  HOSTILE_CHAIN,
  HOSTILE_HTTPS,
  HOSTILE_TEXT,
  HOSTILE_URIS,
  INVISIBLE,
  PHISHING_LABELS,
} from "./hostile-strings";

/**
 * Every hostile string goes on the local chain through signed transactions, as a protocol's website,
 * source URL and chain, a claim's description and evidence URI, and an audit's report URI; then every
 * surface that shows them is checked: the Discord messages as the local Discord stored them, the slash
 * commands' answers, the pages in Chromium, the badge and the JSON API.
 */

let s: Stack;
let browser: Browser;
let alerts: string;
let assessorRole: string;
/** A channel subscribed to listings and audits: the registry's announcements of the hostile listings. */
let listings: string;
/** The linked assessor who does not vote: the one member reminders mention. */
let waitingAssessor: string;
const HOUR = 3_600;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const web = () => s.bot.web!.url;
const claimCount = HOSTILE_TEXT.length;

beforeAll(async () => {
  [s, browser] = await Promise.all([startStack(), launchBrowser()]);
  alerts = s.discord.channel("claims").id;
  assessorRole = s.discord.role("assessors").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", alerts)])], admin);
  await s.run("setup", [opt.sub("assessor-role", [opt.role("role", assessorRole)])], admin);
  listings = s.discord.channel("general").id;
  await s.indexed(); // the seeded listing is history: the hostile ones below are announced
  await s.run("subscribe", [opt.channel("channel", listings), opt.str("events", "listings")], admin);
  for (const i of [0, 1, 2])
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  // A linked assessor who does not vote: reminders mention only such members.
  waitingAssessor = s.member("assessor");
  await s.bot.ctx.store.linkWallet(waitingAssessor, s.who.assessors[1]!.address);
  // Protocols "01" to "04": a name of digits (ids must not shadow it) and chain-chosen website, source and chain.
  for (const [i, chain] of HOSTILE_CHAIN.entries()) {
    await s.p.call(s.who.team, "protocol-registry", "list-protocol", [
      Cl.stringAscii(`0${i + 1}`),
      Cl.stringAscii(HOSTILE_HTTPS[i % HOSTILE_HTTPS.length]!),
      Cl.stringAscii(HOSTILE_HTTPS[(i + 1) % HOSTILE_HTTPS.length]!),
      Cl.stringAscii(chain),
      Cl.uint(1),
      Cl.list([Cl.principal(s.who.team.address)]),
    ]);
    await s.p.call(s.who.oracle, "protocol-registry", "approve-listing", [Cl.uint(i + 2)]);
  }
  await s.p.call(s.who.auditor, "protocol-registry", "record-audit", [
    Cl.uint(2),
    Cl.bufferFromHex("cd".repeat(32)),
    Cl.stringAscii(HOSTILE_HTTPS[1]),
    Cl.uint(0),
    Cl.uint(0),
    Cl.uint(1),
    Cl.uint(1),
    Cl.uint(1),
  ]);
  // A listing nobody approved: never shown as insurable, never offered a badge.
  await s.p.call(s.who.team, "protocol-registry", "list-protocol", [
    Cl.stringAscii("pending-dapp"),
    Cl.stringAscii(""),
    Cl.stringAscii("https://source.example/pending"),
    Cl.stringAscii("stacks"),
    Cl.uint(1),
    Cl.list([Cl.principal(s.who.team.address)]),
  ]);
  // One policy per claim: the seeded one on stackswap, one on "01", and the rest on stackswap.
  const policies: bigint[] = [s.seeded.policyId];
  for (let i = 1; i < claimCount; i++) {
    const protocolId = i === 1 ? 2 : 1;
    const quote = await s.p.quote(protocolId, 1_000n * STX, 60);
    await s.p.call(
      s.who.buyer,
      "cybersecurity-insurance-defi",
      "purchase-coverage",
      [Cl.uint(protocolId), Cl.uint(1_000n * STX), Cl.uint(60), Cl.uint(quote.premium)],
      "allow",
    );
    policies.push(await s.p.read("cybersecurity-insurance-defi", "get-last-policy-id"));
  }
  await advance(3 * 86_400 + 2 * HOUR);
  for (const [i, text] of HOSTILE_TEXT.entries()) {
    await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
      Cl.uint(policies[i]!),
      Cl.uint(500n * STX),
      Cl.uint(s.api.chain.time - 600),
      Cl.stringUtf8(text),
      Cl.bufferFromHex("ef".repeat(32)),
      Cl.stringAscii(HOSTILE_URIS[i % HOSTILE_URIS.length]!),
    ]);
  }
  await s.discord.waitFor(
    () => (s.discord.channelMessages(alerts).length >= claimCount ? true : undefined),
    60_000,
    "every alert",
  );
  // An edit (a vote), reminders (a day before the close), and outcomes (after it).
  await s.p.call(s.who.assessors[0]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
  await advance(2 * 86_400);
  await s.indexed(); // reminders find the claims closing soon in the index
  const reminders = await sendReminders(s.bot.ctx);
  expect(reminders).toBeGreaterThan(0);
  await advance(86_400);
  for (const id of [1, 2]) await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(id)]);
  const posts = () =>
    s.discord.requests.filter(
      (r) => r.method === "POST" && /\/channels\/\d+\/messages$/.test(r.path) && !r.path.includes(listings),
    ).length;
  await s.discord.waitFor(() => (posts() >= claimCount + reminders + 2 ? true : undefined), 30_000, "the outcomes");
  await new Promise((r) => setTimeout(r, 1_500)); // edits are coalesced
  await s.indexed(); // pages answer from the index
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Every text a member could read in a message or an answer. */
function textsOf(m: { content?: string; embeds?: APIEmbed[] }): string[] {
  return [
    m.content ?? "",
    ...(m.embeds ?? []).flatMap((e) => [
      e.title ?? "",
      e.description ?? "",
      e.footer?.text ?? "",
      e.author?.name ?? "",
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ];
}
/** A masked link as Discord renders it (an escaped "\\[" is text, not a link). */
const MASKED_LINK = /(?<!\\)\[([^\]\n]*)\]\((<)?([^)\s>]*)>?\)/g;

/** What must hold for any Discord text built from chain strings. */
function expectSafeDiscordText(text: string, where: string) {
  expect(text, where).not.toMatch(/@(everyone|here)/);
  expect(text, where).not.toMatch(INVISIBLE);
  for (const m of text.matchAll(/<@&(\d+)>/g))
    expect(m[1], `${where}: only the assessor role is mentioned`).toBe(assessorRole);
  for (const m of text.matchAll(/<@!?(\d+)>/g))
    expect(m[1], `${where}: only the assessor a reminder is for is mentioned`).toBe(waitingAssessor);
  expect(text, where).not.toMatch(/<#123456789012345678>/);
  for (const link of text.matchAll(MASKED_LINK)) {
    const target = link[3]!;
    expect(PHISHING_LABELS.includes(link[1]!), `${where}: no chain-made link label "${link[1]}"`).toBe(false);
    expect(/^https:\/\//.test(target) || target.startsWith(web()), `${where}: link target ${target}`).toBe(true);
    expect(() => new URL(target), `${where}: ${target}`).not.toThrow();
    if (target.startsWith("https://"))
      expect(new URL(target).hostname, `${where}: no link to the phishing host`).not.toBe("phish.example");
  }
  // A raw URL the client would auto-link: only ones the bot made (inside a masked link, or a code span
  // such as the README snippet, which Discord does not parse) are allowed.
  const outside = text.replace(/`[^`]*`/g, "").replace(MASKED_LINK, "");
  expect(outside, where).not.toMatch(/(?:https?|javascript|data|vbscript):\/\//i);
}

describe("Discord: alerts, edits, reminders, outcomes and threads", () => {
  it("stores every message with its chain text escaped, no mention parsed from it, and only safe link buttons", async () => {
    const sends = s.discord.requests.filter(
      (r) => ["POST", "PATCH"].includes(r.method) && /\/channels\/\d+\/messages(\/\d+)?$|\/webhooks\//.test(r.path),
    );
    expect(sends.length).toBeGreaterThan(claimCount + 3);
    for (const r of sends) {
      const body = r.body as {
        content?: string;
        embeds?: APIEmbed[];
        components?: any[];
        allowed_mentions?: { parse?: string[]; roles?: string[]; users?: string[] };
      };
      const where = `${r.method} ${r.path}`;
      // Every send says who may be pinged: nobody, the assessor role alone, or the assessor a reminder is for.
      if (r.method === "POST") {
        expect(body.allowed_mentions, where).toBeDefined();
        expect(body.allowed_mentions!.parse ?? [], where).toEqual([]);
        for (const role of body.allowed_mentions!.roles ?? []) expect(role).toBe(assessorRole);
        for (const user of body.allowed_mentions!.users ?? []) expect(user).toBe(waitingAssessor);
      }
      for (const text of textsOf(body)) expectSafeDiscordText(text, where);
      for (const e of body.embeds ?? []) {
        expect((e.title ?? "").length).toBeLessThanOrEqual(256);
        expect((e.description ?? "").length).toBeLessThanOrEqual(4_096);
        for (const f of e.fields ?? []) expect(f.value.length, `${where} ${f.name}`).toBeLessThanOrEqual(1_024);
        if (e.url) expect(e.url.startsWith(web()) || e.url.startsWith("https://"), where).toBe(true);
      }
      for (const button of (body.components ?? []).flatMap((row) => row.components ?? [])) {
        if (button.url)
          expect(
            button.url.startsWith(web()) || button.url.startsWith("https://"),
            `${where}: button ${button.url}`,
          ).toBe(true);
      }
    }
    // As stored: no message pings anyone but the assessor role, or the assessor a reminder is for.
    const stored = [
      ...s.discord.channelMessages(alerts),
      ...s.discord.threads.filter((t) => t.parent_id === alerts).flatMap((t) => s.discord.channelMessages(t.id)),
    ];
    expect(stored.length).toBeGreaterThan(claimCount);
    for (const m of stored) {
      expect(m.mention_everyone).toBe(false);
      for (const user of m.mentions) expect(user.id).toBe(waitingAssessor);
      for (const role of m.mention_roles) expect(role).toBe(assessorRole);
    }
  });

  it("announces each listing and audit with the lister's chain, website and source as inert text and safe links", async () => {
    const announced = s.discord.channelMessages(listings);
    // Each hostile protocol submitted and listed, the audit, and the pending listing's submission.
    expect(announced.length).toBeGreaterThanOrEqual(HOSTILE_CHAIN.length * 2 + 2);
    expect(announced.filter((m) => m.content.startsWith("📝 ")).length).toBe(HOSTILE_CHAIN.length + 1);
    expect(announced.some((m) => m.content.startsWith("🔍 Audit #"))).toBe(true);
    for (const m of announced) {
      expectSafeDiscordText(m.content, `announcement ${m.content.slice(0, 40)}`);
      expect([m.mention_everyone, m.mentions.length, m.mention_roles]).toEqual([false, 0, []]);
    }
  });

  it("gives an evidence button only to an https (or ipfs) evidence URI", async () => {
    const first = s.discord.channelMessages(alerts).slice(0, claimCount);
    // Each alert's title opens the claim's page, where what the embed had to cut is shown in full.
    for (const m of first) expect(m.embeds[0]?.url).toMatch(new RegExp(`^${web()}/vote/\\d+$`));
    const evidenceButtons = first.map(
      (m) =>
        (m.components ?? [])
          .flatMap((row: any) => row.components ?? [])
          .find((b: any) => b.label === "Evidence") as any,
    );
    for (const [i, button] of evidenceButtons.entries()) {
      const uri = HOSTILE_URIS[i % HOSTILE_URIS.length]!;
      if (/^https:\/\//.test(uri)) expect(button?.url, uri).toMatch(/^https:\/\//);
      else if (uri.startsWith("ipfs://")) expect(button?.url, uri).toMatch(/^https:\/\/ipfs\.io\/ipfs\//);
      else expect(button, uri).toBeUndefined();
    }
  });
});

describe("slash commands", () => {
  it("answer /claim, /protocol and /policy with the same escaping", async () => {
    for (let id = 1; id <= claimCount; id++) {
      const answer = await s.run("claim", [opt.int("id", id)]);
      for (const text of textsOf(answer.reply ?? {})) expectSafeDiscordText(text, `/claim ${id}`);
    }
    for (const name of ["01", "02", "03", "04"]) {
      const answer = await s.run("protocol", [opt.str("name", name)]);
      expect(answer.reply?.embeds?.[0]?.title).toBe(name);
      for (const text of textsOf(answer.reply ?? {})) expectSafeDiscordText(text, `/protocol ${name}`);
    }
    const pending = await s.run("protocol", [opt.str("name", "pending-dapp")]);
    expect(pending.reply?.embeds?.[0]?.fields?.find((f) => f.name === "Badge")).toBeUndefined();
    const policy = await s.run("policy", [opt.int("id", 2)]);
    for (const text of textsOf(policy.reply ?? {})) expectSafeDiscordText(text, "/policy 2");
  });
});

/** Opens a page in Chromium; any dialog (alert, confirm, prompt) fails the test. */
async function open(path: string, width = 1280): Promise<{ page: Page; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.setDefaultTimeout(5_000);
  const dialogs: string[] = [];
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const response = await page.goto(`${web()}${path}`, { timeout: 30_000 });
  expect(response!.status(), path).toBeLessThan(500);
  return { page, dialogs };
}

async function expectInertPage(page: Page, dialogs: string[], where: string) {
  expect(dialogs, where).toEqual([]);
  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")!));
  for (const href of hrefs)
    expect(/^(https:\/\/|\/(?!\/)|http:\/\/127\.0\.0\.1:\d+\/)/.test(href), `${where}: href ${href}`).toBe(true);
  const handlers = await page.$$eval("*", (els) =>
    els.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`)),
  );
  expect(handlers, where).toEqual([]);
  const scripts = await page.$$eval("script", (ss) =>
    ss.map((x) => x.getAttribute("src") ?? x.getAttribute("type") ?? "inline"),
  );
  for (const src of scripts)
    expect(/^\/assets\/[a-z-]+\.js$|^application\/json$/.test(src), `${where}: script ${src}`).toBe(true);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${where}: no unbroken word widens the page`).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describe("pages in Chromium", () => {
  it("run no script and link nothing but https on the vote pages, whatever the claim says", async () => {
    for (let id = 1; id <= claimCount; id++) {
      const { page, dialogs } = await open(`/vote/${id}`);
      // Shown as the text it is (direction overrides and isolates dropped, so nothing reads reversed).
      expect(await page.textContent("main > p"), `claim ${id}`).toBe(
        HOSTILE_TEXT[id - 1]!.replace(/[\u202A-\u202E\u2066-\u2069]/g, ""),
      );
      await expectInertPage(page, dialogs, `/vote/${id}`);
      await page.close();
    }
  });

  it("run no script on the registry, protocol, pool and link pages, at desktop and phone widths", async () => {
    const nonce = "ab".repeat(16);
    await s.bot.ctx.store.createLinkNonce(nonce, s.member("linker"), Date.now() + 60_000);
    for (const path of [
      "/",
      "/protocols/01",
      "/protocols/02",
      "/protocols/03",
      "/protocols/04",
      "/protocols/stackswap",
      "/protocols/pending-dapp",
      "/pool",
      `/link/${nonce}`,
      // The pages where a wallet signs, on the protocol with hostile fields and a policy on it.
      `/buy/2?amount=${1_000n * STX}&days=30`,
      "/claim-file/2",
      "/settle?claim=1",
      "/council?claim=1",
    ]) {
      // Every page at desktop width; the busiest ones at phone width too.
      for (const width of ["/", "/protocols/01", "/pool"].includes(path) ? [1280, 390] : [1280]) {
        const { page, dialogs } = await open(path, width);
        await expectInertPage(page, dialogs, `${path} at ${width}px`);
        await page.close();
      }
    }
  });

  it("lists only approved protocols, and offers no badge for a pending one", async () => {
    const { page } = await open("/");
    const names = await page.$$eval("tbody tr[data-name]", (rows) => rows.map((r) => (r as HTMLElement).dataset.name));
    expect(names).toEqual(["stackswap", "01", "02", "03", "04"]);
    await page.goto(`${web()}/protocols/pending-dapp`);
    expect(await page.textContent("#not-listed")).toContain("This listing is pending");
    expect(await page.$("#badge-markdown")).toBeNull();
    expect(await page.$("img[src*='/badge/']")).toBeNull();
    await page.close();
  });
});

describe("badge and JSON", () => {
  it("keeps the badge a valid SVG with nothing active in it", async () => {
    for (const name of ["01", "02", "stackswap", "pending-dapp"]) {
      const svg = await (await fetch(`${web()}/badge/${name}.svg`)).text();
      expect(XMLValidator.validate(svg), name).toBe(true);
      expect(svg).not.toMatch(/<script|onload|onerror|javascript:/i);
      expect(svg).toContain(`<title>${name}: `);
    }
    expect(await (await fetch(`${web()}/badge/pending-dapp.svg`)).text()).toContain(
      "<title>pending-dapp: not listed</title>",
    );
  });

  it("returns chain strings in JSON exactly as stored, with ids never shadowing names", async () => {
    const byName = await (await fetch(`${web()}/api/v1/protocols/01`)).json();
    expect([byName.name, byName.id, byName.chain, byName.website]).toEqual([
      "01",
      "2",
      HOSTILE_CHAIN[0],
      HOSTILE_HTTPS[0],
    ]);
    expect((await (await fetch(`${web()}/api/v1/protocols/by-id/1`)).json()).name).toBe("stackswap");
    for (let id = 1; id <= claimCount; id++) {
      const r = await fetch(`${web()}/api/v1/claims/${id}`);
      expect([r.headers.get("content-type"), r.headers.get("x-content-type-options")]).toEqual([
        expect.stringContaining("application/json"),
        "nosniff",
      ]);
      const claim = await r.json();
      expect([claim.description, claim.evidenceUri]).toEqual([
        HOSTILE_TEXT[id - 1],
        HOSTILE_URIS[(id - 1) % HOSTILE_URIS.length],
      ]);
    }
    const list = await (await fetch(`${web()}/api/v1/protocols`)).json();
    expect(list.protocols.map((p: { name: string }) => p.name)).not.toContain("pending-dapp");
    for (const path of [
      `/api/claims/1/eligibility?address=${s.who.assessors[1]!.address}`,
      "/api/v1/pool",
      "/api/v1/protocols/01/claims",
      "/api/v1/protocols/01/policies",
      "/api/v1/openapi.json",
    ]) {
      const text = await (await fetch(`${web()}${path}`)).text();
      expect(() => JSON.parse(text), path).not.toThrow();
    }
  });
});
