import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { stakeCommand } from "../stake-command";

/** `/stake amount`: the staking terms, the member's stake if linked, and a button to the page where their wallet signs stake. */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("stake")
    .setDescription("Stake STX as an assessor: your own wallet signs on the page")
    .addStringOption((o) => o.setName("amount").setDescription("STX to stake, e.g. 1000").setRequired(true)),
  defer: true,
  ephemeral: true,
  opensSigningPage: true,
  execute: (interaction, ctx) => stakeCommand("stake", interaction, ctx),
};
