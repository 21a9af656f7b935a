import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { policyEmbed } from "../presentation/embeds";
import { autocompletePolicies } from "../autocomplete";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("policy")
    .setDescription("Show a cover policy: holder, cover, term and status")
    .addIntegerOption((o) =>
      o.setName("id").setDescription("Policy number").setRequired(true).setMinValue(1).setAutocomplete(true),
    ),
  defer: true,
  async execute(interaction, { store, links }) {
    const id = BigInt(interaction.options.getInteger("id", true));
    const policy = await store.index.policy(id);
    if (!policy) throw new UserError(`There is no policy #${id}. Find yours with \`/policies holder:<your address>\`.`);
    const [protocol, now] = [await store.index.protocol(policy.protocolId), await store.index.now()];
    await interaction.editReply({
      embeds: [policyEmbed(policy, protocol?.name ?? `protocol #${policy.protocolId}`, links, now)],
    });
  },
  autocomplete: autocompletePolicies,
};
