import { randomBytes } from "node:crypto";
import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { LINK_TTL_MS } from "../../web/wallet-link";
import { MemberLinks } from "../../storage/member-links";

/** A link's one-time nonce: 16 random bytes (128 bits), in hex in its URL. */
const NONCE_BYTES = 16;
const MS_PER_SECOND = 1_000;

/**
 * `/link` gives the member a one-time page where their wallet signs; `/link show-wallet:` chooses
 * whether others may see the linked address through `/assessor member:` (private until they choose), and
 * `/link dm-results:` whether the result of what they sign reaches them by DM when no command can answer them.
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("link")
    .setDescription("Link your Stacks wallet to your Discord account (your wallet signs)")
    .addBooleanOption((o) =>
      o
        .setName("show-wallet")
        .setDescription(
          "Let other members see your linked wallet with /assessor member:@you (it is private until you do)",
        ),
    )
    .addBooleanOption((o) =>
      o
        .setName("dm-results")
        .setDescription("Get a DM with the result of what you sign on the bot's pages when a command can't answer you"),
    ),
  async execute(interaction, { store, links }) {
    const show = interaction.options.getBoolean("show-wallet");
    const dm = interaction.options.getBoolean("dm-results");
    if (show !== null || dm !== null) {
      const current = await store.linkedWallet(interaction.user.id);
      if (!current)
        throw new UserError(
          "You have not linked a wallet yet. Run `/link` first; once it is linked, choose whether to show it and whether to get results by DM.",
        );
      const said: string[] = [];
      if (show !== null) {
        await store.setWalletShown(interaction.user.id, show);
        said.push(
          show
            ? `Your linked wallet ${current} is now shown to members who look you up with \`/assessor member:\`.`
            : "Your linked wallet is now private: members who look you up with `/assessor member:` are told you have not shared one.",
        );
      }
      if (dm !== null) {
        await store.setDmResults(interaction.user.id, dm);
        said.push(
          dm
            ? "When a transaction you sign on the bot's pages is mined and the command that opened the page can no longer answer you (after 15 minutes, or for a page opened from a button), the bot sends you the result by DM."
            : "The bot sends you no DMs: results of what you sign come only under the command that opened the page, within 15 minutes.",
        );
      }
      await interaction.reply({ flags: MessageFlags.Ephemeral, content: said.join("\n") });
      return;
    }
    const nonce = randomBytes(NONCE_BYTES).toString("hex");
    const expiresAt = Date.now() + LINK_TTL_MS;
    // One live link per member: this one replaces (and so cancels) any earlier one.
    const replaced = await store.createLinkNonce(nonce, interaction.user.id, expiresAt);
    // The page names them as Discord does (name and avatar), not by their numeric id.
    const { user } = interaction;
    await new MemberLinks(store.sql).describe(nonce, {
      name:
        user.globalName && user.globalName !== user.username
          ? `${user.globalName} (@${user.username})`
          : `@${user.username}`,
      avatar: user.avatar,
    });
    const current = await store.walletLink(interaction.user.id);
    await interaction.reply({
      content:
        `Open ${links.webBaseUrl}/link/${nonce} and sign the message with your wallet. The link works once, until <t:${Math.floor(expiresAt / MS_PER_SECOND)}:t>.` +
        (replaced ? " Your earlier link no longer works." : "") +
        (current ? ` (It replaces your current link to ${current.address}.)` : "") +
        " A wallet is linked to one Discord account at a time, and stays private unless you run `/link show-wallet:True`.",
      flags: MessageFlags.Ephemeral,
    });
  },
};
