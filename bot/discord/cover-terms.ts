import type { ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import type { BotContext } from "./context";
import { parseStxAmount } from "./input";

/** The longest term the option takes (ten years); the contract refuses what its max-duration-days does not allow. */
export const MAX_DAYS = 3650;

/** The options of cover's terms, shared by /quote and /buy: the protocol (autocompleted), the amount and the days. */
export function withCoverTerms(builder: SlashCommandBuilder) {
  return builder
    .addStringOption((o) =>
      o.setName("protocol").setDescription("Protocol to cover").setRequired(true).setAutocomplete(true),
    )
    .addStringOption((o) => o.setName("amount").setDescription("Cover in STX, e.g. 250000").setRequired(true))
    .addIntegerOption((o) =>
      o
        .setName("days")
        .setDescription("Length of cover in days")
        .setRequired(true)
        .setMinValue(1)
        .setMaxValue(MAX_DAYS),
    );
}

/** The terms a member gave, checked (a mistyped amount or an unknown protocol is answered as what to change). */
export async function coverTermsOf(interaction: ChatInputCommandInteraction, ctx: BotContext) {
  const amount = parseStxAmount(interaction.options.getString("amount", true));
  const days = BigInt(interaction.options.getInteger("days", true));
  const protocol = await ctx.directory.resolve(interaction.options.getString("protocol", true));
  return { amount, days, protocol };
}
