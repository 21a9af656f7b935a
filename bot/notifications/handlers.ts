import type { Client } from "discord.js";
import type { BotContext } from "../discord/context";
import type { EventHandlers } from "../watcher/event-ledger";
import { CouncilPings } from "./council-pings";
import { MemberNotifier } from "./member-notifier";

/**
 * Several handlers as one, run in order for each event. Each runs even when one before it failed; the first
 * failure is thrown after, so the ledger handles the event again (every handler sends once by key, so only what
 * was missed goes out then).
 */
export function inOrder(...handlers: EventHandlers[]): EventHandlers {
  const each = async (run: (h: EventHandlers) => Promise<void>) => {
    let failure: { e: unknown } | undefined;
    for (const h of handlers) {
      try {
        await run(h);
      } catch (e) {
        failure ??= { e };
      }
    }
    if (failure) throw failure.e;
  };
  return {
    handle: (event) => each((h) => h.handle(event)),
    rollback: (event) => each((h) => h.rollback(event)),
  };
}

/** The claim feed, then the council pings and the members' DMs (bot/notifications/). */
export function withNotifications(ctx: BotContext, client: Client, feed: EventHandlers): EventHandlers {
  return inOrder(feed, new CouncilPings(ctx), new MemberNotifier(ctx, client));
}
