import type { FastifyInstance, FastifyReply } from "fastify";
import { ContractError, PROTOCOL_NAME_MAX } from "../../chain/protocol-reader";
import { describeContractError, CONTRACT_ERRORS } from "../../chain/contract-errors";
import { apiError, type RouteDeps } from "../server";
import type { Registry } from "../registry";
import { API, API_CACHE, addApiSchemas } from "../api-schemas";
import { HTTP } from "../http-status";
import { formatStx, MAX_AMOUNT_MICRO } from "../../format/stx";

/**
 * The JSON API for integrators (wallets, dashboards, the protocols themselves), read only from the
 * chain. Each route's schema (api-schemas.ts) checks its parameters, writes its answer and describes it
 * in the OpenAPI document that @fastify/swagger generates, served at /api/v1/openapi.json (and copied to
 * docs/openapi.json by `npm run openapi`). Amounts are strings of micro-STX. Errors always have the
 * shape { error: { code, message } }: 400 (bad parameters, unknown query parameters), 404 (unknown),
 * 405 (a method other than GET), 413 (body too large), 422 (the contract refuses a quote), 429 (this
 * client's request budget is spent) or 503 (chain unavailable). Protocols are found by name; a name made
 * of digits is a name, and ids have their own route (/api/v1/protocols/by-id/{id}).
 */

type Found = NonNullable<Awaited<ReturnType<Registry["protocol"]>>>;

const send = (reply: FastifyReply, status: number, body: unknown) =>
  reply.code(status).header("cache-control", API_CACHE).send(body);

export async function apiRoutes(app: FastifyInstance, { ctx, registry }: RouteDeps) {
  addApiSchemas(app);
  documentRoute(app);
  // The whole list, written by the route's schema once per change of the index (as its page is) and sent as it is.
  app.get("/api/v1/protocols", API.protocols, async (_request, reply) => {
    const body = await registry.keep("json:protocols", async () =>
      reply.serialize({ protocols: await registry.protocols() }),
    );
    return send(reply.type("application/json; charset=utf-8"), HTTP.ok, body);
  });
  protocolRoutes(app, registry);

  app.get<{ Params: { id: string } }>("/api/v1/claims/:id", API.claim, async (request, reply) => {
    const { id } = request.params;
    const claim = await registry.claimSummary(BigInt(id));
    return claim
      ? send(reply, HTTP.ok, claim)
      : send(reply, HTTP.notFound, apiError("not_found", `there is no claim #${id}`));
  });

  app.get("/api/v1/pool", API.pool, async (_request, reply) => send(reply, HTTP.ok, await registry.pool()));
  quoteRoute(app, { ctx, registry });
}

/** The OpenAPI document, generated from the routes' schemas once the server is ready, and served as it is. */
function documentRoute(app: FastifyInstance) {
  let document = "";
  app.addHook("onReady", async () => {
    document = JSON.stringify(app.swagger());
  });
  app.get("/api/v1/openapi.json", API.document, (_request, reply) =>
    send(reply.type("application/json; charset=utf-8"), HTTP.ok, document),
  );
}

/** The answer of a protocol route: the protocol, its policies' totals or its claims; 404 when there is none. */
async function protocolAnswer(
  registry: Registry,
  reply: FastifyReply,
  found: Found | null,
  what: string,
  part: "summary" | "policies" | "claims",
) {
  if (!found) return send(reply, HTTP.notFound, apiError("not_found", what));
  if (part === "policies") {
    const { series, ...totals } = await registry.policies(found.details.id);
    return send(reply, HTTP.ok, {
      protocol: found.summary.name,
      ...totals,
      coverOverTime: series.map((p) => ({ time: p.t, cover: String(p.value) })),
    });
  }
  if (part === "claims")
    return send(reply, HTTP.ok, {
      protocol: found.summary.name,
      claims: await registry.claimSummaries(found.details.id),
    });
  return send(reply, HTTP.ok, found.summary);
}

/** A protocol, its policies' totals and its claims, by name and by id (the schemas have refused a malformed one). */
function protocolRoutes(app: FastifyInstance, registry: Registry) {
  for (const part of ["summary", "policies", "claims"] as const) {
    const suffix = part === "summary" ? "" : `/${part}`;
    app.get<{ Params: { name: string } }>(
      `/api/v1/protocols/:name${suffix}`,
      API.protocol(part, "name"),
      async (request, reply) => {
        const { name } = request.params;
        // The schema counts characters; a name is as long as the chain counts it (UTF-16 units, as JavaScript does).
        if (name.length > PROTOCOL_NAME_MAX)
          return send(reply, HTTP.badRequest, apiError("bad_request", "a protocol name has at most 48 characters"));
        return protocolAnswer(
          registry,
          reply,
          await registry.protocol(name),
          `there is no protocol named "${name}"`,
          part,
        );
      },
    );
    app.get<{ Params: { id: string } }>(
      `/api/v1/protocols/by-id/:id${suffix}`,
      API.protocol(part, "id"),
      async (request, reply) =>
        protocolAnswer(
          registry,
          reply,
          await registry.protocolById(BigInt(request.params.id)),
          `there is no protocol #${request.params.id}`,
          part,
        ),
    );
  }
}

/** The exact premium purchase-coverage would charge now; 422 with the contract's error name when it refuses. */
function quoteRoute(app: FastifyInstance, { ctx, registry }: Pick<RouteDeps, "ctx" | "registry">) {
  app.get<{ Querystring: { protocol: string; amount: string; days: string } }>(
    "/api/v1/quote",
    API.quote,
    async (request, reply) => {
      const { protocol, amount, days } = request.query;
      if (BigInt(amount) > MAX_AMOUNT_MICRO) {
        const most = `amount must be at most ${MAX_AMOUNT_MICRO} micro-STX (${formatStx(MAX_AMOUNT_MICRO)})`;
        return send(reply, HTTP.badRequest, apiError("bad_request", most));
      }
      const found = protocol.length <= PROTOCOL_NAME_MAX ? await registry.protocol(protocol) : null;
      if (!found) return send(reply, HTTP.notFound, apiError("not_found", `there is no protocol named "${protocol}"`));
      try {
        const q = await ctx.reader.quote(found.details.id, BigInt(amount), BigInt(days));
        return send(reply, HTTP.ok, {
          protocol: found.summary.name,
          amount,
          days: Number(days),
          premium: String(q.premium),
          basePremium: String(q.basePremium),
          rateBps: Number(q.rateBps),
          tier: Number(q.tier),
          riskScore: Number(q.riskScore),
          utilizationBps: Number(q.utilizationBps),
        });
      } catch (e) {
        if (e instanceof ContractError) {
          return send(
            reply,
            HTTP.unprocessableContent,
            apiError(CONTRACT_ERRORS[Number(e.code)]?.name.toLowerCase() ?? "refused", describeContractError(e.code)),
          );
        }
        throw e;
      }
    },
  );
}
