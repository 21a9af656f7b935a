import { Events, type Interaction } from "discord.js";
import type { BotContext } from "../context";
import { handleInteraction } from "../interactions";

export const event = {
  name: Events.InteractionCreate,
  once: false,
  execute(interaction: Interaction, ctx: BotContext) {
    return handleInteraction(interaction, ctx);
  },
};
