import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { policyEmbed } from "../presentation/embeds";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("policy")
    .setDescription("Show a cover policy: holder, cover, term and status")
    .addIntegerOption((o) => o.setName("id").setDescription("Policy number").setRequired(true).setMinValue(1)),
  defer: true,
  async execute(interaction, { reader, links }) {
    const id = BigInt(interaction.options.getInteger("id", true));
    const policy = await reader.policy(id);
    if (!policy) throw new UserError(`There is no policy #${id}. Find yours with \`/policies holder:<your address>\`.`);
    const [protocol, now] = await Promise.all([reader.protocol(policy.protocolId), reader.chainTime()]);
    await interaction.editReply({
      embeds: [policyEmbed(policy, protocol?.name ?? `protocol #${policy.protocolId}`, links, now)],
    });
  },
};
