import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { parseAddress } from "../input";
import { listEmbed, policyState } from "../presentation/embeds";
import { relativeTime, shortAddress } from "../presentation/links";
import { formatStx } from "../../format/stx";
import { autocompleteProtocols } from "./protocol";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("policies")
    .setDescription("List the policies of a holder or of a protocol")
    .addStringOption((o) => o.setName("holder").setDescription("A holder's Stacks address"))
    .addStringOption((o) => o.setName("protocol").setDescription("A protocol's name").setAutocomplete(true)),
  defer: true,
  async execute(interaction, { reader, directory, config }) {
    const holder = interaction.options.getString("holder");
    const protocolName = interaction.options.getString("protocol");
    if (Boolean(holder) === Boolean(protocolName)) {
      throw new UserError(
        "Give either `holder:` (a Stacks address) or `protocol:` (a protocol's name), not both and not neither.",
      );
    }
    const [all, now] = await Promise.all([directory.all(), reader.chainTime()]);
    const names = new Map(all.map((p) => [p.id, p.name]));
    const line = (p: Awaited<ReturnType<typeof reader.policy>> & object) =>
      `**#${p.id}** · ${names.get(p.protocolId) ?? `protocol #${p.protocolId}`} · ${formatStx(p.coverageAmount)} · ${policyState(p, now).label.split(":")[0]} · ends ${relativeTime(p.endsAt)}`;
    if (holder) {
      const address = parseAddress(holder, config.stacks.network === "mainnet");
      const policies = await reader.holderPolicies(address);
      await interaction.editReply({
        embeds: [listEmbed(`Policies held by ${shortAddress(address)}`, policies.map(line), "No policies.")],
      });
      return;
    }
    const protocol = await directory.resolve(protocolName!);
    const { total, policies } = await reader.settled.protocolPolicies(protocol.id, undefined, now);
    const more = total > policies.length ? [`…and ${total - policies.length} older`] : [];
    await interaction.editReply({
      embeds: [listEmbed(`Policies on ${protocol.name} (${total})`, [...policies.map(line), ...more], "No policies.")],
    });
  },
  autocomplete: autocompleteProtocols,
};
