import type { FastifyInstance, RouteShorthandOptions } from "fastify";
import { registryPage, protocolPage, poolPage } from "../registry-pages";
import { badgeSnippets } from "../badge";
import { pathSegment } from "../html";
import { HTML, notFoundPage, query, type RouteDeps } from "../server";
import { PROTOCOL_NAME_MAX } from "../../chain/protocol-reader";

/** How long the registry's pages may be reused (15 s, as the API's answers). */
const CACHED = "public, max-age=15";

/** The public registry pages: the list, a protocol (by name; ids have their own route), and the pool. */
export async function registryRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { registry } = deps;
  const noQuery = { schema: { querystring: query() } };

  for (const path of ["/", "/protocols"]) {
    app.get(path, noQuery, async (_request, reply) =>
      reply
        .type(HTML)
        .header("cache-control", CACHED)
        .send(await registry.keep("page:registry", () => registry.protocols().then(registryPage))),
    );
  }

  protocolPageRoute(app, deps, noQuery);

  app.get<{ Params: { id: string } }>("/protocols/by-id/:id", noQuery, async (request, reply) => {
    const { id } = request.params;
    const found = /^\d{1,12}$/.test(id) ? await registry.protocolById(BigInt(id)) : null;
    if (!found) return notFoundPage(reply, "No such protocol", `There is no protocol #${id}.`);
    return reply.redirect(`/protocols/${pathSegment(found.summary.name)}`);
  });

  app.get("/pool", noQuery, async (_request, reply) =>
    reply
      .type(HTML)
      .header("cache-control", CACHED)
      .send(poolPage(await registry.pool(), await registry.poolHistory())),
  );
}

/** A protocol's page, by its exact name; a listed one is offered its badge. */
function protocolPageRoute(app: FastifyInstance, { ctx, registry }: RouteDeps, noQuery: RouteShorthandOptions) {
  const base = () => ctx.links.webBaseUrl;
  app.get<{ Params: { name: string } }>("/protocols/:name", noQuery, async (request, reply) => {
    const { name } = request.params;
    const found = name.length <= PROTOCOL_NAME_MAX ? await registry.protocol(name) : null;
    if (!found)
      return notFoundPage(
        reply,
        "No such protocol",
        `"${name}" is not listed. A DApp that is not listed is not insured.`,
      );
    const badgeUrl = `${base()}/badge/${pathSegment(found.summary.name)}.svg`;
    const pageUrl = `${base()}/protocols/${pathSegment(found.summary.name)}`;
    // A pending, rejected or delisted protocol is shown as such, and offered no badge.
    const badge = found.summary.listed
      ? { url: badgeUrl, ...badgeSnippets(badgeUrl, pageUrl, found.summary.name) }
      : null;
    const page = protocolPage(
      found.summary,
      await registry.claimSummaries(found.details.id),
      await registry.policies(found.details.id),
      badge,
      (txid) => ctx.links.tx(txid),
    );
    return reply.type(HTML).header("cache-control", CACHED).send(page);
  });
}
