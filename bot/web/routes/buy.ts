import type { FastifyInstance, FastifyReply } from "fastify";
import { ContractError, type Protocol } from "../../chain/protocol-reader";
import { explainCoverRefusal } from "../../chain/cover-refusals";
import { MAX_AMOUNT_MICRO } from "../../format/stx";
import { DEFAULT_SLIPPAGE_BPS } from "../../format/max-premium";
import { buyPage, messagePage, type BuyOffer } from "../pages";
import { HTML, notFoundPage, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";

/** The longest cover the page takes, in days (the contract refuses what its max-duration-days does not allow). */
const MAX_DAYS = 3650;
const MS_PER_SECOND = 1_000;

type Terms = { amount: bigint; days: bigint };

/** The link's terms, or what is wrong with them. */
function termsOf(amount: string, days: string): Terms | string {
  if (!/^\d{1,24}$/.test(amount) || BigInt(amount) === 0n || BigInt(amount) > MAX_AMOUNT_MICRO)
    return "The amount of cover must be a whole number of micro-STX above 0. Ask the bot with /buy again.";
  if (!/^\d{1,4}$/.test(days) || Number(days) < 1 || Number(days) > MAX_DAYS)
    return `The length of cover must be 1 to ${MAX_DAYS} days. Ask the bot with /buy again.`;
  return { amount: BigInt(amount), days: BigInt(days) };
}

/**
 * The buy-cover page (`/buy/{protocol id}?amount={micro-STX}&days={n}`), where the buyer's own wallet signs
 * purchase-coverage. Its facts are read from the chain when the page is asked for (the quote, the waiting period),
 * and the page reads the quote again when the buyer signs: the premium is what decides the money.
 */
export async function buyRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  app.get<{ Params: { id: string }; Querystring: { amount?: string; days?: string } }>(
    "/buy/:id",
    { schema: { querystring: query("amount", "days") } },
    async (request, reply) => {
      const { id } = request.params;
      if (!/^\d{1,12}$/.test(id))
        return notFoundPage(reply, "No such protocol", "A protocol number is a whole number.");
      const terms = termsOf(request.query.amount ?? "", request.query.days ?? "");
      if (typeof terms === "string")
        return reply.code(HTTP.badRequest).type(HTML).send(messagePage("This link is not a cover offer", terms));
      const protocol = await ctx.reader.protocol(BigInt(id));
      if (!protocol) return notFoundPage(reply, "No such protocol", `There is no protocol #${id}.`);
      return offerPage(reply, ctx, protocol, terms);
    },
  );
}

async function offerPage(reply: FastifyReply, ctx: RouteDeps["ctx"], protocol: Protocol, { amount, days }: Terms) {
  let offer: BuyOffer;
  try {
    offer = { quote: await ctx.reader.quote(protocol.id, amount, days) };
  } catch (e) {
    if (!(e instanceof ContractError)) throw e;
    offer = { refusal: await explainCoverRefusal(e.code, ctx.reader) };
  }
  const config = {
    protocolId: String(protocol.id),
    protocolName: protocol.name,
    amount: String(amount),
    days: String(days),
    slippageBps: DEFAULT_SLIPPAGE_BPS,
    premium: "quote" in offer ? String(offer.quote.premium) : null,
    contract: ctx.reader.contractId("cybersecurity-insurance-defi"),
    ...signingConfig(ctx),
  };
  const page = buyPage({
    protocol,
    amount,
    days,
    offer,
    waitingSeconds: await ctx.reader.parameter("waiting-period"),
    now: Math.floor(Date.now() / MS_PER_SECOND),
    slippageBps: DEFAULT_SLIPPAGE_BPS,
    config,
  });
  return reply.type(HTML).header("cache-control", "no-store").send(page);
}
