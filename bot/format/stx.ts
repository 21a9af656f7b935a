/** Formats micro-STX as STX with thousands separators and up to 6 decimals (trailing zeros dropped). */
export function formatStx(micro: bigint, { maxDecimals = 6 }: { maxDecimals?: number } = {}): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, "0").slice(0, maxDecimals).replace(/0+$/, "");
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction ? `.${fraction}` : ""} STX`;
}

/** Formats basis points as a percentage, e.g. 250 -> "2.5%". */
export function formatBps(bps: bigint | number): string {
  const value = Number(bps) / 100;
  return `${Number.isInteger(value) ? value : value.toFixed(2).replace(/0$/, "")}%`;
}

/** Pool shares are counted in units of 10^-12 share; one whole share starts at 1 STX. */
export const SHARE_UNITS = 1_000_000_000_000n;
export function formatShares(units: bigint): string {
  const whole = units / SHARE_UNITS;
  const fraction = ((units % SHARE_UNITS) * 1_000_000n) / SHARE_UNITS;
  const text = fraction === 0n ? "" : `.${fraction.toString().padStart(6, "0").replace(/0+$/, "")}`;
  return `${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${text}`;
}
