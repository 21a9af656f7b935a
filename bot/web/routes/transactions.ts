import type { FastifyInstance } from "fastify";
import { FollowedTransactions, FOLLOWED_MAX } from "../../storage/followed-transactions";
import { outcomeOf } from "../../chain/transaction-outcome";
import { apiError, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";

const TXID = /^(0x)?[0-9a-f]{64}$/i;
// A function: server.ts imports this module before it defines apiError.
const notATxid = () => apiError("bad_request", "txid must be a transaction id: 64 hex digits, with or without 0x");
/** How soon a page whose transaction could not be followed may ask again (seconds). */
const RETRY_AFTER_S = 60;

/**
 * What a signing page reports once its wallet returned a transaction id, and how it asks how it ended. Only the
 * id is taken: the bot reads the rest from the chain (bot/jobs/transaction-results.ts) and tells the member
 * linked to the sender. Both answers come from the store: no chain request, however often a page asks.
 */
export async function transactionRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  // Made on first use: building the app (as the OpenAPI generator does) reads no store.
  let made: FollowedTransactions | undefined;
  const records = () => (made ??= new FollowedTransactions(ctx.store.sql));
  reportRoute(app, records);
  stateRoute(app, records);
}

function reportRoute(app: FastifyInstance, records: () => FollowedTransactions) {
  const body = {
    type: "object",
    additionalProperties: false,
    required: ["txid"],
    properties: { txid: { type: "string", maxLength: 66 } },
  } as const;
  app.post<{ Body: { txid: string } }>(
    "/api/transactions",
    { schema: { body, querystring: query() } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const { txid } = request.body;
      if (!TXID.test(txid)) return reply.code(HTTP.badRequest).send(notATxid());
      const followed = await records().follow(txid);
      if (followed === "full")
        return reply
          .code(HTTP.serviceUnavailable)
          .header("retry-after", String(RETRY_AFTER_S))
          .send(
            apiError(
              "busy",
              `The bot follows ${FOLLOWED_MAX} transactions already; see yours in the explorer (it is not told in Discord).`,
            ),
          );
      const state = (await records().get(txid))!;
      return reply.code(followed === "followed" ? HTTP.accepted : HTTP.ok).send(stateOf(state));
    },
  );
}

function stateRoute(app: FastifyInstance, records: () => FollowedTransactions) {
  app.get<{ Params: { txid: string } }>(
    "/api/transactions/:txid",
    { schema: { querystring: query() } },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const { txid } = request.params;
      if (!TXID.test(txid)) return reply.code(HTTP.badRequest).send(notATxid());
      const state = await records().get(txid);
      if (!state)
        return reply.code(HTTP.notFound).send(apiError("not_found", "this transaction is not followed by the bot"));
      return reply.send(stateOf(state));
    },
  );
}

function stateOf(t: NonNullable<Awaited<ReturnType<FollowedTransactions["get"]>>>) {
  const outcome = outcomeOf(t);
  return {
    txid: t.txid,
    status: t.status,
    kind: outcome.kind,
    title: outcome.title,
    text: outcome.text,
    blockHeight: t.blockHeight,
  };
}
