import type { ClarityValue } from "@stacks/transactions";
import { callReadOnly } from "../../stacks/read-only";
import { createNetwork, type StacksNetwork } from "@stacks/network";
import { createClient } from "@stacks/blockchain-api-client";
import { constants as http } from "node:http2";
import { DEFAULT_CHAIN_TIMEOUT_MS } from "../config";
import { RequestBudget, retryAfterMs, routeOf, weightOf } from "./request-budget";

/**
 * The one way the bot reaches the chain: read-only calls through @stacks/transactions, contract logs
 * and transactions through @stacks/blockchain-api-client, all over one fetch that adds the API key,
 * keeps to the request budget (request-budget.ts: requests in flight, units a minute, the API's 429s
 * shared by every request), times out, and retries network failures and 5xx answers with backoff and
 * 429 answers after their Retry-After. When the chain still cannot be read, callers get a
 * ChainUnavailableError they can explain to a member.
 */

/** The first pause before a retry; each later one doubles it (with up to half again of jitter). */
const RETRY_BASE_DELAY_MS = 250;
/** The most one request waits in all on the API's 429s before it is ChainUnavailableError. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** 429s one request takes at most (a Retry-After of 0 cannot loop for ever). */
const RATE_LIMITED_ATTEMPTS = 10;
const MS_PER_SECOND = 1_000;

export class ChainUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(`the Stacks API could not be reached: ${detail}`);
  }
}

export type ChainClientOptions = {
  apiUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  network?: "mainnet" | "testnet";
  /** The budget to keep to, shared with whoever else is given it; otherwise one of `requestsPerMinute`. */
  budget?: RequestBudget;
  /** STACKS_API_REQUESTS_PER_MINUTE, for a budget of the client's own. */
  requestsPerMinute?: number;
  /** The most one request waits in all on 429s (default 60 s); a longer Retry-After fails it at once. */
  maxRateLimitWaitMs?: number;
  /** Told of every 429 (the bot logs it). */
  onRateLimited?: (info: { route: string; waitMs: number }) => void;
  /** What sends a request (the global fetch; tests watch the wire with their own). */
  transport?: typeof fetch;
};

const describeFailure = (e: unknown, timeoutMs: number) =>
  e instanceof Error
    ? e.name === "TimeoutError"
      ? `no answer within ${timeoutMs} ms`
      : ((e.cause as Error)?.message ?? e.message)
    : String(e);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function resilientFetch(options: ChainClientOptions): typeof fetch {
  const retries = options.retries ?? 2;
  const baseDelay = options.baseDelayMs ?? RETRY_BASE_DELAY_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHAIN_TIMEOUT_MS;
  const maxWait = options.maxRateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  const budget = options.budget ?? new RequestBudget({ requestsPerMinute: options.requestsPerMinute });
  const transport = options.transport ?? fetch;
  const backoff = (n: number) => baseDelay * 2 ** n * (1 + Math.random() / 2);
  return async (input, init) => {
    const route = routeOf(
      init?.method ?? (input instanceof Request ? input.method : "GET"),
      input instanceof Request ? input.url : String(input),
      options.apiUrl,
    );
    let last = "no attempt";
    let failures = 0;
    let limited = 0;
    let started: number | undefined;
    for (;;) {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (options.apiKey) headers.set("x-api-key", options.apiKey);
      const paused = budget.pausedUntil - budget.now();
      if (paused > maxWait)
        throw new ChainUnavailableError(`HTTP 429 (asked to wait ${Math.ceil(paused / MS_PER_SECOND)} s)`);
      const release = await budget.acquire(weightOf(route));
      started ??= budget.now();
      budget.countSent(route);
      let response: Response | undefined;
      try {
        response = await transport(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        last = describeFailure(e, timeoutMs);
      }
      if (response?.status === http.HTTP_STATUS_TOO_MANY_REQUESTS) {
        // The API says wait: every request waits (the pause is set before this one's slot is freed).
        const waitMs = retryAfterMs(response.headers.get("retry-after"), budget.now()) ?? backoff(limited);
        budget.countLimited(route);
        budget.pause(waitMs);
        release();
        void response.body?.cancel().catch(() => undefined);
        options.onRateLimited?.({ route, waitMs });
        limited++;
        last = `HTTP 429 (asked to wait ${Math.ceil(waitMs / MS_PER_SECOND)} s)`;
        if (limited >= RATE_LIMITED_ATTEMPTS || budget.now() + waitMs - started > maxWait)
          throw new ChainUnavailableError(last);
        continue;
      }
      release();
      if (response && response.status < http.HTTP_STATUS_INTERNAL_SERVER_ERROR) return response;
      if (response) {
        last = `HTTP ${response.status}`;
        void response.body?.cancel().catch(() => undefined);
      }
      if (++failures > retries) throw new ChainUnavailableError(last);
      await sleep(backoff(failures - 1));
    }
  };
}

export class StacksClient {
  readonly network: StacksNetwork;
  readonly api: ReturnType<typeof createClient>;
  readonly fetch: typeof fetch;
  /** Every request of this client keeps to it (and so does whatever else is given it). */
  readonly budget: RequestBudget;

  constructor(readonly options: ChainClientOptions) {
    this.budget = options.budget ?? new RequestBudget({ requestsPerMinute: options.requestsPerMinute });
    this.fetch = resilientFetch({ ...options, budget: this.budget });
    this.network = createNetwork({
      network: options.network ?? "testnet",
      client: { baseUrl: options.apiUrl, fetch: this.fetch },
    });
    this.api = createClient({ baseUrl: options.apiUrl, fetch: this.fetch });
  }

  /** A read-only call; Clarity runtime errors come back as errors, unreachable APIs as ChainUnavailableError. */
  async readOnly(
    contractId: string,
    functionName: string,
    functionArgs: ClarityValue[] = [],
    sender?: string,
  ): Promise<ClarityValue> {
    try {
      return await callReadOnly(this.network, contractId, functionName, functionArgs, sender);
    } catch (e) {
      if (e instanceof ChainUnavailableError) throw e;
      // A non-JSON or failed answer from a reachable API is also "chain unavailable" to a member.
      if (e instanceof Error && /fetch|json|Error calling read-only/i.test(e.message))
        throw new ChainUnavailableError(e.message);
      throw e;
    }
  }
}
