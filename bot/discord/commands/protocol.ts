import { SlashCommandBuilder, inlineCode } from "discord.js";
import { LISTED } from "../../chain/cover-in-force";
import { badgeSnippets } from "../../web/badge";
import { pathSegment } from "../../web/html";
import type { BotCommand } from "../context";
import { protocolEmbed } from "../presentation/embeds";
import { autocompleteAnyProtocol } from "../autocomplete";
import { listPage } from "../paging";

const NO_COVER = { inForce: 0n, waiting: 0n, startsAt: null };

/** Shared by the commands that look a protocol up (any status): up to 25 matching names. */
export const autocompleteProtocols = autocompleteAnyProtocol;

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("protocol")
    .setDescription("Show a protocol: audit, risk tier, rate, cover, insured or not")
    .addStringOption((o) => o.setName("name").setDescription("The protocol's name").setAutocomplete(true)),
  defer: true,
  async execute(interaction, ctx) {
    const name = interaction.options.getString("name");
    if (!name) {
      await interaction.editReply(await listPage("protocols", "all", 0, ctx));
      return;
    }
    // From the index: the protocol as last read, and what is in force at the newest block's time.
    const details = await ctx.directory.resolve(name);
    const { index } = ctx.store;
    const cover = (await index.coverInForce(await index.now(), details.id)).get(details.id) ?? NO_COVER;
    const active = (await index.activeCover(details.id)).get(details.id) ?? 0n;
    const page = `${ctx.links.webBaseUrl}/protocols/${pathSegment(details.name)}`;
    const embed = protocolEmbed({ ...details, activeCover: active }, cover).setURL(page);
    // Discord does not show SVG images, so the badge is given as its link and its README snippet, and only
    // for an approved listing: a pending, rejected or delisted protocol is never offered one.
    if (LISTED.has(details.status)) {
      const badge = `${ctx.links.webBaseUrl}/badge/${pathSegment(details.name)}.svg`;
      const snippet = badgeSnippets(badge, page, details.name).markdown;
      embed.addFields({
        name: "Badge",
        value: `[badge](${badge}) · for a README: ${inlineCode(snippet.replace(/`/g, ""))}`,
      });
    }
    await interaction.editReply({ embeds: [embed] });
  },
  autocomplete: autocompleteProtocols,
};
