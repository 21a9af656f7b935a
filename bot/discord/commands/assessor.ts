import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { parseAddress } from "../input";
import { assessorEmbed } from "../presentation/embeds";

/**
 * An assessor by address (public chain data, answered in the channel), or by member. A member's linked
 * wallet ties their Discord account to their address, so it is shown only if they chose to
 * (`/link show-wallet:True`): otherwise the asker is told, privately, that the member has not shared
 * one, the same answer as for a member who never linked (so it does not tell whether they did). Your
 * own wallet is answered privately unless you chose to show it.
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("assessor")
    .setDescription("An assessor's stake, locks, reputation and votes")
    .addStringOption((o) => o.setName("address").setDescription("The assessor's Stacks address"))
    .addUserOption((o) => o.setName("member").setDescription("A member who chose to show their linked wallet")),
  // Not `defer`: whether the answer is public depends on whose wallet it is, decided before acknowledging.
  async execute(interaction, { reader, store, links, config }) {
    const text = interaction.options.getString("address");
    const member = interaction.options.getUser("member");
    if (text && member) throw new UserError("Give either `address:` or `member:`, not both.");
    let address: string;
    let privately = false;
    if (text) {
      address = parseAddress(text, config.stacks.network === "mainnet");
    } else if (member && member.id !== interaction.user.id) {
      const link = await store.walletLink(member.id);
      if (!link?.shown) {
        throw new UserError(
          `${member.username} has not shared a linked wallet. Ask them for their address and give \`address:\`, ` +
            "or ask them to run `/link show-wallet:True`.",
        );
      }
      address = link.address;
    } else {
      const link = await store.walletLink(interaction.user.id);
      if (!link)
        throw new UserError("Give `address:` or `member:`, or link your own wallet with `/link` to see yourself.");
      address = link.address;
      privately = !link.shown;
    }
    await interaction.deferReply(privately ? { flags: MessageFlags.Ephemeral } : {});
    await interaction.editReply({ embeds: [assessorEmbed(address, await reader.assessor(address), links)] });
  },
};
