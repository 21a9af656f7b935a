import {
  ChannelType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type Guild,
} from "discord.js";
import { privateKeyToAddress } from "@stacks/transactions";
import type { BotCommand, BotContext } from "../context";
import { ALERT_CHANNEL_NEEDS, FEED_CHANNEL_NEEDS, botMember, missingChannelPermissions } from "../permissions";
import { statusEmbed, type StatusReport } from "../presentation/status";
import { KeeperTransactions } from "../../storage/keeper-transactions";
import { StatusFacts } from "../../storage/status-facts";
import { EVENT_KIND_LABELS, Subscriptions, type Subscription } from "../../storage/subscriptions";
import { ChainUnavailableError } from "../../chain/stacks-client";

const MS_PER_SECOND = 1_000;
/** A forum gets one post per claim: posts are threads, so it needs Send Messages in Threads as well. */
const FORUM_NEEDS = [
  ...FEED_CHANNEL_NEEDS,
  { flag: "SendMessagesInThreads", label: "Send Messages in Threads" },
] as typeof FEED_CHANNEL_NEEDS;

/**
 * `/status`: is the bot healthy here? The chain connection (one light request: the newest block), the last
 * event the ledger recorded and how far the index is behind, and for admins (Manage Server) also the keeper's
 * balance and pending transactions and, for each channel the server's subscriptions post to, what the bot
 * lacks there. It always answers, privately: with the chain stopped it says so and shows the store's facts.
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("status")
    .setDescription("The bot's health here: chain connection, last event, lag, keeper and channel permissions"),
  guildOnly: true,
  defer: true,
  ephemeral: true,
  async execute(interaction, ctx) {
    const admin = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
    const chain = await chainTip(ctx);
    const report: StatusReport = {
      chain,
      index: await ctx.store.index.tip(),
      lastEvent: await new StatusFacts(ctx.store.sql).lastEvent(),
      now: Math.floor(Date.now() / MS_PER_SECOND),
    };
    if (admin) {
      report.keeper = await keeperFacts(ctx, chain.reachable);
      report.channels = await channelChecks(interaction, ctx);
    }
    await interaction.editReply({
      content: admin ? undefined : "Server admins (Manage Server) also see the keeper and each channel's permissions.",
      embeds: [statusEmbed(report)],
    });
  },
};

/** The newest block, or why the chain could not be read: the one chain request `/status` makes. */
async function chainTip(ctx: BotContext): Promise<StatusReport["chain"]> {
  try {
    const { data } = await ctx.reader.client.api.GET("/extended/v2/blocks/", { params: { query: { limit: 1 } } });
    const block = data?.results[0];
    if (!block) return { reachable: false, detail: "the API returned no blocks" };
    return { reachable: true, height: block.height, time: block.block_time };
  } catch (e) {
    return { reachable: false, detail: e instanceof ChainUnavailableError ? e.detail : "no answer" };
  }
}

async function keeperFacts(ctx: BotContext, reachable: boolean): Promise<StatusReport["keeper"]> {
  if (!ctx.config.keeperKey) return null;
  const address = privateKeyToAddress(
    ctx.config.keeperKey,
    ctx.config.stacks.network === "mainnet" ? "mainnet" : "testnet",
  );
  const balance = reachable ? await ctx.reader.stxBalance(address).catch(() => null) : null;
  return { address, balance, pending: await new KeeperTransactions(ctx.store.sql).pendingCount() };
}

/** Each channel the server's subscriptions (and its /setup alert and feed channels) post to, checked now. */
async function channelChecks(interaction: ChatInputCommandInteraction, ctx: BotContext) {
  const guild = interaction.guild as Guild;
  const subscriptions = await new Subscriptions(ctx.store.sql).forGuild(guild.id);
  const me = await botMember(guild);
  const checks: NonNullable<StatusReport["channels"]> = [];
  for (const s of subscriptions) {
    const channel = await guild.channels.fetch(s.channelId).catch(() => null);
    const purpose = purposeOf(s);
    if (!channel) {
      checks.push({ channelId: s.channelId, purpose, missing: null });
      continue;
    }
    const needs =
      channel.type === ChannelType.GuildForum
        ? FORUM_NEEDS
        : s.events.includes("claims")
          ? ALERT_CHANNEL_NEEDS
          : FEED_CHANNEL_NEEDS;
    checks.push({ channelId: s.channelId, purpose, missing: missingChannelPermissions(channel, me, needs) });
  }
  return checks;
}

/** What a channel is for, in a few words: its /setup role, or its subscription's events. */
function purposeOf(s: Subscription) {
  if (s.legacy === "alerts") return "claim alerts";
  if (s.legacy === "feed") return "feed";
  if (s.legacy === "alerts+feed") return "claim alerts and feed";
  return s.events.map((e) => EVENT_KIND_LABELS[e].split(":")[0]!.toLowerCase()).join(", ");
}
