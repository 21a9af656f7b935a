import type { Client } from "discord.js";
import type { BotContext } from "../context";
import { event as ready } from "./ready";
import { event as interactionCreate } from "./interaction-create";
import { event as guildCreate } from "./guild-create";

const events = [ready, interactionCreate, guildCreate];

/** Wires every event file to the client; a failing handler is logged, never left to crash the process. */
export function registerEvents(client: Client, ctx: BotContext) {
  for (const event of events) {
    const listener = async (...args: unknown[]) => {
      try {
        await (event.execute as (...a: unknown[]) => unknown)(...args, ctx);
      } catch (e) {
        ctx.log.error({ err: e, event: event.name }, "event handler failed");
      }
    };
    // Each event file names a discord.js event; the listener forwards its arguments unchanged.
    const emitter = client as unknown as {
      on(name: string, l: typeof listener): void;
      once(name: string, l: typeof listener): void;
    };
    if (event.once) emitter.once(event.name, listener);
    else emitter.on(event.name, listener);
  }
}
