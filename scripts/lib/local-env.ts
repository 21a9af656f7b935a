import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where the local servers are, as the bot's settings name them. */
export type LocalServers = {
  api: { url: string; chain: { deployer: string } };
  discord: { token: string; applicationId: string; api: string; guild: { id: string } };
};

/**
 * The bot's settings for the local chain and the local Discord (the demo, the benchmarks, `npm run dev` and
 * the tests), with a fresh database unless one is given; `extra` adds or overrides any setting.
 */
export function localBotEnv(
  { api, discord }: LocalServers,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.api,
    DISCORD_GUILD_ID: discord.guild.id,
    STACKS_NETWORK: "devnet",
    STACKS_API_URL: api.url,
    CONTRACT_DEPLOYER: api.chain.deployer,
    WEB_PORT: "0",
    // The local API has no rate limit: the bot's request budget is opened wide, so tests and the demo do not
    // wait on it (tests/bot/chain/request-budget.test.ts and the benchmark set their own).
    STACKS_API_REQUESTS_PER_MINUTE: "60000",
    DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "cover-bot-")), "bot.sqlite"),
    ...extra,
  };
}
