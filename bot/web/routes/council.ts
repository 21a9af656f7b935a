import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { checkCouncil, COUNCIL_ACTIONS, isClaimAction, type CouncilAction } from "../../chain/council-check";
import { councilPage } from "../council-pages";
import { HTML, apiError, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";
import { messagePage } from "../pages";

/** The most claims the council page lists as waiting for the council. */
export const COUNCIL_LIST_MAX = 50;
const ID = /^\d{1,12}$/;
const isAction = (a: string | undefined): a is CouncilAction => COUNCIL_ACTIONS.includes(a as CouncilAction);

/**
 * The council page (`/council?claim={id}&action=…` or `?proposal={id}&action=…`), where a council member's own
 * wallet signs, with the claims that wait for the council listed from the index (no chain request), and the
 * check the page's script asks before it signs, read from the chain.
 */
export async function councilRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  councilPageRoute(app, ctx);
  councilCheckRoute(app, ctx);
}

function councilPageRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: Partial<Record<"claim" | "proposal" | "action", string>> }>(
    "/council",
    { schema: { querystring: query("claim", "proposal", "action") } },
    async (request, reply) => {
      const q = request.query;
      const refuse = (text: string) =>
        reply.code(HTTP.badRequest).type(HTML).send(messagePage("This link is not a council action", text));
      if (q.action !== undefined && !isAction(q.action))
        return refuse(`The action is one of ${COUNCIL_ACTIONS.join(", ")}.`);
      if (q.claim !== undefined && q.proposal !== undefined)
        return refuse("A link names a claim or a proposal, not both.");
      const typed = q.claim ?? q.proposal;
      if (typed !== undefined && !ID.test(typed)) return refuse("A claim or proposal number is a whole number.");
      const action: CouncilAction = q.action ?? (q.proposal !== undefined ? "approve-proposal" : "approve-claim");
      if (q.proposal !== undefined && isClaimAction(action))
        return refuse(`${action} is signed on a claim, not a proposal.`);
      if (q.claim !== undefined && !isClaimAction(action))
        return refuse(`${action} is signed on a proposal, not a claim.`);
      const index = ctx.store.index;
      const [now, found] = await Promise.all([
        index.now(),
        index.claims({ statuses: ["no-quorum", "awaiting-council", "approved"], limit: COUNCIL_LIST_MAX }),
      ]);
      const open = found.claims.filter((c) => c.status !== "approved" || c.vetoEndsAt > now).reverse();
      const names = new Map<bigint, string>();
      for (const id of new Set(open.map((c) => c.protocolId)))
        names.set(id, (await index.protocol(id))?.name ?? `protocol #${id}`);
      const config = {
        claims: ctx.reader.contractId("claims-assessment"),
        council: ctx.reader.contractId("insurance-council"),
        ...signingConfig(ctx),
      };
      const page = councilPage({
        action,
        id: typed === undefined ? null : BigInt(typed),
        waiting: open.map((claim) => ({ claim, name: names.get(claim.protocolId)! })),
        config,
      });
      return reply.type(HTML).header("cache-control", "no-store").send(page);
    },
  );
}

function councilCheckRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Querystring: Partial<Record<"action" | "id" | "address" | "reason", string>> }>(
    "/api/council/check",
    { schema: { querystring: query("action", "id", "address", "reason") } },
    async (request, reply) => {
      const q = request.query;
      const bad = (message: string) => reply.code(HTTP.badRequest).send(apiError("bad_request", message));
      if (!isAction(q.action)) return bad(`action is one of ${COUNCIL_ACTIONS.join(", ")}`);
      if (!ID.test(q.id ?? "")) return bad("id is a positive whole number");
      if (!validateStacksAddress(q.address ?? "")) return bad("address must be a Stacks address");
      if (q.reason !== undefined && !/^0x[0-9a-f]{64}$/.test(q.reason))
        return bad("reason is a SHA-256 hash (0x and 64 hex digits)");
      const check = await checkCouncil(ctx.reader, {
        action: q.action,
        id: BigInt(q.id!),
        member: q.address!,
        reasonGiven: q.reason !== undefined,
      });
      return reply
        .type("application/json")
        .send(JSON.stringify(check, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    },
  );
}
