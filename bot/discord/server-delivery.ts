import { DiscordAPIError, RESTJSONErrorCodes } from "discord.js";
import { constants as http } from "node:http2";
import type { Logger } from "../logger";

/**
 * Delivers one event to each server on its own, so one server cannot hold up the others. A server
 * whose Discord refuses for good (the bot lost access or permission in its channel, or the channel or
 * message is gone) is skipped for this event and reported to the operators' log once per server and
 * reason, and the event still completes for everyone else. A passing failure (an outage, a 5xx) is thrown
 * after every other server has had its delivery, so the event is retried and, since every post is
 * idempotent (sendOnce and the bot's records), only the servers that missed it receive it then.
 */

/** Discord's answers that a retry cannot change (missing access or permissions, unknown channel or message). */
const PERMANENT = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);
const isPermanentRefusal = (e: unknown) =>
  e instanceof DiscordAPIError &&
  (PERMANENT.has(Number(e.code)) || e.status === http.HTTP_STATUS_FORBIDDEN || e.status === http.HTTP_STATUS_NOT_FOUND);

const reported = new Set<string>();
const REPORTED_MAX = 1_000;

export async function deliverToEach<T extends { guildId: string }>(
  log: Logger,
  targets: T[],
  what: string,
  deliver: (target: T) => Promise<void>,
): Promise<void> {
  let passing: unknown;
  for (const target of targets) {
    try {
      await deliver(target);
    } catch (e) {
      if (!isPermanentRefusal(e)) {
        passing ??= e;
        continue;
      }
      const key = `${target.guildId}:${(e as DiscordAPIError).code}`;
      if (!reported.has(key)) {
        if (reported.size >= REPORTED_MAX) reported.clear();
        reported.add(key);
        log.warn(
          { guildId: target.guildId, code: (e as DiscordAPIError).code, status: (e as DiscordAPIError).status, what },
          "a server refuses the bot's posts; skipping it until its admins fix the channel's permissions",
        );
      }
    }
  }
  if (passing !== undefined) throw passing;
}
