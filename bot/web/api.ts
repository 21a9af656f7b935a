import { readFileSync } from "node:fs";
import type { BotContext } from "../discord/context";
import { ContractError } from "../chain/protocol-reader";
import { describeContractError, CONTRACT_ERRORS } from "../chain/contract-errors";
import { Registry } from "./registry";

/**
 * The JSON API for integrators (wallets, dashboards, the protocols themselves), read only from the
 * chain and described by docs/openapi.json. Amounts are strings of micro-STX. Errors always have the
 * shape { error: { code, message } } with 400 (bad parameters), 404 (unknown), 422 (the contract
 * refuses a quote) or 503 (chain unavailable).
 */

export type ApiAnswer = { status: number; body: unknown };
const error = (status: number, code: string, message: string): ApiAnswer => ({ status, body: { error: { code, message } } });

export const OPENAPI = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8")) as Record<string, unknown>;

export async function api(ctx: BotContext, registry: Registry, path: string, query: URLSearchParams): Promise<ApiAnswer | null> {
  let m: RegExpExecArray | null;
  if (path === "/api/v1/openapi.json") return { status: 200, body: OPENAPI };
  if (path === "/api/v1/protocols") return { status: 200, body: { protocols: await registry.protocols() } };
  if ((m = /^\/api\/v1\/protocols\/([^/]+)(\/policies|\/claims)?$/.exec(path))) {
    const name = decodeURIComponent(m[1]!);
    if (name.length > 48) return error(400, "bad_request", "a protocol name has at most 48 characters");
    const found = await registry.protocol(name);
    if (!found) return error(404, "not_found", `there is no protocol named "${name}"`);
    if (m[2] === "/policies") {
      const { series, ...totals } = await registry.policies(found.details.id);
      return { status: 200, body: { protocol: found.summary.name, ...totals, coverOverTime: series.map((p) => ({ time: p.t, cover: String(p.value) })) } };
    }
    if (m[2] === "/claims") return { status: 200, body: { protocol: found.summary.name, claims: await registry.claimSummaries(found.details.id) } };
    return { status: 200, body: found.summary };
  }
  if ((m = /^\/api\/v1\/claims\/([^/]+)$/.exec(path))) {
    if (!/^\d{1,12}$/.test(m[1]!)) return error(400, "bad_request", "a claim id is a positive whole number");
    const claim = (await registry.claimSummaries()).find((c) => c.id === m![1]);
    return claim ? { status: 200, body: claim } : error(404, "not_found", `there is no claim #${m[1]}`);
  }
  if (path === "/api/v1/pool") return { status: 200, body: await registry.pool() };
  if (path === "/api/v1/quote") {
    const protocol = query.get("protocol") ?? "";
    const amount = query.get("amount") ?? "";
    const days = query.get("days") ?? "";
    if (!protocol) return error(400, "bad_request", "give protocol (a name), amount (micro-STX) and days");
    if (!/^\d{1,20}$/.test(amount) || BigInt(amount) === 0n) return error(400, "bad_request", "amount must be a positive whole number of micro-STX");
    if (!/^\d{1,5}$/.test(days) || Number(days) === 0) return error(400, "bad_request", "days must be a positive whole number");
    const found = await registry.protocol(protocol);
    if (!found) return error(404, "not_found", `there is no protocol named "${protocol}"`);
    try {
      const q = await ctx.reader.quote(found.details.id, BigInt(amount), BigInt(days));
      return { status: 200, body: { protocol: found.summary.name, amount, days: Number(days), premium: String(q.premium),
        basePremium: String(q.basePremium), rateBps: Number(q.rateBps), tier: Number(q.tier), riskScore: Number(q.riskScore),
        utilizationBps: Number(q.utilizationBps) } };
    } catch (e) {
      if (e instanceof ContractError) {
        return error(422, CONTRACT_ERRORS[Number(e.code)]?.name.toLowerCase() ?? "refused", describeContractError(e.code));
      }
      throw e;
    }
  }
  if (path.startsWith("/api/")) return error(404, "not_found", `no API route ${path}`);
  return null;
}
