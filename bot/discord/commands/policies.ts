import { SlashCommandBuilder } from "discord.js";
import type { BotCommand } from "../context";
import { UserError } from "../errors";
import { parseAddress } from "../input";
import { autocompleteProtocols } from "./protocol";
import { listPage } from "../paging";

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("policies")
    .setDescription("List the policies of a holder or of a protocol")
    .addStringOption((o) => o.setName("holder").setDescription("A holder's Stacks address"))
    .addStringOption((o) => o.setName("protocol").setDescription("A protocol's name").setAutocomplete(true)),
  defer: true,
  async execute(interaction, ctx) {
    const holder = interaction.options.getString("holder");
    const protocolName = interaction.options.getString("protocol");
    if (Boolean(holder) === Boolean(protocolName)) {
      throw new UserError(
        "Give either `holder:` (a Stacks address) or `protocol:` (a protocol's name), not both and not neither.",
      );
    }
    // Newest first, 10 a page, with buttons to page (bot/discord/paging.ts).
    if (holder) {
      const address = parseAddress(holder, ctx.config.stacks.network === "mainnet");
      await interaction.editReply(await listPage("holder", address, 0, ctx));
      return;
    }
    const protocol = await ctx.directory.resolve(protocolName!);
    await interaction.editReply(await listPage("protocol", String(protocol.id), 0, ctx));
  },
  autocomplete: autocompleteProtocols,
};
