/** npm start: the bot, configured by the environment and `.env`. */
import { loadDotEnv } from "./env";
import { loadConfig, ConfigError } from "./config";
import { createBot } from "./app";

loadDotEnv();
let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`Configuration error: ${e.message}. See .env.example.`);
    process.exit(78); // EX_CONFIG
  }
  throw e;
}
const bot = createBot(config);
const stop = async () => { await bot.stop(); process.exit(0); };
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
await bot.start();
