import type { FastifyInstance } from "fastify";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { WebOptions } from "./server";
import { HTTP } from "./http-status";

/**
 * The headers every answer carries and the request budget of each client IP. The
 * Content-Security-Policy allows scripts, styles and connections only from this origin and no framing;
 * violations are reported to /api/csp-report. The badge and the API are open to other origins (CORS and
 * Cross-Origin-Resource-Policy), since READMEs embed the one and integrators call the other.
 */
export const CSP_DIRECTIVES = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  "font-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "report-uri": ["/api/csp-report"],
};
/** Each client IP's request budget unless WebOptions says otherwise: 120 requests a minute. */
const RATE_LIMIT_MAX = 120;
const RATE_LIMIT_WINDOW_MS = 60_000;
export const CORS_METHODS = "GET, HEAD, OPTIONS";
export const isApi = (url: string) => url === "/api" || url.startsWith("/api/");
/** What other origins may read: the API and the badge. */
export const isOpenToOtherOrigins = (url: string) => isApi(url) || url.startsWith("/badge/");

export async function registerSecurity(app: FastifyInstance, web: WebOptions) {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    crossOriginResourcePolicy: { policy: "cross-origin" },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, {
    max: web.rateLimit?.max ?? RATE_LIMIT_MAX,
    timeWindow: web.rateLimit?.windowMs ?? RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`too many requests: at most ${context.max} every ${context.after}`), {
        statusCode: HTTP.tooManyRequests,
      }),
  });
  app.addHook("onSend", async (request, reply) => {
    if (isOpenToOtherOrigins(request.url)) {
      reply
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-methods", CORS_METHODS)
        .header("access-control-allow-headers", "content-type");
    }
  });
}
