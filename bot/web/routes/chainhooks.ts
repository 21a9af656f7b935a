import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BotContext } from "../../discord/context";
import type { EventSink } from "../../watcher/chain-events";
import { CHAINHOOKS_PATH, deliver, deliveryOf, isAuthorized, parsePayload } from "../../watcher/chainhooks";
import { HTTP } from "../http-status";

/**
 * The Chainhooks 2.0 receiver (registered only with EVENT_SOURCE=chainhooks): `POST /chainhooks/events`.
 * Every delivery must carry the consumer secret (`Authorization: Bearer <secret>`), checked before its body
 * is read: without it, 401 and nothing is applied. A body that is not a Chainhooks payload is 400. A valid
 * one is handed to the sink (rollback, then apply) and answered 200 only once the sink has finished; while
 * the bot is starting, or when the sink fails, 503 or 500, so Chainhooks delivers it again (the sink
 * skips events it already handled, by key). Answers are JSON; the secret is never logged.
 */

export type ChainhooksReceiver = {
  sink: EventSink;
  secret: string;
  /** The contracts whose events are applied; any other contract's are ignored. */
  contracts: string[];
  network: "mainnet" | "testnet";
  /** False until the bot can post (Discord connected): deliveries are refused with 503 until then. */
  accepting?: () => boolean;
};

/** Payloads of many blocks (a catch-up after an outage, a deep re-org) are far larger than a page's form. */
const BYTES_PER_KIB = 1024;
const KIB_PER_MIB = 1024;
const BODY_LIMIT_MIB = 16;
/** How soon Chainhooks is told to try again while the bot is starting, in seconds. */
const RETRY_AFTER_S = 5;

const answer = (reply: FastifyReply, status: number, body: Record<string, unknown>) =>
  reply.code(status).header("cache-control", "no-store").type("application/json").send(body);

export async function chainhooksRoutes(app: FastifyInstance, deps: { ctx: BotContext; receiver: ChainhooksReceiver }) {
  const { ctx, receiver } = deps;
  const refuseWithoutSecret = async (request: FastifyRequest, reply: FastifyReply) => {
    if (isAuthorized(request.headers.authorization, receiver.secret)) return;
    ctx.log.warn(
      { ip: request.ip, authorization: request.headers.authorization === undefined ? "missing" : "wrong" },
      "refused a Chainhooks delivery without the consumer secret",
    );
    return answer(reply, HTTP.unauthorized, { error: "missing or wrong consumer secret" });
  };
  app.post(
    CHAINHOOKS_PATH,
    // Authenticated deliveries are not held to a browser's request budget; the rest stop at the secret.
    {
      onRequest: refuseWithoutSecret,
      bodyLimit: BODY_LIMIT_MIB * KIB_PER_MIB * BYTES_PER_KIB,
      config: { rateLimit: false },
    },
    (request, reply) => receive(ctx, receiver, request.body, reply),
  );
}

async function receive(ctx: BotContext, receiver: ChainhooksReceiver, body: unknown, reply: FastifyReply) {
  if (receiver.accepting && !receiver.accepting()) {
    reply.header("retry-after", String(RETRY_AFTER_S));
    return answer(reply, HTTP.serviceUnavailable, { error: "the bot is starting; deliver again shortly" });
  }
  const parsed = parsePayload(body);
  if (!parsed.ok) {
    ctx.log.warn({ problem: parsed.error }, "refused a malformed Chainhooks delivery");
    return answer(reply, HTTP.badRequest, { error: `not a Chainhooks payload: ${parsed.error}` });
  }
  const { payload } = parsed;
  if (payload.event.network !== receiver.network) {
    ctx.log.error(
      { hook: payload.chainhook, network: payload.event.network },
      "a Chainhooks delivery of another network",
    );
    return answer(reply, HTTP.badRequest, {
      error: `this bot follows ${receiver.network}, not ${payload.event.network}`,
    });
  }
  const delivery = deliveryOf(payload, receiver.contracts);
  const counts = { rolledBack: delivery.rollback.length, applied: delivery.apply.length };
  try {
    await deliver(receiver.sink, delivery);
  } catch (e) {
    ctx.log.error(
      { err: e, hook: payload.chainhook, ...counts },
      "a Chainhooks delivery failed; it will be redelivered",
    );
    return answer(reply, HTTP.internalServerError, { error: "the delivery could not be handled; deliver it again" });
  }
  ctx.log.debug({ hook: payload.chainhook.uuid, ...counts }, "Chainhooks delivery handled");
  return answer(reply, HTTP.ok, counts);
}
