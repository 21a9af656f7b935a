import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { poolEmbed } from "../presentation/embeds";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("pool")
    .setDescription("The capital pool: capital, cover, utilization, share price"),
  defer: true,
  async execute(interaction, { reader }) {
    await interaction.editReply({ embeds: [poolEmbed(await reader.pool())] });
  },
};
