import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from "discord.js";
import { outcomeOf, type OutcomeKind } from "../../chain/transaction-outcome";
import { discordText, LABEL_MAX } from "../../format/untrusted";
import type { Links } from "./links";

const COLORS: Record<OutcomeKind, number> = { done: 0x2ecc71, refused: 0xe74c3c, dropped: 0x95a5a6, pending: 0x3498db };

/**
 * The private message that tells a member how a transaction they signed on one of the bot's pages ended: the
 * same words the page shows, the contract it called, and a button to the transaction in the explorer.
 */
export function transactionResultMessage(
  t: {
    txid: string;
    status: string;
    contractId: string;
    functionName: string;
    result: string | null;
    blockHeight: number | null;
  },
  links: Links,
) {
  const outcome = outcomeOf(t);
  const embed = new EmbedBuilder()
    .setColor(COLORS[outcome.kind])
    .setTitle(discordText(outcome.title, LABEL_MAX * 2))
    .setDescription(`${discordText(outcome.text)}\n\nContract: ${discordText(t.contractId, LABEL_MAX * 2)}`);
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("See the transaction").setURL(links.tx(t.txid)),
  );
  return { embeds: [embed], components: [row] };
}
