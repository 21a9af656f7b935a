import { Client, GatewayIntentBits } from "discord.js";
import type { Config } from "./config";
import { secretsOf } from "./config";
import { createLogger, type Logger } from "./logger";
import { Store } from "./storage/store";
import { StacksClient } from "./chain/stacks-client";
import { ProtocolReader } from "./chain/protocol-reader";
import { Links } from "./discord/presentation/links";
import { ProtocolDirectory, type BotContext } from "./discord/context";
import { commands } from "./discord/commands";
import { registerEvents } from "./discord/events";

export type Bot = { ctx: BotContext; client: Client; start(): Promise<void>; stop(): Promise<void> };

/** Everything the bot is, wired from its configuration; nothing connects until start(). */
export function createBot(config: Config, options: { logger?: Logger } = {}): Bot {
  const log = options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const store = new Store(config.databasePath);
  const chain = new StacksClient({ apiUrl: config.stacks.apiUrl, apiKey: config.stacks.apiKey, timeoutMs: config.stacks.timeoutMs,
    network: config.stacks.network === "mainnet" ? "mainnet" : "testnet" });
  const reader = new ProtocolReader(chain, config.stacks.deployer);
  const ctx: BotContext = { config, reader, store, log, links: new Links(config.stacks, config.web.baseUrl),
    directory: new ProtocolDirectory(reader), commands };
  // Only the Guilds intent: slash commands and buttons need nothing more (no message content).
  const client = new Client({ intents: [GatewayIntentBits.Guilds], ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}) });
  registerEvents(client, ctx);
  return {
    ctx, client,
    async start() {
      log.info({ network: config.stacks.network, api: config.stacks.apiUrl, deployer: config.stacks.deployer }, "starting");
      await client.login(config.discord.token);
    },
    async stop() {
      await client.destroy();
      store.close();
    },
  };
}
