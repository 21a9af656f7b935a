import {
  ChannelType,
  PermissionFlagsBits,
  type GuildBasedChannel,
  type GuildForumTag,
  type GuildMember,
} from "discord.js";
import type { ClaimStatus } from "../chain/protocol-reader";
import { ALERT_CHANNEL_NEEDS, FEED_CHANNEL_NEEDS, missingChannelPermissions } from "./permissions";
import { UserError } from "./errors";
import type { EventKind } from "../storage/subscriptions";

/**
 * What a subscribed channel must let the bot do, checked before a subscription is saved (as `/setup alerts` does):
 * a text channel that gets claims takes alerts with embeds and a thread each; one that gets the rest, messages
 * with embeds; a forum channel gets one post per claim, whose tags follow the claim's status.
 */

/** The forum tags a claim's post carries, one at a time, by its status. */
export const STATUS_TAGS = ["voting", "escalated", "approved", "denied", "vetoed", "paid"] as const;
export type StatusTag = (typeof STATUS_TAGS)[number];
/** Discord's limits: a forum has at most 20 tags, a post at most 5. */
export const FORUM_TAGS_MAX = 20;
export const APPLIED_TAGS_MAX = 5;

/** A claim's status as its forum post's tag: both ways to the council read "escalated". */
export function statusTag(status: ClaimStatus): StatusTag {
  if (status === "no-quorum" || status === "awaiting-council") return "escalated";
  return status;
}

/** The status tags a forum lacks (names compared without case, as a member reads them). */
export function missingStatusTags(available: readonly Pick<GuildForumTag, "name">[]): StatusTag[] {
  const names = new Set(available.map((t) => t.name.toLowerCase()));
  return STATUS_TAGS.filter((t) => !names.has(t));
}

/**
 * A post's tags with its status tag set to `status`: the other status tags taken off, any tag an admin added kept
 * (as long as five fit, Discord's limit: the status tag comes first).
 */
export function appliedTagsFor(
  available: readonly Pick<GuildForumTag, "id" | "name">[],
  current: readonly string[],
  status: StatusTag,
): string[] {
  const statusIds = new Map(
    available.filter((t) => (STATUS_TAGS as readonly string[]).includes(t.name.toLowerCase())).map((t) => [t.id, t]),
  );
  const target = available.find((t) => t.name.toLowerCase() === status);
  const others = current.filter((id) => !statusIds.has(id));
  return [...(target ? [target.id] : []), ...others].slice(0, APPLIED_TAGS_MAX);
}

/** The kinds a forum channel takes: a forum holds posts, and a claim is the one thing that is a post of its own. */
export const FORUM_KINDS: readonly EventKind[] = ["claims"];

const FORUM_NEEDS = [
  { flag: "ViewChannel", label: "View Channel" },
  { flag: "SendMessages", label: "Send Messages (Create Posts)" },
  { flag: "SendMessagesInThreads", label: "Send Messages in Posts" },
  { flag: "EmbedLinks", label: "Embed Links" },
] as const;

export const isForum = (channel: { type: ChannelType }) => channel.type === ChannelType.GuildForum;

/**
 * Refuses (UserError) a channel the bot could not post the chosen kinds in, naming the missing permissions; for a
 * forum, creates the status tags it lacks when the bot may manage the channel, else names the tags to create.
 */
export async function checkSubscribedChannel(
  channel: GuildBasedChannel,
  me: GuildMember,
  events: readonly EventKind[],
): Promise<{ createdTags: StatusTag[] }> {
  const forum = isForum(channel);
  if (forum) {
    const other = events.filter((k) => !FORUM_KINDS.includes(k));
    if (other.length)
      throw new UserError(
        `A forum channel gets one post per claim, so it takes \`claims\` only, not ${other.map((k) => `\`${k}\``).join(", ")}. ` +
          "Subscribe a text channel to those.",
      );
  }
  const needs = forum ? FORUM_NEEDS : events.some((k) => k === "claims") ? ALERT_CHANNEL_NEEDS : FEED_CHANNEL_NEEDS;
  const missing = missingChannelPermissions(channel, me, needs);
  if (missing.length) {
    throw new UserError(
      `I can't post there: in <#${channel.id}> I am missing ${missing.join(", ")}. ` +
        "Give my role those permissions in the channel's settings (Permissions), or choose another channel.",
    );
  }
  if (!forum || channel.type !== ChannelType.GuildForum) return { createdTags: [] };
  const lacking = missingStatusTags(channel.availableTags);
  if (lacking.length === 0) return { createdTags: [] };
  const names = lacking.map((t) => `\`${t}\``).join(", ");
  if (!channel.permissionsFor(me).has(PermissionFlagsBits.ManageChannels)) {
    throw new UserError(
      `A claim's post in <#${channel.id}> is tagged with its status, and the forum lacks the tags ${names}. ` +
        "Create them (Edit Channel → Tags), or give my role Manage Channels there so I create them, then subscribe again.",
    );
  }
  if (channel.availableTags.length + lacking.length > FORUM_TAGS_MAX) {
    throw new UserError(
      `<#${channel.id}> needs the tags ${names}, but a forum holds at most ${FORUM_TAGS_MAX} tags and it has ${channel.availableTags.length}. ` +
        "Remove some (Edit Channel → Tags), then subscribe again.",
    );
  }
  await channel.setAvailableTags([...channel.availableTags, ...lacking.map((name) => ({ name }))]);
  return { createdTags: lacking };
}
