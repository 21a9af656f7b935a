import { randomBytes } from "node:crypto";
import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { LINK_TTL_MS } from "../../web/wallet-link";

export const command: BotCommand = {
  data: new SlashCommandBuilder().setName("link").setDescription("Link your Stacks wallet to your Discord account (your wallet signs)"),
  async execute(interaction, { store, links }) {
    const nonce = randomBytes(16).toString("hex");
    const expiresAt = Date.now() + LINK_TTL_MS;
    store.createLinkNonce(nonce, interaction.user.id, expiresAt);
    const current = store.linkedWallet(interaction.user.id);
    await interaction.reply({
      content: `Open ${links.webBaseUrl}/link/${nonce} and sign the message with your wallet. The link works once, until <t:${Math.floor(expiresAt / 1000)}:t>.`
        + (current ? ` (It replaces your current link to ${current}.)` : ""),
      flags: MessageFlags.Ephemeral,
    });
  },
};
