import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type ChatInputCommandInteraction } from "discord.js";
import type { BotContext } from "./context";
import { UserError } from "./errors";
import { parseStxAmount } from "./input";
import { stakeEmbed } from "./presentation/embeds";
import { readStakeFacts, stakeRefusals, unstakeRefusals } from "../chain/stake-check";

/**
 * What /stake and /unstake share: the facts read from the chain for the member's linked wallet, a refusal of
 * assessor-staking said before any page opens, and the button to the page with the amount filled in.
 */
export async function stakeCommand(
  action: "stake" | "unstake",
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
) {
  const typed = interaction.options.getString("amount", action === "stake");
  const linked = await ctx.store.linkedWallet(interaction.user.id);
  const facts = await readStakeFacts(ctx.reader, linked);
  // Unstaking everything when no amount is given: all the stake not locked by votes.
  const amount = typed !== null ? parseStxAmount(typed) : facts.assessor?.available || undefined;
  const refusals =
    action === "stake"
      ? stakeRefusals(facts, amount ?? null)
      : amount !== undefined && facts.assessor
        ? unstakeRefusals(facts, amount)
        : [];
  if (refusals.length > 0)
    throw new UserError(`The staking contract would refuse this now:\n${refusals.map((r) => `• ${r}`).join("\n")}`);
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setStyle(ButtonStyle.Link)
      .setLabel(action === "stake" ? "Open the page to stake" : "Open the page to unstake")
      .setURL(ctx.links.stakePage(action, amount)),
  );
  await interaction.editReply({
    content: linked
      ? undefined
      : "Your wallet is not linked: run `/link` so the bot can show your stake and tell you when the transaction is mined. The page works without.",
    embeds: [stakeEmbed(action, facts, amount)],
    components: [row],
  });
}
