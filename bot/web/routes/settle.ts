import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { checkSettle, settleReward, votedWithOutcome } from "../../chain/settle-check";
import { formatStx } from "../../format/stx";
import { settlePage } from "../settle-pages";
import { HTML, apiError, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";
import { messagePage } from "../pages";

/** The most votes the list shows at once (settled ones leave it, so the next ones come up). */
export const SETTLE_LIST_MAX = 50;
const CLAIM_ID = /^\d{1,12}$/;

/**
 * The settle page (`/settle?claim={id}`), where an assessor's own wallet signs settle-vote; the list of their
 * votes ready to settle, from the index (one query, no chain request); and the check their script asks before
 * it signs, read from the chain (the reward and the slash are money the wallet's post-conditions bound).
 */
export async function settleRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  settlePageRoute(app, ctx);
  settleListRoute(app, ctx);
  settleCheckRoute(app, ctx);
}

function settlePageRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: { claim?: string } }>(
    "/settle",
    { schema: { querystring: query("claim") } },
    async (request, reply) => {
      const typed = request.query.claim;
      if (typed !== undefined && !CLAIM_ID.test(typed))
        return reply
          .code(HTTP.badRequest)
          .type(HTML)
          .send(messagePage("This link is not a claim", "A claim number is a whole number."));
      const config = {
        claims: ctx.reader.contractId("claims-assessment"),
        pool: ctx.reader.contractId("capital-pool"),
        staking: ctx.reader.contractId("assessor-staking"),
        claimId: typed ?? null,
        ...signingConfig(ctx),
      };
      const page = settlePage({ claimId: typed === undefined ? null : BigInt(typed), config });
      return reply.type(HTML).header("cache-control", "no-store").send(page);
    },
  );
}

function settleListRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: { address?: string } }>(
    "/api/settle/votes",
    { schema: { querystring: query("address") } },
    async (request, reply) => {
      const address = request.query.address ?? "";
      if (!validateStacksAddress(address))
        return reply.code(HTTP.badRequest).send(apiError("bad_request", "address must be a Stacks address"));
      const found = await ctx.store.index.unsettledVotes(address, SETTLE_LIST_MAX);
      const body = {
        total: found.readyCount,
        waiting: found.waiting,
        votes: found.ready.map(({ vote, claim, protocolName }) => {
          const reward = settleReward(claim, vote);
          return {
            claimId: String(claim.id),
            protocol: protocolName ?? `protocol #${claim.protocolId}`,
            status: claim.status,
            approve: vote.approve,
            withOutcome: votedWithOutcome(claim, vote),
            reward: String(reward),
            rewardText: formatStx(reward),
            slashed: claim.status === "vetoed" && vote.approve,
          };
        }),
      };
      return reply.type("application/json").send(JSON.stringify(body));
    },
  );
}

function settleCheckRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: { address?: string; claim?: string } }>(
    "/api/settle/check",
    { schema: { querystring: query("address", "claim") } },
    async (request, reply) => {
      const { address = "", claim = "" } = request.query;
      const bad = (message: string) => reply.code(HTTP.badRequest).send(apiError("bad_request", message));
      if (!CLAIM_ID.test(claim)) return bad("claim is a positive whole number");
      if (!validateStacksAddress(address)) return bad("address must be a Stacks address");
      const check = await checkSettle(ctx.reader, BigInt(claim), address);
      const body = { ...check, reward: String(check.reward), slash: String(check.slash) };
      return reply.type("application/json").send(JSON.stringify(body));
    },
  );
}
