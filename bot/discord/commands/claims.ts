import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { CLAIM_STATUS } from "../../chain/protocol-reader";
import { CLAIM_STATE_LABELS } from "../presentation/embeds";
import { listPage } from "../paging";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("claims")
    .setDescription("List recent claims, optionally by status")
    .addStringOption((o) =>
      o
        .setName("status")
        .setDescription("Only claims in this state")
        .addChoices(
          ...Object.values(CLAIM_STATUS).map((s) => ({ name: CLAIM_STATE_LABELS[s].split(":")[0]!, value: s })),
        ),
    ),
  defer: true,
  async execute(interaction, ctx) {
    // Newest first, 10 a page, with buttons to page (bot/discord/paging.ts).
    const status = interaction.options.getString("status") ?? "all";
    await interaction.editReply(await listPage("claims", status, 0, ctx));
  },
};
