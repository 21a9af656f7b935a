import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { MemberNotifications, NOTIFICATION_KINDS, type NotificationKind } from "../../storage/member-notifications";
import { KIND_LABELS } from "../../notifications/texts";

/** Each kind's option: its name in the command, and what its description says. */
const OPTIONS: Record<NotificationKind, { name: string; description: string }> = {
  "new-claims": { name: "new-claims", description: "A DM for every new claim" },
  unvoted: {
    name: "unvoted-claims",
    description: "A DM when a claim your stake can vote on opens, and with its reminders while you have not voted",
  },
  rewards: { name: "rewards", description: "A DM with the settle link when a claim you voted on closes" },
  policy: { name: "policy-claims", description: "A DM when a claim on your policies is filed, decided or paid" },
  council: { name: "council", description: "A DM when a claim needs the council (if your wallet is on it)" },
};
/** The kinds that need a linked wallet to find whom they are for. */
const NEEDS_WALLET: readonly NotificationKind[] = ["unvoted", "rewards", "policy", "council"];

/**
 * `/notify` chooses the DMs a member gets (bot/notifications/): each option turns one kind on or off, and with no
 * option the answer lists the member's choices. Private answers; works in DMs too (the choices are the member's,
 * not a server's).
 */
export const command: BotCommand = {
  data: (() => {
    const builder = new SlashCommandBuilder().setName("notify").setDescription("Choose which DMs the bot sends you");
    for (const kind of NOTIFICATION_KINDS)
      builder.addBooleanOption((o) => o.setName(OPTIONS[kind].name).setDescription(OPTIONS[kind].description));
    return builder;
  })(),
  async execute(interaction, { store }) {
    const choices = new MemberNotifications(store.sql);
    const userId = interaction.user.id;
    const changes = NOTIFICATION_KINDS.map(
      (kind) => [kind, interaction.options.getBoolean(OPTIONS[kind].name)] as const,
    )
      .filter(([, on]) => on !== null)
      .map(([kind, on]) => [kind, on!] as const);
    for (const [kind, on] of changes) await choices.set(userId, kind, on);
    const chosen = new Set(await choices.kinds(userId));
    const lines = NOTIFICATION_KINDS.map(
      (kind) => `${chosen.has(kind) ? "✅" : "⬜"} ${KIND_LABELS[kind]} · \`${OPTIONS[kind].name}\``,
    );
    const said = changes.length
      ? `Saved. ${chosen.size ? "The bot sends you these DMs:" : "The bot sends you no notification DMs."}`
      : "Your notification DMs (change one with `/notify <option>:True` or `False`):";
    const notes: string[] = [];
    if (NEEDS_WALLET.some((k) => chosen.has(k)) && !(await store.linkedWallet(userId)))
      notes.push(
        "You have not linked a wallet yet: run `/link`. Until then only new claims can reach you (the others are found by your wallet).",
      );
    if (chosen.size)
      notes.push("Discord delivers them only if you allow DMs from members of a server you share with the bot.");
    await interaction.reply({
      flags: MessageFlags.Ephemeral,
      content: [said, ...lines, ...notes].join("\n"),
    });
  },
};
