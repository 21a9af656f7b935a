const BPS = 10_000n;

const HALF_PERCENT = 50;
const ONE_PERCENT = 100;
const TWO_PERCENT = 200;
const FIVE_PERCENT = 500;
/** The slippage allowances the buy page offers, in basis points. */
export const SLIPPAGE_CHOICES_BPS = [HALF_PERCENT, ONE_PERCENT, TWO_PERCENT, FIVE_PERCENT] as const;
/** The one it offers first. */
export const DEFAULT_SLIPPAGE_BPS = ONE_PERCENT;

/**
 * The most a buyer lets purchase-coverage charge: the quoted premium and `slippageBps` of it on top, rounded up,
 * so a premium that moves a little between the quote and the block (utilization, a rate change) still goes
 * through, and one that moves more is refused by the contract (ERR-PREMIUM-ABOVE-MAX) rather than paid.
 */
export function maxPremium(premium: bigint, slippageBps: number): bigint {
  return premium + (premium * BigInt(slippageBps) + BPS - 1n) / BPS;
}

/**
 * The least a provider accepts from withdraw: the value of the shares asked for less `slippageBps` of it, rounded
 * down, so a share price that dips a little before the block (a claim approved) still pays, and one that falls
 * more is refused by the pool (ERR-BELOW-MIN-AMOUNT) rather than paid out short.
 */
export function leastAccepted(value: bigint, slippageBps: number): bigint {
  return (value * (BPS - BigInt(slippageBps))) / BPS;
}
