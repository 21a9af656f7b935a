import type { Sql } from "./sql";

/**
 * What each channel of a server chose to receive (/subscribe, table channel_subscriptions, migration 12), and the
 * claim's post in each channel (table channel_claim_posts). `/setup alerts` and `/setup feed` stay shorthands:
 * a server's alert channel and feed channel (guild_settings, with its followed protocols and assessor role) are
 * read as implicit subscriptions, so a server set up before subscriptions keeps receiving what it received. An
 * explicit subscription on a channel replaces the implicit one there.
 */

/** The kinds of events a channel can subscribe to, in the order /subscribe offers them. */
export const EVENT_KINDS = [
  "claims",
  "outcomes",
  "purchases",
  "capital",
  "listings",
  "council",
  "pool-report",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** What a member reads for each kind in /subscribe's list and in /setup show. */
export const EVENT_KIND_LABELS: Record<EventKind, string> = {
  claims: "Claims: alert, votes, outcomes and discussion thread",
  outcomes: "Claim outcomes only",
  purchases: "Cover purchases",
  capital: "Capital deposits and withdrawals",
  listings: "Listings and audits: protocols submitted, listed, paused, delisted; audits and incidents",
  council: "Council: proposals, approvals, executions, parameter, member and threshold changes, pauses",
  "pool-report": "The daily pool report",
};

/** Kinds that name no protocol: a subscription's protocol list does not filter them. */
export const UNFILTERED_KINDS: readonly EventKind[] = ["capital", "council", "pool-report"];

export type Subscription = {
  guildId: string;
  channelId: string;
  events: EventKind[];
  /** Empty: every protocol. */
  protocolIds: number[];
  roleId: string | null;
  /** Set when the subscription is the server's `/setup alerts` or `/setup feed` channel, not a /subscribe. */
  legacy?: "alerts" | "feed" | "alerts+feed";
};

export type ClaimPost = {
  guildId: string;
  channelId: string;
  claimId: number;
  /** The alert (in a text channel) or the forum post's starter message (its id is the thread's). */
  messageId: string;
  threadId: string | null;
  forum: boolean;
};

type Row = {
  guild_id: string;
  channel_id: string;
  events: string;
  protocol_ids: string;
  role_id: string | null;
};
type PostRow = {
  guild_id: string;
  channel_id: string;
  claim_id: number;
  message_id: string;
  thread_id: string | null;
  forum: number;
};

const isKind = (k: string): k is EventKind => (EVENT_KINDS as readonly string[]).includes(k);
const kindsOf = (text: string) => text.split(",").filter(isKind);
const idsOf = (text: string) =>
  text
    .split(",")
    .filter((t) => t !== "")
    .map(Number);

const subscriptionOf = (r: Row): Subscription => ({
  guildId: r.guild_id,
  channelId: r.channel_id,
  events: kindsOf(r.events),
  protocolIds: idsOf(r.protocol_ids),
  roleId: r.role_id,
});
const postOf = (r: PostRow): ClaimPost => ({
  guildId: r.guild_id,
  channelId: r.channel_id,
  claimId: Number(r.claim_id),
  messageId: r.message_id,
  threadId: r.thread_id,
  forum: Number(r.forum) === 1,
});

/** Whether a subscription wants an event of `kind` about `protocolId` (null: an event that names none). */
export function wants(s: Subscription, kind: EventKind, protocolId: number | null): boolean {
  if (!s.events.includes(kind)) return false;
  if (protocolId === null || UNFILTERED_KINDS.includes(kind) || s.protocolIds.length === 0) return true;
  return s.protocolIds.includes(protocolId);
}

export class Subscriptions {
  constructor(private readonly sql: Sql) {}

  /** The server's subscriptions, explicit and implicit (its alert and feed channels), by channel. */
  async forGuild(guildId: string): Promise<Subscription[]> {
    return this.read(guildId);
  }

  /** Every server's subscriptions. */
  all(): Promise<Subscription[]> {
    return this.read(null);
  }

  /** The subscriptions that want an event of `kind` about `protocolId`. */
  async targets(kind: EventKind, protocolId: number | null): Promise<Subscription[]> {
    return (await this.all()).filter((s) => wants(s, kind, protocolId));
  }

  /** The subscription /subscribe made on a channel (not an implicit one), if any. */
  async explicit(guildId: string, channelId: string): Promise<Subscription | undefined> {
    const row = await this.sql.get<Row>(
      "SELECT guild_id, channel_id, events, protocol_ids, role_id FROM channel_subscriptions WHERE guild_id = ? AND channel_id = ?",
      [guildId, channelId],
    );
    return row ? subscriptionOf(row) : undefined;
  }

  /** Writes a channel's subscription whole (the command merged what the admin added). */
  async save(s: Subscription): Promise<void> {
    await this.sql.run(
      `INSERT INTO channel_subscriptions (guild_id, channel_id, events, protocol_ids, role_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(guild_id, channel_id) DO UPDATE SET events = excluded.events, protocol_ids = excluded.protocol_ids,
        role_id = excluded.role_id`,
      [
        s.guildId,
        s.channelId,
        EVENT_KINDS.filter((k) => s.events.includes(k)).join(","),
        [...new Set(s.protocolIds)].sort((a, b) => a - b).join(","),
        s.roleId,
        Date.now(),
      ],
    );
  }

  /** Removes a channel's explicit subscription; true if there was one. */
  async remove(guildId: string, channelId: string): Promise<boolean> {
    return (
      (await this.sql.run("DELETE FROM channel_subscriptions WHERE guild_id = ? AND channel_id = ?", [
        guildId,
        channelId,
      ])) > 0
    );
  }

  private async read(guildId: string | null): Promise<Subscription[]> {
    const where = guildId === null ? "" : " WHERE guild_id = ?";
    const params = guildId === null ? [] : [guildId];
    const explicit = (
      await this.sql.all<Row>(
        `SELECT guild_id, channel_id, events, protocol_ids, role_id FROM channel_subscriptions${where} ORDER BY guild_id, created_at, channel_id`,
        params,
      )
    ).map(subscriptionOf);
    const settings = await this.sql.all<{
      guild_id: string;
      alert_channel_id: string | null;
      feed_channel_id: string | null;
      assessor_role_id: string | null;
    }>(
      `SELECT guild_id, alert_channel_id, feed_channel_id, assessor_role_id FROM guild_settings${where} ORDER BY guild_id`,
      params,
    );
    const follows = await this.sql.all<{ guild_id: string; protocol_id: number }>(
      `SELECT guild_id, protocol_id FROM followed_protocols${where} ORDER BY protocol_id`,
      params,
    );
    const taken = new Set(explicit.map((s) => `${s.guildId}:${s.channelId}`));
    const implicit: Subscription[] = [];
    for (const g of settings) {
      const followed = follows.filter((f) => f.guild_id === g.guild_id).map((f) => Number(f.protocol_id));
      const add = (channelId: string | null, legacy: "alerts" | "feed", events: EventKind[], roleId: string | null) => {
        if (!channelId || taken.has(`${g.guild_id}:${channelId}`)) return;
        const same = implicit.find((s) => s.guildId === g.guild_id && s.channelId === channelId);
        if (same) {
          same.events = EVENT_KINDS.filter((k) => same.events.includes(k) || events.includes(k));
          same.legacy = "alerts+feed";
          return;
        }
        implicit.push({ guildId: g.guild_id, channelId, events, protocolIds: followed, roleId, legacy });
      };
      // The daily report went to the feed, or to the alert channel of a server without one (bot/jobs/pool-report.ts).
      add(g.alert_channel_id, "alerts", g.feed_channel_id ? ["claims"] : ["claims", "pool-report"], g.assessor_role_id);
      add(g.feed_channel_id, "feed", ["purchases", "capital", "pool-report"], null);
    }
    return [...explicit, ...implicit];
  }

  // -------------------------------------------------------------------------------------------
  // A claim's post in each channel
  // -------------------------------------------------------------------------------------------
  async claimPost(channelId: string, claimId: number): Promise<ClaimPost | undefined> {
    const row = await this.sql.get<PostRow>(
      "SELECT guild_id, channel_id, claim_id, message_id, thread_id, forum FROM channel_claim_posts WHERE channel_id = ? AND claim_id = ?",
      [channelId, claimId],
    );
    return row ? postOf(row) : undefined;
  }

  async claimPosts(claimId: number): Promise<ClaimPost[]> {
    return (
      await this.sql.all<PostRow>(
        "SELECT guild_id, channel_id, claim_id, message_id, thread_id, forum FROM channel_claim_posts WHERE claim_id = ? ORDER BY guild_id, channel_id",
        [claimId],
      )
    ).map(postOf);
  }

  async saveClaimPost(post: ClaimPost): Promise<void> {
    await this.sql.run(
      `INSERT INTO channel_claim_posts (channel_id, claim_id, guild_id, message_id, thread_id, forum) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(channel_id, claim_id) DO UPDATE SET message_id = excluded.message_id,
        thread_id = COALESCE(excluded.thread_id, channel_claim_posts.thread_id), forum = excluded.forum`,
      [post.channelId, post.claimId, post.guildId, post.messageId, post.threadId, post.forum ? 1 : 0],
    );
  }

  async forgetClaimPost(channelId: string, claimId: number): Promise<void> {
    await this.sql.run("DELETE FROM channel_claim_posts WHERE channel_id = ? AND claim_id = ?", [channelId, claimId]);
  }
}
