/**
 * Rows written many at a time: one statement per chunk instead of one per row (on Postgres each statement is a
 * round trip). Chunks have power-of-two sizes, so each table has at most a handful of statement texts to prepare
 * and cache (50 rows: 32 + 16 + 2).
 */
export const MAX_ROWS_PER_STATEMENT = 256;

/** `rows` split into chunks of power-of-two sizes, largest first, none over MAX_ROWS_PER_STATEMENT. */
export function powerOfTwoChunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  while (at < rows.length) {
    let size = MAX_ROWS_PER_STATEMENT;
    while (size > rows.length - at) size /= 2;
    out.push(rows.slice(at, at + size));
    at += size;
  }
  return out;
}

/** `VALUES (?, ?), (?, ?)…` for `count` rows of `width` columns (both engines). */
export function valuesList(count: number, width: number): string {
  const row = `(${new Array(width).fill("?").join(", ")})`;
  return `VALUES ${new Array(count).fill(row).join(", ")}`;
}

/**
 * Values looked up many at a time (`IN (…)`): chunks of at most MAX_ROWS_PER_STATEMENT, each padded to a power of
 * two by repeating its last value (which matches nothing more), so 50 keys are one statement of 64.
 */
export function paddedChunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < values.length; at += MAX_ROWS_PER_STATEMENT) {
    const chunk = values.slice(at, at + MAX_ROWS_PER_STATEMENT);
    let size = 1;
    while (size < chunk.length) size *= 2;
    while (chunk.length < size) chunk.push(chunk.at(-1)!);
    out.push(chunk);
  }
  return out;
}
