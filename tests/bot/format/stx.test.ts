import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { formatStx, formatBps, formatShares } from "../../../bot/format/stx";

describe("formatStx", () => {
  it("shows STX with thousands separators and drops trailing zeros", () => {
    expect(formatStx(0n)).toBe("0 STX");
    expect(formatStx(1n)).toBe("0.000001 STX");
    expect(formatStx(1_500_000n)).toBe("1.5 STX");
    expect(formatStx(250_000_000_000n)).toBe("250,000 STX");
    expect(formatStx(1_234_567_890_123n)).toBe("1,234,567.890123 STX");
    expect(formatStx(-2_000_000n)).toBe("-2 STX");
  });

  it("truncates to the decimals asked for", () => {
    expect(formatStx(1_234_567n, { maxDecimals: 2 })).toBe("1.23 STX");
  });

  it("round-trips any amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (micro) => {
        const text = formatStx(micro).replace(" STX", "").replaceAll(",", "");
        const [whole, fraction = ""] = text.split(".");
        expect(BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, "0"))).toBe(micro);
      }),
    );
  });
});

describe("formatBps and formatShares", () => {
  it("show basis points as percentages", () => {
    expect(formatBps(200n)).toBe("2%");
    expect(formatBps(1250)).toBe("12.5%");
    expect(formatBps(1248)).toBe("12.48%");
  });

  it("show share units as whole shares", () => {
    expect(formatShares(1_000_000n * 10n ** 12n)).toBe("1,000,000");
    expect(formatShares(15n * 10n ** 11n)).toBe("1.5");
  });
});
