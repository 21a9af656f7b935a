import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { parseAddress } from "../input";
import { assessorEmbed } from "../presentation/embeds";

export const command: BotCommand = {
  data: new SlashCommandBuilder().setName("assessor").setDescription("An assessor's stake, locks, reputation and votes")
    .addStringOption((o) => o.setName("address").setDescription("The assessor's Stacks address"))
    .addUserOption((o) => o.setName("member").setDescription("A member who linked a wallet")),
  defer: true,
  async execute(interaction, { reader, store, links, config }) {
    const text = interaction.options.getString("address");
    const member = interaction.options.getUser("member");
    if (text && member) throw new UserError("Give either `address:` or `member:`, not both.");
    let address: string;
    if (text) {
      address = parseAddress(text, config.stacks.network === "mainnet");
    } else {
      const who = member ?? interaction.user;
      const linked = store.linkedWallet(who.id);
      if (!linked) {
        throw new UserError(member
          ? `${member.username} has not linked a wallet. Ask them to run \`/link\`, or give \`address:\` instead.`
          : "Give `address:` or `member:`, or link your own wallet with `/link` to see yourself.");
      }
      address = linked;
    }
    await interaction.editReply({ embeds: [assessorEmbed(address, await reader.assessor(address), links)] });
  },
};
