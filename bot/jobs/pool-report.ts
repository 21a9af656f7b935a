import type { Client, TextChannel } from "discord.js";
import type { BotContext } from "../discord/context";
import { poolEmbed } from "../discord/presentation/embeds";

/** The daily pool report, in each server's feed channel (or its alert channel if it has no feed). */
export async function postPoolReport(client: Client, ctx: BotContext, day = new Date().toISOString().slice(0, 10)): Promise<number> {
  const stats = await ctx.reader.pool();
  let posted = 0;
  for (const settings of ctx.store.allSettings()) {
    const channelId = settings.feedChannelId ?? settings.alertChannelId;
    const key = `pool-report:${day}:${settings.guildId}`;
    if (!channelId || ctx.store.wasPosted(key)) continue;
    const channel = (await client.channels.fetch(channelId).catch(() => null)) as TextChannel | null;
    if (!channel) continue;
    await channel.send({ content: `📊 Daily pool report, ${day}`, embeds: [poolEmbed(stats)] });
    ctx.store.markPosted(key);
    posted += 1;
  }
  return posted;
}
