/**
 * A small time-limited cache with single flight: concurrent callers of one key share one load, and a
 * value is reused for `ttlMs`. Failed loads are not kept. At most `maxEntries` keys are held (the
 * oldest go first), so keys chosen by requests (unknown protocol names) cannot grow it without bound.
 */
export class TtlCache {
  private entries = new Map<string, { at: number; value: Promise<unknown> }>();
  constructor(private readonly options: { ttlMs: number; maxEntries: number; now?: () => number }) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.options.ttlMs) return hit.value as Promise<T>;
    if (hit) this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  get size() {
    return this.entries.size;
  }
}
