import pino, { type Logger, type DestinationStream } from "pino";
import { createRedactor, type Redactor } from "./redact";

/**
 * The bot's logger (pino, JSON lines). Secrets (the Discord token, the API key, the keeper key, the
 * key-bearing parts of an API URL) are replaced by "[redacted]" wherever they appear: in fields at any
 * depth, child-logger bindings, error messages, stacks and causes, interpolated arguments and the
 * message itself. Errors keep what explains them (type, code, status, cause), redacted too.
 */
export function createLogger(
  options: { level?: string; secrets?: (string | undefined)[]; destination?: DestinationStream } = {},
): Logger {
  const redact = createRedactor(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "cover-bot" },
      // The redactor has already made errors into data (keeping type, code, status and cause);
      // pino's own serializer would take that for an error again and lose them.
      serializers: { err: (value: unknown) => value },
      formatters: {
        log: (object) => asFields(redact.value(object)),
        bindings: (bindings) => asFields(redact.value(bindings)),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactArgs(args, redact) as Parameters<typeof method>);
        },
      },
    },
    redactedStream(options.destination ?? pino.destination(1), redact),
  );
}

/** pino needs an object back; a logged value whose toJSON gives something else is kept under `value`. */
const asFields = (value: unknown) =>
  (value !== null && typeof value === "object" && !Array.isArray(value) ? value : { value }) as Record<string, unknown>;

/** The message and interpolated values (`log.info("%o", x)` is stringified by pino, past the formatters). */
function redactArgs(args: unknown[], redact: Redactor): unknown[] {
  const [first, ...rest] = args;
  // An error logged alone: pino would take its message as the line's message, unredacted.
  if (first instanceof Error)
    return [{ err: first }, ...(rest.length ? rest : [first.message]).map((a) => redact.value(a))];
  if (typeof first === "string") return [redact.text(first), ...rest.map((a) => redact.value(a))];
  return [first, ...rest.map((a) => redact.value(a))];
}

/** The last line of defence: every line is redacted as text before it is written. */
function redactedStream(destination: DestinationStream, redact: Redactor): DestinationStream {
  const stream = destination as DestinationStream & { flushSync?: () => void; flush?: (cb?: () => void) => void };
  return {
    write: (line: string) => stream.write(redact.text(line)),
    ...(stream.flushSync ? { flushSync: () => stream.flushSync!() } : {}),
    ...(stream.flush ? { flush: (cb?: () => void) => stream.flush!(cb) } : {}),
  } as DestinationStream;
}

export type { Logger };
