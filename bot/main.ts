/** npm start: the bot, configured by the environment and `.env`; with SHARD_COUNT, the manager of its shards. */
import { fileURLToPath } from "node:url";
import { loadDotEnv } from "./env";
import { loadConfig, ConfigError, EX_CONFIG, secretsOf, type Config } from "./config";
import { createBot, type Bot } from "./app";

loadDotEnv();
/** A setting that cannot work (malformed, an unusable database path, an unreachable chain): one line, EX_CONFIG. */
function configurationError(e: unknown): never {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`Configuration error: ${e.message}. See .env.example.`);
  process.exit(EX_CONFIG);
}
let config: Config;
try {
  config = loadConfig();
} catch (e) {
  configurationError(e);
}
// SHARD_COUNT other than 1, and not a shard itself (the manager sets SHARDS for those): start the shards.
if (config.sharding.count !== 1 && config.sharding.ids === undefined) {
  // Loaded only here: a single process never loads the sharding manager.
  const { createLogger } = await import("./logger");
  const { launchShards, stopShards } = await import("./sharding/launch-shards");
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const manager = await launchShards(config, log, fileURLToPath(import.meta.url));
  const stop = () => {
    stopShards(manager);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} else {
  let bot: Bot;
  try {
    bot = await createBot(config);
  } catch (e) {
    configurationError(e);
  }
  const stop = async () => {
    await bot.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await bot.start().catch(configurationError);
}
