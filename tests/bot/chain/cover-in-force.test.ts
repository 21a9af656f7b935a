import { describe, it, expect } from "vitest";
import { coverInForce, listingVerdict } from "../../../bot/chain/cover-in-force";
import type { Policy } from "../../../bot/chain/protocol-reader";

const policy = (p: Partial<Policy>): Policy => ({
  id: 1n,
  holder: "ST1",
  protocolId: 1n,
  coverageAmount: 100n,
  premium: 1n,
  rateBps: 200n,
  tier: 1n,
  durationDays: 30n,
  purchasedAt: 0n,
  activeFrom: 100n,
  endsAt: 1_000n,
  remainingCover: 100n,
  totalPaid: 0n,
  capitalPremium: 1n,
  claimsPauseClock: 0n,
  status: "active",
  ...p,
});

describe("cover in force", () => {
  it("counts a policy only between the end of its waiting period and its end", () => {
    const p = [policy({})];
    expect(coverInForce(p, 99n)).toEqual({ inForce: 0n, waiting: 100n, startsAt: 100n });
    expect(coverInForce(p, 100n)).toEqual({ inForce: 100n, waiting: 0n, startsAt: null });
    expect(coverInForce(p, 999n).inForce).toBe(100n);
    expect(coverInForce(p, 1_000n)).toEqual({ inForce: 0n, waiting: 0n, startsAt: null });
  });

  it("ignores a policy past its end though still active on-chain, and expired or exhausted ones", () => {
    const p = [
      policy({ endsAt: 50n, activeFrom: 10n }),
      policy({ status: "expired" }),
      policy({ status: "exhausted", remainingCover: 0n }),
      policy({ remainingCover: 40n }),
    ];
    expect(coverInForce(p, 200n)).toEqual({ inForce: 40n, waiting: 0n, startsAt: null });
  });

  it("reports the earliest start of the cover still waiting", () => {
    expect(
      coverInForce([policy({ activeFrom: 300n }), policy({ activeFrom: 200n, remainingCover: 5n })], 150n),
    ).toEqual({ inForce: 0n, waiting: 105n, startsAt: 200n });
  });

  it("gives the verdict a badge shows, a listing that is not approved first and an open claim next", () => {
    const inForce = { inForce: 1n, waiting: 0n, startsAt: null };
    const waiting = { inForce: 0n, waiting: 1n, startsAt: 5n };
    const none = { inForce: 0n, waiting: 0n, startsAt: null };
    expect(listingVerdict("pending", inForce, 1)).toBe("not listed");
    expect(listingVerdict("delisted", inForce, 0)).toBe("not listed");
    expect(listingVerdict("active", inForce, 1)).toBe("claim open");
    expect(listingVerdict("paused", inForce, 0)).toBe("insured");
    expect(listingVerdict("active", waiting, 0)).toBe("cover starting");
    expect(listingVerdict("active", none, 0)).toBe("not insured");
  });
});
