import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { claimEmbed } from "../presentation/embeds";
import { autocompleteClaims } from "../autocomplete";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("claim")
    .setDescription("Show a claim: evidence, tally, deadline and status")
    .addIntegerOption((o) =>
      o.setName("id").setDescription("Claim number").setRequired(true).setMinValue(1).setAutocomplete(true),
    ),
  defer: true,
  async execute(interaction, { store, links }) {
    const id = BigInt(interaction.options.getInteger("id", true));
    const claim = await store.index.claim(id);
    if (!claim) throw new UserError(`There is no claim #${id}. See the latest with \`/claims\`.`);
    const protocol = await store.index.protocol(claim.protocolId);
    await interaction.editReply({
      embeds: [claimEmbed(claim, protocol?.name ?? `protocol #${claim.protocolId}`, links)],
    });
  },
  autocomplete: autocompleteClaims,
};
