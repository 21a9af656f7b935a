import { createHash } from "node:crypto";
import { constants as http } from "node:http2";
import { DiscordAPIError, type Message, type MessageCreateOptions, type TextChannel } from "discord.js";
import type { Store } from "../storage/store";

/** How many of a channel's latest messages are searched for a post whose answer was lost (Discord's maximum per request). */
const RECENT = 100;

/** The longest nonce Discord takes, in characters. */
const NONCE_MAX = 25;

/** A nonce Discord dedupes on. */
export const nonceFor = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, NONCE_MAX);

/**
 * Sends a message at most once per key, with the bot's own records as the guarantee. Discord's
 * enforce_nonce forgets a nonce after a few minutes, so it only covers a retry that comes soon. The
 * bot therefore writes down that it is about to post before it does; a later attempt that finds that mark (the
 * post may have reached Discord while its answer was lost to a crash or an outage) first looks for its
 * message among the channel's latest, and posts only if it is not there. The caller records the result
 * (markPosted, saveClaimMessage) as before; a failed search throws, so the event is retried, not doubled.
 */
export async function sendOnce(
  store: Store,
  channel: TextChannel,
  key: string,
  payload: MessageCreateOptions,
  isSame: (message: Message) => boolean,
): Promise<Message> {
  // Marking the attempt answers whether there was one before, in one statement.
  if (!(await store.markPosted(`attempt:${key}`))) {
    const me = channel.client.user?.id;
    const recent = await channel.messages.fetch({ limit: RECENT }).catch((e: unknown) => {
      // Without Read Message History the search can never succeed: post (the nonce still covers a
      // quick retry) rather than hold up every later event. Anything else (an outage) is retried.
      if (e instanceof DiscordAPIError && e.status === http.HTTP_STATUS_FORBIDDEN) return null;
      throw e;
    });
    const earlier = recent?.find((m) => m.author.id === me && isSame(m));
    if (earlier) return earlier;
  }
  return channel.send({ ...payload, nonce: nonceFor(key), enforceNonce: true });
}
