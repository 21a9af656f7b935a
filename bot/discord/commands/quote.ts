import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { quoteEmbed } from "../presentation/embeds";
import { ContractError } from "../../chain/protocol-reader";
import { explainCoverRefusal } from "../../chain/cover-refusals";
import { autocompleteActiveProtocol } from "../autocomplete";
import { coverTermsOf, withCoverTerms } from "../cover-terms";

export const command: BotCommand = {
  data: withCoverTerms(
    new SlashCommandBuilder().setName("quote").setDescription("The exact premium the contract charges for cover"),
  ),
  defer: true,
  async execute(interaction, ctx) {
    const { amount, days, protocol } = await coverTermsOf(interaction, ctx);
    try {
      const quote = await ctx.reader.quote(protocol.id, amount, days);
      await interaction.editReply({ embeds: [quoteEmbed(quote, protocol.name, amount, days)] });
    } catch (e) {
      if (e instanceof ContractError) throw new UserError(await explainCoverRefusal(e.code, ctx.reader));
      throw e;
    }
  },
  // Only protocols cover can be bought on now.
  autocomplete: autocompleteActiveProtocol,
};
