import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { readStakeFacts, stakeRefusals, unstakeRefusals, withdrawStakeRefusals } from "../../chain/stake-check";
import { MAX_AMOUNT_MICRO, readStx } from "../../format/stx";
import { stakePage, unstakePage } from "../stake-pages";
import { HTML, apiError, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";
import { messagePage } from "../pages";

const STEPS = ["stake", "unstake", "withdraw"] as const;
type Step = (typeof STEPS)[number];

/**
 * The staking pages (`/stake?amount={micro-STX}`, `/unstake?amount={micro-STX}`), where an assessor's own wallet
 * signs stake, request-unstake or withdraw-stake, and the check their script asks before it signs (read from the
 * chain each time: a vote cast or settled a block ago moves what is locked).
 */
export async function stakeRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  stakePagesRoute(app, ctx);
  stakeCheckRoute(app, ctx);
}

function stakePagesRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  for (const path of ["/stake", "/unstake"] as const) {
    app.get<{ Querystring: { amount?: string } }>(
      path,
      { schema: { querystring: query("amount") } },
      async (request, reply) => {
        const typed = request.query.amount ?? "";
        if (typed !== "" && (!/^\d{1,24}$/.test(typed) || BigInt(typed) === 0n || BigInt(typed) > MAX_AMOUNT_MICRO))
          return reply
            .code(HTTP.badRequest)
            .type(HTML)
            .send(messagePage("This link is not a stake", "The amount must be a whole number of micro-STX above 0."));
        const facts = await readStakeFacts(ctx.reader, null);
        const amount = typed === "" ? facts.minStake : BigInt(typed);
        const config = { staking: ctx.reader.contractId("assessor-staking"), ...signingConfig(ctx) };
        const page =
          path === "/stake"
            ? stakePage({ facts, amount, refusals: stakeRefusals(facts, amount), config })
            : unstakePage({ facts, amount, config });
        return reply.type(HTML).header("cache-control", "no-store").send(page);
      },
    );
  }
}

function stakeCheckRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: Partial<Record<"address" | "step" | "amount", string>> }>(
    "/api/stake/check",
    { schema: { querystring: query("address", "step", "amount") } },
    async (request, reply) => {
      const q = request.query;
      const bad = (message: string) => reply.code(HTTP.badRequest).send(apiError("bad_request", message));
      if (!STEPS.includes(q.step as Step)) return bad(`step is one of ${STEPS.join(", ")}`);
      if (q.address && !validateStacksAddress(q.address)) return bad("address must be a Stacks address");
      const facts = await readStakeFacts(ctx.reader, q.address || null);
      const amount = readStx(q.amount ?? "");
      const refusals = {
        stake: () => stakeRefusals(facts, amount),
        unstake: () => unstakeRefusals(facts, amount),
        withdraw: () => withdrawStakeRefusals(facts),
      }[q.step as Step]();
      const a = facts.assessor;
      const body = {
        refusals,
        amount: amount?.toString() ?? null,
        position: a && {
          active: String(a.active),
          locked: String(a.locked),
          available: String(a.available),
          unstaking: String(a.unstaking),
          unstakeAt: String(a.unstakeAt),
        },
        free: a ? a.unstaking > 0n && facts.chainTime >= a.unstakeAt : false,
      };
      return reply.type("application/json").send(JSON.stringify(body));
    },
  );
}
