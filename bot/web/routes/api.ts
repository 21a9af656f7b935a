import { readFileSync } from "node:fs";
import type { FastifyInstance, FastifyReply } from "fastify";
import { ContractError } from "../../chain/protocol-reader";
import { describeContractError, CONTRACT_ERRORS } from "../../chain/contract-errors";
import { apiError, query, type RouteDeps } from "../server";
import type { Registry } from "../registry";

/**
 * The JSON API for integrators (wallets, dashboards, the protocols themselves), read only from the
 * chain and described by docs/openapi.json. Amounts are strings of micro-STX. Errors always have the
 * shape { error: { code, message } }: 400 (bad parameters, unknown query parameters), 404 (unknown),
 * 405 (a method other than GET), 413 (body too large), 422 (the contract refuses a quote), 429 (this
 * client's request budget is spent) or 503 (chain unavailable). Protocols are found by name; a name made
 * of digits is a name, and ids have their own route (/api/v1/protocols/by-id/{id}).
 */

export const OPENAPI = JSON.parse(readFileSync(new URL("../../../docs/openapi.json", import.meta.url), "utf8")) as Record<string, unknown>;

type Found = NonNullable<Awaited<ReturnType<Registry["protocol"]>>>;

export async function apiRoutes(app: FastifyInstance, { ctx, registry }: RouteDeps) {
  const noQuery = { schema: { querystring: query() } };
  const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).header("cache-control", "public, max-age=15").send(body);

  app.get("/api/v1/openapi.json", noQuery, (_request, reply) => send(reply, 200, OPENAPI));
  app.get("/api/v1/protocols", noQuery, async (_request, reply) => send(reply, 200, { protocols: await registry.protocols() }));

  async function protocolAnswer(reply: FastifyReply, found: Found | null, what: string, part?: "policies" | "claims") {
    if (!found) return send(reply, 404, apiError("not_found", what));
    if (part === "policies") {
      const { series, ...totals } = await registry.policies(found.details.id);
      return send(reply, 200, { protocol: found.summary.name, ...totals, coverOverTime: series.map((p) => ({ time: p.t, cover: String(p.value) })) });
    }
    if (part === "claims") return send(reply, 200, { protocol: found.summary.name, claims: await registry.claimSummaries(found.details.id) });
    return send(reply, 200, found.summary);
  }
  const byName = async (name: string) => (name.length > 48 ? undefined : registry.protocol(name));
  const byId = async (id: string) => (/^\d{1,12}$/.test(id) ? registry.protocolById(BigInt(id)) : undefined);

  for (const part of [undefined, "policies", "claims"] as const) {
    const suffix = part ? `/${part}` : "";
    app.get<{ Params: { name: string } }>(`/api/v1/protocols/:name${suffix}`, noQuery, async (request, reply) => {
      const found = await byName(request.params.name);
      if (found === undefined) return send(reply, 400, apiError("bad_request", "a protocol name has at most 48 characters"));
      return protocolAnswer(reply, found, `there is no protocol named "${request.params.name}"`, part);
    });
    app.get<{ Params: { id: string } }>(`/api/v1/protocols/by-id/:id${suffix}`, noQuery, async (request, reply) => {
      const found = await byId(request.params.id);
      if (found === undefined) return send(reply, 400, apiError("bad_request", "a protocol id is a positive whole number"));
      return protocolAnswer(reply, found, `there is no protocol #${request.params.id}`, part);
    });
  }

  app.get<{ Params: { id: string } }>("/api/v1/claims/:id", noQuery, async (request, reply) => {
    const { id } = request.params;
    if (!/^\d{1,12}$/.test(id)) return send(reply, 400, apiError("bad_request", "a claim id is a positive whole number"));
    const claim = (await registry.claimSummaries()).find((c) => c.id === id);
    return claim ? send(reply, 200, claim) : send(reply, 404, apiError("not_found", `there is no claim #${id}`));
  });

  app.get("/api/v1/pool", noQuery, async (_request, reply) => send(reply, 200, await registry.pool()));

  app.get<{ Querystring: { protocol?: string; amount?: string; days?: string } }>("/api/v1/quote",
    { schema: { querystring: query("protocol", "amount", "days") } }, async (request, reply) => {
      const { protocol = "", amount = "", days = "" } = request.query;
      if (!protocol) return send(reply, 400, apiError("bad_request", "give protocol (a name), amount (micro-STX) and days"));
      if (!/^\d{1,20}$/.test(amount) || BigInt(amount) === 0n) return send(reply, 400, apiError("bad_request", "amount must be a positive whole number of micro-STX"));
      if (!/^\d{1,5}$/.test(days) || Number(days) === 0) return send(reply, 400, apiError("bad_request", "days must be a positive whole number"));
      const found = protocol.length <= 48 ? await registry.protocol(protocol) : null;
      if (!found) return send(reply, 404, apiError("not_found", `there is no protocol named "${protocol}"`));
      try {
        const q = await ctx.reader.quote(found.details.id, BigInt(amount), BigInt(days));
        return send(reply, 200, { protocol: found.summary.name, amount, days: Number(days), premium: String(q.premium),
          basePremium: String(q.basePremium), rateBps: Number(q.rateBps), tier: Number(q.tier), riskScore: Number(q.riskScore),
          utilizationBps: Number(q.utilizationBps) });
      } catch (e) {
        if (e instanceof ContractError) {
          return send(reply, 422, apiError(CONTRACT_ERRORS[Number(e.code)]?.name.toLowerCase() ?? "refused", describeContractError(e.code)));
        }
        throw e;
      }
    });
}
