import { describe, it, expect } from "vitest";
import { TtlCache } from "../../../bot/web/ttl-cache";

describe("the web server's chain cache", () => {
  it("shares one load between concurrent callers and reuses it within the time limit", async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache({ ttlMs: 1_000, maxEntries: 10, now: () => now });
    const load = async () => ++loads;
    expect(await Promise.all([cache.get("k", load), cache.get("k", load), cache.get("k", load)])).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get("k", load)).toBe(1);
    now = 1_000;
    expect(await cache.get("k", load)).toBe(2);
  });

  it("keeps no failed load, so the next caller tries again", async () => {
    const cache = new TtlCache({ ttlMs: 60_000, maxEntries: 10 });
    await expect(
      cache.get("k", async () => {
        throw new Error("down");
      }),
    ).rejects.toThrow("down");
    expect(await cache.get("k", async () => "up")).toBe("up");
  });

  it("holds at most maxEntries keys, dropping the oldest first", async () => {
    const cache = new TtlCache({ ttlMs: 60_000, maxEntries: 3 });
    for (const k of ["a", "b", "c", "d", "e"]) await cache.get(k, async () => k);
    expect(cache.size).toBe(3);
    let reloaded = false;
    await cache.get("a", async () => {
      reloaded = true;
      return "a";
    });
    expect(reloaded).toBe(true);
  });
});
