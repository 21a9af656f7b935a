import { ClarityType, type ClarityValue } from "@stacks/transactions";

/**
 * Clarity's rule for a string-ascii byte (`Value::string_ascii_from_bytes`): ASCII letters, digits,
 * punctuation and whitespace (space, tab, line feed, form feed, carriage return). A node refuses any
 * other byte when it decodes the value; @stacks/transactions does not, and the Clarinet simnet panics.
 */
const allowed = (code: number) => (code >= 0x21 && code <= 0x7e) || [0x20, 0x09, 0x0a, 0x0c, 0x0d].includes(code);

/** The first byte a node would refuse in a string-ascii inside `value` (at any depth), or null. */
export function badAsciiByte(value: ClarityValue): { byte: number; index: number } | null {
  switch (value.type) {
    case ClarityType.StringASCII: {
      // @stacks/transactions decodes string-ascii bytes one to one into char codes.
      for (let i = 0; i < value.value.length; i++) {
        const code = value.value.charCodeAt(i);
        if (!allowed(code)) return { byte: code, index: i };
      }
      return null;
    }
    case ClarityType.List:
      for (const item of value.value) {
        const bad = badAsciiByte(item);
        if (bad) return bad;
      }
      return null;
    case ClarityType.Tuple:
      for (const item of Object.values(value.value)) {
        const bad = badAsciiByte(item);
        if (bad) return bad;
      }
      return null;
    case ClarityType.OptionalSome:
    case ClarityType.ResponseOk:
    case ClarityType.ResponseErr:
      return badAsciiByte(value.value);
    default:
      return null;
  }
}
