import { ActionRowBuilder, ButtonBuilder, ButtonStyle, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { capitalEmbed } from "../presentation/embeds";
import { parseStxAmount } from "../input";
import { depositRefusals, readCapitalFacts, withdrawalStage } from "../../chain/capital-check";

/**
 * `/capital deposit amount` and `/capital withdraw`: the pool's share price and free capital, the member's
 * own position when their wallet is linked, and a button to the page where their wallet signs. A deposit the
 * pool would refuse now is said before any page opens.
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("capital")
    .setDescription("Provide capital to the pool or withdraw it: your own wallet signs on the page")
    .addSubcommand((s) =>
      s
        .setName("deposit")
        .setDescription("Deposit STX for shares of the pool")
        .addStringOption((o) => o.setName("amount").setDescription("STX to deposit, e.g. 10000").setRequired(true)),
    )
    .addSubcommand((s) => s.setName("withdraw").setDescription("Ask for, cancel or take a withdrawal of your shares")),
  defer: true,
  ephemeral: true,
  opensSigningPage: true,
  async execute(interaction, ctx) {
    const action = interaction.options.getSubcommand(true) as "deposit" | "withdraw";
    const amount = action === "deposit" ? parseStxAmount(interaction.options.getString("amount", true)) : undefined;
    const linked = await ctx.store.linkedWallet(interaction.user.id);
    const facts = await readCapitalFacts(ctx.reader, linked);
    if (amount !== undefined) {
      const refusals = depositRefusals(facts, amount, await ctx.reader.sharesForAmount(amount));
      if (refusals.length > 0)
        throw new UserError(`The pool would refuse this deposit now:\n${refusals.map((r) => `• ${r}`).join("\n")}`);
    }
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder()
        .setStyle(ButtonStyle.Link)
        .setLabel(action === "deposit" ? "Open the page to deposit" : "Open the page to withdraw")
        .setURL(ctx.links.capitalPage(action, amount)),
    );
    await interaction.editReply({
      content: linked
        ? undefined
        : "Your wallet is not linked: run `/link` so the bot can show your position and tell you when the transaction is mined. The page works without.",
      embeds: [capitalEmbed(action, facts, withdrawalStage(facts), amount)],
      components: [row],
    });
  },
};
