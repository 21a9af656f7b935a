import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { formatStx } from "../../format/stx";
import { votePage } from "../vote-page";
import { claimDetails } from "../../discord/claim-details";
import { HTML, apiError, notFoundPage, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";

/** The vote page (the member's own wallet signs `vote`) and the eligibility answer its script asks for. */
export async function voteRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  votePageRoute(app, ctx);
  eligibilityRoute(app, ctx);
}

function votePageRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Params: { id: string }; Querystring: { choice?: string } }>(
    "/vote/:id",
    { schema: { querystring: query("choice") } },
    async (request, reply) => {
      const { id } = request.params;
      if (!/^\d{1,12}$/.test(id)) return notFoundPage(reply, "No such claim", "A claim number is a whole number.");
      const claim = await ctx.reader.claim(BigInt(id));
      if (!claim) return notFoundPage(reply, "No such claim", `There is no claim #${id}.`);
      const [protocol, details, now] = await Promise.all([
        ctx.reader.protocol(claim.protocolId),
        claimDetails(ctx, claim),
        ctx.store.index.now(),
      ]);
      const choice = request.query.choice === "deny" ? "deny" : "approve";
      const config = {
        claimId: String(claim.id),
        choice,
        contract: ctx.reader.contractId("claims-assessment"),
        ...signingConfig(ctx),
      };
      return reply
        .type(HTML)
        .header("cache-control", "no-store")
        .send(votePage(claim, protocol?.name ?? `protocol #${claim.protocolId}`, choice, config, details, now || null));
    },
  );
}

function eligibilityRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Params: { id: string }; Querystring: { address?: string } }>(
    "/api/claims/:id/eligibility",
    { schema: { querystring: query("address") } },
    async (request, reply) => {
      const { id } = request.params;
      const address = request.query.address ?? "";
      if (!/^\d{1,12}$/.test(id))
        return reply.code(HTTP.badRequest).send(apiError("bad_request", "a claim id is a positive whole number"));
      if (!validateStacksAddress(address))
        return reply.code(HTTP.badRequest).send(apiError("bad_request", "address must be a Stacks address"));
      const eligibility = await ctx.reader.voteEligibility(BigInt(id), address);
      if (!eligibility) return reply.code(HTTP.notFound).send(apiError("not_found", `there is no claim #${id}`));
      const body = { ...eligibility, weightText: formatStx(eligibility.weight) };
      return reply
        .type("application/json")
        .send(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    },
  );
}
