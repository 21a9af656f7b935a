import { ActionRowBuilder, ButtonBuilder, ButtonStyle, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { buyEmbed } from "../presentation/embeds";
import { ContractError } from "../../chain/protocol-reader";
import { explainCoverRefusal } from "../../chain/cover-refusals";
import { DEFAULT_SLIPPAGE_BPS, maxPremium } from "../../format/max-premium";
import { autocompleteActiveProtocol } from "../autocomplete";
import { coverTermsOf, withCoverTerms } from "../cover-terms";

/**
 * `/buy protocol amount days`: the live quote and a button to the page where the member's own wallet signs
 * purchase-coverage with these terms. A refusal of the contract is said before any page opens; a member whose
 * wallet is not linked is told how to link it (the page works without, but the bot can then not tell them the
 * result).
 */
export const command: BotCommand = {
  data: withCoverTerms(
    new SlashCommandBuilder()
      .setName("buy")
      .setDescription("Buy cover for a protocol: your own wallet signs on the page"),
  ),
  defer: true,
  ephemeral: true,
  opensSigningPage: true,
  async execute(interaction, ctx) {
    const { amount, days, protocol } = await coverTermsOf(interaction, ctx);
    let quote: Awaited<ReturnType<typeof ctx.reader.quote>>;
    try {
      quote = await ctx.reader.quote(protocol.id, amount, days);
    } catch (e) {
      if (e instanceof ContractError) throw new UserError(await explainCoverRefusal(e.code, ctx.reader));
      throw e;
    }
    const linked = await ctx.store.linkedWallet(interaction.user.id);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder()
        .setStyle(ButtonStyle.Link)
        .setLabel("Open the page to buy")
        .setURL(ctx.links.buyPage(protocol.id, amount, days)),
    );
    await interaction.editReply({
      content: linked
        ? undefined
        : "Your wallet is not linked: run `/link` so the bot can tell you when the purchase is mined. You can buy without.",
      embeds: [buyEmbed(quote, protocol.name, amount, days, maxPremium(quote.premium, DEFAULT_SLIPPAGE_BPS))],
      components: [row],
    });
  },
  // Only protocols cover can be bought on now.
  autocomplete: autocompleteActiveProtocol,
};
