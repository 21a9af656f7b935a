import { DIRECTION_CONTROLS, safeLinkTarget } from "../format/untrusted";

/**
 * The one way the web server writes HTML and SVG: the `html` tagged template escapes every value it
 * interpolates unless that value is itself the output of `html` (or of `raw`, for the few constant
 * fragments such as style sheets). So a chain-chosen string cannot become markup by forgetting to
 * call an escape function; markup must be built on purpose.
 */

/** Characters escaped as code points are written in hexadecimal; a \u escape has four hex digits. */
const HEX_RADIX = 16;
const UNICODE_ESCAPE_DIGITS = 4;

const SAFE = Symbol("safe-html");
export type SafeHtml = { readonly [SAFE]: true; readonly text: string; toString(): string };

const make = (text: string): SafeHtml => ({ [SAFE]: true, text, toString: () => text });
const isSafe = (value: unknown): value is SafeHtml => typeof value === "object" && value !== null && SAFE in value;

/**
 * Text made safe inside element content and quoted attribute values (HTML and XML alike). Direction
 * overrides and isolates are dropped: chain text has no use for them, and they make "gnp.exe" read as
 * "exe.png".
 */
export function escapeText(text: string): string {
  return text
    .replace(DIRECTION_CONTROLS, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

type Value = SafeHtml | string | number | bigint | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  if (isSafe(value)) return value.text;
  return escapeText(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return make(out);
}

/** Trusted constant markup only (never anything derived from a request or the chain). */
export const raw = (text: string): SafeHtml => make(text);

/**
 * The one way a page links a URI: only https (or ipfs through the gateway) becomes an href, by the
 * same rule as Discord (safeLinkTarget); anything else is shown as inert text.
 */
export function htmlLink(label: string, uri: string): SafeHtml {
  const target = safeLinkTarget(uri);
  return target
    ? html`<a href="${target}" rel="noopener noreferrer">${label}</a>`
    : html`<span class="inert">${uri}</span> (not a link)`;
}

/**
 * A path on this server with one chain-chosen segment (a protocol name), percent-encoded, including the
 * characters encodeURIComponent leaves alone that Markdown reads ("(", ")", "!", "'", "*").
 */
export const pathSegment = (segment: string) =>
  encodeURIComponent(segment).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(HEX_RADIX).toUpperCase()}`);

/**
 * A value as a non-executed JSON data block for a page's script. JSON is not entity-decoded inside
 * <script>, so it is not HTML-escaped; instead every "<", ">" and "&" becomes a \u escape, so no value
 * can close the element or open a comment.
 */
export function jsonScript(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(HEX_RADIX).padStart(UNICODE_ESCAPE_DIGITS, "0")}`,
  );
  return make(`<script type="application/json" id="${escapeText(id)}">${json}</script>`);
}

/** Chain times are Unix seconds; JavaScript's are milliseconds. */
export const MS_PER_SECOND = 1000;
/** A chain time (Unix seconds) as a page shows it in full, e.g. "Fri, 04 Dec 2026 00:00:00 GMT". */
export const utcTime = (seconds: number) => new Date(seconds * MS_PER_SECOND).toUTCString();
/** A chain time (Unix seconds) as its day, e.g. "2026-12-04". */
export const isoDay = (seconds: number) =>
  new Date(seconds * MS_PER_SECOND).toISOString().slice(0, "YYYY-MM-DD".length);
