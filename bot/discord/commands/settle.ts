import { ActionRowBuilder, ButtonBuilder, ButtonStyle, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { settleEmbed, SETTLE_SHOWN_MAX } from "../presentation/embeds";

/**
 * `/settle`: the member's votes on closed claims that are not settled yet, with the reward each pays, read from
 * the index for their linked wallet, and a button to the page where their wallet settles them.
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("settle")
    .setDescription("Your votes ready to settle: collect rewards and unlock stake; your own wallet signs on the page"),
  defer: true,
  ephemeral: true,
  opensSigningPage: true,
  async execute(interaction, ctx) {
    const linked = await ctx.store.linkedWallet(interaction.user.id);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("Open the settle page").setURL(ctx.links.settlePage()),
    );
    if (!linked) {
      await interaction.editReply({
        content:
          "Your wallet is not linked: run `/link` so the bot can list your votes here. The page lists them once your wallet shares its address.",
        components: [row],
      });
      return;
    }
    const found = await ctx.store.index.unsettledVotes(linked, SETTLE_SHOWN_MAX);
    await interaction.editReply({ embeds: [settleEmbed(found)], components: found.readyCount ? [row] : [] });
  },
};
