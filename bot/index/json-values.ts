/**
 * JSON for the index's records, which hold bigints (micro-STX, weights): a bigint is written as
 * `{"$bigint":"123"}`, an object no string from the chain can turn into, and read back as a bigint.
 */
const TAG = "$bigint";

/** Bigints tagged before JSON.stringify sees them: a library may define BigInt.prototype.toJSON, which runs first. */
function tagged(value: unknown): unknown {
  if (typeof value === "bigint") return { [TAG]: value.toString() };
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(tagged);
  // A loop, not entries → map → fromEntries: every event's record passes here.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = tagged((value as Record<string, unknown>)[key]);
  return out;
}

export const toJson = (value: unknown): string => JSON.stringify(tagged(value));

export const fromJson = <T>(text: string): T =>
  JSON.parse(text, (_key, v) =>
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    typeof v[TAG] === "string" &&
    Object.keys(v).length === 1
      ? BigInt(v[TAG])
      : v,
  ) as T;
