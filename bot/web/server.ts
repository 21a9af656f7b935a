import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { validateStacksAddress } from "@stacks/transactions";
import type { BotContext } from "../discord/context";
import { ChainUnavailableError } from "../chain/stacks-client";
import { formatStx } from "../format/stx";
import { votePage, linkPage, messagePage } from "./pages";
import { verifyLink, type LinkResult } from "./wallet-link";
import { Registry } from "./registry";
import { registryPage, protocolPage, poolPage } from "./registry-pages";
import { badgeFor, badgeSvg, badgeSnippets } from "./badge";
import { api } from "./api";

/**
 * The bot's web server: the vote page (the member's own wallet signs `vote`), the wallet-link page, and
 * the small JSON endpoints those pages use. The pages' scripts are bundled with esbuild when the server
 * starts (from web/), so nothing needs a build step.
 */

export type WebServer = { url: string; port: number; close(): Promise<void> };

async function bundle(entry: string): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "browser", write: false, minify: true,
    logLevel: "error", define: { "process.env.NODE_ENV": '"production"', global: "globalThis" } });
  return result.outputFiles[0]!.text;
}

export async function startWebServer(ctx: BotContext, options: { port: number; onLinked?: (r: Extract<LinkResult, { ok: true }>) => Promise<void> }): Promise<WebServer> {
  const [voteJs, linkJs] = await Promise.all([bundle("web/vote.ts"), bundle("web/link.ts")]);
  const mainnet = ctx.config.stacks.network === "mainnet";
  const send = (res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": type, "x-content-type-options": "nosniff", ...extra });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)), "application/json");

  const registry = new Registry(ctx);
  const base = () => ctx.links.webBaseUrl;
  const cors = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, OPTIONS", "access-control-allow-headers": "*" };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    let m: RegExpExecArray | null;
    if (req.method === "OPTIONS" && (url.pathname.startsWith("/api/") || url.pathname.startsWith("/badge/"))) {
      res.writeHead(204, cors);
      return res.end();
    }
    if (url.pathname.startsWith("/api/v1/") || url.pathname === "/api") {
      const answer = await api(ctx, registry, url.pathname, url.searchParams);
      if (answer) {
        res.writeHead(answer.status, { "content-type": "application/json", ...cors, "cache-control": "public, max-age=15" });
        return res.end(JSON.stringify(answer.body));
      }
    }
    if (url.pathname === "/" || url.pathname === "/protocols") {
      return send(res, 200, registryPage(await registry.protocols()), "text/html; charset=utf-8", { "cache-control": "public, max-age=15" });
    }
    if ((m = /^\/protocols\/([^/]+)$/.exec(url.pathname))) {
      const found = await registry.protocol(decodeURIComponent(m[1]!));
      if (!found) return send(res, 404, messagePage("No such protocol", `"${decodeURIComponent(m[1]!)}" is not listed. A DApp that is not listed is not insured.`), "text/html; charset=utf-8");
      const name = found.summary.name;
      const badgeUrl = `${base()}/badge/${encodeURIComponent(name)}.svg`;
      const pageUrl = `${base()}/protocols/${encodeURIComponent(name)}`;
      const page = protocolPage(found.summary, await registry.claimSummaries(found.details.id), await registry.policies(found.details.id),
        { url: badgeUrl, ...badgeSnippets(badgeUrl, pageUrl, name) }, (txid) => ctx.links.tx(txid));
      return send(res, 200, page, "text/html; charset=utf-8", { "cache-control": "public, max-age=15" });
    }
    if (url.pathname === "/pool") {
      return send(res, 200, poolPage(await registry.pool(), await registry.poolHistory()), "text/html; charset=utf-8", { "cache-control": "public, max-age=15" });
    }
    if ((m = /^\/badge\/(.+)\.svg$/.exec(url.pathname))) {
      const name = decodeURIComponent(m[1]!);
      const found = name.length <= 48 ? await registry.protocol(name) : null;
      const svg = badgeSvg(badgeFor(found?.summary ?? null), found ? `${base()}/protocols/${encodeURIComponent(found.summary.name)}` : `${base()}/`);
      return send(res, found ? 200 : 404, svg, "image/svg+xml; charset=utf-8", { ...cors, "cache-control": "public, max-age=300, stale-while-revalidate=3600" });
    }
    if (url.pathname === "/favicon.ico" || url.pathname === "/favicon.svg") {
      return send(res, 200, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 2 3v5c0 3.5 2.6 6.3 6 7 3.4-.7 6-3.5 6-7V3z" fill="#3b5bdb"/></svg>`,
        "image/svg+xml", { "cache-control": "public, max-age=86400" });
    }
    if (url.pathname === "/assets/vote.js") return send(res, 200, voteJs, "text/javascript", { "cache-control": "public, max-age=300" });
    if (url.pathname === "/assets/link.js") return send(res, 200, linkJs, "text/javascript", { "cache-control": "public, max-age=300" });
    if ((m = /^\/vote\/(\d{1,12})$/.exec(url.pathname))) {
      const claim = await ctx.reader.claim(BigInt(m[1]!));
      if (!claim) return send(res, 404, messagePage("No such claim", `There is no claim #${m[1]}.`), "text/html; charset=utf-8");
      const protocol = await ctx.reader.protocol(claim.protocolId);
      const choice = url.searchParams.get("choice") === "deny" ? "deny" : "approve";
      const config = { claimId: String(claim.id), choice, contract: ctx.reader.contractId("claims-assessment"),
        network: mainnet ? "mainnet" : "testnet", explorerTx: ctx.links.tx("{txid}").replace("0x{txid}", "{txid}") };
      return send(res, 200, votePage(claim, protocol?.name ?? `protocol #${claim.protocolId}`, choice, config), "text/html; charset=utf-8");
    }
    if ((m = /^\/api\/claims\/(\d{1,12})\/eligibility$/.exec(url.pathname))) {
      const address = url.searchParams.get("address") ?? "";
      if (!validateStacksAddress(address)) return sendJson(res, 400, { error: "address must be a Stacks address" });
      const eligibility = await ctx.reader.voteEligibility(BigInt(m[1]!), address);
      if (!eligibility) return sendJson(res, 404, { error: `there is no claim #${m[1]}` });
      return sendJson(res, 200, { ...eligibility, weightText: formatStx(eligibility.weight) });
    }
    if ((m = /^\/link\/([0-9a-f]{32})$/.exec(url.pathname))) {
      const issued = ctx.store.db.prepare("SELECT discord_user_id AS discordId, expires_at AS expiresAt, used_at AS usedAt FROM link_nonces WHERE nonce = ?")
        .get(m[1]) as { discordId: string; expiresAt: number; usedAt: number | null } | undefined;
      if (!issued || issued.usedAt !== null) return send(res, 404, messagePage("Link not found", "This link was already used or does not exist. Run /link in Discord for a new one."), "text/html; charset=utf-8");
      const expires = Math.floor(issued.expiresAt / 1000);
      return send(res, 200, linkPage({ discordId: issued.discordId, nonce: m[1]!, expires }, {
        nonce: m[1], discordId: issued.discordId, expires, chainId: mainnet ? 1 : 2147483648, domainName: "Cyber-security cover for DeFi" }),
      "text/html; charset=utf-8");
    }
    if (url.pathname === "/api/link" && req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let body: { nonce?: unknown; address?: unknown; signature?: unknown };
      try { body = JSON.parse(Buffer.concat(chunks).toString("utf8")); } catch { return sendJson(res, 400, { error: "the body must be JSON" }); }
      const { nonce, address, signature } = body;
      if (typeof nonce !== "string" || typeof address !== "string" || typeof signature !== "string" || !validateStacksAddress(address)
        || !/^[0-9a-f]{130}$/i.test(signature.replace(/^0x/, ""))) {
        return sendJson(res, 400, { error: "send nonce, address (a Stacks address) and signature (65 bytes, hex)" });
      }
      const result = verifyLink(ctx.store, { nonce, address, signature: signature.replace(/^0x/, "") }, mainnet);
      if (!result.ok) return sendJson(res, result.status, { error: result.error });
      ctx.log.info({ discordId: result.discordId, address: result.address }, "wallet linked");
      await options.onLinked?.(result).catch((e) => ctx.log.warn({ err: e }, "could not sync roles after linking"));
      return sendJson(res, 200, { address: result.address });
    }
    return send(res, 404, messagePage("Not found", "There is nothing here."), "text/html; charset=utf-8");
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (e instanceof ChainUnavailableError) return send(res, 503, messagePage("Try again", "The Stacks chain can't be read right now."), "text/html; charset=utf-8");
      ctx.log.error({ err: e, path: req.url }, "web request failed");
      send(res, 500, messagePage("Something went wrong", "Please try again."), "text/html; charset=utf-8");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
