import { Client } from "discord.js";
import type { Config } from "./config";
import { secretsOf } from "./config";
import { createLogger, type Logger } from "./logger";
import { openStore } from "./storage/open-store";
import { ProtocolReader } from "./chain/protocol-reader";
import { IndexSnapshots } from "./index/index-snapshots";
import { startWebServer, type WebServer, type WebOptions } from "./web/server";
import { FeedOutbox } from "./sharding/feed-outbox";
import { EVERY_SERVER } from "./sharding/guild-scope";
import { chainClient, contextFor } from "./app";
import type { BotContext } from "./discord/context";

export type WebProcess = { ctx: BotContext; web: WebServer; stop(): Promise<void> };

/**
 * The web server as a process of its own, for a sharded bot (docs/operations.md): pages, badge and JSON API
 * answer from the index the ingestion leader keeps in Postgres; the vote page's eligibility and /quote read the
 * chain. It never connects to Discord: a member who links a wallet here is handed to the shards through the
 * outbox, and the shard that owns each of their servers syncs their assessor role. Several can run behind a proxy.
 */
export async function startWebProcess(
  config: Config,
  options: { logger?: Logger; web?: WebOptions } = {},
): Promise<WebProcess> {
  const log = options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const store = await openStore({ path: config.databasePath, url: config.databaseUrl });
  const chain = chainClient(config, log);
  const reader = new ProtocolReader(chain, config.stacks.deployer);
  // Never logged in: the web process posts nothing; the type of the context wants a poster.
  const client = new Client({ intents: [] });
  const ctx = contextFor({ config, store, reader, log, client, scope: EVERY_SERVER });
  ctx.snapshots = new IndexSnapshots(store.sql, store.index, reader, log);
  const outbox = new FeedOutbox(store.sql);
  const web = await startWebServer(ctx, {
    port: config.web.port,
    web: options.web,
    onLinked: (linked) => outbox.addLinked(linked.discordId),
  });
  if (config.web.port === 0) ctx.links.webBaseUrl = web.url;
  log.info({ url: web.url }, "web server listening");
  return {
    ctx,
    web,
    async stop() {
      await web.close();
      await client.destroy();
      await store.close();
    },
  };
}
