/** npm run start:web: the web server alone, for a sharded bot (its shards run with npm start and SHARD_COUNT). */
import { loadDotEnv } from "./env";
import { loadConfig, ConfigError, EX_CONFIG } from "./config";
import { startWebProcess } from "./web-process";

loadDotEnv();
try {
  const web = await startWebProcess(loadConfig());
  const stop = async () => {
    await web.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`Configuration error: ${e.message}. See .env.example.`);
  process.exit(EX_CONFIG);
}
