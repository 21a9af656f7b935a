/** npm start: the bot, configured by the environment and `.env`. */
import { loadDotEnv } from "./env";
import { loadConfig, ConfigError, EX_CONFIG } from "./config";
import { createBot, type Bot } from "./app";

loadDotEnv();
/** A setting that cannot work (malformed, an unusable database path, an unreachable chain): one line, EX_CONFIG. */
function configurationError(e: unknown): never {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`Configuration error: ${e.message}. See .env.example.`);
  process.exit(EX_CONFIG);
}
let bot: Bot;
try {
  bot = await createBot(loadConfig());
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
