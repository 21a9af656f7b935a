import { addressToString, ClarityType, StacksWireType, tupleCV, type ClarityValue } from "@stacks/transactions";

/**
 * Clarity's consensus serialization decoded into the same values `@stacks/transactions`' `deserializeCV`
 * returns (tests/stacks/clarity-wire.test.ts compares the two on generated values), for the one path that decodes
 * every event the contracts print: ingestion. The library's decoder went through hex text for every integer,
 * buffer and principal and hashed each principal's checksum afresh, about 40–70 µs an event, a third of what
 * ingestion may spend on one; here integers are read as 64-bit halves, text natively, and principals, which
 * recur (a handful of holders and contracts print most events), are encoded once each by the library's own
 * `addressToString`. It is stricter where the library is lax: a value that ends early, or bytes left over after
 * it, is refused.
 */

/** Serialization type ids (SIP-005). */
const WIRE = {
  int: 0x00,
  uint: 0x01,
  buffer: 0x02,
  true: 0x03,
  false: 0x04,
  standard: 0x05,
  contract: 0x06,
  ok: 0x07,
  err: 0x08,
  none: 0x09,
  some: 0x0a,
  list: 0x0b,
  tuple: 0x0c,
  ascii: 0x0d,
  utf8: 0x0e,
} as const;

/** Clarity's own bound on a buffer (the library's bufferCV refuses more), and on nesting a value can have. */
const MAX_BUFFER = 1_048_576;
const MAX_DEPTH = 32;
const HASH160 = 20;
/** A tuple key's longest length, and a contract name's (the library refuses 128 bytes there). */
const MAX_NAME = 128;
const MAX_CONTRACT_NAME = 127;
/** Bytes of a length prefix, of a 128-bit integer and of its halves; its bits. */
const U32 = 4;
const U128 = 16;
const HALF = 8;
const BITS = 128;
const WORD = 64n;

/** Principals by their version byte and hash: encoded once each, the cache emptied when it is full. */
const ADDRESSES_KEPT = 4_096;
const addresses = new Map<string, string>();

export class ClarityWireError extends Error {
  override readonly name = "ClarityWireError";
}

class Reader {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  take(n: number): number {
    const from = this.at;
    if (from + n > this.bytes.length) throw new ClarityWireError(`value ends early: ${n} bytes wanted at ${from}`);
    this.at = from + n;
    return from;
  }

  u8(): number {
    return this.bytes[this.take(1)]!;
  }

  u32(): number {
    return this.bytes.readUInt32BE(this.take(U32));
  }

  u128(): bigint {
    const at = this.take(U128);
    const high = this.bytes.readBigUInt64BE(at);
    const low = this.bytes.readBigUInt64BE(at + HALF);
    return high === 0n ? low : (high << WORD) | low;
  }

  address(): string {
    const at = this.take(1 + HASH160);
    const key = this.bytes.toString("hex", at, at + 1 + HASH160);
    let text = addresses.get(key);
    if (text === undefined) {
      if (addresses.size >= ADDRESSES_KEPT) addresses.clear();
      text = addressToString({ type: StacksWireType.Address, version: this.bytes[at]!, hash160: key.slice(2) });
      addresses.set(key, text);
    }
    return text;
  }

  /** A length-prefixed name (tuple keys, contract names): one length byte, then at most `max` bytes of text. */
  name(max: number): string {
    const length = this.u8();
    if (length > max) throw new ClarityWireError(`name longer than ${max} bytes: ${length}`);
    const at = this.take(length);
    return this.bytes.toString("utf8", at, at + length);
  }
}

function read(r: Reader, depth: number): ClarityValue {
  if (depth > MAX_DEPTH) throw new ClarityWireError(`value nested deeper than ${MAX_DEPTH}`);
  const type = r.u8();
  switch (type) {
    case WIRE.int:
      return { type: ClarityType.Int, value: BigInt.asIntN(BITS, r.u128()) };
    case WIRE.uint:
      return { type: ClarityType.UInt, value: r.u128() };
    case WIRE.buffer: {
      const length = r.u32();
      if (length > MAX_BUFFER) throw new ClarityWireError(`buffer longer than 1 MiB: ${length}`);
      const at = r.take(length);
      return { type: ClarityType.Buffer, value: r.bytes.toString("hex", at, at + length) };
    }
    case WIRE.true:
      return { type: ClarityType.BoolTrue };
    case WIRE.false:
      return { type: ClarityType.BoolFalse };
    case WIRE.standard:
      return { type: ClarityType.PrincipalStandard, value: r.address() };
    case WIRE.contract: {
      const address = r.address();
      return { type: ClarityType.PrincipalContract, value: `${address}.${r.name(MAX_CONTRACT_NAME)}` };
    }
    case WIRE.ok:
      return { type: ClarityType.ResponseOk, value: read(r, depth + 1) };
    case WIRE.err:
      return { type: ClarityType.ResponseErr, value: read(r, depth + 1) };
    case WIRE.none:
      return { type: ClarityType.OptionalNone };
    case WIRE.some:
      return { type: ClarityType.OptionalSome, value: read(r, depth + 1) };
    case WIRE.list: {
      const length = r.u32();
      const items: ClarityValue[] = [];
      for (let i = 0; i < length; i++) items.push(read(r, depth + 1));
      return { type: ClarityType.List, value: items };
    }
    case WIRE.tuple: {
      const length = r.u32();
      const fields: Record<string, ClarityValue> = {};
      for (let i = 0; i < length; i++) {
        const key = r.name(MAX_NAME);
        fields[key] = read(r, depth + 1);
      }
      // The library's constructor checks each key is a Clarity name.
      return tupleCV(fields);
    }
    case WIRE.ascii: {
      const length = r.u32();
      const at = r.take(length);
      return { type: ClarityType.StringASCII, value: r.bytes.toString("latin1", at, at + length) };
    }
    case WIRE.utf8: {
      const length = r.u32();
      const at = r.take(length);
      return { type: ClarityType.StringUTF8, value: r.bytes.toString("utf8", at, at + length) };
    }
    default:
      throw new ClarityWireError(`unknown Clarity type id ${type} at ${r.at - 1}`);
  }
}

/** One serialized value, the whole of `bytes`. */
export function decodeClarityValue(bytes: Uint8Array): ClarityValue {
  const r = new Reader(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const value = read(r, 0);
  if (r.at !== r.bytes.length) throw new ClarityWireError(`${r.bytes.length - r.at} bytes after the value`);
  return value;
}
