import { DiscordAPIError, RESTJSONErrorCodes, type Client } from "discord.js";
import type { BotContext } from "../discord/context";
import type { Payload } from "./texts";

/** Discord's answers that no retry changes: the member takes no DMs from the bot, or is not a user any more. */
const UNDELIVERABLE = new Set<number>([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
]);

/**
 * Sends a DM once per key, even across restarts: the poster's once-only record (postOnce) in the member's DM
 * channel, opened with `POST /users/@me/channels`. A DM Discord will never deliver (403 50007: the member closed
 * their DMs) is logged and recorded as done, so neither a replayed event nor the next reminder pass tries it
 * again. Anything else (an outage) throws, and the caller's event or pass is retried.
 */
export async function dmOnce(
  ctx: BotContext,
  client: Client,
  key: string,
  discordUserId: string,
  payload: Payload,
): Promise<"sent" | "already" | "closed"> {
  if (await ctx.store.wasPosted(key)) return "already";
  try {
    const channel = await client.users.createDM(discordUserId);
    const sent = await ctx.poster.postOnce(
      key,
      channel.id,
      { ...payload, allowedMentions: { parse: [] } },
      (m) => m.content === payload.content,
    );
    return sent ? "sent" : "already";
  } catch (e) {
    if (!(e instanceof DiscordAPIError && UNDELIVERABLE.has(Number(e.code)))) throw e;
    ctx.log.info({ member: discordUserId, key }, "the member takes no DMs from the bot; notification not sent");
    await ctx.store.markPosted(key);
    return "closed";
  }
}

/**
 * Sends each DM on its own: one member's passing failure does not keep the others from theirs, and is thrown
 * after all were tried (so the event is handled again, and only the DMs not sent yet go out).
 */
export async function dmEach(
  ctx: BotContext,
  client: Client,
  dms: { key: string; discordUserId: string; payload: Payload }[],
): Promise<number> {
  let sent = 0;
  let passing: unknown;
  for (const dm of dms) {
    try {
      if ((await dmOnce(ctx, client, dm.key, dm.discordUserId, dm.payload)) === "sent") sent += 1;
    } catch (e) {
      ctx.log.warn({ err: e, member: dm.discordUserId, key: dm.key }, "could not send a notification DM; retrying");
      passing ??= e;
    }
  }
  if (passing !== undefined) throw passing;
  return sent;
}
