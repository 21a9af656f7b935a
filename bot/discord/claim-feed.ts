import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type Client, type Message, type MessageCreateOptions, type TextChannel } from "discord.js";
import { deliverToEach } from "./server-delivery";
import type { BotContext } from "./context";
import type { ProtocolEvent } from "../chain/events";
import { eventKey } from "../chain/events";
import { CLAIM_STATUS, type Claim } from "../chain/protocol-reader";
import { claimEmbed } from "./presentation/embeds";
import { discordText, safeLinkTarget } from "../format/untrusted";
import { relativeTime, shortAddress } from "./presentation/links";
import { formatBps, formatStx } from "../format/stx";
import { EditCoalescer } from "./edit-coalescer";
import { ChannelPacer } from "./channel-pacer";
import { sendOnce } from "./post-once";

const CLAIMS = "claims-assessment";
const COVER = "cybersecurity-insurance-defi";
const POOL = "capital-pool";

/**
 * Tells each claim's life in every server that follows its protocol: one alert message per claim
 * (posted once, even across restarts and outages: see sendOnce; Discord's enforce_nonce alone forgets),
 * edited as votes arrive (coalesced per claim), a discussion thread, and a post for each outcome.
 * Purchases and capital movements go to a server's quieter feed channel if it set one.
 */
export class ClaimFeed {
  readonly coalescer: EditCoalescer;
  private readonly pacer = new ChannelPacer();

  constructor(private readonly client: Client, private readonly ctx: BotContext, options: { editWindowMs?: number } = {}) {
    this.coalescer = new EditCoalescer(options.editWindowMs ?? 2_000, (claimId) => this.refreshAlerts(claimId),
      (e, claimId) => ctx.log.warn({ err: e, claimId }, "could not refresh a claim alert"));
  }

  async handle(event: ProtocolEvent): Promise<void> {
    const contract = event.contractId.split(".")[1];
    const d = event.data;
    if (contract === CLAIMS) {
      const claimId = Number(d.claimId);
      switch (event.topic) {
        case "claim-submitted": return this.postAlerts(claimId, Number(d.protocolId));
        case "vote-cast": {
          // In the store, not in memory: bounded per claim, and a restarted bot still shows them.
          this.ctx.store.recordVote(claimId, eventKey(event), event.index, { voter: d.voter, approve: d.approve, weight: d.weight, txid: event.txid });
          this.coalescer.touch(claimId);
          return;
        }
        case "claim-escalated":
        case "claim-approved":
        case "claim-denied":
        case "claim-vetoed":
        case "claim-paid":
          this.coalescer.touch(claimId);
          return this.postOutcome(event, claimId, Number(d.protocolId), outcomeText(event, this.ctx));
        case "council-claim-signed":
        case "council-veto-signed":
          return this.postInThread(event, claimId, councilText(event));
        default:
          return;
      }
    }
    if (contract === COVER && event.topic === "policy-expired") {
      this.ctx.store.markPolicyExpired(Number(d.policyId));
      return;
    }
    if (contract === COVER && event.topic === "policy-purchased") {
      this.ctx.store.recordPolicyTerm(Number(d.policyId), Number(d.endsAt));
      const protocol = await this.ctx.reader.protocol(BigInt(d.protocolId));
      return this.postFeed(event, Number(d.protocolId), `🛡️ ${shortAddress(d.holder)} bought ${formatStx(d.coverageAmount)} of cover on `
        + `**${protocol?.name ?? `protocol #${d.protocolId}`}** for ${d.durationDays} days (policy #${d.policyId}, premium ${formatStx(d.premium)}).`);
    }
    if (contract === POOL && (event.topic === "capital-deposited" || event.topic === "capital-withdrawn")) {
      const verb = event.topic === "capital-deposited" ? "added" : "withdrew";
      return this.postFeed(event, null, `🏦 ${shortAddress(d.provider)} ${verb} ${formatStx(d.amount)}; pool capital is now ${formatStx(d.totalCapital)}.`);
    }
  }

  // -------------------------------------------------------------------------------------------
  private async channel(id: string): Promise<TextChannel | null> {
    try {
      return (await this.client.channels.fetch(id)) as TextChannel | null;
    } catch (e) {
      this.ctx.log.warn({ err: e, channelId: id }, "alert channel not reachable");
      return null;
    }
  }

  alertContent(claim: Claim, protocolName: string) {
    const embed = claimEmbed(claim, protocolName, this.ctx.links);
    const votes = this.ctx.store.latestVotes(Number(claim.id));
    if (votes.length) {
      embed.addFields({ name: "Latest votes", value: votes.map((v) =>
        `${v.approve ? "👍" : "👎"} ${shortAddress(v.voter)} · ${formatStx(v.weight)} · ${this.ctx.links.txLink(v.txid)}`).join("\n") });
    }
    const open = claim.status === "voting";
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("Approve").setURL(this.ctx.links.votePage(claim.id, "approve")).setDisabled(!open),
      new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("Deny").setURL(this.ctx.links.votePage(claim.id, "deny")).setDisabled(!open),
    );
    // Evidence that is not an https (or ipfs) URI gets no button: the embed shows it as inert text.
    const evidence = safeLinkTarget(claim.evidenceUri);
    if (evidence) row.addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("Evidence").setURL(evidence));
    return { embeds: [embed], components: [row] };
  }

  private async claimWithName(claimId: number) {
    const claim = await this.ctx.reader.claim(BigInt(claimId));
    if (!claim) return null;
    const protocol = await this.ctx.reader.protocol(claim.protocolId);
    return { claim, name: protocol?.name ?? `protocol #${claim.protocolId}` };
  }

  private async postAlerts(claimId: number, protocolId: number) {
    const found = await this.claimWithName(claimId);
    if (!found) return;
    await deliverToEach(this.ctx.log, this.ctx.store.guildsFollowing(protocolId), `alert for claim #${claimId}`, async (settings) => {
      if (this.ctx.store.claimMessage(settings.guildId, claimId)) return;
      const channel = await this.channel(settings.alertChannelId!);
      if (!channel) return;
      const content = this.alertContent(found.claim, found.name);
      const mention = settings.assessorRoleId ? `<@&${settings.assessorRoleId}> ` : "";
      const opening = new RegExp(`^(<@&\\d+> )?New claim #${claimId} on `);
      const message: Message = await this.pacer.run(channel.id, () => sendOnce(this.ctx.store, channel, `alert:${settings.guildId}:${claimId}`, {
        content: `${mention}New claim #${claimId} on **${discordText(found.name, 100)}** for ${formatStx(found.claim.amount)}: vote by ${relativeTime(found.claim.votingEndsAt)}.`,
        ...content, allowedMentions: { roles: settings.assessorRoleId ? [settings.assessorRoleId] : [] },
      }, (m) => opening.test(m.content)));
      this.ctx.store.saveClaimMessage(settings.guildId, claimId, channel.id, message.id);
      const thread = await message.startThread({ name: `Claim #${claimId} · ${found.name}`.slice(0, 100) })
        .catch(async () => (await this.client.channels.fetch(message.id).catch(() => null)));
      if (thread) this.ctx.store.saveClaimMessage(settings.guildId, claimId, channel.id, message.id, thread.id);
    });
  }

  /** Re-reads the claim and edits every server's alert to show it as the chain has it now. */
  async refreshAlerts(claimId: number) {
    const found = await this.claimWithName(claimId);
    if (!found) return;
    await deliverToEach(this.ctx.log, this.ctx.store.claimMessages(claimId), `edit of claim #${claimId}`, async (posted) => {
      const channel = await this.channel(posted.channelId);
      if (!channel) return;
      const content = this.alertContent(found.claim, found.name);
      await this.pacer.run(channel.id, () => channel.messages.edit(posted.messageId, content));
    });
  }

  /** A text post, once per key (sendOnce), paced per channel, pinging nobody; recorded once sent. */
  private async postTextOnce(key: string, channelId: string, text: string, extra: Partial<MessageCreateOptions> = {}) {
    if (this.ctx.store.wasPosted(key)) return;
    const channel = await this.channel(channelId);
    if (!channel) return;
    await this.pacer.run(channel.id, () => sendOnce(this.ctx.store, channel, key, { content: text, allowedMentions: { parse: [] }, ...extra },
      (m) => m.content === text));
    this.ctx.store.markPosted(key);
  }

  private async postOutcome(event: ProtocolEvent, claimId: number, protocolId: number, text: string) {
    await deliverToEach(this.ctx.log, this.ctx.store.guildsFollowing(protocolId), `${event.topic} of claim #${claimId}`, async (settings) => {
      const alert = this.ctx.store.claimMessage(settings.guildId, claimId);
      await this.postTextOnce(`${eventKey(event)}:${settings.guildId}`, settings.alertChannelId!, text,
        alert ? { reply: { messageReference: alert.messageId, failIfNotExists: false } } : {});
    });
  }

  private async postInThread(event: ProtocolEvent, claimId: number, text: string) {
    const claim = await this.ctx.reader.claim(BigInt(claimId));
    if (!claim) return;
    await deliverToEach(this.ctx.log, this.ctx.store.guildsFollowing(Number(claim.protocolId)), `${event.topic} of claim #${claimId}`, async (settings) => {
      const alert = this.ctx.store.claimMessage(settings.guildId, claimId);
      if (alert) await this.postTextOnce(`${eventKey(event)}:${settings.guildId}`, alert.threadId ?? alert.channelId, text);
    });
  }

  private async postFeed(event: ProtocolEvent, protocolId: number | null, text: string) {
    const targets = this.ctx.store.allSettings().filter((settings) => settings.feedChannelId
      && (protocolId === null || settings.followed.length === 0 || settings.followed.includes(protocolId)));
    await deliverToEach(this.ctx.log, targets, `${event.topic} in the feed`, async (settings) => {
      await this.postTextOnce(`${eventKey(event)}:${settings.guildId}`, settings.feedChannelId!, text);
    });
  }
}

const tally = (d: Record<string, any>) => {
  const voted = (d.approveWeight as bigint) + (d.denyWeight as bigint);
  const pct = voted === 0n ? "0%" : formatBps((d.approveWeight * 10_000n) / voted);
  return `${formatStx(d.approveWeight)} for (${pct}), ${formatStx(d.denyWeight)} against, ${d.voterCount} vote${d.voterCount === 1n ? "" : "s"}`;
};

export function outcomeText(event: ProtocolEvent, ctx: BotContext): string {
  const d = event.data;
  const id = `Claim #${d.claimId}`;
  const by = d.decidedBy === "council" ? "by the council" : "by vote";
  switch (event.topic) {
    case "claim-escalated":
      return CLAIM_STATUS[Number(d.status) as keyof typeof CLAIM_STATUS] === "no-quorum"
        ? `⚖️ ${id} did not reach quorum (${formatStx(d.votedStake)} of ${formatStx(d.quorumStake)} stake voted`
          + `${(d.votedStake as bigint) >= (d.quorumStake as bigint) && (d.voterCount as bigint) < (d.minVoters as bigint)
            ? `, but ${d.voterCount} of the ${d.minVoters} different voters needed` : ""}): the council decides. Final tally: ${tally(d)}.`
        : `⚖️ ${id} was approved by vote (${tally(d)}); as a large claim it now needs the council's sign-off.`;
    case "claim-approved":
      return `✅ ${id} approved ${by}: ${tally(d)}. ${formatStx(d.payable)} is payable ${relativeTime(d.vetoEndsAt)} unless the council vetoes it.`;
    case "claim-denied":
      return `❌ ${id} denied ${by}: ${tally(d)}. The claimant's bond of ${formatStx(d.bondForfeited)} is forfeited: ${formatStx((d.bondForfeited as bigint) - (d.bondToPool as bigint))} to the assessors who voted to deny, ${formatStx(d.bondToPool)} to the pool.`;
    case "claim-vetoed":
      return `🛑 ${id} was vetoed by the council during the veto window (reason hash \`${String(d.reasonHash).slice(0, 18)}…\`). Nothing will be paid.`;
    case "claim-paid":
      return `💸 ${id} paid: ${formatStx(d.paid)} to ${ctx.links.addressLink(d.claimant)} (${formatStx(d.deductible)} deductible`
        + `${d.shortfall > 0n ? `, ${formatStx(d.shortfall)} short: the pool could not pay in full` : ""}) · ${ctx.links.txLink(event.txid)}.`;
    default:
      return `${id}: ${event.topic}`;
  }
}

function councilText(event: ProtocolEvent): string {
  const d = event.data;
  if (event.topic === "council-veto-signed") {
    return `🛑 Council member ${shortAddress(d.member)} signed a veto (${d.vetoes} of ${d.threshold}).`;
  }
  return `🖋️ Council member ${shortAddress(d.member)} signed to ${d.approve ? "approve" : "deny"} (${d.approve ? d.approvals : d.denials} of ${d.threshold}).`;
}
