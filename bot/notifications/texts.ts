import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type BaseMessageOptions } from "discord.js";
import type { ProtocolEvent } from "../chain/events";
import { formatStx } from "../format/stx";
import { discordText, LABEL_MAX } from "../format/untrusted";
import { relativeTime, type Links } from "../discord/presentation/links";
import type { NotificationKind } from "../storage/member-notifications";

/** What each personal notification (a DM) and each council ping says. Sending is in member-notifier.ts. */

type ClaimEvent<T extends ProtocolEvent["topic"]> = Extract<ProtocolEvent, { topic: T }>;
export type Payload = Pick<BaseMessageOptions, "content" | "components">;

/** A protocol's name from the chain, safe to show. */
export const protocolLabel = (name: string | null, protocolId: bigint) =>
  name === null ? `protocol #${protocolId}` : `**${discordText(name, LABEL_MAX)}**`;

const buttons = (...list: [label: string, url: string][]): BaseMessageOptions["components"] => [
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    ...list.map(([label, url]) => new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(label).setURL(url)),
  ),
];

/** What `/notify` calls each kind, in its answer and its options. */
export const KIND_LABELS: Record<NotificationKind, string> = {
  "new-claims": "New claims",
  unvoted: "Claims you can vote on and have not (when opened, and with the reminders)",
  rewards: "Rewards ready to settle (a claim you voted on closed)",
  policy: "Your policies' claims (filed, outcome, paid)",
  council: "Council actions needed (for council members)",
};

export function newClaimDm(d: ClaimEvent<"claim-submitted">["data"], protocol: string, links: Links): Payload {
  return {
    content: `🆕 New claim #${d.claimId} on ${protocol} for ${formatStx(d.amount)}: voting closes ${relativeTime(d.votingEndsAt)}.`,
    components: buttons(["Open the claim", links.votePage(d.claimId, "approve")]),
  };
}

export function unvotedClaimDm(d: ClaimEvent<"claim-submitted">["data"], protocol: string, links: Links): Payload {
  return {
    content: `🗳️ New claim #${d.claimId} on ${protocol} for ${formatStx(d.amount)}, and your stake can vote on it: voting closes ${relativeTime(d.votingEndsAt)}.`,
    components: buttons(["Approve", links.votePage(d.claimId, "approve")], ["Deny", links.votePage(d.claimId, "deny")]),
  };
}

export function policyFiledDm(d: ClaimEvent<"claim-submitted">["data"], protocol: string): Payload {
  return {
    content: `📄 Your claim #${d.claimId} on policy #${d.policyId} (${protocol}) for ${formatStx(d.amount)} is filed: assessors vote until ${relativeTime(d.votingEndsAt)}.`,
  };
}

type Outcome = ClaimEvent<"claim-escalated" | "claim-approved" | "claim-denied" | "claim-vetoed" | "claim-paid">;

/** Why a claim went to the council, in a few words. */
const escalation = (d: Outcome["data"]) =>
  d.quorumReached ? "it is large, so the council signs off on the vote" : "the vote did not reach quorum";

export function policyOutcomeDm(event: Outcome): Payload {
  const d = event.data;
  const id = `Your claim #${d.claimId} on policy #${d.policyId}`;
  switch (event.topic) {
    case "claim-escalated":
      return { content: `🏛️ ${id} went to the council: ${escalation(d)}.` };
    case "claim-approved":
      return {
        content: `✅ ${id} is approved: ${formatStx(d.payable)} is payable ${relativeTime(d.vetoEndsAt)} unless the council vetoes it.`,
      };
    case "claim-denied":
      return { content: `❌ ${id} is denied.` };
    case "claim-vetoed":
      return { content: `🛑 ${id} was vetoed by the council.` };
    case "claim-paid":
      return {
        content: `💸 ${id} is paid: ${formatStx(event.data.paid)} to your wallet, and your bond of ${formatStx(event.data.bondReturned)} is returned.`,
      };
  }
}

export function rewardsDm(event: Outcome, links: Links): Payload {
  const how = { "claim-paid": "paid", "claim-denied": "denied", "claim-vetoed": "vetoed" }[
    event.topic as "claim-paid" | "claim-denied" | "claim-vetoed"
  ];
  return {
    content: `💰 Claim #${event.data.claimId} is closed (${how}): settle your vote to collect your reward and unlock your stake. Your wallet signs, as for a vote.`,
    components: buttons(["Settle my vote", links.settlePage(event.data.claimId)]),
  };
}

/** A council action, by DM (to a linked council member) or in a server (mentioning its council role). */
export function councilAction(
  event: ClaimEvent<"claim-escalated" | "claim-approved">,
  links: Links,
  roleId: string | null = null,
): Payload {
  const d = event.data;
  const ping = roleId ? `<@&${roleId}> ` : "";
  if (event.topic === "claim-escalated")
    return {
      content: `${ping}🏛️ Claim #${d.claimId} needs the council: ${escalation(d)}. ${formatStx(d.payable)} is at stake.`,
      components: buttons(["Council: decide", links.councilPage(d.claimId, "approve-claim")]),
    };
  return {
    content: `${ping}🏛️ Claim #${d.claimId} is approved for ${formatStx(d.payable)}: the council can veto it until ${relativeTime(d.vetoEndsAt)}.`,
    components: buttons(["Council: veto", links.councilPage(d.claimId, "veto")]),
  };
}
