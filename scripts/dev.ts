/**
 * npm run dev: the bot against `npm run devnet` (or STACKS_API_URL) and a local Discord started here.
 * Type slash commands on stdin as a member would, e.g. `/pool`, `/policy id:1`,
 * `/quote protocol:stackswap amount:1000 days:30`, and read what the channel shows.
 */
import { createInterface } from "node:readline";
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandInteractionDataOption,
  type APIEmbed,
} from "discord-api-types/v10";
import { loadDotEnv } from "../bot/env";
import { type Config, loadConfig, ConfigError } from "../bot/config";
import { createBot } from "../bot/app";
import { publicUrl } from "../bot/redact";
import { registerCommands } from "../bot/discord/register-commands";
import { commands } from "../bot/discord/commands";
import { startLocalDiscord } from "../devnet/local-discord";

loadDotEnv();
const apiUrl = process.env.STACKS_API_URL ?? "http://127.0.0.1:3999";
const discord = await startLocalDiscord({ token: "local-dev-bot-token-0123456789" });
let config: Config;
try {
  config = loadConfig({
    ...process.env,
    STACKS_NETWORK: "devnet",
    STACKS_API_URL: apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.api,
    DISCORD_GUILD_ID: discord.guild.id,
    CONTRACT_DEPLOYER: process.env.CONTRACT_DEPLOYER ?? "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM",
    DATABASE_PATH: process.env.DATABASE_PATH ?? "data/dev.sqlite",
  });
} catch (e) {
  console.error(e instanceof ConfigError ? `Configuration error: ${e.message}` : e);
  process.exit(78);
}
const info = await fetch(`${config.stacks.apiUrl}/v2/info`).catch(() => null);
if (!info?.ok) {
  console.error(
    `No Stacks API answers at ${publicUrl(config.stacks.apiUrl)}. Start one with \`npm run devnet\` in another terminal.`,
  );
  process.exit(1);
}
await registerCommands(config);
const bot = await createBot(config);
await bot.start();
const me = discord.addUser("you", discord.guild, [discord.role("admins").id]);
console.log(
  `\nThe bot is in "${discord.guild.name}" (local Discord ${discord.api}), reading ${publicUrl(config.stacks.apiUrl)}.`,
);
console.log(
  "Type a command, e.g. /pool, /policy id:1, /quote protocol:stackswap amount:1000 days:30 (Ctrl-D to quit).\n",
);

function optionsFor(name: string, text: string): APIApplicationCommandInteractionDataOption[] {
  const definition = commands.find((c) => c.data.name === name)?.data.toJSON();
  return [...text.matchAll(/(\w[\w-]*):("[^"]*"|\S+)/g)].map(([, key, raw]) => {
    const option = definition?.options?.find((o) => o.name === key);
    const value = raw!.replace(/^"|"$/g, "");
    const type = option?.type ?? ApplicationCommandOptionType.String;
    return {
      name: key!,
      type,
      value: type === ApplicationCommandOptionType.Integer ? Number(value) : value,
    } as APIApplicationCommandInteractionDataOption;
  });
}

function show(embed: APIEmbed) {
  if (embed.title) console.log(`  ${embed.title}`);
  if (embed.description) console.log(`  ${embed.description.replaceAll("\n", "\n  ")}`);
  for (const f of embed.fields ?? []) console.log(`  ${f.name}: ${f.value}`);
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const m = /^\/([a-z-]+)\s*(.*)$/.exec(line.trim());
  if (!m) {
    if (line.trim()) console.log("  (type a slash command such as /pool)");
    continue;
  }
  const [, name, rest] = m;
  const sub = commands
    .find((c) => c.data.name === name)
    ?.data.toJSON()
    .options?.find((o) => o.type === 1 && rest!.startsWith(o.name));
  const options = sub
    ? [
        {
          name: sub.name,
          type: 1,
          options: optionsFor(name!, rest!.slice(sub.name.length)),
        } as APIApplicationCommandInteractionDataOption,
      ]
    : optionsFor(name!, rest!);
  const record = discord.slashCommand(name!, options, me.id);
  try {
    await discord.answered(record, 20_000);
  } catch {
    console.log("  (no answer)");
    continue;
  }
  const message = record.followUps.at(-1) ?? record.reply;
  if (record.ephemeral || record.followUps.some((f) => ((f.flags ?? 0) & 64) !== 0))
    console.log("  (only you can see this)");
  if (message?.content) console.log(`  ${message.content}`);
  for (const embed of message?.embeds ?? []) show(embed);
}
await bot.stop();
await discord.stop();
