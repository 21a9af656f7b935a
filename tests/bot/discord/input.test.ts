import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseStxAmount, parseAddress } from "../../../bot/discord/input";
import { UserError } from "../../../bot/discord/errors";
import { formatStx } from "../../../bot/format/stx";

describe("amounts members type", () => {
  it("accepts plain, grouped and decimal STX", () => {
    expect(parseStxAmount("250000")).toBe(250_000_000_000n);
    expect(parseStxAmount("250,000")).toBe(250_000_000_000n);
    expect(parseStxAmount(" 1_500.5 STX ")).toBe(1_500_500_000n);
    expect(parseStxAmount("0.000001")).toBe(1n);
  });

  it.each(["0", "0.0", "-5", "1e6", "abc", "1.0000001", "", "2000000000"])("refuses %j with a message", (text) => {
    expect(() => parseStxAmount(text)).toThrow(UserError);
  });

  it("reads back whatever the bot shows", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1_000_000_000n * 1_000_000n }), (micro) => {
        expect(parseStxAmount(formatStx(micro))).toBe(micro);
      }),
    );
  });
});

describe("addresses members paste", () => {
  it("accepts standard and contract principals of the bot's network", () => {
    expect(parseAddress(" ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM ", false)).toBe(
      "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM",
    );
    expect(parseAddress("ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM.capital-pool", false)).toContain(".capital-pool");
    expect(parseAddress("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", true)).toBe(
      "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7",
    );
  });

  it("refuses bad checksums, garbage, and the other network", () => {
    expect(() => parseAddress("ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGN", false)).toThrow(/is not a Stacks address/);
    expect(() => parseAddress("hello", false)).toThrow(/is not a Stacks address/);
    expect(() => parseAddress("SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7", false)).toThrow(/is a mainnet address/);
    expect(() => parseAddress("ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM", true)).toThrow(/is a testnet address/);
  });
});
