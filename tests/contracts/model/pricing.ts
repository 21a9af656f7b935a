/** The premium formula of `cybersecurity-insurance-defi`, in TypeScript, for tests and models. */
const BPS = 10_000n;
const divCeil = (a: bigint, b: bigint) => (a === 0n ? 0n : (a - 1n) / b + 1n);

export function expectedPremium(p: {
  amount: bigint;
  days: bigint;
  rateBps: bigint;
  activeCover: bigint;
  capacity: bigint;
  slopeBps: bigint;
}): bigint {
  const base = divCeil(p.amount * p.rateBps * p.days, 365n * BPS);
  // The surcharge is charged on the mean of the utilization before and after the purchase.
  const surcharge =
    p.capacity === 0n
      ? divCeil(base * p.slopeBps, BPS)
      : divCeil(base * p.slopeBps * (2n * p.activeCover + p.amount), 2n * p.capacity * BPS);
  return base + surcharge;
}
