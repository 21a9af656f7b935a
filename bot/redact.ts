/**
 * Keeping secrets out of text and values: the logger runs everything it writes through a redactor, and
 * start-up lines print URLs through publicUrl(). Secrets are matched in the spellings they turn up in:
 * as given, percent-encoded (a URL in a query), JSON-escaped, hex keys in either case and with or without
 * the `01` compression suffix. Any URL's user:password@ part is redacted whatever it is.
 */

export const REDACTED = "[redacted]";
/** Values nested deeper than this are replaced, never passed through unredacted. */
const MAX_DEPTH = 64;
/** Shorter values would redact ordinary words; no real secret is this short. */
const MIN_SECRET = 4;
/** Pieces of a URL (query values, path segments, user names) this long or longer are treated as keys. */
const MIN_URL_KEY = 8;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HEX_KEY = /^([0-9a-f]{64})(01)?$/i;
/** scheme://user:password@ in any URL. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

export type Redactor = { text(s: string): string; value(v: unknown): unknown };

export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const exact = new Set<string>();
  const anyCase = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET) continue;
    // A private key is the same key in upper case, and with or without its compression suffix.
    const key = HEX_KEY.exec(secret);
    if (key) {
      anyCase.add(`${key[1]}(?:01)?`);
      continue;
    }
    if (/^[0-9a-f]{16,}$/i.test(secret)) {
      anyCase.add(escapeRegExp(secret));
      continue;
    }
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
      exact.add(escapeRegExp(form));
  }
  // Longest first, so that a secret containing another is replaced whole.
  const build = (set: Set<string>, flags: string) =>
    set.size ? new RegExp([...set].sort((a, b) => b.length - a.length).join("|"), flags) : null;
  const exactRe = build(exact, "g");
  const anyCaseRe = build(anyCase, "gi");

  const text = (s: string) => {
    let out = s;
    if (anyCaseRe) out = out.replace(anyCaseRe, REDACTED);
    if (exactRe) out = out.replace(exactRe, REDACTED);
    return out.replace(USERINFO, `$1${REDACTED}@`);
  };

  // `ancestors` holds the objects on the path from the root: a cycle is cut, a shared object is not.
  const walk = (v: unknown, depth: number, ancestors: Set<object>): unknown => {
    if (typeof v === "string") return text(v);
    if (v === null || typeof v !== "object") return v;
    if (ancestors.has(v)) return "[circular]";
    if (depth >= MAX_DEPTH) return "[too deep]";
    ancestors.add(v);
    try {
      if (v instanceof Error) return errorValue(v, depth, ancestors);
      if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1, ancestors));
      if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
      if (v instanceof Date) return v;
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return walk(toJSON.call(v), depth + 1, ancestors);
      if (v instanceof Map) return walk(Object.fromEntries(v), depth + 1, ancestors);
      if (v instanceof Set) return walk([...v], depth + 1, ancestors);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x, depth + 1, ancestors)]));
    } finally {
      ancestors.delete(v);
    }
  };

  /** An error as data: its type, message and stack, and what says why (code, status, cause, any own field). */
  const errorValue = (e: Error, depth: number, ancestors: Set<object>) => {
    const out: Record<string, unknown> = {
      type: e.constructor?.name || e.name,
      message: text(e.message ?? ""),
      stack: text(e.stack ?? ""),
    };
    for (const [k, x] of Object.entries(e)) if (!(k in out)) out[text(k)] = walk(x, depth + 1, ancestors);
    if (e.cause !== undefined) out.cause = walk(e.cause, depth + 1, ancestors);
    if (e instanceof AggregateError) out.errors = walk(e.errors, depth + 1, ancestors);
    return out;
  };

  return { text, value: (v) => walk(v, 0, new Set()) };
}

/**
 * The parts of a URL that may carry a key: its user name and password, its query values and its path
 * (a provider's key is often a path segment). Empty for a plain origin such as https://api.hiro.so.
 */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const path = u.pathname.replace(/\/+$/, "");
  if (!u.username && !u.password && !u.search && !path) return [];
  const pieces = [url, url.replace(/\/+$/, ""), u.search.slice(1), path];
  if (u.password) pieces.push(decodeURIComponent(u.password), u.password);
  if (u.username.length >= MIN_URL_KEY) pieces.push(decodeURIComponent(u.username), u.username);
  for (const [, value] of u.searchParams) if (value.length >= MIN_URL_KEY) pieces.push(value);
  for (const segment of path.split("/")) if (segment.length >= MIN_URL_KEY) pieces.push(decodeURIComponent(segment));
  return [...new Set(pieces.filter((p) => p.length >= MIN_SECRET))];
}

/** True when a URL carries nothing beyond its origin that could be a credential. */
export function isBareOrigin(url: string): boolean {
  return urlSecrets(url).length === 0;
}

/** A URL as it may be printed: the origin, with whatever else it carried shown as redacted. */
export function publicUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return REDACTED;
  }
  const userinfo = u.username || u.password ? `${REDACTED}@` : "";
  const path = u.pathname.replace(/\/+$/, "") ? `/${REDACTED}` : "";
  return `${u.protocol}//${userinfo}${u.host}${path}${u.search ? `?${REDACTED}` : ""}`;
}
