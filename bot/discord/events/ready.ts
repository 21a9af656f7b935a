import { Events, type Client } from "discord.js";
import type { BotContext } from "../context";

export const event = {
  name: Events.ClientReady,
  once: true,
  execute(client: Client<true>, ctx: BotContext) {
    ctx.log.info({ user: client.user.tag, guilds: client.guilds.cache.size }, "connected to Discord");
  },
};
