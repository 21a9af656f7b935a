import { EmbedBuilder } from "discord.js";
import { relativeTime, shortAddress } from "./links";
import { formatStx } from "../../format/stx";
import { discordText } from "../../format/untrusted";
import type { IndexTip } from "../../index/records";
import type { LastEvent } from "../../storage/status-facts";

/** What `/status` found: the chain as it answered now (or not), and the store's own facts, which need no chain. */
export type StatusReport = {
  chain: { reachable: true; height: number; time: number } | { reachable: false; detail: string };
  index: IndexTip | null;
  lastEvent: LastEvent | null;
  /** This machine's clock, in seconds. */
  now: number;
  /** Shown to admins only; null when no keeper key is configured. */
  keeper?: { address: string; balance: bigint | null; pending: number } | null;
  /** Shown to admins only: each channel the bot posts to, with what it is for and what the bot lacks there. */
  channels?: { channelId: string; purpose: string; missing: string[] | null }[];
};

/** embeds.ts's green and yellow. */
const COLORS = { ok: 0x2ecc71, warn: 0xf1c40f };
const MINUTE = 60;
const MS_PER_SECOND = 1_000;
/** How much of a chain failure's detail, or of a contract's name, is shown. */
const DETAIL_MAX = 120;
const CONTRACT_NAME_MAX = 64;
/** Discord's longest embed field value. */
const FIELD_MAX = 1_024;
const HOUR = 3_600;
const DAY = 86_400;
/** Seconds as a reader says them: "45 seconds", "12 minutes", "3 hours", "2 days". */
export function span(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [n, unit] =
    s >= DAY
      ? [Math.floor(s / DAY), "day"]
      : s >= HOUR
        ? [Math.floor(s / HOUR), "hour"]
        : s >= MINUTE
          ? [Math.floor(s / MINUTE), "minute"]
          : [s, "second"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function chainLine(r: StatusReport) {
  if (!r.chain.reachable)
    return `❌ Unreachable: the Stacks API did not answer (${discordText(r.chain.detail, DETAIL_MAX)}). What follows is from the bot's own store.`;
  return `✅ Connected · block #${r.chain.height} (${relativeTime(r.chain.time)})`;
}

function indexLine(r: StatusReport) {
  if (!r.index) return "Not built yet: the bot has not followed the chain.";
  const at = `Followed to block #${r.index.height} (${relativeTime(r.index.time)})`;
  if (!r.chain.reachable) return `${at} · lag unknown while the chain is unreachable`;
  const blocks = Math.max(0, r.chain.height - r.index.height);
  if (blocks === 0) return `${at} · up to date`;
  return `${at} · ${plural(blocks, "block")} (${span(r.chain.time - r.index.time)}) behind the chain`;
}

function eventLine(r: StatusReport) {
  if (!r.lastEvent) return "None yet.";
  const contract = r.lastEvent.contractId.split(".")[1] ?? r.lastEvent.contractId;
  return `Block #${r.lastEvent.blockHeight} · ${discordText(contract, CONTRACT_NAME_MAX)} · recorded ${relativeTime(Math.floor(r.lastEvent.handledAt / MS_PER_SECOND))}`;
}

function keeperLine(keeper: NonNullable<StatusReport["keeper"]>) {
  const balance = keeper.balance === null ? "balance unknown (chain unreachable)" : formatStx(keeper.balance);
  return `${shortAddress(keeper.address)} · ${balance} · ${plural(keeper.pending, "transaction")} pending`;
}

function channelLine(c: NonNullable<StatusReport["channels"]>[number]) {
  if (c.missing === null)
    return `❌ <#${c.channelId}> (${c.purpose}): I can't see this channel (deleted, or hidden from me).`;
  if (c.missing.length) return `⚠️ <#${c.channelId}> (${c.purpose}): missing ${c.missing.join(", ")}`;
  return `✅ <#${c.channelId}> (${c.purpose}): can post`;
}

/** The answer to `/status`: short lines a phone shows without scrolling, worst news first. */
export function statusEmbed(r: StatusReport) {
  const problems =
    !r.chain.reachable ||
    r.channels?.some((c) => c.missing === null || c.missing.length > 0) ||
    r.keeper?.balance === 0n;
  const embed = new EmbedBuilder()
    .setTitle("Bot status")
    .setColor(problems ? COLORS.warn : COLORS.ok)
    .addFields(
      { name: "Chain", value: chainLine(r) },
      { name: "Index", value: indexLine(r) },
      { name: "Last event seen", value: eventLine(r) },
    );
  if (r.keeper !== undefined)
    embed.addFields({
      name: "Keeper",
      value: r.keeper ? keeperLine(r.keeper) : "Not configured (no KEEPER_PRIVATE_KEY).",
    });
  if (r.channels !== undefined)
    embed.addFields({
      name: "Channels",
      value: r.channels.length
        ? r.channels.map(channelLine).join("\n").slice(0, FIELD_MAX)
        : "None set up yet: `/setup alerts` or `/subscribe` a channel.",
    });
  return embed;
}
