import { SlashCommandBuilder } from "discord.js";
import type { BotCommand, BotContext } from "../context";
import { UserError } from "../errors";
import { parseStxAmount } from "../input";
import { quoteEmbed } from "../presentation/embeds";
import { ContractError } from "../../chain/protocol-reader";
import { describeContractError, errorCode } from "../../chain/contract-errors";
import { formatStx } from "../../format/stx";
import { autocompleteProtocols } from "./protocol";

const COVER = "cybersecurity-insurance-defi";
/** The longest term the option takes (ten years); the contract refuses what its max-duration-days does not allow. */
const MAX_DAYS = 3650;
const REFUSAL = {
  paused: errorCode(COVER, "ERR-COVER-PAUSED"),
  tooSmall: errorCode(COVER, "ERR-COVERAGE-TOO-SMALL"),
  duration: errorCode(COVER, "ERR-INVALID-DURATION"),
  capacity: errorCode(COVER, "ERR-INSUFFICIENT-CAPACITY"),
  protocolCap: errorCode(COVER, "ERR-PROTOCOL-CAP-EXCEEDED"),
};

/** The contract's refusal, said as what to change. */
async function explain(code: bigint, ctx: BotContext): Promise<string> {
  const p = (name: string) => ctx.reader.parameter(name);
  switch (Number(code)) {
    case REFUSAL.tooSmall:
      return `Cover starts at ${formatStx(await p("min-coverage"))}; ask for more.`;
    case REFUSAL.duration:
      return `Cover lasts ${await p("min-duration-days")} to ${await p("max-duration-days")} days; pick a length in that range.`;
    case REFUSAL.capacity:
      return `The pool can take only ${formatStx((await ctx.reader.pool()).freeCapacity)} more cover right now; ask for less.`;
    case REFUSAL.protocolCap:
      return "That would put more than the pool's per-protocol share of capital on this protocol; ask for less.";
    case REFUSAL.paused:
      return "The council has paused new cover for now.";
    default:
      return `No quote: ${describeContractError(code)}.`;
  }
}

export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("quote")
    .setDescription("The exact premium the contract charges for cover")
    .addStringOption((o) =>
      o.setName("protocol").setDescription("Protocol to cover").setRequired(true).setAutocomplete(true),
    )
    .addStringOption((o) => o.setName("amount").setDescription("Cover in STX, e.g. 250000").setRequired(true))
    .addIntegerOption((o) =>
      o
        .setName("days")
        .setDescription("Length of cover in days")
        .setRequired(true)
        .setMinValue(1)
        .setMaxValue(MAX_DAYS),
    ),
  defer: true,
  async execute(interaction, ctx) {
    const amount = parseStxAmount(interaction.options.getString("amount", true));
    const days = BigInt(interaction.options.getInteger("days", true));
    const protocol = await ctx.directory.resolve(interaction.options.getString("protocol", true));
    try {
      const quote = await ctx.reader.quote(protocol.id, amount, days);
      await interaction.editReply({ embeds: [quoteEmbed(quote, protocol.name, amount, days)] });
    } catch (e) {
      if (e instanceof ContractError) throw new UserError(await explain(e.code, ctx));
      throw e;
    }
  },
  autocomplete: autocompleteProtocols,
};
