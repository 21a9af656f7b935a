import type { ClarityValue } from "@stacks/transactions";
import { callReadOnly } from "../../stacks/read-only";
import { createNetwork, type StacksNetwork } from "@stacks/network";
import { createClient } from "@stacks/blockchain-api-client";
import { constants as http } from "node:http2";
import { DEFAULT_CHAIN_TIMEOUT_MS } from "../config";

/**
 * The one way the bot reaches the chain: read-only calls through @stacks/transactions, contract logs
 * and transactions through @stacks/blockchain-api-client, all over one fetch that adds the API key,
 * times out, and retries network failures and 5xx/429 answers with backoff. When the chain still
 * cannot be read, callers get a ChainUnavailableError they can explain to a member.
 */

/** The first pause before a retry; each later one doubles it (with up to half again of jitter). */
const RETRY_BASE_DELAY_MS = 250;

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
};

export function resilientFetch(options: ChainClientOptions): typeof fetch {
  const retries = options.retries ?? 2;
  const baseDelay = options.baseDelayMs ?? RETRY_BASE_DELAY_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHAIN_TIMEOUT_MS;
  return async (input, init) => {
    let last = "no attempt";
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0)
        await new Promise((r) => setTimeout(r, baseDelay * 2 ** (attempt - 1) * (1 + Math.random() / 2)));
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (options.apiKey) headers.set("x-api-key", options.apiKey);
      try {
        const response = await fetch(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
        if (
          response.status >= http.HTTP_STATUS_INTERNAL_SERVER_ERROR ||
          response.status === http.HTTP_STATUS_TOO_MANY_REQUESTS
        ) {
          last = `HTTP ${response.status}`;
          continue;
        }
        return response;
      } catch (e) {
        last =
          e instanceof Error
            ? e.name === "TimeoutError"
              ? `no answer within ${timeoutMs} ms`
              : ((e.cause as Error)?.message ?? e.message)
            : String(e);
      }
    }
    throw new ChainUnavailableError(last);
  };
}

export class StacksClient {
  readonly network: StacksNetwork;
  readonly api: ReturnType<typeof createClient>;
  readonly fetch: typeof fetch;

  constructor(readonly options: ChainClientOptions) {
    this.fetch = resilientFetch(options);
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
