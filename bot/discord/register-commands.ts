import { REST, Routes } from "discord.js";
import type { Config } from "../config";
import { commands } from "./commands";
import { localised } from "./locales";

/** Registers every command: in one server when DISCORD_GUILD_ID is set (instant), else globally. */
export async function registerCommands(config: Config, guildId = config.discord.guildId) {
  const rest = new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(config.discord.token);
  const body = commands.map((c) => localised(c.data.toJSON()));
  const route = guildId
    ? Routes.applicationGuildCommands(config.discord.applicationId, guildId)
    : Routes.applicationCommands(config.discord.applicationId);
  const registered = (await rest.put(route, { body })) as { name: string }[];
  return { scope: guildId ? `server ${guildId}` : "global", names: registered.map((c) => c.name) };
}
