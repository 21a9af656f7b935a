/** STX has 6 decimals: one STX is 1,000,000 micro-STX. */
export const STX_DECIMALS = 6;
export const MICRO_PER_STX = 1_000_000n;
/**
 * The largest amount a member may ask about (cover, a quote): 1,000,000,000 STX, more than all STX in existence.
 * Past it the contracts' arithmetic may overflow, which a read answers as a runtime error, not a refusal.
 */
const MAX_AMOUNT_STX = 1_000_000_000n;
export const MAX_AMOUNT_MICRO = MAX_AMOUNT_STX * MICRO_PER_STX;
/** Basis points in a whole (10,000 bps = 100%), as the contracts count rates, shares and reputation. */
export const BPS = 10_000n;
const BPS_PER_PERCENT = 100;

/** Formats micro-STX as STX with thousands separators and up to 6 decimals (trailing zeros dropped). */
export function formatStx(micro: bigint, { maxDecimals = STX_DECIMALS }: { maxDecimals?: number } = {}): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = abs / MICRO_PER_STX;
  const fraction = (abs % MICRO_PER_STX)
    .toString()
    .padStart(STX_DECIMALS, "0")
    .slice(0, maxDecimals)
    .replace(/0+$/, "");
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction ? `.${fraction}` : ""} STX`;
}

/**
 * Reads an amount of STX as a person types it ("250000", "250,000", "0.5 STX") into micro-STX; null when the
 * text is not one (more than 6 decimals, a sign, letters).
 */
export function readStx(text: string): bigint | null {
  const cleaned = text
    .trim()
    .replace(/[,_\s]/g, "")
    .replace(/stx$/i, "");
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(cleaned);
  if (!m) return null;
  return BigInt(m[1]!) * MICRO_PER_STX + BigInt((m[2] ?? "").padEnd(STX_DECIMALS, "0"));
}

/** Formats basis points as a percentage, e.g. 250 -> "2.5%". */
export function formatBps(bps: bigint | number): string {
  const value = Number(bps) / BPS_PER_PERCENT;
  return `${Number.isInteger(value) ? value : value.toFixed(2).replace(/0$/, "")}%`;
}

/** `part` of `whole` as a percentage (whole basis points), "0%" when `whole` is zero. */
export function formatShareOf(part: bigint, whole: bigint): string {
  return whole === 0n ? "0%" : formatBps((part * BPS) / whole);
}

/** Pool shares are counted in units of 10^-12 share; one whole share starts at 1 STX. */
export const SHARE_UNITS = 1_000_000_000_000n;
/** Shares are shown to 6 decimals, as STX are: the fraction in millionths. */
const SHARE_DECIMALS_SHOWN = 6;
const SHARE_FRACTION_SHOWN = 1_000_000n;
export function formatShares(units: bigint): string {
  const whole = units / SHARE_UNITS;
  const fraction = ((units % SHARE_UNITS) * SHARE_FRACTION_SHOWN) / SHARE_UNITS;
  const text = fraction === 0n ? "" : `.${fraction.toString().padStart(SHARE_DECIMALS_SHOWN, "0").replace(/0+$/, "")}`;
  return `${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${text}`;
}

const DECIMAL_BASE = 10n;
const PERCENT = 100n;
/**
 * Each part's share of their sum as a percentage with `decimals` decimals, rounded by largest remainder so the
 * shares add up to exactly 100 (83.3% and 16.7%, not 83.33% and 16.66%); ties go to the earlier part. All "0"
 * when the sum is zero.
 */
export function sharesOf(parts: readonly bigint[], decimals = 1): string[] {
  const total = parts.reduce((a, b) => a + b, 0n);
  const scale = DECIMAL_BASE ** BigInt(decimals);
  const whole = PERCENT * scale;
  const format = (units: bigint) => {
    const fraction = (units % scale).toString().padStart(decimals, "0");
    return `${units / scale}${decimals > 0 ? `.${fraction}` : ""}%`;
  };
  if (total === 0n) return parts.map(() => format(0n));
  const floors = parts.map((p) => (p * whole) / total);
  const rest = parts.map((p, i) => ({ i, remainder: (p * whole) % total }));
  let missing = whole - floors.reduce((a, b) => a + b, 0n);
  rest.sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of rest) {
    if (missing === 0n) break;
    floors[i]! += 1n;
    missing -= 1n;
  }
  return floors.map(format);
}

/**
 * Voting weight (stake × reputation, in the same millionths as micro-STX) as a plain number: weight is not
 * STX, so it carries no unit; shown to 2 decimals at most.
 */
export function formatWeight(weight: bigint): string {
  return formatStx(weight, { maxDecimals: 2 }).slice(0, -" STX".length);
}
