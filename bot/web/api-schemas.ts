import { PROTOCOL_NAME_MAX } from "../chain/protocol-reader";
import type { FastifyInstance, FastifySchemaValidationError } from "fastify";
import type { SwaggerOptions } from "@fastify/swagger";
import { HTTP } from "./http-status";

/**
 * The JSON API's schemas. Fastify validates requests with them and serializes answers with them
 * (fast-json-stringify writes only the properties listed, in the order listed: every field the routes
 * send is here, in the order they send it), and @fastify/swagger writes the OpenAPI document from them
 * (served at /api/v1/openapi.json; docs/openapi.json is a copy written by `npm run openapi`). The shared
 * shapes are registered by name (Protocol, Claim, Pool...) and appear under components/schemas.
 */

type Schema = Record<string, unknown>;

/** How long every JSON answer may be reused (a refusal of a parameter too, as when the routes checked parameters themselves). */
export const API_CACHE = "public, max-age=15";
/** The longest value a query parameter may have. */
const QUERY_VALUE_MAX = 100;
/** A query string that takes exactly these parameters (and refuses any other), each one string of at most 100 characters. */
export const queryString = (properties: Record<string, Schema> = {}, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  ...(required.length > 0 ? { required } : {}),
  properties: Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [
      name,
      { type: "string", maxLength: QUERY_VALUE_MAX, ...schema },
    ]),
  ),
});

const object = (properties: Record<string, Schema>) => ({
  type: "object",
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});
const ref = (id: string) => ({ $ref: `${id}#` });
/** An answer of a named shape. */
const answer = (id: string, description: string) => ({ ...ref(id), description });
const whole = { type: "string", pattern: "^[0-9]+$" };
const micro = (description = "micro-STX") => ({ ...whole, description });
const count = { type: "integer", minimum: 0 };
const text = { type: "string" };

const ERROR = { $id: "Error", ...object({ error: object({ code: text, message: text }) }) };

const PROTOCOL = {
  $id: "Protocol",
  ...object({
    id: whole,
    name: text,
    chain: text,
    category: text,
    status: { type: "string", enum: ["pending", "active", "paused", "delisted", "rejected"] },
    website: text,
    sourceUrl: text,
    audit: {
      ...object({
        verdict: { type: "string", enum: ["pass", "pass with conditions", "fail"] },
        critical: count,
        high: count,
        medium: count,
        low: count,
        reportUri: text,
        reportHash: { type: "string", pattern: "^0x[0-9a-f]{64}$" },
        auditor: text,
        recordedAt: count,
      }),
      type: ["object", "null"],
    },
    auditCount: count,
    incidentCount: count,
    risk: {
      ...object({ score: count, tier: { type: "integer", minimum: 1, maximum: 5 }, rateBps: count }),
      type: ["object", "null"],
    },
    activeCover: micro(
      "micro-STX the chain counts as active, including policies still in their waiting period or past their end that nobody has expired yet",
    ),
    coverInForce: micro("micro-STX of cover in force now: past the waiting period and before the end"),
    coverWaiting: micro("micro-STX of cover bought but still in its waiting period"),
    coverStartsAt: {
      type: ["integer", "null"],
      minimum: 0,
      description: "when the earliest waiting cover comes into force (Unix seconds), or null",
    },
    insured: { type: "boolean", description: "listed, with cover in force now" },
    listed: {
      type: "boolean",
      description:
        "true for an approved listing (active or paused); only listed protocols are insurable and appear in /api/v1/protocols",
    },
    openClaims: count,
    pastClaims: count,
    coverAvailable: { type: "boolean" },
    coverUnavailableReason: { type: ["string", "null"] },
    verdict: {
      type: "string",
      enum: ["insured", "claim open", "cover starting", "not insured", "not listed"],
      description:
        "insured: cover in force now; cover starting: only cover in its waiting period; not listed: pending, rejected or delisted",
    },
  }),
};

const CLAIM = {
  $id: "Claim",
  ...object({
    id: whole,
    protocolId: text,
    policyId: text,
    claimant: text,
    amount: micro(),
    payable: micro(),
    paid: micro(),
    status: {
      type: "string",
      enum: ["voting", "no-quorum", "awaiting-council", "approved", "denied", "vetoed", "paid"],
    },
    incidentTime: count,
    submittedAt: count,
    votingEndsAt: count,
    approveWeight: micro(),
    denyWeight: micro(),
    voterCount: count,
    description: text,
    evidenceUri: text,
    evidenceHash: text,
    transactions: { type: "array", items: object({ topic: text, txid: text }) },
  }),
};

const POOL = {
  $id: "Pool",
  ...object({
    totalCapital: micro(),
    activeCover: micro(),
    capacity: micro(),
    freeCapacity: micro(),
    utilizationBps: count,
    sharePrice: micro(),
    premiumsEarned: micro(),
    claimsOwed: micro(),
    claimsPending: micro(),
    totalPaidOut: micro(),
  }),
};

const POLICY_TOTALS = {
  $id: "PolicyTotals",
  ...object({
    protocol: text,
    count,
    activeCover: micro(),
    coverSold: micro(),
    premiums: micro(),
    paidOut: micro(),
    coverOverTime: { type: "array", items: object({ time: count, cover: { type: "string", pattern: "^-?[0-9]+$" } }) },
  }),
};

const QUOTE = {
  $id: "Quote",
  ...object({
    protocol: text,
    amount: micro(),
    days: count,
    premium: micro(),
    basePremium: micro(),
    rateBps: count,
    tier: count,
    riskScore: count,
    utilizationBps: count,
  }),
};

/** The named shapes, registered on the API's routes so that answers and the document refer to them by name. */
export function addApiSchemas(app: FastifyInstance) {
  for (const schema of [ERROR, PROTOCOL, CLAIM, POOL, POLICY_TOTALS, QUOTE]) app.addSchema(schema);
}

/** The answers every error status may give, all of the shape { error: { code, message } }. */
const ERRORS = {
  [HTTP.badRequest]: "bad_request: a malformed parameter or an unknown query parameter",
  [HTTP.notFound]: "not_found: no such protocol or claim",
  [HTTP.methodNotAllowed]: "method_not_allowed: a method other than GET, HEAD or OPTIONS",
  [HTTP.payloadTooLarge]: "body_too_large: a request body over 16 KiB",
  [HTTP.unprocessableContent]:
    "the contract refuses the quote; the code is the contract's error name (e.g. err-invalid-duration)",
  [HTTP.tooManyRequests]: "rate_limited: this client has spent its request budget (see Retry-After)",
  [HTTP.serviceUnavailable]: "chain_unavailable: the chain cannot be read right now",
} as const;
type ErrorStatus = keyof typeof ERRORS;
/** The statuses every route may answer, and those of the routes that read the chain or find something by name or id. */
const ANY: ErrorStatus[] = [HTTP.badRequest, HTTP.methodNotAllowed, HTTP.payloadTooLarge, HTTP.tooManyRequests],
  READS: ErrorStatus[] = [...ANY, HTTP.serviceUnavailable],
  FINDS: ErrorStatus[] = [...READS, HTTP.notFound];

/** A path or query parameter: its schema, and the words a refusal of it says (the words the route used before schemas checked it). */
type Parameter = { schema: Schema; refusal?: string };

type Operation = {
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  params?: Record<string, Parameter>;
  query?: Record<string, Parameter>;
  /** The 200 answer: its schema, with the answer's description. */
  ok: Schema & { description: string };
  errors: ErrorStatus[];
};

/**
 * A refusal in the route's own words (and with its cache header) for its parameters' own checks, as when
 * the handlers checked them; Fastify's words for what every query parameter is checked for (one string of
 * at most 100 characters), and for everything else.
 */
function refusals(words: Record<string, string>) {
  return (errors: FastifySchemaValidationError[], dataVar: string) => {
    const e = errors[0]!;
    const name = e.keyword === "required" ? String(e.params.missingProperty) : e.instancePath.slice(1);
    const common = e.keyword === "type" || (e.keyword === "maxLength" && e.params.limit === QUERY_VALUE_MAX);
    const refusal = !common && words[name];
    if (!refusal) return new Error(`${dataVar}${e.instancePath} ${e.message}`);
    return Object.assign(new Error(refusal), { headers: { "cache-control": API_CACHE } });
  };
}

const schemas = (params: Record<string, Parameter>) =>
  Object.fromEntries(Object.entries(params).map(([name, p]) => [name, p.schema]));

/** A route's options: its schema (parameters, answers, what the document says of it) and its refusals' words. */
function operation(o: Operation) {
  const all = { ...o.params, ...o.query };
  const words = Object.fromEntries(Object.entries(all).flatMap(([name, p]) => (p.refusal ? [[name, p.refusal]] : [])));
  const params = o.params && { type: "object", required: Object.keys(o.params), properties: schemas(o.params) };
  return {
    schema: {
      operationId: o.operationId,
      tags: [o.tag],
      summary: o.summary,
      ...(o.description ? { description: o.description } : {}),
      ...(params ? { params } : {}),
      querystring: queryString(schemas(o.query ?? {}), Object.keys(o.query ?? {})),
      response: {
        [HTTP.ok]: o.ok,
        ...Object.fromEntries(o.errors.map((status) => [status, answer("Error", ERRORS[status])])),
      },
    },
    schemaErrorFormatter: refusals(words),
  };
}

const NAME: Parameter = {
  schema: {
    type: "string",
    maxLength: PROTOCOL_NAME_MAX,
    description: "the protocol's exact name (a name made of digits is a name; ids have their own route)",
  },
  refusal: "a protocol name has at most 48 characters",
};
const PROTOCOL_ID: Parameter = {
  schema: { type: "string", pattern: "^[0-9]{1,12}$", description: "the protocol's id" },
  refusal: "a protocol id is a positive whole number",
};
const CLAIM_ID: Parameter = {
  schema: { type: "string", pattern: "^[0-9]{1,12}$", description: "the claim's id" },
  refusal: "a claim id is a positive whole number",
};
const QUOTE_QUERY: Record<string, Parameter> = {
  protocol: {
    schema: { minLength: 1, description: "the protocol's exact name" },
    refusal: "give protocol (a name), amount (micro-STX) and days",
  },
  amount: {
    schema: { pattern: "^(?!0+$)[0-9]{1,20}$", description: "cover in micro-STX (a positive whole number)" },
    refusal: "amount must be a positive whole number of micro-STX",
  },
  days: {
    schema: { pattern: "^(?!0+$)[0-9]{1,5}$", description: "days of cover (a positive whole number)" },
    refusal: "days must be a positive whole number",
  },
};

/** A protocol's routes: the protocol, its policies' totals, its claims; by name, or by id. */
const PROTOCOL_PARTS = {
  summary: { operationId: "getProtocol", summary: "One protocol", ok: answer("Protocol", "the protocol") },
  policies: {
    operationId: "getProtocolPolicies",
    summary: "Totals of the protocol's policies and its cover over time",
    ok: answer("PolicyTotals", "totals"),
  },
  claims: {
    operationId: "getProtocolClaims",
    summary: "The protocol's claims with outcomes and transactions",
    ok: { ...object({ protocol: text, claims: { type: "array", items: ref("Claim") } }), description: "claims" },
  },
};

/** Every JSON route's options, by what it answers. */
export const API = {
  document: operation({
    operationId: "getOpenApi",
    tag: "document",
    summary: "This document (OpenAPI 3.1), generated from the routes' schemas",
    ok: { type: "object", description: "the OpenAPI document" },
    errors: ANY,
  }),
  protocols: operation({
    operationId: "listProtocols",
    tag: "protocols",
    summary: "Every listed protocol with its verdict",
    description:
      "Every protocol with an approved listing (active or paused). Pending, rejected and delisted listings are left out. " +
      "Any query parameter is refused with 400.",
    ok: { ...object({ protocols: { type: "array", items: ref("Protocol") } }), description: "protocols" },
    errors: READS,
  }),
  protocol: (part: keyof typeof PROTOCOL_PARTS, by: "name" | "id") => {
    const { operationId, summary, ok } = PROTOCOL_PARTS[part];
    return operation({
      operationId: by === "id" ? `${operationId}ById` : operationId,
      tag: "protocols",
      summary: by === "id" ? `${summary} (by id)` : summary,
      params: by === "id" ? { id: PROTOCOL_ID } : { name: NAME },
      ok,
      errors: FINDS,
    });
  },
  claim: operation({
    operationId: "getClaim",
    tag: "claims",
    summary: "One claim",
    params: { id: CLAIM_ID },
    ok: answer("Claim", "the claim"),
    errors: FINDS,
  }),
  pool: operation({
    operationId: "getPool",
    tag: "pool",
    summary: "The capital pool",
    ok: answer("Pool", "the pool"),
    errors: READS,
  }),
  quote: operation({
    operationId: "getQuote",
    tag: "quotes",
    summary: "The exact premium purchase-coverage would charge now",
    query: QUOTE_QUERY,
    ok: answer("Quote", "the quote"),
    errors: [...FINDS, HTTP.unprocessableContent],
  }),
};

const svg = (description: string) => ({ description, content: { "image/svg+xml": { schema: { type: "string" } } } });
/**
 * The badge's route options. The route is /badge/:file, so that a file without .svg still gets the
 * unknown-protocol badge; the document names it /badge/{name}.svg, as it is used.
 */
export const BADGE = {
  schema: {
    operationId: "getBadge",
    tags: ["badge"],
    summary: "The protocol's cover badge (SVG)",
    querystring: queryString(),
    response: { [HTTP.ok]: svg("badge"), [HTTP.notFound]: svg("an unknown-protocol badge") },
  },
  config: {
    swaggerTransform: ({ schema }: { schema: object }) => ({
      url: "/badge/{name}.svg",
      schema: {
        ...schema,
        params: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string", maxLength: PROTOCOL_NAME_MAX, description: "the protocol's exact name" },
          },
        },
      },
    }),
  },
};

/** The document's own parts: what it is, where it is served, its tags; and the shared shapes named as they are registered. */
export const OPENAPI_OPTIONS: SwaggerOptions = {
  openapi: {
    openapi: "3.1.0",
    info: {
      title: "Insured DApps: cyber-security cover for DeFi on Stacks",
      version: "1.0.0",
      description:
        "Read-only data about listed protocols, their cover and claims, the capital pool, and quotes, read from the chain by the " +
        "protocol's bot. Amounts are strings of micro-STX; times are Unix seconds. CORS is open for reads. Successful answers may " +
        "be reused for 15 s (Cache-Control: public, max-age=15). Errors have the shape { error: { code, message } }.",
    },
    servers: [{ url: "/" }],
    tags: [
      {
        name: "protocols",
        description: "listed protocols, their cover and claims (by name; ids have their own routes)",
      },
      { name: "claims", description: "claims with their outcomes and transactions" },
      { name: "pool", description: "the capital pool" },
      { name: "quotes", description: "premiums as the contract computes them" },
      { name: "badge", description: "the cover badge for a README" },
      { name: "document", description: "this document" },
    ],
  },
  // Only the routes the document describes carry tags: the pages, assets and the pages' own endpoints are left out.
  hideUntagged: true,
  refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
};
