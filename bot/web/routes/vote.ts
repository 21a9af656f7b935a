import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { formatStx } from "../../format/stx";
import { votePage, messagePage } from "../pages";
import { HTML, apiError, query, type RouteDeps } from "../server";

/** The vote page (the member's own wallet signs `vote`) and the eligibility answer its script asks for. */
export async function voteRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  const mainnet = ctx.config.stacks.network === "mainnet";
  app.get<{ Params: { id: string }; Querystring: { choice?: string } }>(
    "/vote/:id",
    { schema: { querystring: query("choice") } },
    async (request, reply) => {
      const { id } = request.params;
      if (!/^\d{1,12}$/.test(id))
        return reply.code(404).type(HTML).send(messagePage("No such claim", "A claim number is a whole number."));
      const claim = await ctx.reader.claim(BigInt(id));
      if (!claim)
        return reply
          .code(404)
          .type(HTML)
          .send(messagePage("No such claim", `There is no claim #${id}.`));
      const protocol = await ctx.reader.protocol(claim.protocolId);
      const choice = request.query.choice === "deny" ? "deny" : "approve";
      const config = {
        claimId: String(claim.id),
        choice,
        contract: ctx.reader.contractId("claims-assessment"),
        network: mainnet ? "mainnet" : "testnet",
        explorerTx: ctx.links.tx("{txid}").replace("0x{txid}", "{txid}"),
      };
      return reply
        .type(HTML)
        .header("cache-control", "no-store")
        .send(votePage(claim, protocol?.name ?? `protocol #${claim.protocolId}`, choice, config));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { address?: string } }>(
    "/api/claims/:id/eligibility",
    { schema: { querystring: query("address") } },
    async (request, reply) => {
      const { id } = request.params;
      const address = request.query.address ?? "";
      if (!/^\d{1,12}$/.test(id))
        return reply.code(400).send(apiError("bad_request", "a claim id is a positive whole number"));
      if (!validateStacksAddress(address))
        return reply.code(400).send(apiError("bad_request", "address must be a Stacks address"));
      const eligibility = await ctx.reader.voteEligibility(BigInt(id), address);
      if (!eligibility) return reply.code(404).send(apiError("not_found", `there is no claim #${id}`));
      const body = { ...eligibility, weightText: formatStx(eligibility.weight) };
      return reply
        .type("application/json")
        .send(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    },
  );
}
