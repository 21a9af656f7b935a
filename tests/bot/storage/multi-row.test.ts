import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { MAX_ROWS_PER_STATEMENT, paddedChunks, powerOfTwoChunks, valuesList } from "../../../bot/storage/multi-row";
import { openTestStore } from "../../support/test-store";

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

describe("rows written and looked up many at a time", () => {
  it("splits rows into power-of-two chunks, largest first, that hold each row once in order", () => {
    expect(powerOfTwoChunks([...Array(50).keys()]).map((c) => c.length)).toEqual([32, 16, 2]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 1_200 }), (rows) => {
        const chunks = powerOfTwoChunks(rows);
        expect(chunks.flat()).toEqual(rows);
        for (const c of chunks) expect(isPowerOfTwo(c.length) && c.length <= MAX_ROWS_PER_STATEMENT).toBe(true);
        const sizes = chunks.map((c) => c.length);
        expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      }),
    );
  });

  it("pads lookups to a power of two with the last value, so 50 keys are one statement of 64", () => {
    const keys = [...Array(50).keys()];
    const [chunk, ...rest] = paddedChunks(keys);
    expect(rest).toEqual([]);
    expect(chunk!.length).toBe(64);
    expect(new Set(chunk)).toEqual(new Set(keys));
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 1_200 }), (values) => {
        const chunks = paddedChunks(values);
        expect(new Set(chunks.flat())).toEqual(new Set(values));
        for (const c of chunks) expect(isPowerOfTwo(c.length) && c.length <= MAX_ROWS_PER_STATEMENT).toBe(true);
      }),
    );
  });
});

describe("several statements in one request", () => {
  it("all run, also past one statement's parameter limit (15,104 rows of 2 parameters, then an update)", async () => {
    const store = await openTestStore();
    const rows = Array.from({ length: 59 * MAX_ROWS_PER_STATEMENT }, (_, i) => [`row-${i}`, String(i)]);
    await store.sql.run("INSERT INTO ix_state (name, data) VALUES ('earlier', 'x')");
    await store.transaction((tx) =>
      tx.runAll([
        ...powerOfTwoChunks(rows).map((chunk) => ({
          text: `INSERT INTO ix_state (name, data) ${valuesList(chunk.length, 2)}`,
          params: chunk.flat(),
        })),
        // Each part changes rows no other part changes (on Postgres they share one snapshot).
        { text: "UPDATE ix_state SET data = ? WHERE name = ?", params: ["changed", "earlier"] },
      ]),
    );
    expect((await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM ix_state WHERE name LIKE 'row-%'"))!.n).toBe(
      rows.length,
    );
    expect((await store.sql.get<{ data: string }>("SELECT data FROM ix_state WHERE name = 'earlier'"))!.data).toBe(
      "changed",
    );
    expect((await store.sql.get<{ data: string }>("SELECT data FROM ix_state WHERE name = 'row-15103'"))!.data).toBe(
      "15103",
    );
    await store.close();
  });
});
