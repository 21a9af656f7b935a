/**
 * Discord's per-route rate limits, as the real API reports them: every answer carries the bucket
 * headers, and a request over the limit gets 429 with Retry-After (and Remaining 0 / Reset-After, so
 * discord.js waits it out). Buckets are keyed by route and major parameter (the channel), like Discord's.
 */
export type LimitRule = {
  match: (method: string, path: string) => string | null;
  limit: number;
  windowMs: number;
  bucket: string;
};

export const CHANNEL_MESSAGE_LIMIT = { limit: 5, windowMs: 5_000 };

/** Discord's documented shape: 5 messages (create or edit) per 5 s per channel. */
export function defaultRules(channelLimit = CHANNEL_MESSAGE_LIMIT): LimitRule[] {
  return [
    {
      bucket: "channel-messages",
      limit: channelLimit.limit,
      windowMs: channelLimit.windowMs,
      match: (method, path) => {
        const m = /^\/channels\/(\d+)\/messages(?:\/\d+)?$/.exec(path);
        return m && (method === "POST" || method === "PATCH") ? `channel-messages:${m[1]}` : null;
      },
    },
  ];
}

type Window = { start: number; count: number };

export class RateLimiter {
  private windows = new Map<string, Window>();
  /** Every 429 sent, for tests to count. */
  readonly limited: { key: string; at: number }[] = [];

  constructor(
    readonly rules: LimitRule[],
    private now: () => number = Date.now,
  ) {}

  /** Headers for the response, and whether the request is over the limit. */
  check(method: string, path: string): { headers: Record<string, string>; limited: boolean } {
    for (const rule of this.rules) {
      const key = rule.match(method, path);
      if (!key) continue;
      const t = this.now();
      let w = this.windows.get(key);
      if (!w || t - w.start >= rule.windowMs) {
        w = { start: t, count: 0 };
        this.windows.set(key, w);
      }
      const resetAfter = Math.max(0, (w.start + rule.windowMs - t) / 1000);
      const base = {
        "x-ratelimit-limit": String(rule.limit),
        "x-ratelimit-bucket": rule.bucket,
        "x-ratelimit-reset": ((w.start + rule.windowMs) / 1000).toFixed(3),
        "x-ratelimit-reset-after": resetAfter.toFixed(3),
      };
      if (w.count >= rule.limit) {
        this.limited.push({ key, at: t });
        return {
          limited: true,
          headers: {
            ...base,
            "x-ratelimit-remaining": "0",
            "retry-after": resetAfter.toFixed(3),
            "x-ratelimit-scope": "user",
          },
        };
      }
      w.count += 1;
      return { limited: false, headers: { ...base, "x-ratelimit-remaining": String(rule.limit - w.count) } };
    }
    return { limited: false, headers: {} };
  }
}
