import { SlashCommandBuilder, MessageFlags } from "discord.js";
import type { BotCommand } from "../context";
import { listEmbed } from "../presentation/embeds";

export const command: BotCommand = {
  data: new SlashCommandBuilder().setName("help").setDescription("What the bot can do"),
  async execute(interaction, { commands }) {
    const lines = commands.map((c) => {
      const json = c.data.toJSON();
      const options = (json.options ?? []).map((o) => (o.type === 1 ? o.name : `${o.name}:`)).join(" ");
      return `\`/${json.name}${options ? ` ${options}` : ""}\` · ${json.description}`;
    });
    lines.push(
      "",
      "Claims are voted on from the alert: **Approve** and **Deny** open a page where your own wallet signs the vote.",
    );
    await interaction.reply({
      embeds: [listEmbed("Cyber-security cover for DeFi on Stacks", lines, "")],
      flags: MessageFlags.Ephemeral,
    });
  },
};
