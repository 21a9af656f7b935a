import { REST, ShardingManager } from "discord.js";
import { Routes, type RESTGetAPIGatewayBotResult } from "discord-api-types/v10";
import type { Config } from "../config";
import type { Logger } from "../logger";

/** A shard has this long to reach the chain, log in and be ready before the manager gives up on it. */
const SHARD_READY_TIMEOUT_MS = 120_000;

/** SHARD_COUNT=auto: what Discord recommends for the bot's servers now (about one shard per 1,000). */
export async function recommendedShards(config: Config): Promise<number> {
  const rest = new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(config.discord.token);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return gateway.shards;
}

/**
 * Starts the bot as SHARD_COUNT processes with discord.js's ShardingManager: each runs `file` (the bot's entry
 * point) as one shard, with SHARDS and SHARD_COUNT in its environment; a shard that dies is started again.
 * The processes share the Postgres database and elect among themselves which one reads the chain.
 */
export async function launchShards(config: Config, log: Logger, file: string): Promise<ShardingManager> {
  const totalShards = config.sharding.count === "auto" ? await recommendedShards(config) : config.sharding.count;
  const manager = new ShardingManager(file, {
    totalShards,
    token: config.discord.token,
    // The same loader as this process (tsx), so a shard runs the TypeScript entry point as this one does.
    execArgv: process.execArgv,
    respawn: true,
    mode: "process",
  });
  manager.on("shardCreate", (shard) => {
    log.info({ shard: shard.id, of: totalShards }, "shard started");
    shard.on("death", () => log.warn({ shard: shard.id }, "a shard's process exited; starting it again"));
  });
  await manager.spawn({ amount: totalShards, timeout: SHARD_READY_TIMEOUT_MS });
  return manager;
}

/** Stops every shard (each stops cleanly on SIGTERM) without the manager starting them again. */
export function stopShards(manager: ShardingManager): void {
  for (const shard of manager.shards.values()) shard.kill();
}
