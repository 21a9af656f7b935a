import { randomBytes } from "node:crypto";
import { MessageFlags, type Interaction, type ChatInputCommandInteraction } from "discord.js";
import type { BotContext } from "./context";
import { UserError } from "./errors";
import { ChainUnavailableError } from "../chain/stacks-client";
import { FollowedTransactions, TOKEN_LIFETIME_MS } from "../storage/followed-transactions";
import { reply } from "./locales";
import { answerPageButton, isPageButton } from "./paging";

/** An error's reference: 4 random bytes, 8 hex digits a member can read out. */
const REFERENCE_BYTES = 4;

/**
 * Every interaction goes through here: commands are found by name, checked for where they may be used,
 * acknowledged in time, and every error is answered in one place, ephemerally: a member's mistake with
 * what to type instead, an unreachable chain with "try again", anything else with a reference id that
 * is also in the log (never a stack trace).
 */
export async function handleInteraction(interaction: Interaction, ctx: BotContext): Promise<void> {
  if (interaction.isAutocomplete()) {
    const command = ctx.commands.find((c) => c.data.name === interaction.commandName);
    try {
      await command?.autocomplete?.(interaction, ctx);
    } catch (e) {
      ctx.log.warn({ err: e, command: interaction.commandName }, "autocomplete failed");
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
    return;
  }
  // A list's Previous / Next (bot/discord/paging.ts answers its own errors, privately).
  if (interaction.isButton() && isPageButton(interaction.customId)) return answerPageButton(interaction, ctx);
  if (!interaction.isChatInputCommand()) return;
  const command = ctx.commands.find((c) => c.data.name === interaction.commandName);
  if (!command) {
    await interaction.reply({
      content: reply(interaction.locale, "unknownCommand", { command: interaction.commandName }),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  try {
    if (command.guildOnly && !interaction.inGuild()) {
      throw new UserError(reply(interaction.locale, "guildOnly", { command: command.data.name }));
    }
    if (command.defer) await interaction.deferReply(command.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    await command.execute(interaction, ctx);
    if (command.opensSigningPage) await keepForResults(interaction, ctx);
  } catch (error) {
    await answerError(interaction, ctx, error);
  }
}

/** Keeps the interaction whose answer linked a signing page, so the transaction's result can answer under it. */
async function keepForResults(interaction: ChatInputCommandInteraction, ctx: BotContext) {
  await new FollowedTransactions(ctx.store.sql).saveToken(
    interaction.user.id,
    interaction.applicationId,
    interaction.token,
    interaction.createdTimestamp + TOKEN_LIFETIME_MS,
  );
}

async function answerError(interaction: ChatInputCommandInteraction, ctx: BotContext, error: unknown) {
  let content: string;
  if (error instanceof UserError) {
    content = error.message;
  } else if (error instanceof ChainUnavailableError) {
    ctx.log.warn({ command: interaction.commandName, detail: error.detail }, "chain unavailable");
    content = reply(interaction.locale, "chainUnavailable");
  } else {
    const reference = randomBytes(REFERENCE_BYTES).toString("hex").toUpperCase();
    ctx.log.error(
      { err: error, reference, command: interaction.commandName, user: interaction.user.id },
      "command failed",
    );
    content = reply(interaction.locale, "unexpected", { reference });
  }
  try {
    if (interaction.deferred || interaction.replied) {
      // The acknowledgement was public; replace it with a private answer.
      await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    }
  } catch (e) {
    ctx.log.warn({ err: e, command: interaction.commandName }, "could not answer an interaction error");
  }
}
