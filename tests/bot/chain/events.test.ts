import { describe, it, expect } from "vitest";
import { Cl, serializeCV } from "@stacks/transactions";
import { decodeLog } from "../../../bot/chain/events";
import { toJson, fromJson } from "../../../bot/index/json-values";

const CONTRACT = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.insurance-council";
const entry = (hex: string) => ({ tx_id: `0x${"01".repeat(32)}`, event_index: 0, contract_log: { value: { hex } } });

describe("a contract log's value from the API", () => {
  it("decodes with or without its 0x, and refuses anything but whole bytes of hex before decoding", () => {
    const value = serializeCV(Cl.tuple({ topic: Cl.stringAscii("no-such-topic") }));
    // Hex throughout: decoded, then refused by the bindings as an unknown topic (null, logged).
    expect(decodeLog(CONTRACT, entry(`0x${value}`), 1)).toBeNull();
    expect(decodeLog(CONTRACT, entry(value), 1)).toBeNull();
    for (const bad of [`0x${value}a`, `0x${value.slice(0, 10)}zz${value.slice(12)}`, "0x 0c", "0X0c", `${value}\n`])
      expect(() => decodeLog(CONTRACT, entry(bad), 1), bad.slice(0, 20)).toThrow(/not a serialized Clarity value/);
  });
});

describe("the index's JSON", () => {
  it("keeps bigints, nested in objects and lists, apart from strings that look like them", () => {
    const record = { a: 1n, list: [2n, { b: 3n }], text: "4", tag: { $bigint: "5", extra: 1 }, none: null };
    const back = fromJson<typeof record>(toJson(record));
    expect(back).toEqual(record);
    expect(typeof back.text).toBe("string");
  });
});
