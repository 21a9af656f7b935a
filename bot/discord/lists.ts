import type { EmbedBuilder } from "discord.js";
import type { BotContext } from "./context";
import { CLAIM_STATUS, type ClaimStatus } from "../chain/protocol-reader";
import { CLAIM_STATE_LABELS, NAME_IN_SENTENCE_MAX, listEmbed, policyState } from "./presentation/embeds";
import { relativeTime, shortAddress } from "./presentation/links";
import { formatStx } from "../format/stx";
import { discordText, LABEL_MAX } from "../format/untrusted";
import { parseAddress } from "./input";
import type { IndexedPolicy } from "../index/records";

/**
 * The lists that page (bot/discord/paging.ts): each names what it lists by one short argument that fits a
 * button's custom id, checks that argument again when a button brings it back (a client can forge a custom
 * id), and renders one page from the index with one query for the page and one for the count.
 */

/** How many items a page shows. */
export const PAGE_SIZE = 10;

export type ListPage = { embed: EmbedBuilder; total: number; noun: string };
export type PagedList = {
  /** The argument as the custom id carries it, or null when it is not one this list could have made. */
  parse(arg: string, ctx: BotContext): Promise<string | null>;
  render(arg: string, offset: number, ctx: BotContext): Promise<ListPage>;
  /** The command that makes the list again (said when its buttons have expired). */
  command: string;
};

const label = (status: ClaimStatus) => CLAIM_STATE_LABELS[status].split(":")[0]!;
const protocolNames = async (ctx: BotContext) =>
  new Map((await ctx.directory.all()).map((p) => [p.id, discordText(p.name, NAME_IN_SENTENCE_MAX)]));

async function policyLines(policies: IndexedPolicy[], ctx: BotContext) {
  const [names, now] = [await protocolNames(ctx), await ctx.store.index.now()];
  return policies.map(
    (p) =>
      `**#${p.id}** · ${names.get(p.protocolId) ?? `protocol #${p.protocolId}`} · ${formatStx(p.coverageAmount)} · ${policyState(p, now).label.split(":")[0]} · ends ${relativeTime(p.endsAt)}`,
  );
}

/** A holder's policies: the argument is their address. */
const holderPolicies: PagedList = {
  command: "/policies holder:",
  async parse(arg, ctx) {
    try {
      return parseAddress(arg, ctx.config.stacks.network === "mainnet");
    } catch {
      return null;
    }
  },
  async render(address, offset, ctx) {
    const { total, policies } = await ctx.store.index.holderPolicies(address, PAGE_SIZE, offset);
    const embed = listEmbed(
      `Policies held by ${shortAddress(address)}`,
      await policyLines(policies, ctx),
      "No policies.",
    );
    return { embed, total: Number(total), noun: "Policies" };
  },
};

/** A protocol's policies: the argument is its id (names can be long; ids fit). */
const protocolPolicies: PagedList = {
  command: "/policies protocol:",
  async parse(arg, ctx) {
    if (!/^[1-9]\d{0,15}$/.test(arg)) return null;
    return (await ctx.store.index.protocol(BigInt(arg))) ? arg : null;
  },
  async render(id, offset, ctx) {
    const protocol = await ctx.store.index.protocol(BigInt(id));
    const { total, policies } = await ctx.store.index.protocolPoliciesPage(BigInt(id), PAGE_SIZE, offset);
    const name = protocol ? discordText(protocol.name, NAME_IN_SENTENCE_MAX) : `protocol #${id}`;
    const embed = listEmbed(`Policies on ${name}`, await policyLines(policies, ctx), "No policies.");
    return { embed, total, noun: "Policies" };
  },
};

/** Claims, newest first: the argument is a status, or "all". */
const claims: PagedList = {
  command: "/claims",
  async parse(arg) {
    return arg === "all" || (Object.values(CLAIM_STATUS) as string[]).includes(arg) ? arg : null;
  },
  async render(arg, offset, ctx) {
    const status = arg === "all" ? undefined : (arg as ClaimStatus);
    const { total, claims } = await ctx.store.index.claims({
      statuses: status ? [status] : undefined,
      limit: PAGE_SIZE,
      offset,
    });
    const names = await protocolNames(ctx);
    const lines = claims.map(
      (c) =>
        `**#${c.id}** · ${names.get(c.protocolId) ?? `protocol #${c.protocolId}`} · ${formatStx(c.amount)} · ` +
        `${label(c.status)}${c.status === "voting" ? ` · closes ${relativeTime(c.votingEndsAt)}` : ""}`,
    );
    const title = status ? `Claims: ${label(status).toLowerCase()}` : "Recent claims";
    const embed = listEmbed(title, lines, status ? "No claims in that state." : "No claims yet.");
    return { embed, total, noun: "Claims" };
  },
};

/** Every protocol the registry has, by id: the argument is always "all". */
const protocols: PagedList = {
  command: "/protocol",
  async parse(arg) {
    return arg === "all" ? arg : null;
  },
  async render(_arg, offset, ctx) {
    const all = await ctx.directory.all();
    const lines = all
      .slice(offset, offset + PAGE_SIZE)
      .map(
        (p) =>
          `**${discordText(p.name, NAME_IN_SENTENCE_MAX)}** · ${discordText(p.chain, LABEL_MAX)} · ${discordText(p.category, LABEL_MAX)} · ${p.status}`,
      );
    return {
      embed: listEmbed("Listed protocols", lines, "No protocols are listed yet."),
      total: all.length,
      noun: "Protocols",
    };
  },
};

/** Each list by the short name its buttons' custom ids carry. */
export const LISTS: Record<string, PagedList> = {
  holder: holderPolicies,
  protocol: protocolPolicies,
  claims,
  protocols,
};
