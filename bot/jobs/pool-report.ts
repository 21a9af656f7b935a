import type { BotContext } from "../discord/context";
import { poolEmbed } from "../discord/presentation/embeds";
import { deliverToEach } from "../discord/server-delivery";
import { ownedBy } from "../sharding/guild-scope";
import { Subscriptions } from "../storage/subscriptions";

/**
 * The daily pool report, in each channel subscribed to it (`/subscribe events:pool-report`; a server's feed channel,
 * or its alert channel if it has no feed, without one), once a day per channel, also across a crash.
 */
export async function postPoolReport(ctx: BotContext, day = new Date().toISOString().slice(0, 10)): Promise<number> {
  const stats = await ctx.reader.pool();
  let posted = 0;
  const content = `📊 Daily pool report, ${day}`;
  await deliverToEach(
    ctx.log,
    ownedBy(ctx.scope, await new Subscriptions(ctx.store.sql).targets("pool-report", null)),
    `pool report of ${day}`,
    async (sub) => {
      const message = await ctx.poster.postOnce(
        `pool-report:${day}:${sub.guildId}:${sub.channelId}`,
        sub.channelId,
        { content, embeds: [poolEmbed(stats)] },
        (m) => m.content === content,
      );
      if (message) posted += 1;
    },
  );
  return posted;
}
