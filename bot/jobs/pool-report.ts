import type { BotContext } from "../discord/context";
import { poolEmbed } from "../discord/presentation/embeds";
import { deliverToEach } from "../discord/server-delivery";
import { ownedBy } from "../sharding/guild-scope";

/** The daily pool report, in each server's feed channel (or its alert channel if it has no feed), once a day, also across a crash. */
export async function postPoolReport(ctx: BotContext, day = new Date().toISOString().slice(0, 10)): Promise<number> {
  const stats = await ctx.reader.pool();
  let posted = 0;
  const content = `📊 Daily pool report, ${day}`;
  await deliverToEach(
    ctx.log,
    ownedBy(ctx.scope, await ctx.store.allSettings()),
    `pool report of ${day}`,
    async (settings) => {
      const channelId = settings.feedChannelId ?? settings.alertChannelId;
      if (!channelId) return;
      const message = await ctx.poster.postOnce(
        `pool-report:${day}:${settings.guildId}`,
        channelId,
        { content, embeds: [poolEmbed(stats)] },
        (m) => m.content === content,
      );
      if (message) posted += 1;
    },
  );
  return posted;
}
