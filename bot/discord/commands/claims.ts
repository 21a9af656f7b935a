import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { CLAIM_STATUS, type ClaimStatus } from "../../chain/protocol-reader";
import { CLAIM_STATE_LABELS, listEmbed } from "../presentation/embeds";
import { relativeTime } from "../presentation/links";
import { formatStx } from "../../format/stx";

/** How many claims the list shows (the newest). */
const LISTED = 10;

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
  async execute(interaction, { store, directory }) {
    const status = (interaction.options.getString("status") ?? undefined) as ClaimStatus | undefined;
    const { total, claims } = await store.index.claims({ statuses: status ? [status] : undefined, limit: LISTED });
    const names = new Map((await directory.all()).map((p) => [p.id, p.name]));
    const lines = claims.map(
      (c) =>
        `**#${c.id}** · ${names.get(c.protocolId) ?? `protocol #${c.protocolId}`} · ${formatStx(c.amount)} · ` +
        `${CLAIM_STATE_LABELS[c.status].split(":")[0]}${c.status === "voting" ? ` · closes ${relativeTime(c.votingEndsAt)}` : ""}`,
    );
    const title = status ? `Claims: ${CLAIM_STATE_LABELS[status].split(":")[0]!.toLowerCase()}` : "Recent claims";
    const more = total > claims.length ? [`…and ${total - claims.length} older`] : [];
    await interaction.editReply({
      embeds: [
        listEmbed(`${title} (${total})`, [...lines, ...more], status ? "No claims in that state." : "No claims yet."),
      ],
    });
  },
};
