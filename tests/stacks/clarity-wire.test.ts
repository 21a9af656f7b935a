import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  addressToString,
  Cl,
  deserializeCV,
  serializeCVBytes,
  StacksWireType,
  type ClarityValue,
} from "@stacks/transactions";
import { ClarityWireError, decodeClarityValue } from "../../stacks/clarity-wire";

const U128 = 2n ** 128n - 1n;
const I128 = 2n ** 127n;
const VERSIONS = [22, 26, 20, 21];

const address = fc
  .record({ version: fc.constantFrom(...VERSIONS), hash: fc.uint8Array({ minLength: 20, maxLength: 20 }) })
  .map(({ version, hash }) =>
    addressToString({ type: StacksWireType.Address, version, hash160: Buffer.from(hash).toString("hex") }),
  );
const clarityName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_!?-]{0,39}$/);
const contractName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/);

/** Every kind of Clarity value, nested a few levels. */
const { value: clarityValue } = fc.letrec<{ value: ClarityValue; leaf: ClarityValue }>((tie) => ({
  leaf: fc.oneof(
    fc.bigInt(-I128, I128 - 1n).map(Cl.int),
    fc.oneof(fc.bigInt(0n, U128), fc.bigInt(0n, 2n ** 64n)).map(Cl.uint),
    fc.uint8Array({ maxLength: 80 }).map(Cl.buffer),
    fc.boolean().map(Cl.bool),
    address.map(Cl.standardPrincipal),
    fc.tuple(address, contractName).map(([a, n]) => Cl.contractPrincipal(a, n)),
    fc.constant(Cl.none()),
    fc
      .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 })
      .map(Cl.stringAscii),
    fc.string({ unit: "grapheme", maxLength: 30 }).map(Cl.stringUtf8),
  ),
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    tie("value").map(Cl.some),
    tie("value").map(Cl.ok),
    tie("value").map(Cl.error),
    fc.array(tie("value"), { maxLength: 4 }).map(Cl.list),
    fc.dictionary(clarityName, tie("value"), { maxKeys: 5 }).map(Cl.tuple),
  ),
}));

const bytesOf = (value: ClarityValue) => serializeCVBytes(value);

describe("Clarity's serialization, decoded for ingestion", () => {
  it("gives exactly the values @stacks/transactions' deserializeCV gives, for every kind of value", () => {
    fc.assert(
      fc.property(clarityValue, (value) => {
        const bytes = bytesOf(value);
        expect(decodeClarityValue(bytes)).toEqual(deserializeCV(bytes));
      }),
      { numRuns: 2_000 },
    );
  });

  it("decodes an event as the contracts print it, principals and amounts included", () => {
    const holder = "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG";
    const event = Cl.tuple({
      topic: Cl.stringAscii("policy-purchased"),
      holder: Cl.principal(holder),
      contract: Cl.principal(`${holder}.cybersecurity-insurance-defi`),
      "coverage-amount": Cl.uint(U128),
      loss: Cl.int(-I128),
    });
    expect(decodeClarityValue(bytesOf(event))).toEqual({
      type: "tuple",
      value: {
        topic: { type: "ascii", value: "policy-purchased" },
        holder: { type: "address", value: holder },
        contract: { type: "contract", value: `${holder}.cybersecurity-insurance-defi` },
        "coverage-amount": { type: "uint", value: U128 },
        loss: { type: "int", value: -I128 },
      },
    });
  });

  it("keeps every principal right past the cache's size (it is emptied when full)", () => {
    const many = fc.sample(address, 5_000);
    for (const a of many) expect(decodeClarityValue(bytesOf(Cl.standardPrincipal(a)))).toEqual(Cl.standardPrincipal(a));
  });

  it("refuses a value cut short anywhere, and bytes left after a value", () => {
    fc.assert(
      fc.property(clarityValue, (value) => {
        const bytes = bytesOf(value);
        for (let n = 0; n < bytes.length; n++) expect(() => decodeClarityValue(bytes.subarray(0, n))).toThrow();
        expect(() => decodeClarityValue(Uint8Array.from([...bytes, 0]))).toThrow(/1 bytes after the value/);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses an unknown type id, a buffer over 1 MiB, a value nested past 32, and a tuple key that is not a name", () => {
    expect(() => decodeClarityValue(Uint8Array.from([0x0f]))).toThrow(ClarityWireError);
    expect(() => decodeClarityValue(Uint8Array.from([0x02, 0x00, 0x10, 0x00, 0x01]))).toThrow(/1 MiB/);
    let deep: ClarityValue = Cl.none();
    for (let i = 0; i < 40; i++) deep = Cl.some(deep);
    expect(() => decodeClarityValue(bytesOf(deep))).toThrow(/nested deeper than 32/);
    // (tuple ("1x" none)): a key that starts with a digit is not a Clarity name.
    const badKey = Uint8Array.from([0x0c, 0, 0, 0, 1, 2, 0x31, 0x78, 0x09]);
    expect(() => decodeClarityValue(badKey)).toThrow(/not a valid Clarity name/);
  });
});
