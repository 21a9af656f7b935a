import { ActionRowBuilder, ButtonBuilder, ButtonStyle, SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { claimFileEmbed } from "../presentation/embeds";
import { policyRefusals, readFilingFacts } from "../../chain/filing-check";
import { autocompletePolicies } from "../autocomplete";

/**
 * `/claim-file policy`: for a policy's holder, what filing takes (cover left, deadline, bond) and a button to
 * the page where their own wallet signs submit-claim. What stops any claim on the policy now (a pause, an open
 * claim, the filing period over, someone else's policy) is said before any page opens, read from the chain.
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("claim-file")
    .setDescription("File a claim on your policy: your own wallet signs on the page")
    .addIntegerOption((o) =>
      o.setName("policy").setDescription("Policy number").setRequired(true).setMinValue(1).setAutocomplete(true),
    ),
  defer: true,
  ephemeral: true,
  opensSigningPage: true,
  async execute(interaction, ctx) {
    const id = BigInt(interaction.options.getInteger("policy", true));
    const [facts, linked] = await Promise.all([
      readFilingFacts(ctx.reader, id, null),
      ctx.store.linkedWallet(interaction.user.id),
    ]);
    if (!facts) throw new UserError(`There is no policy #${id}. Find yours with \`/policies holder:<your address>\`.`);
    const refusals = policyRefusals(facts, linked);
    if (refusals.length > 0)
      throw new UserError(`No claim can be filed on policy #${id} now:\n${refusals.map((r) => `• ${r}`).join("\n")}`);
    const protocol = await ctx.reader.protocol(facts.policy.protocolId);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder()
        .setStyle(ButtonStyle.Link)
        .setLabel("Open the page to file")
        .setURL(ctx.links.claimFilePage(id)),
    );
    await interaction.editReply({
      content: linked
        ? undefined
        : "Your wallet is not linked: run `/link` so the bot can tell you when the claim is mined. You can file without.",
      embeds: [claimFileEmbed(facts, protocol?.name ?? `protocol #${facts.policy.protocolId}`)],
      components: [row],
    });
  },
  // Your own policies first: the ones you can file on.
  autocomplete: autocompletePolicies,
};
