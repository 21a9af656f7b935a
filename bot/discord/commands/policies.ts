import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { parseAddress } from "../input";
import { listEmbed, policyState } from "../presentation/embeds";
import { relativeTime, shortAddress } from "../presentation/links";
import { formatStx } from "../../format/stx";
import { autocompleteProtocols } from "./protocol";
import type { IndexedPolicy } from "../../index/records";

/** How many policies a list shows (the newest). */
const LISTED = 10;

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("policies")
    .setDescription("List the policies of a holder or of a protocol")
    .addStringOption((o) => o.setName("holder").setDescription("A holder's Stacks address"))
    .addStringOption((o) => o.setName("protocol").setDescription("A protocol's name").setAutocomplete(true)),
  defer: true,
  async execute(interaction, { store, directory, config }) {
    const holder = interaction.options.getString("holder");
    const protocolName = interaction.options.getString("protocol");
    if (Boolean(holder) === Boolean(protocolName)) {
      throw new UserError(
        "Give either `holder:` (a Stacks address) or `protocol:` (a protocol's name), not both and not neither.",
      );
    }
    const [all, now] = [await directory.all(), await store.index.now()];
    const names = new Map(all.map((p) => [p.id, p.name]));
    const line = (p: IndexedPolicy) =>
      `**#${p.id}** · ${names.get(p.protocolId) ?? `protocol #${p.protocolId}`} · ${formatStx(p.coverageAmount)} · ${policyState(p, now).label.split(":")[0]} · ends ${relativeTime(p.endsAt)}`;
    if (holder) {
      const address = parseAddress(holder, config.stacks.network === "mainnet");
      const { total, policies } = await store.index.holderPolicies(address, LISTED);
      const more = total > policies.length ? [`…and ${total - policies.length} older`] : [];
      await interaction.editReply({
        embeds: [
          listEmbed(
            `Policies held by ${shortAddress(address)} (${total})`,
            [...policies.map(line), ...more],
            "No policies.",
          ),
        ],
      });
      return;
    }
    const protocol = await directory.resolve(protocolName!);
    const every = await store.index.protocolPolicies(protocol.id);
    const [total, policies] = [every.length, every.slice(0, LISTED)];
    const more = total > policies.length ? [`…and ${total - policies.length} older`] : [];
    await interaction.editReply({
      embeds: [listEmbed(`Policies on ${protocol.name} (${total})`, [...policies.map(line), ...more], "No policies.")],
    });
  },
  autocomplete: autocompleteProtocols,
};
