import type { FastifyInstance } from "fastify";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { SITE_CSS } from "../layout";

/**
 * The pages' scripts (bundled from bot/web/browser/ with esbuild when the server starts, so nothing needs
 * a build step), the one style sheet and the icon. They read nothing from the chain, so they are not
 * counted against a client's request budget.
 */

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    minify: true,
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
  });
  return result.outputFiles[0]!.text;
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 2 3v5c0 3.5 2.6 6.3 6 7 3.4-.7 6-3.5 6-7V3z" fill="#3b5bdb"/></svg>`;

/** The pages' scripts, each bundled from bot/web/browser/{name}.ts and served as /assets/{name}.js. */
const SCRIPTS = ["vote", "link", "registry", "buy", "claim-file", "capital", "stake"] as const;

/** Bundled once per process (every server in it serves the same scripts), before any server starts. */
let bundles: Promise<string[]> | undefined;
export const bundleScripts = () =>
  (bundles ??= Promise.all(
    SCRIPTS.map((name) => bundle(fileURLToPath(new URL(`../browser/${name}.ts`, import.meta.url)))),
  ));

export async function assetRoutes(app: FastifyInstance) {
  const bundled = await bundleScripts();
  const open = { config: { rateLimit: false }, schema: { querystring: { type: "object" } } } as const;
  for (const [i, name] of SCRIPTS.entries()) {
    const code = bundled[i]!;
    app.get(`/assets/${name}.js`, open, (_request, reply) =>
      reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=300").send(code),
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
