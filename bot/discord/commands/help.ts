import { SlashCommandBuilder, MessageFlags, type LocaleString } from "discord.js";
import type { BotCommand } from "../context";
import { listEmbed } from "../presentation/embeds";
import { localised, reply } from "../locales";

export const command: BotCommand = {
  data: new SlashCommandBuilder().setName("help").setDescription("What the bot can do"),
  async execute(interaction, { commands }) {
    // Each command as the member's Discord shows it: its name and description in their language when there is one.
    const locale = interaction.locale as LocaleString;
    const lines = commands.map((c) => {
      const json = localised(c.data.toJSON());
      const name = json.name_localizations?.[locale] ?? json.name;
      const description = json.description_localizations?.[locale] ?? json.description;
      const options = (json.options ?? [])
        .map((o) => {
          const shown = o.name_localizations?.[locale] ?? o.name;
          return o.type === 1 ? shown : `${shown}:`;
        })
        .join(" ");
      return `\`/${name}${options ? ` ${options}` : ""}\` · ${description}`;
    });
    lines.push("", reply(locale, "helpVoting"));
    await interaction.reply({
      embeds: [listEmbed(reply(locale, "helpTitle"), lines, "")],
      flags: MessageFlags.Ephemeral,
    });
  },
};
