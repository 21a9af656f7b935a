import {
  ChannelType,
  ThreadAutoArchiveDuration,
  type BaseMessageOptions,
  type ForumChannel,
  type MessageCreateOptions,
  type ThreadChannel,
} from "discord.js";
import { deliverToEach } from "./server-delivery";
import type { BotContext } from "./context";
import { DEFAULT_EDIT_WINDOW_MS } from "../config";
import { eventKey, postKeyOf, type ProtocolEvent } from "../chain/events";
import type { ClaimStatus } from "../chain/protocol-reader";
import { EditCoalescer } from "./edit-coalescer";
import { claimDetails } from "./claim-details";
import { recordVote } from "./recent-votes";
import { ownedBy } from "../sharding/guild-scope";
import { Subscriptions, wants, type EventKind, type Subscription } from "../storage/subscriptions";
import { appliedTagsFor, statusTag } from "./subscription-channels";
import {
  alertOpening,
  capitalText,
  claimAlertBody,
  claimAlertText,
  claimDetailsMessage,
  claimDetailsTitle,
  councilText,
  droppedText,
  outcomeComponents,
  outcomeText,
  purchaseText,
} from "./presentation/claim-posts";
import {
  announcedProtocol,
  announcementKind,
  announcementText,
  type AnnouncedEvent,
} from "./presentation/registry-posts";

const CLAIMS = "claims-assessment";
const COVER = "cybersecurity-insurance-defi";
const POOL = "capital-pool";
/** The longest thread (forum post) name Discord takes. */
const THREAD_NAME_MAX = 100;

/** A role mention in front of a post, and the allowed mentions that let it ping that role alone. */
const mentioning = (roleId: string | null, text: string) => ({
  content: `${roleId ? `<@&${roleId}> ` : ""}${text}`,
  allowedMentions: { roles: roleId ? [roleId] : [] },
});

/**
 * Tells each claim's life, and the registry's and the council's news, in every channel subscribed to it
 * (bot/storage/subscriptions.ts: /subscribe, and `/setup alerts|feed` read as subscriptions). In a text channel a
 * claim is one alert message (posted once, even across restarts and outages: see sendOnce; Discord's
 * enforce_nonce alone forgets), edited as votes arrive (coalesced per claim), a discussion thread, and a reply for
 * each outcome; in a forum channel it is one forum post, whose starter message is the alert, whose tags follow the
 * claim's status, and inside which the outcomes are posted. Every once-only key names the channel, so two channels
 * of one server both get their post. What is posted is rendered in presentation/; every write goes through the
 * poster. A shard tells it only in the servers it owns (ctx.scope); what is shared (the votes an alert shows) every
 * shard records alike, idempotently.
 */
export class ClaimFeed {
  readonly coalescer: EditCoalescer;

  private readonly recordsVotes: boolean;
  private readonly subscriptions: Subscriptions;

  constructor(
    private readonly ctx: BotContext,
    /** recordsVotes: false on a shard, where the ingestion leader records each vote once (OutboxPublisher). */
    options: { editWindowMs?: number; recordsVotes?: boolean } = {},
  ) {
    this.recordsVotes = options.recordsVotes ?? true;
    this.subscriptions = new Subscriptions(ctx.store.sql);
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
      return this.postToSubscribers(event, "purchases", Number(d.protocolId), purchaseText(d, protocol?.name ?? null));
    }
    if (contract === POOL && (event.topic === "capital-deposited" || event.topic === "capital-withdrawn")) {
      return this.postToSubscribers(event, "capital", null, capitalText(event));
    }
    const kind = announcementKind(event);
    if (kind) {
      const announced = event as AnnouncedEvent;
      const protocolId = announcedProtocol(announced);
      // Audits and incidents carry the protocol's id only: its name is read from the registry.
      const needsName = announced.topic === "audit-recorded" || announced.topic === "incident-recorded";
      const name =
        needsName && protocolId !== null ? ((await this.ctx.reader.protocol(BigInt(protocolId)))?.name ?? null) : null;
      return this.postToSubscribers(event, kind, protocolId, announcementText(announced, this.ctx.links, name));
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
    for (const posted of ownedBy(this.ctx.scope, await this.subscriptions.claimPosts(claimId))) {
      await this.ctx.poster.edit(posted.forum ? posted.threadId! : posted.channelId, posted.messageId, {
        content: notice,
        embeds: [],
        components: [],
      });
      await this.subscriptions.forgetClaimPost(posted.channelId, claimId);
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
        // The alert's edit also moves a forum post's tag to the new status.
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

  /** The subscriptions this process serves that want `kind` about `protocolId`. */
  private async targets(kind: EventKind, protocolId: number | null): Promise<Subscription[]> {
    return ownedBy(this.ctx.scope, await this.subscriptions.targets(kind, protocolId));
  }

  private async postAlerts(claimId: number, protocolId: number, postKey: string) {
    const found = await this.claimWithName(claimId);
    if (!found) return;
    const details = claimDetailsMessage(await claimDetails(this.ctx, found.claim), this.ctx.links);
    await deliverToEach(
      this.ctx.log,
      await this.targets("claims", protocolId),
      `alert for claim #${claimId}`,
      async (sub) => {
        // The claim's post record is what says "posted" here: it also holds the thread.
        if (await this.subscriptions.claimPost(sub.channelId, claimId)) return;
        const channel = await this.ctx.poster.channel(sub.channelId);
        if (!channel) return;
        const body = claimAlertBody(found.claim, found.name, await this.ctx.store.latestVotes(claimId), this.ctx.links);
        const payload: MessageCreateOptions = {
          content: claimAlertText(found.claim, found.name, sub.roleId),
          ...body,
          allowedMentions: { roles: sub.roleId ? [sub.roleId] : [] },
        };
        const threadName = `Claim #${claimId} · ${found.name}`.slice(0, THREAD_NAME_MAX);
        const key = `alert:${sub.guildId}:${sub.channelId}:${claimId}:${postKey}`;
        let messageId: string;
        let threadId: string | null = null;
        const forum = (channel as { type: ChannelType }).type === ChannelType.GuildForum;
        if (forum) {
          const post = await this.forumPost(
            key,
            channel as unknown as ForumChannel,
            threadName,
            payload,
            found.claim.status,
          );
          messageId = post.id;
          threadId = post.id;
          await this.subscriptions.saveClaimPost({ ...sub, claimId, messageId, threadId, forum });
        } else {
          const message = await this.ctx.poster.send(key, channel, payload, (m) =>
            alertOpening(claimId).test(m.content),
          );
          messageId = message.id;
          await this.subscriptions.saveClaimPost({ ...sub, claimId, messageId, threadId, forum });
          threadId = (await this.ctx.poster.thread(message, threadName))?.id ?? null;
          if (threadId) await this.subscriptions.saveClaimPost({ ...sub, claimId, messageId, threadId, forum });
        }
        // The server's one alert record (reminders reply to it): its /setup alerts channel's, else the first.
        const current = await this.ctx.store.claimMessage(sub.guildId, claimId);
        if (!current || current.channelId === sub.channelId || sub.legacy?.startsWith("alerts"))
          await this.ctx.store.saveClaimMessage(
            sub.guildId,
            claimId,
            forum ? threadId! : sub.channelId,
            messageId,
            threadId,
          );
        // The details the first view leaves out open the claim's thread, once.
        if (threadId)
          await this.ctx.poster.postOnce(`${postKey}:details:${sub.channelId}`, threadId, details, (m) =>
            m.embeds.some((e) => e.title === claimDetailsTitle(claimId)),
          );
      },
    );
  }

  /**
   * Opens a claim's forum post once per key: a post whose answer was lost (a crash, an outage) is found again
   * among the forum's threads by its name and author before another is created.
   */
  private async forumPost(
    key: string,
    forum: ForumChannel,
    name: string,
    payload: MessageCreateOptions,
    status: ClaimStatus,
  ): Promise<ThreadChannel> {
    const me = forum.client.user?.id;
    const mine = (t: ThreadChannel) => t.parentId === forum.id && t.ownerId === me && t.name === name;
    if (!(await this.ctx.store.markPosted(`attempt:${key}`))) {
      const earlier =
        forum.threads.cache.find(mine) ?? (await forum.threads.fetchActive()).threads.find((t) => mine(t));
      if (earlier) return earlier;
    }
    return forum.threads.create({
      name,
      message: payload,
      // A claim's life (vote, veto window, payout) spans days: the longest Discord allows before a quiet post archives.
      autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
      appliedTags: appliedTagsFor(forum.availableTags, [], statusTag(status)),
    });
  }

  /** Re-reads the claim and edits every channel's alert to show it as the chain has it now (a forum post's tag too). */
  async refreshAlerts(claimId: number) {
    const found = await this.claimWithName(claimId);
    if (!found) return;
    const body = claimAlertBody(found.claim, found.name, await this.ctx.store.latestVotes(claimId), this.ctx.links);
    await deliverToEach(
      this.ctx.log,
      ownedBy(this.ctx.scope, await this.subscriptions.claimPosts(claimId)),
      `edit of claim #${claimId}`,
      async (posted) => {
        if (!posted.forum) return this.ctx.poster.edit(posted.channelId, posted.messageId, body);
        await this.ctx.poster.edit(posted.threadId!, posted.messageId, body);
        await this.tagPost(posted.threadId!, found.claim.status);
      },
    );
  }

  /** Moves a forum post's status tag to the claim's status (no request when it already shows it). */
  private async tagPost(threadId: string, status: ClaimStatus) {
    const thread = (await this.ctx.poster.channel(threadId)) as unknown as ThreadChannel | null;
    const forum = thread?.parent as ForumChannel | null | undefined;
    if (!thread || !forum || forum.type !== ChannelType.GuildForum) return;
    const next = appliedTagsFor(forum.availableTags, thread.appliedTags, statusTag(status));
    const same = next.length === thread.appliedTags.length && next.every((id) => thread.appliedTags.includes(id));
    if (same) return;
    // A post quiet for a week is archived, and Discord edits an archived thread only in the request that reopens it.
    if (thread.archived) await thread.edit({ archived: false, appliedTags: next });
    else await thread.setAppliedTags(next);
  }

  /**
   * An outcome: a reply to the alert in a text channel subscribed to claims, a post inside the claim's forum post,
   * and a post of its own (mentioning the role) in a channel subscribed to outcomes only.
   */
  private async postOutcome(
    event: ProtocolEvent,
    claimId: number,
    protocolId: number,
    text: string,
    components: BaseMessageOptions["components"],
  ) {
    const targets = ownedBy(
      this.ctx.scope,
      (await this.subscriptions.all()).filter(
        (s) => wants(s, "claims", protocolId) || wants(s, "outcomes", protocolId),
      ),
    );
    await deliverToEach(this.ctx.log, targets, `${event.topic} of claim #${claimId}`, async (sub) => {
      const key = `${postKeyOf(event)}:${sub.guildId}:${sub.channelId}`;
      const alert = await this.subscriptions.claimPost(sub.channelId, claimId);
      if (alert?.forum) {
        await this.ctx.poster.postTextOnce(key, alert.threadId!, text, { components });
        return;
      }
      if (alert && sub.events.includes("claims")) {
        await this.ctx.poster.postTextOnce(key, sub.channelId, text, {
          components,
          reply: { messageReference: alert.messageId, failIfNotExists: false },
        });
        return;
      }
      const channel = await this.ctx.poster.channel(sub.channelId);
      // A forum takes a claim's outcome inside its post only (it holds no plain messages).
      if (!channel || (channel as { type: ChannelType }).type === ChannelType.GuildForum) return;
      const { content, allowedMentions } = mentioning(sub.events.includes("outcomes") ? sub.roleId : null, text);
      await this.ctx.poster.postTextOnce(key, sub.channelId, content, { components, allowedMentions });
    });
  }

  /** A council signature, in the claim's thread (or forum post) in each channel subscribed to its claims. */
  private async postInThread(event: ProtocolEvent, claimId: number, text: string) {
    const claim = await this.ctx.reader.claim(BigInt(claimId));
    if (!claim) return;
    const subscribed = new Set(
      (await this.targets("claims", Number(claim.protocolId))).map((s) => `${s.guildId}:${s.channelId}`),
    );
    const posts = (await this.subscriptions.claimPosts(claimId)).filter((p) =>
      subscribed.has(`${p.guildId}:${p.channelId}`),
    );
    await deliverToEach(this.ctx.log, posts, `${event.topic} of claim #${claimId}`, async (alert) => {
      await this.ctx.poster.postTextOnce(
        `${postKeyOf(event)}:${alert.guildId}:${alert.channelId}`,
        alert.threadId ?? alert.channelId,
        text,
      );
    });
  }

  /** A post of its own in each text channel subscribed to `kind` (and `protocolId`), mentioning its role. */
  private async postToSubscribers(event: ProtocolEvent, kind: EventKind, protocolId: number | null, text: string) {
    await deliverToEach(this.ctx.log, await this.targets(kind, protocolId), `${event.topic} (${kind})`, async (sub) => {
      const { content, allowedMentions } = mentioning(sub.roleId, text);
      await this.ctx.poster.postTextOnce(
        `${postKeyOf(event)}:${sub.guildId}:${sub.channelId}`,
        sub.channelId,
        content,
        {
          allowedMentions,
        },
      );
    });
  }
}
