import type { FastifyInstance } from "fastify";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { SITE_CSS } from "../layout";

/**
 * The pages' scripts (bundled from bot/web/browser/ with esbuild when the server starts, so nothing needs
 * a build step), the one style sheet and the icon. They read nothing from the chain, so they are not
 * counted against a client's request budget.
 */

/** The pages' scripts, each bundled from bot/web/browser/{name}.ts and served as /assets/{name}.js. */
const SCRIPTS = ["vote", "link", "registry", "buy", "claim-file", "capital", "stake", "settle", "council"] as const;

/**
 * One build for every page, split into shared chunks: the wallet library is parsed and minified once (not
 * once per page), and a browser that opened one page has most of the next one cached. Entry files keep
 * their names; chunks are named by their content hash, so they can be cached for good.
 */
async function bundleAll(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: Object.fromEntries(
      SCRIPTS.map((name) => [name, fileURLToPath(new URL(`../browser/${name}.ts`, import.meta.url))]),
    ),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    outdir: "assets",
    chunkNames: "chunk-[hash]",
    write: false,
    minify: true,
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
  });
  return new Map(result.outputFiles.map((file) => [basename(file.path), file.text]));
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 2 3v5c0 3.5 2.6 6.3 6 7 3.4-.7 6-3.5 6-7V3z" fill="#3b5bdb"/></svg>`;

/** Bundled once per process (every server in it serves the same scripts), before any server starts. */
let bundles: Promise<Map<string, string>> | undefined;
export const bundleScripts = () => (bundles ??= bundleAll());

export async function assetRoutes(app: FastifyInstance) {
  const bundled = await bundleScripts();
  const open = { config: { rateLimit: false }, schema: { querystring: { type: "object" } } } as const;
  for (const [file, code] of bundled) {
    // A page's entry keeps its name across builds; a chunk's name changes whenever its content does.
    const caching = file.startsWith("chunk-") ? "public, max-age=31536000, immutable" : "public, max-age=300";
    app.get(`/assets/${file}`, open, (_request, reply) =>
      reply.type("text/javascript; charset=utf-8").header("cache-control", caching).send(code),
    );
  }
  app.get("/assets/site.css", open, (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=300").send(SITE_CSS),
  );
  for (const path of ["/favicon.svg", "/favicon.ico"]) {
    app.get(path, open, (_request, reply) =>
      reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(ICON),
    );
  }
}
