import { Writable } from "node:stream";
import type { APIApplicationCommandInteractionDataOption, APIEmbed } from "discord-api-types/v10";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { Protocol, actors, seedCoverScenario, type Actors } from "../../devnet/scenario";
import { startLocalDiscord, type LocalDiscord, type InteractionRecord } from "../../devnet/local-discord";
import { loadConfig, type Config } from "../../bot/config";
import { localBotEnv } from "../../scripts/lib/local-env";
import { createLogger } from "../../bot/logger";
import { createBot, type Bot, type BotOptions } from "../../bot/app";
import { testDatabase } from "../support/test-store";
import { registerCommands } from "../../bot/discord/register-commands";

export const BOT_TOKEN = "local-bot-token-for-tests-0123456789";

export type Stack = {
  api: LocalStacksApi;
  discord: LocalDiscord;
  bot: Bot;
  config: Config;
  p: Protocol;
  who: Actors;
  logs: string[];
  seeded: Awaited<ReturnType<typeof seedCoverScenario>>;
  /** A member in the local server. */
  member(name?: string, roles?: string[]): string;
  /** Stops the bot and starts a new one on the same database, as a process restart would. */
  restart(): Promise<Bot>;
  /** Resolves once the bot's index has followed the chain to its current tip (pages answer from the index). */
  indexed(): Promise<void>;
  /** Runs a slash command as a member and waits for the bot's answer. */
  run(
    name: string,
    options?: APIApplicationCommandInteractionDataOption[],
    userId?: string,
    opts?: Parameters<LocalDiscord["slashCommand"]>[4],
  ): Promise<InteractionRecord>;
  stop(): Promise<void>;
};

export function configFor(
  api: string,
  discord: LocalDiscord,
  deployer: string,
  extra: Record<string, string> = {},
): Config {
  return loadConfig(
    localBotEnv(
      { api: { url: api, chain: { deployer } }, discord },
      { DISCORD_TOKEN: BOT_TOKEN, LOG_LEVEL: "debug", CHAIN_TIMEOUT_MS: "2000", ...extra },
    ),
  );
}

/** Local chain (seeded through signed transactions), local Discord, and the bot connected to both. */
export async function startStack(
  options: { discord?: Parameters<typeof startLocalDiscord>[0]; env?: Record<string, string>; bot?: BotOptions } = {},
): Promise<Stack> {
  const api = await startLocalStacksApi();
  const discord = await startLocalDiscord({ token: BOT_TOKEN, ...options.discord });
  const p = new Protocol(networkFor(api.url), api.chain.deployer);
  const who = actors(api.chain.accounts);
  const seeded = await seedCoverScenario(p, who);
  const config = configFor(api.url, discord, api.chain.deployer, { ...(await testDatabase()), ...options.env });
  const logs: string[] = [];
  const logger = createLogger({
    level: "debug",
    secrets: [config.discord.token],
    destination: new Writable({
      write(chunk, _e, done) {
        logs.push(String(chunk));
        done();
      },
    }) as never,
  });
  await registerCommands(config);
  const launch = async () => {
    const bot = await createBot(config, {
      logger,
      editWindowMs: 300,
      pollMs: 1_000,
      jobs: false,
      ...options.bot,
    });
    await bot.start();
    await discord.waitFor(() => bot.client.isReady(), 10_000, "the bot to be ready");
    return bot;
  };
  const bot = await launch();
  let members = 0;
  const stack: Stack = {
    api,
    discord,
    bot,
    config,
    p,
    who,
    logs,
    seeded,
    member(name = `member${++members}`, roles: string[] = []) {
      return discord.addUser(name, discord.guild, roles).id;
    },
    async run(name, options = [], userId, opts) {
      const record = discord.slashCommand(name, options, userId ?? stack.member(), undefined, opts);
      return discord.answered(record, 15_000);
    },
    async indexed() {
      await stack.bot.watcher.poll();
    },
    async restart() {
      await stack.bot.stop();
      stack.bot = await launch();
      return stack.bot;
    },
    async stop() {
      await stack.bot.stop();
      await discord.stop();
      await api.close();
    },
  };
  return stack;
}

/** The answer a member sees: the embed (edited reply or first follow-up) and its fields by name. */
export function answerOf(record: InteractionRecord) {
  const message = record.reply?.embeds?.length || record.reply?.content ? record.reply : record.followUps[0];
  const embed = (message?.embeds?.[0] ?? {}) as APIEmbed;
  const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
  const followUpEphemeral = record.followUps.some((f) => ((f.flags ?? 0) & 64) !== 0);
  return {
    content: (record.followUps.at(-1) ?? record.reply)?.content ?? "",
    embed,
    fields,
    ephemeral: record.ephemeral || followUpEphemeral,
    deleted: record.reply === undefined && record.followUps.length > 0,
  };
}

export const opt = {
  int: (name: string, value: number) => ({ name, type: 4, value }) as APIApplicationCommandInteractionDataOption,
  str: (name: string, value: string) => ({ name, type: 3, value }) as APIApplicationCommandInteractionDataOption,
  bool: (name: string, value: boolean) => ({ name, type: 5, value }) as APIApplicationCommandInteractionDataOption,
  user: (name: string, value: string) => ({ name, type: 6, value }) as APIApplicationCommandInteractionDataOption,
  channel: (name: string, value: string) => ({ name, type: 7, value }) as APIApplicationCommandInteractionDataOption,
  role: (name: string, value: string) => ({ name, type: 8, value }) as APIApplicationCommandInteractionDataOption,
  sub: (name: string, options: APIApplicationCommandInteractionDataOption[] = []) =>
    ({ name, type: 1, options }) as APIApplicationCommandInteractionDataOption,
};
