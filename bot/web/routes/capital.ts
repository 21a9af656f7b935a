import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import {
  depositRefusals,
  readCapitalFacts,
  requestRefusals,
  sharesForPercent,
  WITHDRAW_PERCENTS,
  withdrawalStage,
  withdrawRefusals,
  type CapitalFacts,
} from "../../chain/capital-check";
import { MAX_AMOUNT_MICRO, readStx } from "../../format/stx";
import { leastAccepted, SLIPPAGE_CHOICES_BPS } from "../../format/max-premium";
import { depositPage, withdrawPage } from "../capital-pages";
import { HTML, apiError, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";
import { messagePage } from "../pages";

const STEPS = ["deposit", "request", "cancel", "withdraw"] as const;
type Step = (typeof STEPS)[number];
type CheckQuery = Partial<Record<"address" | "step" | "amount" | "percent" | "slippage", string>>;

/**
 * The capital pages (`/capital/deposit?amount={micro-STX}`, `/capital/withdraw`), where a provider's own wallet
 * signs deposit, request-withdrawal, cancel-withdrawal or withdraw, and the check their script asks before it
 * signs. Both read the pool from the chain when asked: the share price and free capital decide the money.
 */
export async function capitalRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  capitalPagesRoute(app, ctx);
  capitalCheckRoute(app, ctx);
}

function capitalPagesRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Params: { action: string }; Querystring: { amount?: string } }>(
    "/capital/:action",
    { schema: { querystring: query("amount") } },
    async (request, reply) => {
      const { action } = request.params;
      const config = { pool: ctx.reader.contractId("capital-pool"), ...signingConfig(ctx) };
      const page = (html: string) => reply.type(HTML).header("cache-control", "no-store").send(html);
      if (action === "withdraw") return page(withdrawPage({ facts: await readCapitalFacts(ctx.reader, null), config }));
      if (action !== "deposit")
        return reply
          .code(HTTP.notFound)
          .type(HTML)
          .send(messagePage("No such page", "The capital pages are /capital/deposit and /capital/withdraw."));
      const typed = request.query.amount ?? "";
      if (typed !== "" && (!/^\d{1,24}$/.test(typed) || BigInt(typed) === 0n || BigInt(typed) > MAX_AMOUNT_MICRO))
        return reply
          .code(HTTP.badRequest)
          .type(HTML)
          .send(messagePage("This link is not a deposit", "The amount must be a whole number of micro-STX above 0."));
      const facts = await readCapitalFacts(ctx.reader, null);
      const amount = typed === "" ? facts.minDeposit : BigInt(typed);
      const shares = await ctx.reader.sharesForAmount(amount);
      return page(depositPage({ facts, amount, shares, refusals: depositRefusals(facts, amount, shares), config }));
    },
  );
}

/** The check of one step for one wallet: its refusals and the exact arguments the page signs. */
async function checkStep(ctx: RouteDeps["ctx"], facts: CapitalFacts, step: Step, q: CheckQuery) {
  const p = facts.provider;
  if (step === "deposit") {
    const amount = readStx(q.amount ?? "");
    const shares = amount ? await ctx.reader.sharesForAmount(amount) : 0n;
    return {
      refusals: depositRefusals(facts, amount, shares),
      amount: amount?.toString() ?? null,
      shares: String(shares),
    };
  }
  if (step === "request") {
    const shares = p ? sharesForPercent(p, Number(q.percent ?? "100")) : 0n;
    const value = p && p.shares > 0n ? (p.value * shares) / p.shares : 0n;
    return { refusals: requestRefusals(facts, shares), shares: String(shares), value: String(value) };
  }
  if (step === "cancel")
    return { refusals: withdrawalStage(facts) === "none" ? ["You have no withdrawal request to cancel."] : [] };
  const value = p?.pendingValue ?? 0n;
  return {
    refusals: withdrawRefusals(facts),
    value: String(value),
    minAmount: String(leastAccepted(value, Number(q.slippage ?? "100"))),
  };
}

function capitalCheckRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: CheckQuery }>(
    "/api/capital/check",
    { schema: { querystring: query("address", "step", "amount", "percent", "slippage") } },
    async (request, reply) => {
      const q = request.query;
      const bad = (message: string) => reply.code(HTTP.badRequest).send(apiError("bad_request", message));
      if (!STEPS.includes(q.step as Step)) return bad(`step is one of ${STEPS.join(", ")}`);
      if (q.address && !validateStacksAddress(q.address)) return bad("address must be a Stacks address");
      if (q.percent && !WITHDRAW_PERCENTS.map(String).includes(q.percent))
        return bad(`percent is one of ${WITHDRAW_PERCENTS.join(", ")}`);
      if (q.slippage && !SLIPPAGE_CHOICES_BPS.map(String).includes(q.slippage))
        return bad(`slippage is one of ${SLIPPAGE_CHOICES_BPS.join(", ")} basis points`);
      const facts = await readCapitalFacts(ctx.reader, q.address || null);
      const p = facts.provider;
      const body = {
        stage: withdrawalStage(facts),
        position: p && {
          shares: String(p.shares),
          value: String(p.value),
          pendingShares: String(p.pendingShares),
          pendingValue: String(p.pendingValue),
          unlocksAt: String(p.unlocksAt),
          expiresAt: String(p.expiresAt),
        },
        ...(await checkStep(ctx, facts, q.step as Step, q)),
      };
      return reply.type("application/json").send(JSON.stringify(body));
    },
  );
}
