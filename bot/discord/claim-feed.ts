import type { BaseMessageOptions } from "discord.js";
import { deliverToEach } from "./server-delivery";
import type { BotContext } from "./context";
import { DEFAULT_EDIT_WINDOW_MS } from "../config";
import { eventKey, postKeyOf, type ProtocolEvent } from "../chain/events";
import { EditCoalescer } from "./edit-coalescer";
import { recordVote } from "./recent-votes";
import { ownedBy } from "../sharding/guild-scope";
import {
  alertOpening,
  capitalText,
  claimAlertBody,
  claimAlertText,
  councilText,
  droppedText,
  outcomeComponents,
  outcomeText,
  purchaseText,
} from "./presentation/claim-posts";

const CLAIMS = "claims-assessment";
const COVER = "cybersecurity-insurance-defi";
const POOL = "capital-pool";

/**
 * Tells each claim's life in every server that follows its protocol: one alert message per claim
 * (posted once, even across restarts and outages: see sendOnce; Discord's enforce_nonce alone forgets),
 * edited as votes arrive (coalesced per claim), a discussion thread, and a post for each outcome.
 * Purchases and capital movements go to a server's quieter feed channel if it set one. What is posted is
 * rendered in presentation/claim-posts.ts; every write goes through the poster. A shard tells it only in the
 * servers it owns (ctx.scope); what is shared (the votes an alert shows) every shard records alike, idempotently.
 */
export class ClaimFeed {
  readonly coalescer: EditCoalescer;

  private readonly recordsVotes: boolean;

  constructor(
    private readonly ctx: BotContext,
    /** recordsVotes: false on a shard, where the ingestion leader records each vote once (OutboxPublisher). */
    options: { editWindowMs?: number; recordsVotes?: boolean } = {},
  ) {
    this.recordsVotes = options.recordsVotes ?? true;
    this.coalescer = new EditCoalescer(
      options.editWindowMs ?? DEFAULT_EDIT_WINDOW_MS,
      (claimId) => this.refreshAlerts(claimId),
      (e, claimId) => ctx.log.warn({ err: e, claimId }, "could not refresh a claim alert"),
    );
  }

  async handle(event: ProtocolEvent): Promise<void> {
    const contract = event.contractId.split(".")[1];
    if (contract === CLAIMS) return this.handleClaimEvent(event);
    if (contract === COVER && event.topic === "policy-purchased") {
      const d = event.data;
      const protocol = await this.ctx.reader.protocol(d.protocolId);
      return this.postFeed(event, Number(d.protocolId), purchaseText(d, protocol?.name ?? null));
    }
    if (contract === POOL && (event.topic === "capital-deposited" || event.topic === "capital-withdrawn")) {
      return this.postFeed(event, null, capitalText(event));
    }
  }

  /**
   * Undoes an event a chain re-organisation orphaned: what it recorded is forgotten, every post made for it is
   * edited to say the transaction was dropped (and forgotten, so it is posted again if the transaction is mined
   * again), and a claim's alert loses its vote buttons. Safe to repeat: a failed edit throws and is retried.
   */
  async rollback(event: ProtocolEvent): Promise<void> {
    const { store } = this.ctx;
    const key = eventKey(event);
    if (this.recordsVotes) await recordVote(store, event, "rollback");
    if (event.topic === "claim-submitted") await this.dropAlerts(event, Number(event.data.claimId));
    else if ("claimId" in event.data) this.coalescer.touch(Number(event.data.claimId));
    const notice = droppedText(event.txid, this.ctx.links);
    // A message posted before the store kept its server is edited by the first shard (any shard can reach it).
    const posts = (await store.postedMessages(`${key}:`)).filter((p) =>
      p.guildId === null ? this.ctx.scope.shards.includes(0) : this.ctx.scope.owns(p.guildId),
    );
    for (const post of posts) {
      await this.ctx.poster.edit(post.channelId, post.messageId, { content: notice, embeds: [], components: [] });
      await store.forgetPosted(post.postKey);
    }
  }

  private async dropAlerts(event: ProtocolEvent, claimId: number) {
    const { store } = this.ctx;
    const notice = droppedText(event.txid, this.ctx.links, `Claim #${claimId}`);
    for (const posted of ownedBy(this.ctx.scope, await store.claimMessages(claimId))) {
      await this.ctx.poster.edit(posted.channelId, posted.messageId, { content: notice, embeds: [], components: [] });
      await store.forgetClaimMessage(posted.guildId, claimId);
    }
  }

  private async handleClaimEvent(event: ProtocolEvent): Promise<void> {
    switch (event.topic) {
      case "claim-submitted":
        return this.postAlerts(Number(event.data.claimId), Number(event.data.protocolId), postKeyOf(event));
      case "vote-cast": {
        if (this.recordsVotes) await recordVote(this.ctx.store, event, "handle");
        this.coalescer.touch(Number(event.data.claimId));
        return;
      }
      case "claim-escalated":
      case "claim-approved":
      case "claim-denied":
      case "claim-vetoed":
      case "claim-paid":
        this.coalescer.touch(Number(event.data.claimId));
        return this.postOutcome(
          event,
          Number(event.data.claimId),
          Number(event.data.protocolId),
          outcomeText(event, this.ctx.links),
          outcomeComponents(event, this.ctx.links),
        );
      case "council-claim-signed":
      case "council-veto-signed":
        return this.postInThread(event, Number(event.data.claimId), councilText(event));
      default:
        return;
    }
  }

  private async claimWithName(claimId: number) {
    const claim = await this.ctx.reader.claim(BigInt(claimId));
    if (!claim) return null;
    const protocol = await this.ctx.reader.protocol(claim.protocolId);
    return { claim, name: protocol?.name ?? `protocol #${claim.protocolId}` };
  }

  private async postAlerts(claimId: number, protocolId: number, postKey: string) {
    const found = await this.claimWithName(claimId);
    if (!found) return;
    await deliverToEach(
      this.ctx.log,
      ownedBy(this.ctx.scope, await this.ctx.store.guildsFollowing(protocolId)),
      `alert for claim #${claimId}`,
      async (settings) => {
        // The claim's message record is what says "posted" here: it also holds the thread.
        if (await this.ctx.store.claimMessage(settings.guildId, claimId)) return;
        const channel = await this.ctx.poster.channel(settings.alertChannelId!);
        if (!channel) return;
        const role = settings.assessorRoleId ?? null;
        const body = claimAlertBody(found.claim, found.name, await this.ctx.store.latestVotes(claimId), this.ctx.links);
        const message = await this.ctx.poster.send(
          `alert:${settings.guildId}:${claimId}:${postKey}`,
          channel,
          {
            content: claimAlertText(found.claim, found.name, role),
            ...body,
            allowedMentions: { roles: role ? [role] : [] },
          },
          (m) => alertOpening(claimId).test(m.content),
        );
        await this.ctx.store.saveClaimMessage(settings.guildId, claimId, channel.id, message.id);
        const thread = await this.ctx.poster.thread(message, `Claim #${claimId} · ${found.name}`);
        if (thread) await this.ctx.store.saveClaimMessage(settings.guildId, claimId, channel.id, message.id, thread.id);
      },
    );
  }

  /** Re-reads the claim and edits every server's alert to show it as the chain has it now. */
  async refreshAlerts(claimId: number) {
    const found = await this.claimWithName(claimId);
    if (!found) return;
    const body = claimAlertBody(found.claim, found.name, await this.ctx.store.latestVotes(claimId), this.ctx.links);
    await deliverToEach(
      this.ctx.log,
      ownedBy(this.ctx.scope, await this.ctx.store.claimMessages(claimId)),
      `edit of claim #${claimId}`,
      (posted) => this.ctx.poster.edit(posted.channelId, posted.messageId, body),
    );
  }

  private async postOutcome(
    event: ProtocolEvent,
    claimId: number,
    protocolId: number,
    text: string,
    components: BaseMessageOptions["components"],
  ) {
    await deliverToEach(
      this.ctx.log,
      ownedBy(this.ctx.scope, await this.ctx.store.guildsFollowing(protocolId)),
      `${event.topic} of claim #${claimId}`,
      async (settings) => {
        const alert = await this.ctx.store.claimMessage(settings.guildId, claimId);
        await this.ctx.poster.postTextOnce(`${postKeyOf(event)}:${settings.guildId}`, settings.alertChannelId!, text, {
          components,
          ...(alert ? { reply: { messageReference: alert.messageId, failIfNotExists: false } } : {}),
        });
      },
    );
  }

  private async postInThread(event: ProtocolEvent, claimId: number, text: string) {
    const claim = await this.ctx.reader.claim(BigInt(claimId));
    if (!claim) return;
    await deliverToEach(
      this.ctx.log,
      ownedBy(this.ctx.scope, await this.ctx.store.guildsFollowing(Number(claim.protocolId))),
      `${event.topic} of claim #${claimId}`,
      async (settings) => {
        const alert = await this.ctx.store.claimMessage(settings.guildId, claimId);
        if (alert)
          await this.ctx.poster.postTextOnce(
            `${postKeyOf(event)}:${settings.guildId}`,
            alert.threadId ?? alert.channelId,
            text,
          );
      },
    );
  }

  private async postFeed(event: ProtocolEvent, protocolId: number | null, text: string) {
    const targets = ownedBy(this.ctx.scope, await this.ctx.store.allSettings()).filter(
      (settings) =>
        settings.feedChannelId &&
        (protocolId === null || settings.followed.length === 0 || settings.followed.includes(protocolId)),
    );
    await deliverToEach(this.ctx.log, targets, `${event.topic} in the feed`, async (settings) => {
      await this.ctx.poster.postTextOnce(`${postKeyOf(event)}:${settings.guildId}`, settings.feedChannelId!, text);
    });
  }
}
