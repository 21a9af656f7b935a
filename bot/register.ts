/** npm run register: registers the slash commands (in DISCORD_GUILD_ID if set, else globally). */
import { loadDotEnv } from "./env";
import { loadConfig, ConfigError, EX_CONFIG } from "./config";
import { registerCommands } from "./discord/register-commands";

loadDotEnv();
try {
  const result = await registerCommands(loadConfig());
  console.log(
    `registered ${result.names.length} commands (${result.scope}): ${result.names.map((n) => `/${n}`).join(" ")}`,
  );
} catch (e) {
  console.error(
    e instanceof ConfigError
      ? `Configuration error: ${e.message}. See .env.example.`
      : `Registration failed: ${(e as Error).message}`,
  );
  process.exit(e instanceof ConfigError ? EX_CONFIG : 1);
}
