/** The premium formula of `cybersecurity-insurance-defi`, in TypeScript, for tests and models. */
const BPS = 10_000n;
const divCeil = (a: bigint, b: bigint) => (a === 0n ? 0n : (a - 1n) / b + 1n);

export function expectedPremium(p: {
  amount: bigint; days: bigint; rateBps: bigint; activeCover: bigint; capacity: bigint; slopeBps: bigint;
}): bigint {
  const base = divCeil(p.amount * p.rateBps * p.days, 365n * BPS);
  const utilization = p.capacity === 0n ? BPS : ((p.activeCover + p.amount) * BPS) / p.capacity;
  const surcharge = (utilization * p.slopeBps) / BPS;
  return divCeil(base * (BPS + surcharge), BPS);
}
