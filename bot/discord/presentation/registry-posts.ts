import type { ProtocolEvent } from "../../chain/events";
import { CATEGORIES, VERDICTS } from "../../chain/protocol-reader";
import { discordLink, discordText, LABEL_MAX } from "../../format/untrusted";
import type { EventKind } from "../../storage/subscriptions";
import { NAME_IN_SENTENCE_MAX } from "./embeds";
import { relativeTime, shortAddress, type Links } from "./links";

/**
 * The registry's and the council's announcements (subscriptions `listings` and `council`), rendered from the event
 * alone: pure functions, tested on their own. A protocol's name, website and an audit's report URI are chosen by
 * whoever submitted them: they reach the message only through discordText and discordLink.
 */

const LISTING_TOPICS = [
  "protocol-submitted",
  "protocol-listed",
  "protocol-rejected",
  "protocol-paused",
  "protocol-unpaused",
  "protocol-delisted",
  "audit-recorded",
  "incident-recorded",
] as const;
const COUNCIL_TOPICS = [
  "council-proposal-created",
  "council-proposal-approved",
  "council-approval-revoked",
  "council-proposal-cancelled",
  "council-proposal-executed",
  "parameter-changed",
  "role-changed",
  "council-member-changed",
  "council-threshold-changed",
  "pause-changed",
] as const;

export type AnnouncedEvent = Extract<
  ProtocolEvent,
  { topic: (typeof LISTING_TOPICS)[number] | (typeof COUNCIL_TOPICS)[number] }
>;

/** The subscription an event is announced to, or null for an event no announcement is made of. */
export function announcementKind(event: ProtocolEvent): Extract<EventKind, "listings" | "council"> | null {
  if ((LISTING_TOPICS as readonly string[]).includes(event.topic)) return "listings";
  if ((COUNCIL_TOPICS as readonly string[]).includes(event.topic)) return "council";
  return null;
}

/** The protocol an announcement is about (a subscription's protocol list filters on it), or null. */
export function announcedProtocol(event: AnnouncedEvent): number | null {
  return "protocolId" in event.data ? Number(event.data.protocolId) : null;
}

const name = (text: string) => `**${discordText(text, NAME_IN_SENTENCE_MAX)}**`;
/** A parameter or role name (the proposer's text): bold, escaped (a code span would show the escapes). */
const label = (text: string) => `**${discordText(text, LABEL_MAX)}**`;
/** insurance-council.clar's KIND-… constants. */
const KIND = { parameter: 1, role: 2, member: 3, threshold: 4, pause: 5 } as const;
/** What a council proposal's kind does. */
const PROPOSAL_KINDS: Record<number, string> = {
  [KIND.parameter]: "change a parameter",
  [KIND.role]: "grant or revoke a role",
  [KIND.member]: "add or remove a council member",
  [KIND.threshold]: "change the approval threshold",
  [KIND.pause]: "pause or resume cover and claims",
};

function proposalWhat(d: Extract<AnnouncedEvent, { topic: "council-proposal-created" }>["data"]): string {
  switch (Number(d.kind)) {
    case KIND.parameter:
      return `set ${label(d.name)} to ${d.value}`;
    case KIND.role:
      return `${d.enabled ? "grant" : "revoke"} the role ${label(d.name)} ${d.enabled ? "to" : "from"} ${shortAddress(d.target)}`;
    case KIND.member:
      return `${d.enabled ? "add" : "remove"} ${shortAddress(d.target)} ${d.enabled ? "to" : "from"} the council`;
    case KIND.threshold:
      return `set the approval threshold to ${d.value}`;
    case KIND.pause: {
      const part = (what: string, paused: boolean | null) =>
        paused === null ? null : `${paused ? "pause" : "resume"} ${what}`;
      return [part("cover", d.pauseCover), part("claims", d.pauseClaims)].filter(Boolean).join(" and ") || "pause";
    }
    default:
      return PROPOSAL_KINDS[Number(d.kind)] ?? `kind ${d.kind}`;
  }
}

/**
 * The announcement's text. `protocolName` is the registry's name of the protocol an audit or incident is about
 * (those events carry its id only); listing events carry their own name.
 */
export function announcementText(event: AnnouncedEvent, links: Links, protocolName: string | null = null): string {
  const tx = ` · ${links.txLink(event.txid)}`;
  const protocol = (id: bigint) => (protocolName === null ? `protocol #${id}` : name(protocolName));
  switch (event.topic) {
    case "protocol-submitted": {
      const d = event.data;
      const category = CATEGORIES[Number(d.category) - 1] ?? `category ${d.category}`;
      return (
        `📝 ${name(d.name)} (protocol #${d.protocolId}, ${discordText(d.chain, LABEL_MAX)}, ${category}) was submitted for listing ` +
        `by ${shortAddress(d.submitter)}: ${discordLink("website", d.website)}, ${discordLink("source", d.sourceUrl)}. ` +
        `A risk oracle reviews it before cover can be bought${tx}`
      );
    }
    case "protocol-listed":
      return `✅ ${name(event.data.name)} (protocol #${event.data.protocolId}) is listed: cover can be bought with \`/buy\`${tx}`;
    case "protocol-rejected":
      return `❌ The listing of ${name(event.data.name)} (protocol #${event.data.protocolId}) was rejected${tx}`;
    case "protocol-paused":
      return `⏸️ ${name(event.data.name)} (protocol #${event.data.protocolId}) is paused: no new cover; policies in force keep their terms${tx}`;
    case "protocol-unpaused":
      return `▶️ ${name(event.data.name)} (protocol #${event.data.protocolId}) is active again: cover can be bought${tx}`;
    case "protocol-delisted":
      return `🚫 ${name(event.data.name)} (protocol #${event.data.protocolId}) was delisted: no new cover${tx}`;
    case "audit-recorded": {
      const d = event.data;
      const verdict = VERDICTS[Number(d.verdict) as keyof typeof VERDICTS] ?? `verdict ${d.verdict}`;
      return (
        `🔍 Audit #${d.auditId} of ${protocol(d.protocolId)} by ${shortAddress(d.auditor)}: **${verdict}**, ` +
        `${d.critical} critical, ${d.high} high, ${d.medium} medium, ${d.low} low findings. ` +
        `${discordLink("Report", d.reportUri)}${tx}`
      );
    }
    case "incident-recorded":
      return `⚠️ An incident was recorded on ${protocol(event.data.protocolId)} (${event.data.incidentCount} in all): its risk score rises${tx}`;
    case "council-proposal-created": {
      const d = event.data;
      const when = d.executableAt > 0n ? `executable ${relativeTime(d.executableAt)}` : "waiting for approvals";
      return `🏛️ Council proposal #${d.proposalId} by ${shortAddress(d.proposer)}: ${proposalWhat(d)}. ${when}, expires ${relativeTime(d.expiresAt)}${tx}`;
    }
    case "council-proposal-approved": {
      const d = event.data;
      const ready =
        d.approvals >= d.threshold
          ? d.executableAt > 0n
            ? `: approved, executable ${relativeTime(d.executableAt)}`
            : ": approved"
          : "";
      return `👍 ${shortAddress(d.member)} approved council proposal #${d.proposalId} (${d.approvals} of ${d.threshold})${ready}${tx}`;
    }
    case "council-approval-revoked":
      return `↩️ ${shortAddress(event.data.member)} withdrew their approval of council proposal #${event.data.proposalId} (${event.data.approvals} of ${event.data.threshold})${tx}`;
    case "council-proposal-cancelled":
      return `🗑️ Council proposal #${event.data.proposalId} was cancelled by ${shortAddress(event.data.by)}${tx}`;
    case "council-proposal-executed":
      return `⚡ Council proposal #${event.data.proposalId} (${PROPOSAL_KINDS[Number(event.data.kind)] ?? `kind ${event.data.kind}`}) was executed by ${shortAddress(event.data.executor)}${tx}`;
    case "parameter-changed":
      return `⚙️ Parameter ${label(event.data.name)} changed from ${event.data.oldValue} to ${event.data.value}${tx}`;
    case "role-changed":
      return `🔑 ${shortAddress(event.data.who)} ${event.data.enabled ? "was granted" : "lost"} the role ${label(event.data.role)}${tx}`;
    case "council-member-changed": {
      const d = event.data;
      return `👥 ${shortAddress(d.who)} ${d.enabled ? "joined" : "left"} the council: ${d.memberCount} members, ${d.threshold} approvals needed${tx}`;
    }
    case "council-threshold-changed":
      return `👥 The council now needs ${event.data.threshold} of its ${event.data.memberCount} members' approvals${tx}`;
    case "pause-changed":
      return `${event.data.coverPaused || event.data.claimsPaused ? "⏸️" : "▶️"} New cover is ${event.data.coverPaused ? "paused" : "open"}; claims are ${event.data.claimsPaused ? "paused" : "open"}${tx}`;
  }
}
