import type { BotContext } from "../discord/context";
import { checkIndex } from "../index/index-check";
import { indexCheckText } from "../discord/presentation/index-check";

/**
 * The daily comparison of the index with the chain (bot/index/index-check.ts): differences are logged, and
 * told to the operators' channel (OPERATIONS_CHANNEL_ID) once a day. Returns how many it found.
 */
export async function runIndexCheck(ctx: BotContext, day = new Date().toISOString().slice(0, 10)): Promise<number> {
  const differences = await checkIndex(ctx.store.index, ctx.reader);
  if (differences.length === 0) return 0;
  ctx.log.warn({ differences }, "the index differs from the chain");
  const channelId = ctx.config.discord.operationsChannelId;
  if (channelId) await ctx.poster.postTextOnce(`index-check:${day}`, channelId, indexCheckText(differences));
  return differences.length;
}
