import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type ButtonInteraction,
  type InteractionEditReplyOptions,
} from "discord.js";
import type { BotContext } from "./context";
import { LISTS, PAGE_SIZE } from "./lists";

/**
 * Lists that page with Previous / Next buttons. A button's custom id names the list, its argument and the
 * offset to show (`page:holder:<address>:10`); everything in it is checked again when it comes back, because
 * a client can send any custom id. Who may page and for how long come from the message Discord attaches to
 * the click, which a client cannot forge: only the member who ran the command (the message's interaction
 * metadata), and for PAGE_LIFETIME_MS from the message's creation. After that a click removes the buttons and
 * says privately to run the command again.
 */

const PREFIX = "page";
/** How long a list's buttons page it: long enough to read, short enough that a stale list is not paged. */
const PAGE_LIFETIME_MINUTES = 10;
const MS_PER_MINUTE = 60_000;
export const PAGE_LIFETIME_MS = PAGE_LIFETIME_MINUTES * MS_PER_MINUTE;
/** Discord's longest custom id. */
const CUSTOM_ID_MAX = 100;
/** The most items a list pages through (an offset beyond is not one the bot made). */
const OFFSET_DIGITS = 7;
const CUSTOM_ID = new RegExp(`^${PREFIX}:([a-z]{1,16}):([A-Za-z0-9._-]{1,90}):(\\d{1,${OFFSET_DIGITS}})$`);

export const isPageButton = (customId: string) => customId.startsWith(`${PREFIX}:`);
const customId = (list: string, arg: string, offset: number) => `${PREFIX}:${list}:${arg}:${offset}`;

/** One page of a list, with its count in the footer and its buttons: what a command answers and a click updates to. */
export async function listPage(list: string, arg: string, offset: number, ctx: BotContext): Promise<ListMessage> {
  return (await pageOf(list, arg, offset, ctx)).message;
}

type ListMessage = Pick<InteractionEditReplyOptions, "embeds" | "components">;

async function pageOf(
  list: string,
  arg: string,
  offset: number,
  ctx: BotContext,
): Promise<{ message: ListMessage; total: number }> {
  const { embed, total, noun } = await LISTS[list]!.render(arg, offset, ctx);
  const only = (message: ListMessage) => ({ message, total });
  if (total === 0) return only({ embeds: [embed], components: [] });
  const last = Math.min(offset + PAGE_SIZE, total);
  embed.setFooter({ text: `${noun} ${offset + 1}–${last} of ${total}` });
  const previous = customId(list, arg, Math.max(0, offset - PAGE_SIZE));
  const next = customId(list, arg, offset + PAGE_SIZE);
  // A list that fits one page needs no buttons; an argument too long for a custom id gets none either.
  if (total <= PAGE_SIZE || next.length > CUSTOM_ID_MAX) return only({ embeds: [embed], components: [] });
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(previous)
      .setLabel("Previous")
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(offset === 0),
    new ButtonBuilder()
      .setCustomId(next)
      .setLabel("Next")
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(last >= total),
  );
  return only({ embeds: [embed], components: [row] });
}

const FORGED = "That button is not one of my lists. Run the command again for a list you can page.";

/** A Previous / Next click: the page it asks for, if the list is still the clicker's to page. */
export async function answerPageButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const privately = (content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral });
  try {
    const match = CUSTOM_ID.exec(interaction.customId);
    const list = match ? LISTS[match[1]!] : undefined;
    const arg = match && list ? await list.parse(match[2]!, ctx) : null;
    const offset = Number(match?.[3]);
    const message = interaction.message;
    const owner = message.interactionMetadata?.user.id;
    if (
      !match ||
      !list ||
      arg === null ||
      offset % PAGE_SIZE !== 0 ||
      message.author.id !== interaction.client.user.id ||
      !owner
    ) {
      await privately(FORGED);
      return;
    }
    if (Date.now() - message.createdTimestamp > PAGE_LIFETIME_MS) {
      await interaction.update({ components: [] });
      await interaction.followUp({
        content: `This list has expired (its buttons work for ${PAGE_LIFETIME_MINUTES} minutes). Run \`${list.command}\` again for a fresh one.`,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (owner !== interaction.user.id) {
      await privately(
        `Only the member who ran this list can page it. Run \`${list.command}\` yourself to page your own.`,
      );
      return;
    }
    const name = match[1]!;
    let page = await pageOf(name, arg, offset, ctx);
    // The list shrank since (claims leave a status): its last page now.
    if (offset >= page.total && page.total > 0)
      page = await pageOf(name, arg, Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE, ctx);
    await interaction.update(page.message);
  } catch (e) {
    ctx.log.warn({ err: e, customId: interaction.customId }, "a list's page could not be shown");
    if (!interaction.replied && !interaction.deferred)
      await privately("That page could not be shown. Run the command again.").catch(() => undefined);
  }
}
