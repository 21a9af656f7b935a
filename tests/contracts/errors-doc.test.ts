import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";

const dir = new URL("../../contracts/", import.meta.url);
const contracts = readdirSync(dir)
  .filter((f) => f.endsWith(".clar"))
  .map((f) => ({
    name: f.replace(/\.clar$/, ""),
    source: readFileSync(new URL(f, dir), "utf8"),
  }));

describe("error codes", () => {
  it("are each used by their contract, in its own band, and never reused", () => {
    const codes = new Set<string>();
    for (const { name, source } of contracts) {
      const defined = [...source.matchAll(/\(define-constant (ERR-[A-Z0-9-]+) \(err u(\d+)\)\)/g)];
      expect(defined.length, name).toBeGreaterThan(0);
      const band = Math.floor(Number(defined[0]![2]) / 1000);
      for (const [, err, code] of defined) {
        expect(Math.floor(Number(code) / 1000), `${name} ${err}`).toBe(band);
        expect(codes.has(code!), `u${code} reused`).toBe(false);
        codes.add(code!);
        const uses = source.split(err!).length - 1;
        expect(uses, `${name} ${err} is defined but never used`).toBeGreaterThan(1);
      }
    }
  });

  it("are all listed in docs/contracts.md with their contract, and nothing else is", () => {
    const doc = readFileSync(new URL("../../docs/contracts.md", import.meta.url), "utf8");
    const documented = [...doc.matchAll(/^\| u(\d+) \| (ERR-[A-Z0-9-]+) \| ([a-z-]+) \|/gm)]
      .map((m) => `${m[3]} u${m[1]} ${m[2]}`)
      .sort();
    const defined = contracts
      .flatMap(({ name, source }) =>
        [...source.matchAll(/\(define-constant (ERR-[A-Z0-9-]+) \(err u(\d+)\)\)/g)].map(
          (m) => `${name} u${m[2]} ${m[1]}`,
        ),
      )
      .sort();
    expect(documented).toEqual(defined);
  });
});
