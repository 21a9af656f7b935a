import pino, { type Logger, type DestinationStream } from "pino";

/**
 * The bot's logger (pino, JSON lines). Secrets (the Discord token, the API key, the keeper key) are
 * replaced by "[redacted]" wherever they appear: in fields, nested objects, error messages and the
 * message itself, so a stack trace or a URL can never carry one into a log.
 */
export function createLogger(options: { level?: string; secrets?: string[]; destination?: DestinationStream } = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const scrubText = (text: string) => secrets.reduce((t, s) => t.split(s).join("[redacted]"), text);
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return scrubText(value);
    if (depth > 6 || value === null || typeof value !== "object") return value;
    if (value instanceof Error) return { type: value.name, message: scrubText(value.message), stack: scrubText(value.stack ?? "") };
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  return pino({
    level: options.level ?? "info",
    base: { service: "cover-bot" },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === "string" ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  }, options.destination ?? pino.destination(1));
}

export type { Logger };
