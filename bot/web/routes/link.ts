import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { linkPage } from "../pages";
import { chainId, unixSeconds, verifyLink } from "../wallet-link";
import { HTML, notFoundPage, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { CSP_DIRECTIVES } from "../security";
import { MemberLinks } from "../../storage/member-links";

/** Where Discord serves avatars: the one origin the link page may show an image from besides its own. */
const DISCORD_CDN = "https://cdn.discordapp.com";
const AVATAR_SIZE = 64;
/** The site's policy, with Discord's avatars allowed as images on this page only. */
const LINK_PAGE_CSP = Object.entries({ ...CSP_DIRECTIVES, "img-src": [...CSP_DIRECTIVES["img-src"], DISCORD_CDN] })
  .map(([directive, values]) => `${directive} ${values.join(" ")}`)
  .join(";");

/**
 * The wallet-link page and the endpoint its script posts the signature to. The page is never cached
 * (it carries a one-time nonce), and an expired or used nonce is refused on GET as on POST.
 */
export async function linkRoutes(app: FastifyInstance, deps: RouteDeps) {
  const mainnet = deps.ctx.config.stacks.network === "mainnet";
  linkPageRoute(app, deps.ctx, mainnet);
  linkSubmitRoute(app, deps, mainnet);
  cspReportRoute(app, deps.ctx);
}

/** The page: 404 for a nonce that was used, has expired or was never issued. */
function linkPageRoute(app: FastifyInstance, ctx: RouteDeps["ctx"], mainnet: boolean) {
  const gone = "This link was already used, has expired or does not exist. Run /link in Discord for a new one.";
  app.get<{ Params: { nonce: string } }>(
    "/link/:nonce",
    { schema: { querystring: query() } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const { nonce } = request.params;
      const issued = /^[0-9a-f]{32}$/.test(nonce) ? await ctx.store.liveLinkNonce(nonce) : null;
      if (!issued) return notFoundPage(reply, "Link not found", gone);
      const expires = unixSeconds(issued.expiresAt);
      // The member by the name and avatar Discord showed when they ran /link: their id only goes in what is signed.
      const member = await new MemberLinks(ctx.store.sql).member(nonce);
      const avatarUrl = member?.avatar
        ? `${DISCORD_CDN}/avatars/${issued.discordUserId}/${member.avatar}.png?size=${AVATAR_SIZE}`
        : null;
      reply.header("content-security-policy", LINK_PAGE_CSP);
      return reply.type(HTML).send(
        linkPage(
          { member: member && { name: member.name, avatarUrl }, nonce, expires },
          {
            nonce,
            discordId: issued.discordUserId,
            expires,
            chainId: chainId(mainnet),
            domainName: "Cyber-security cover for DeFi",
          },
        ),
      );
    },
  );
}

/** The signature the page's script posts: checked against what the bot issued (wallet-link.ts). */
function linkSubmitRoute(app: FastifyInstance, { ctx, onLinked }: RouteDeps, mainnet: boolean) {
  const body = {
    type: "object",
    additionalProperties: false,
    required: ["nonce", "address", "signature"],
    properties: {
      nonce: { type: "string", maxLength: 64 },
      address: { type: "string", maxLength: 64 },
      signature: { type: "string", maxLength: 140 },
    },
  } as const;
  app.post<{ Body: { nonce: string; address: string; signature: string } }>(
    "/api/link",
    { schema: { body, querystring: query() } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const { nonce, address } = request.body;
      const signature = request.body.signature.replace(/^0x/, "");
      if (!validateStacksAddress(address) || !/^[0-9a-f]{130}$/i.test(signature)) {
        return reply
          .code(HTTP.badRequest)
          .send({ error: "send nonce, address (a Stacks address) and signature (65 bytes, hex)" });
      }
      const result = await verifyLink(ctx.store, { nonce, address, signature }, mainnet);
      if (!result.ok) return reply.code(result.status).send({ error: result.error });
      ctx.log.info({ discordId: result.discordId, address: result.address }, "wallet linked");
      await onLinked?.(result).catch((e) => ctx.log.warn({ err: e }, "could not sync roles after linking"));
      return reply.send({ address: result.address });
    },
  );
}

/** What is kept of a CSP report's fields: enough to see an injection attempt, never a whole payload. */
const CSP_URI_MAX = 200;
const CSP_DIRECTIVE_MAX = 100;
const cspField = (value: unknown, max: number) => String(value ?? "").slice(0, max);

function cspReportRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  // What Chromium sends when the Content-Security-Policy blocks something: logged, so an injection attempt is seen.
  app.addContentTypeParser(
    ["application/csp-report", "application/reports+json"],
    { parseAs: "string" },
    (_request, text, done) => {
      try {
        done(null, JSON.parse(String(text)));
      } catch {
        done(Object.assign(new Error("the report must be JSON"), { statusCode: HTTP.badRequest }));
      }
    },
  );
  app.post<{ Body: unknown }>("/api/csp-report", { schema: { querystring: query() } }, async (request, reply) => {
    const report = (request.body as { "csp-report"?: Record<string, unknown> } | null)?.["csp-report"] ?? {};
    ctx.log.warn(
      {
        csp: {
          document: cspField(report["document-uri"], CSP_URI_MAX),
          blocked: cspField(report["blocked-uri"], CSP_URI_MAX),
          directive: cspField(report["violated-directive"] ?? report["effective-directive"], CSP_DIRECTIVE_MAX),
        },
      },
      "content security policy violation",
    );
    return reply.code(HTTP.noContent).send();
  });
}
