import type { FastifyInstance } from "fastify";
import type { BotContext } from "../../bot/discord/context";
import { createApp, registerWeb } from "../../bot/web/server";

/**
 * The web app as the API document is read from it: every route registered, nothing listening, and a
 * context with no chain, store or Discord behind it. Registering routes reads only the network's name;
 * anything else read from the context fails, so the document cannot depend on a deployment.
 */
export async function offlineWebApp(
  onRoute?: (route: { method: string | string[]; url: string; schema?: object }) => void,
): Promise<FastifyInstance> {
  const config = { stacks: { network: "testnet" } };
  const ctx = new Proxy({} as BotContext, {
    get: (_target, key) => {
      if (key === "config") return config;
      throw new Error(`building the web app read ctx.${String(key)}`);
    },
  });
  const app = createApp({});
  if (onRoute) app.addHook("onRoute", onRoute);
  await registerWeb(app, ctx);
  await app.ready();
  return app;
}

/** docs/openapi.json as the framework generates it from the routes' schemas. */
export async function openApiSource(): Promise<string> {
  const app = await offlineWebApp();
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
