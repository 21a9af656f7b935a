import { ConfigError } from "../config";
import { publicUrl } from "../redact";
import { ChainUnavailableError } from "./stacks-client";

const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 10_000;

export type WaitOptions = {
  /** One request, as the bot makes them (API key, timeout), without retries of its own. */
  fetch: typeof fetch;
  apiUrl: string;
  attempts: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (info: { attempt: number; detail: string; delayMs: number }) => void;
};

/**
 * Start-up's first contact with the chain: a few attempts with doubling pauses (0.5 s, 1 s, 2 s, … at
 * most 10 s), so a chain that is still starting is waited for, and then one ConfigError naming
 * STACKS_API_URL, so a wrong or dead URL stops the bot with one line instead of a bot that runs deaf.
 * Any answer below 500 counts as reachable: what the bot reads next reports its own errors.
 */
export async function waitForChain(options: WaitOptions): Promise<void> {
  const base = options.baseDelayMs ?? FIRST_PAUSE_MS;
  const max = options.maxDelayMs ?? LONGEST_PAUSE_MS;
  let detail = "no attempt";
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      const response = await options.fetch(`${options.apiUrl}/v2/info`);
      await response.body?.cancel();
      return;
    } catch (e) {
      detail = (e instanceof ChainUnavailableError ? e.detail : e instanceof Error ? e.message : String(e)).replace(
        /\s+/g,
        " ",
      );
    }
    if (attempt < options.attempts) {
      const delayMs = Math.min(base * 2 ** (attempt - 1), max);
      options.onRetry?.({ attempt, detail, delayMs });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  const tries = options.attempts === 1 ? "1 attempt" : `${options.attempts} attempts`;
  throw new ConfigError(
    `STACKS_API_URL is unreachable: ${publicUrl(options.apiUrl)} did not answer ${tries} (${detail})`,
  );
}
