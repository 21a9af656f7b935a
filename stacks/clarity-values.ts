import { ClarityType, cvToValue, type ClarityValue } from "@stacks/transactions";
import { camelName } from "./clarity-types";

/**
 * Clarity values as plain JavaScript, the one way every part of the project reads them: uint/int as
 * bigint, tuples as objects, lists as arrays, (some x) and (ok x) as x, none as null, principals and
 * strings as strings, buffers as 0x-hex. An (err …) is returned as { error: code } so callers decide.
 * Its shape is unknown to the compiler until checked: stacks/contract-values.ts checks it with zod.
 */
export function toPlain(value: ClarityValue): unknown {
  switch (value.type) {
    case ClarityType.UInt:
    case ClarityType.Int:
      return BigInt(value.value);
    case ClarityType.OptionalNone:
      return null;
    case ClarityType.OptionalSome:
    case ClarityType.ResponseOk:
      return toPlain(value.value);
    case ClarityType.ResponseErr:
      return { error: toPlain(value.value) };
    case ClarityType.Tuple:
      return Object.fromEntries(Object.entries(value.value).map(([k, v]) => [k, toPlain(v)]));
    case ClarityType.List:
      return value.value.map(toPlain);
    case ClarityType.Buffer:
      return `0x${value.value}`;
    default:
      return cvToValue(value);
  }
}

export function isErr(value: ClarityValue): boolean {
  return value.type === ClarityType.ResponseErr;
}

/** Tuples (nested too) with camelCase keys, as the bot's objects name them. */
export function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelName(k), camelize(v)]));
  }
  return value;
}
