import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { linkPage, messagePage } from "../pages";
import { verifyLink } from "../wallet-link";
import { HTML, query, type RouteDeps } from "../server";

/**
 * The wallet-link page and the endpoint its script posts the signature to. The page is never cached
 * (it carries a one-time nonce), and an expired or used nonce is refused on GET as on POST.
 */
export async function linkRoutes(app: FastifyInstance, { ctx, onLinked }: RouteDeps) {
  const mainnet = ctx.config.stacks.network === "mainnet";
  const gone = "This link was already used, has expired or does not exist. Run /link in Discord for a new one.";

  app.get<{ Params: { nonce: string } }>(
    "/link/:nonce",
    { schema: { querystring: query() } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const { nonce } = request.params;
      const issued = /^[0-9a-f]{32}$/.test(nonce) ? ctx.store.liveLinkNonce(nonce) : null;
      if (!issued) return reply.code(404).type(HTML).send(messagePage("Link not found", gone));
      const expires = Math.floor(issued.expiresAt / 1000);
      return reply.type(HTML).send(
        linkPage(
          { discordId: issued.discordUserId, nonce, expires },
          {
            nonce,
            discordId: issued.discordUserId,
            expires,
            chainId: mainnet ? 1 : 2147483648,
            domainName: "Cyber-security cover for DeFi",
          },
        ),
      );
    },
  );

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
        return reply.code(400).send({ error: "send nonce, address (a Stacks address) and signature (65 bytes, hex)" });
      }
      const result = verifyLink(ctx.store, { nonce, address, signature }, mainnet);
      if (!result.ok) return reply.code(result.status).send({ error: result.error });
      ctx.log.info({ discordId: result.discordId, address: result.address }, "wallet linked");
      await onLinked?.(result).catch((e) => ctx.log.warn({ err: e }, "could not sync roles after linking"));
      return reply.send({ address: result.address });
    },
  );

  // What Chromium sends when the Content-Security-Policy blocks something: logged, so an injection attempt is seen.
  app.addContentTypeParser(
    ["application/csp-report", "application/reports+json"],
    { parseAs: "string" },
    (_request, text, done) => {
      try {
        done(null, JSON.parse(String(text)));
      } catch {
        done(Object.assign(new Error("the report must be JSON"), { statusCode: 400 }));
      }
    },
  );
  app.post<{ Body: unknown }>("/api/csp-report", { schema: { querystring: query() } }, async (request, reply) => {
    const report = (request.body as { "csp-report"?: Record<string, unknown> } | null)?.["csp-report"] ?? {};
    ctx.log.warn(
      {
        csp: {
          document: String(report["document-uri"] ?? "").slice(0, 200),
          blocked: String(report["blocked-uri"] ?? "").slice(0, 200),
          directive: String(report["violated-directive"] ?? report["effective-directive"] ?? "").slice(0, 100),
        },
      },
      "content security policy violation",
    );
    return reply.code(204).send();
  });
}
