import type { FastifyInstance } from "fastify";
import { validateStacksAddress } from "@stacks/transactions";
import { claimTerms, filingRefusals, readFilingFacts, type FilingInput } from "../../chain/filing-check";
import { readStx } from "../../format/stx";
import { claimFilePage } from "../pages";
import { HTML, apiError, notFoundPage, query, type RouteDeps } from "../server";
import { HTTP } from "../http-status";
import { signingConfig } from "../signing";

const POLICY_ID = /^\d{1,12}$/;
const SECONDS = /^\d{1,12}$/;

/**
 * The claim-filing page (`/claim-file/{policy id}`), where the policy holder's own wallet signs submit-claim,
 * and the pre-filing check its script asks as the form is filled and again when the holder signs. The check
 * reads the chain each time: an open claim or a pause decides whether the bond would be lost to a refusal.
 */
export async function claimFileRoutes(app: FastifyInstance, { ctx }: RouteDeps) {
  claimFilePageRoute(app, ctx);
  filingCheckRoute(app, ctx);
}

function claimFilePageRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{ Params: { id: string } }>("/claim-file/:id", async (request, reply) => {
    const { id } = request.params;
    if (!POLICY_ID.test(id)) return notFoundPage(reply, "No such policy", "A policy number is a whole number.");
    const facts = await readFilingFacts(ctx.reader, BigInt(id), null);
    if (!facts) return notFoundPage(reply, "No such policy", `There is no policy #${id}.`);
    const protocol = await ctx.reader.protocol(facts.policy.protocolId);
    const input: FilingInput = {
      claimant: null,
      amount: facts.policy.remainingCover,
      incidentTime: null,
      description: "",
      evidenceHash: null,
      evidenceUri: "",
    };
    const config = {
      policyId: id,
      contract: ctx.reader.contractId("cybersecurity-insurance-defi"),
      ...signingConfig(ctx),
    };
    const page = claimFilePage({
      facts,
      protocolName: protocol?.name ?? `protocol #${facts.policy.protocolId}`,
      refusals: filingRefusals(facts, input),
      terms: claimTerms(facts, facts.policy.remainingCover),
      config,
    });
    return reply.type(HTML).header("cache-control", "no-store").send(page);
  });
}

function filingCheckRoute(app: FastifyInstance, ctx: RouteDeps["ctx"]) {
  app.get<{
    Params: { id: string };
    Querystring: Partial<Record<"address" | "amount" | "incident" | "description" | "hash" | "uri", string>>;
  }>(
    "/api/policies/:id/filing-check",
    { schema: { querystring: query("address", "amount", "incident", "description", "hash", "uri") } },
    async (request, reply) => {
      const { id } = request.params;
      const q = request.query;
      if (!POLICY_ID.test(id))
        return reply.code(HTTP.badRequest).send(apiError("bad_request", "a policy id is a positive whole number"));
      if (q.address && !validateStacksAddress(q.address))
        return reply.code(HTTP.badRequest).send(apiError("bad_request", "address must be a Stacks address"));
      if (q.incident && !SECONDS.test(q.incident))
        return reply.code(HTTP.badRequest).send(apiError("bad_request", "incident is a time in Unix seconds"));
      const facts = await readFilingFacts(ctx.reader, BigInt(id), q.address || null);
      if (!facts) return reply.code(HTTP.notFound).send(apiError("not_found", `there is no policy #${id}`));
      const typed = q.amount?.trim() ?? "";
      const amount = typed === "" ? null : readStx(typed);
      const input: FilingInput = {
        claimant: q.address || null,
        amount,
        incidentTime: q.incident ? BigInt(q.incident) : null,
        description: q.description ?? "",
        evidenceHash: q.hash?.toLowerCase() || null,
        evidenceUri: q.uri?.trim() ?? "",
      };
      const refusals = filingRefusals(facts, { ...input, typedAmount: typed });
      const terms = input.amount ? claimTerms(facts, input.amount) : null;
      return reply.type("application/json").send(
        JSON.stringify({
          refusals,
          amount: input.amount?.toString() ?? null,
          bond: terms?.bond.toString() ?? null,
          deductible: terms?.deductible.toString() ?? null,
          payable: terms?.payable.toString() ?? null,
        }),
      );
    },
  );
}
