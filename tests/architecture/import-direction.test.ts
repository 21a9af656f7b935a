import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * The layers point one way, read from the import graph of every TypeScript file:
 * stacks/ (shared Clarity helpers) ← bot/ and devnet/ ← scripts/ ← tests/. The browser scripts import
 * only each other, packages and bot/format/ (amounts said as the bot says them; it imports nothing else of the
 * project), never the server's modules.
 */

const ROOT = resolve(import.meta.dirname, "../..");
const LAYERS = ["stacks", "bot", "devnet", "scripts", "tests"] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import from the project (anything else it imports must be a package). */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  stacks: ["stacks"],
  bot: ["bot", "stacks"],
  devnet: ["devnet", "stacks"],
  scripts: ["scripts", "bot", "devnet", "stacks"],
  tests: ["tests", "scripts", "bot", "devnet", "stacks"],
};
const BROWSER = join("bot", "web", "browser");
const FORMAT = join("bot", "format");
/** Documents read as data (the OpenAPI file), which any layer may load. */
const isData = (path: string) => path.startsWith(`docs${sep}`) && path.endsWith(".json");

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === "node_modules" ? [] : files(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;

/** Every project file a file imports, as paths from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1] ?? m[2] ?? m[3]!)
    .filter((s) => s.startsWith("."))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

const layerOf = (path: string) => path.split(sep)[0] as Layer;
const graph = LAYERS.flatMap((layer) => files(layer).map((file) => ({ file, imports: importsOf(file) })));

describe("the import graph", () => {
  it("reads every layer's files and their imports", () => {
    for (const layer of LAYERS) expect(graph.filter((f) => layerOf(f.file) === layer).length, layer).toBeGreaterThan(0);
    expect(graph.find((f) => f.file === join("bot", "chain", "events.ts"))!.imports).toContain(
      join("stacks", "contract-values"),
    );
  });

  it("points one way: nothing in bot/ or devnet/ imports scripts/ or tests/, and nothing outside tests/ imports tests/", () => {
    const wrong = graph.flatMap(({ file, imports }) =>
      imports
        .filter((target) => !isData(target) && !MAY_IMPORT[layerOf(file)].includes(layerOf(target)))
        .map((target) => `${file} imports ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it("keeps the browser scripts apart from the server's modules (bot/format/ aside, which imports only itself)", () => {
    const browser = graph.filter((f) => f.file.startsWith(BROWSER + sep));
    expect(browser.length).toBeGreaterThan(0);
    const wrong = browser.flatMap(({ file, imports }) =>
      imports
        .filter((t) => !t.startsWith(BROWSER + sep) && !t.startsWith(FORMAT + sep))
        .map((t) => `${file} imports ${t}`),
    );
    expect(wrong).toEqual([]);
    const format = graph.filter((f) => f.file.startsWith(FORMAT + sep));
    expect(format.length).toBeGreaterThan(0);
    const outside = format.flatMap(({ file, imports }) =>
      imports.filter((t) => !t.startsWith(FORMAT + sep)).map((t) => `${file} imports ${t}`),
    );
    expect(outside).toEqual([]);
  });
});
