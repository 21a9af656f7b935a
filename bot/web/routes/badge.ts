import type { FastifyInstance } from "fastify";
import { badgeFor, badgeSvg } from "../badge";
import { pathSegment } from "../html";
import type { RouteDeps } from "../server";
import { BADGE } from "../api-schemas";
import { PROTOCOL_NAME_MAX } from "../../chain/protocol-reader";
import { HTTP } from "../http-status";

/** The badge of a protocol, by name: what is true of its cover now (see badge.ts). */
export async function badgeRoutes(app: FastifyInstance, { ctx, registry }: RouteDeps) {
  app.get<{ Params: { file: string } }>("/badge/:file", BADGE, async (request, reply) => {
    const match = /^(.+)\.svg$/.exec(request.params.file);
    const name = match?.[1] ?? "";
    const found = name && name.length <= PROTOCOL_NAME_MAX ? await registry.protocol(name) : null;
    const link = found
      ? `${ctx.links.webBaseUrl}/protocols/${pathSegment(found.summary.name)}`
      : `${ctx.links.webBaseUrl}/`;
    return reply
      .code(found ? HTTP.ok : HTTP.notFound)
      .type("image/svg+xml; charset=utf-8")
      .header("cache-control", "public, max-age=300, stale-while-revalidate=3600")
      .send(badgeSvg(badgeFor(found?.summary ?? null), link));
  });
}
