import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import swagger from "@fastify/swagger";
import { registerSecurity, CORS_METHODS, isApi, isOpenToOtherOrigins } from "./security";
import type { BotContext } from "../discord/context";
import { ChainUnavailableError } from "../chain/stacks-client";
import { messagePage } from "./pages";
import type { LinkResult } from "./wallet-link";
import { Registry } from "./registry";
import { assetRoutes, bundleScripts } from "./routes/assets";
import { voteRoutes } from "./routes/vote";
import { linkRoutes } from "./routes/link";
import { claimFileRoutes } from "./routes/claim-file";
import { capitalRoutes } from "./routes/capital";
import { stakeRoutes } from "./routes/stake";
import { settleRoutes } from "./routes/settle";
import { councilRoutes } from "./routes/council";
import { transactionRoutes } from "./routes/transactions";
import { buyRoutes } from "./routes/buy";
import { registryRoutes } from "./routes/registry";
import { badgeRoutes } from "./routes/badge";
import { apiRoutes } from "./routes/api";
import { chainhooksRoutes, type ChainhooksReceiver } from "./routes/chainhooks";
import { OPENAPI_OPTIONS, queryString } from "./api-schemas";
import { HTTP, isClientError } from "./http-status";

/**
 * The bot's web server (Fastify): the pages where a member's own wallet signs (vote, link), the public
 * registry, the badge and the JSON API. Input is bounded before it is read: bodies over 16 KiB are
 * refused, slow headers and bodies time out, malformed paths answer 400, unknown query parameters are
 * refused, and every client IP has a request budget so public traffic cannot spend the chain budget the
 * bot's alerts need. Pages carry a strict Content-Security-Policy (scripts and styles only from this
 * origin, no framing). Errors under /api/ are always JSON. The JSON API's OpenAPI document is generated
 * from the routes' schemas by @fastify/swagger (see api-schemas.ts).
 */

export type WebOptions = {
  /** Requests one IP may make per window (default 120 a minute); assets are not counted. */
  rateLimit?: { max: number; windowMs: number };
  /** Slow-client limits (defaults: 10 s for headers, 15 s for a whole request). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
};
export type WebServer = { url: string; port: number; close(): Promise<void> };

const BYTES_PER_KIB = 1024;
/** The largest request body read, in KiB. */
const BODY_LIMIT_KIB = 16;
export const BODY_LIMIT = BODY_LIMIT_KIB * BYTES_PER_KIB;
/** Slow-client limits unless WebOptions says otherwise, and how often Node checks them at most. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const TIMEOUT_CHECK_MS = 1_000;
const PAGE_METHODS = CORS_METHODS;

export type ApiError = { error: { code: string; message: string } };
export const apiError = (code: string, message: string): ApiError => ({ error: { code, message } });

const CODES: Record<number, string> = {
  [HTTP.badRequest]: "bad_request",
  [HTTP.notFound]: "not_found",
  [HTTP.methodNotAllowed]: "method_not_allowed",
  [HTTP.payloadTooLarge]: "body_too_large",
  [HTTP.unsupportedMediaType]: "unsupported_media_type",
  [HTTP.tooManyRequests]: "rate_limited",
  [HTTP.internalServerError]: "internal_error",
  [HTTP.serviceUnavailable]: "chain_unavailable",
};

/** The answer for an error: JSON under /api/, a short page elsewhere. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  title = "Something went wrong",
) {
  reply.code(status);
  if (isApi(request.url)) return reply.type("application/json").send(apiError(CODES[status] ?? "error", message));
  return reply.type("text/html; charset=utf-8").send(messagePage(title, message));
}

/** Fastify's validation error, said in words a caller can act on. */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (first?.keyword === "additionalProperties") {
    return `unknown ${error.validationContext === "body" ? "field" : "query parameter"} "${String(first.params.additionalProperty)}"`;
  }
  return error.message;
}

/** Fastify with the input bounds: body size, slow clients, bad paths, strict query validation. */
export function createApp(web: WebOptions) {
  const headersTimeout = web.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  return Fastify({
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 300 },
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Node checks these limits on an interval; a short one makes a slow client's limit real.
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout,
          requestTimeout: Math.max(web.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, headersTimeout),
          connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, headersTimeout),
          keepAliveTimeout: 5_000,
        },
        handler,
      ),
    frameworkErrors: (error, request, reply) => {
      // A malformed percent-encoding or a bad header: the client's mistake, never a 500.
      const message =
        error.code === "FST_ERR_BAD_URL" ? "the path is not a valid URL (check its percent-encoding)" : error.message;
      void sendError(request, reply, HTTP.badRequest, message, "Bad request");
    },
  });
}

/** Every error answered in the shape of its route: JSON under /api/, a page elsewhere; only 5xx are logged. */
function handleErrors(app: FastifyInstance, ctx: BotContext) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ChainUnavailableError) {
      return sendError(
        request,
        reply,
        HTTP.serviceUnavailable,
        "The Stacks chain can't be read right now. Try again shortly.",
        "Try again",
      );
    }
    if (error.validation) {
      // A refusal in a route's own words carries the headers that route answers with (api-schemas.ts).
      const { headers } = error as FastifyError & { headers?: Record<string, string> };
      if (headers) reply.headers(headers);
      return sendError(request, reply, HTTP.badRequest, validationMessage(error), "Bad request");
    }
    const status = error.statusCode ?? HTTP.internalServerError;
    if (isClientError(status)) {
      if (status === HTTP.tooManyRequests) reply.header("retry-after", reply.getHeader("retry-after") ?? "60");
      return sendError(request, reply, status, error.message, "Request refused");
    }
    ctx.log.error({ err: error, path: request.routeOptions.url }, "web request failed");
    return sendError(request, reply, HTTP.internalServerError, "Please try again.");
  });
}

/** Every path answers GET and HEAD; any other method gets 405 with what is allowed, and OPTIONS answers CORS. */
function methodRules(app: FastifyInstance) {
  const notAllowed = (request: FastifyRequest, reply: FastifyReply) => {
    reply.header("allow", PAGE_METHODS);
    return sendError(
      request,
      reply,
      HTTP.methodNotAllowed,
      `${request.method} is not allowed here; use GET`,
      "Method not allowed",
    );
  };
  app.route({
    method: ["POST", "PUT", "DELETE", "PATCH"],
    url: "/*",
    config: { rateLimit: false },
    handler: notAllowed,
  });
  app.options("/*", { config: { rateLimit: false } }, (request, reply) => {
    if (!isOpenToOtherOrigins(request.url)) reply.header("allow", PAGE_METHODS);
    return reply.code(HTTP.noContent).send();
  });
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    if (!["GET", "HEAD"].includes(request.method)) return notAllowed(request, reply);
    return sendError(
      request,
      reply,
      HTTP.notFound,
      isApi(request.url) ? `no API route ${request.url.split("?")[0]}` : "There is nothing here.",
      "Not found",
    );
  });
}

/** `chainhooks`: the Chainhooks receiver's sink and secret; without, the route is not registered (EVENT_SOURCE=polling). */
export type WebAppOptions = { web?: WebOptions; chainhooks?: ChainhooksReceiver } & Pick<RouteDeps, "onLinked">;

/** Everything the web server answers, on an app from createApp: headers and budgets, the API document, errors, methods, every route. */
export async function registerWeb(app: FastifyInstance, ctx: BotContext, options: WebAppOptions = {}) {
  const web = options.web ?? {};
  // Bundling takes seconds on a busy machine: done before Fastify's plugin timer starts.
  await bundleScripts();
  await registerSecurity(app, web);
  // Before any route, so that it sees every route (the ones the document leaves out carry no tags).
  await app.register(swagger, OPENAPI_OPTIONS);
  handleErrors(app, ctx);
  methodRules(app);
  const deps = { ctx, registry: new Registry(ctx), onLinked: options.onLinked };
  await app.register(assetRoutes);
  for (const routes of [
    voteRoutes,
    buyRoutes,
    claimFileRoutes,
    capitalRoutes,
    stakeRoutes,
    settleRoutes,
    councilRoutes,
    transactionRoutes,
    linkRoutes,
    registryRoutes,
    apiRoutes,
    badgeRoutes,
  ])
    await app.register(routes, deps);
  if (options.chainhooks) await app.register(chainhooksRoutes, { ctx, receiver: options.chainhooks });
}

/** The web app, ready to answer but not listening (scripts/openapi.ts reads the API document from it). */
export async function buildWebApp(ctx: BotContext, options: WebAppOptions = {}): Promise<FastifyInstance> {
  const app = createApp(options.web ?? {});
  await registerWeb(app, ctx, options);
  await app.ready();
  return app;
}

export async function startWebServer(ctx: BotContext, options: WebAppOptions & { port: number }): Promise<WebServer> {
  const app = await buildWebApp(ctx, options);
  await app.listen({ port: options.port, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}

export type RouteDeps = {
  ctx: BotContext;
  registry: Registry;
  onLinked?: (r: Extract<LinkResult, { ok: true }>) => Promise<void>;
};
/** A query string that takes exactly these string parameters (and refuses any other). */
export const query = (...names: string[]) => queryString(Object.fromEntries(names.map((name) => [name, {}])));
export const HTML = "text/html; charset=utf-8";
/** A page's 404: a short page saying what is not there. */
export const notFoundPage = (reply: FastifyReply, title: string, text: string) =>
  reply.code(HTTP.notFound).type(HTML).send(messagePage(title, text));
