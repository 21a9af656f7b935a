import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { stakeCommand } from "../stake-command";

/** `/unstake [amount]`: the member's stake if linked and a button to the page where their wallet asks to unstake or withdraws. */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("unstake")
    .setDescription("Unstake, or withdraw unstaked STX: your own wallet signs on the page")
    .addStringOption((o) => o.setName("amount").setDescription("STX to unstake, e.g. 500 (all of it if left out)")),
  defer: true,
  ephemeral: true,
  opensSigningPage: true,
  execute: (interaction, ctx) => stakeCommand("unstake", interaction, ctx),
};
