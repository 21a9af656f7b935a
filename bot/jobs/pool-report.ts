import type { Client, TextChannel } from "discord.js";
import type { BotContext } from "../discord/context";
import { poolEmbed } from "../discord/presentation/embeds";
import { sendOnce } from "../discord/post-once";

/** The daily pool report, in each server's feed channel (or its alert channel if it has no feed), once a day, also across a crash. */
export async function postPoolReport(client: Client, ctx: BotContext, day = new Date().toISOString().slice(0, 10)): Promise<number> {
  const stats = await ctx.reader.pool();
  let posted = 0;
  for (const settings of ctx.store.allSettings()) {
    const channelId = settings.feedChannelId ?? settings.alertChannelId;
    const key = `pool-report:${day}:${settings.guildId}`;
    if (!channelId || ctx.store.wasPosted(key)) continue;
    const channel = (await client.channels.fetch(channelId).catch(() => null)) as TextChannel | null;
    if (!channel) continue;
    const content = `📊 Daily pool report, ${day}`;
    await sendOnce(ctx.store, channel, key, { content, embeds: [poolEmbed(stats)] }, (m) => m.content === content);
    ctx.store.markPosted(key);
    posted += 1;
  }
  return posted;
}
