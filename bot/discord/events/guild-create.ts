import { ChannelType, Events, PermissionFlagsBits, type Guild, type GuildTextBasedChannel } from "discord.js";
import type { BotContext } from "../context";
import { botMember } from "../permissions";

/** What the bot says once in a server it has just joined: the three steps that set it up. */
export const WELCOME_TEXT = [
  "👋 Thanks for adding the cover bot! Three steps to set it up:",
  "1. An admin chooses where claim alerts go: `/setup alerts channel:#claims` (or `/subscribe` a channel to choose the events).",
  "2. An admin chooses the assessor role: `/setup assessor-role role:@Assessors`. Members whose linked wallet has assessor stake get it; reminders mention only those who have not voted yet.",
  "3. Members link their Stacks wallet with `/link` (their own wallet signs; nothing is sent on-chain).",
  "Check the setup any time with `/status`; `/help` lists every command.",
].join("\n");

/** The key of the welcome's once-only post: one per server, ever (a reconnect or restart never welcomes again). */
export const welcomeKey = (guildId: string) => `welcome:${guildId}`;

const CAN_POST = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages];

/** The server's system channel if the bot may post there, else its first text channel where it may. */
async function welcomeChannel(guild: Guild): Promise<GuildTextBasedChannel | null> {
  const me = await botMember(guild);
  const may = (c: GuildTextBasedChannel) => c.permissionsFor(me)?.has(CAN_POST) ?? false;
  if (guild.systemChannel && may(guild.systemChannel)) return guild.systemChannel;
  const text = [...guild.channels.cache.values()]
    .filter((c): c is GuildTextBasedChannel & { position: number } => c.type === ChannelType.GuildText)
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  return text.find(may) ?? null;
}

/**
 * discord.js emits guildCreate only for a server joined after the client is ready (the servers it already had
 * arrive as guildAvailable, on start and on every reconnect); the once-only key makes sure anyway.
 */
export const event = {
  name: Events.GuildCreate,
  once: false,
  async execute(guild: Guild, ctx: BotContext) {
    if (!ctx.scope.owns(guild.id)) return;
    if (await ctx.store.wasPosted(welcomeKey(guild.id))) return;
    const channel = await welcomeChannel(guild);
    if (!channel) {
      ctx.log.warn({ guild: guild.id }, "joined a server with no channel I may post the welcome in");
      return;
    }
    await ctx.poster.postTextOnce(welcomeKey(guild.id), channel.id, WELCOME_TEXT);
    ctx.log.info({ guild: guild.id, channel: channel.id }, "joined a server: welcome posted");
  },
};
