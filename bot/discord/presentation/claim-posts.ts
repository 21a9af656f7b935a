import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type BaseMessageOptions } from "discord.js";
import type { ProtocolEvent } from "../../chain/events";
import { CLAIM_STATUS } from "../../chain/protocol-reader";
import type { IndexedClaim as Claim, IndexedPolicy, IndexedProtocol } from "../../index/records";
import { discordLink, discordText, safeLinkTarget } from "../../format/untrusted";
import { formatBps, formatStx, formatWeight } from "../../format/stx";
import { voteShares, votingRisks, type VotingTerms } from "../../format/claim-tally";
import type { ClaimDetails } from "../../index/records";

export type { ClaimDetails, VotingTerms };
import { CLAIM_STATE_LABELS, claimAlertEmbed, DESCRIPTION_SHOWN_MAX, NAME_IN_SENTENCE_MAX } from "./embeds";
import { dateTime, relativeTime, shortAddress, shortHash, type Links } from "./links";
import type { EventData } from "../../../stacks/contracts.generated";

/**
 * What the claim feed posts, rendered from chain data alone: pure functions, no Discord calls, so each is
 * tested on its own and the poster sends whatever they return.
 */

export type LatestVote = { voter: string; approve: boolean; weight: bigint; txid: string };

/** How many of the latest votes the alert's first view lists (the store keeps five; a phone has room for three). */
export const ALERT_VOTES_SHOWN = 3;

/**
 * The alert's embed and buttons, as it is first posted and every time it is edited: the compact first view
 * (claimAlertEmbed), the latest votes, and the vote buttons. `now` (the chain's time) says "closed" before the
 * keeper has finalized a claim whose vote has ended.
 */
export function claimAlertBody(
  claim: Claim,
  protocolName: string,
  votes: LatestVote[],
  links: Links,
  now?: bigint,
): BaseMessageOptions {
  const embed = claimAlertEmbed(claim, protocolName, links, now);
  if (votes.length) {
    embed.addFields({
      name: "Latest votes",
      value: votes
        .slice(0, ALERT_VOTES_SHOWN)
        .map(
          (v) =>
            `${v.approve ? "👍" : "👎"} ${shortAddress(v.voter)} · ${formatWeight(v.weight)} weight · ${links.txLink(v.txid)}`,
        )
        .join("\n"),
    });
  }
  const open = claim.status === "voting" && (now === undefined || now < claim.votingEndsAt);
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setStyle(ButtonStyle.Link)
      .setLabel("Approve")
      .setURL(links.votePage(claim.id, "approve"))
      .setDisabled(!open),
    new ButtonBuilder()
      .setStyle(ButtonStyle.Link)
      .setLabel("Deny")
      .setURL(links.votePage(claim.id, "deny"))
      .setDisabled(!open),
  );
  // Evidence that is not an https (or ipfs) URI gets no button: the thread's details show it as inert text.
  const evidence = safeLinkTarget(claim.evidenceUri);
  if (evidence) row.addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("Evidence").setURL(evidence));
  return { embeds: [embed], components: [row] };
}

/**
 * The alert's first line, which is never edited: so it names no deadline (a relative time posted here would
 * read "3 days ago" once the vote closed); the embed says it. `alertOpening` recognises it in a channel's history.
 */
export function claimAlertText(claim: Claim, protocolName: string, roleId: string | null): string {
  return `${roleId ? `<@&${roleId}> ` : ""}New claim #${claim.id} on **${discordText(protocolName, NAME_IN_SENTENCE_MAX)}** for ${formatStx(claim.amount)}.`;
}
export const alertOpening = (claimId: number | bigint) => new RegExp(`^(<@&\\d+> )?New claim #${claimId} on `);

/** The claimant's earlier claims in one line each, and how many more there are. */
function earlierClaimsText(d: ClaimDetails): string {
  const { total, claims } = d.earlierClaims;
  if (total === 0) return "None: this is the claimant's first claim.";
  const lines = claims.map(
    (c) => `#${c.id} · ${formatStx(c.amount)} · ${CLAIM_STATE_LABELS[c.status].split(":")[0]!.toLowerCase()}`,
  );
  const more = total - claims.length;
  return `${total} before this one:\n${lines.join("\n")}${more > 0 ? `\n…and ${more} more` : ""}`;
}

function protocolText(p: IndexedProtocol | null): string {
  if (!p) return "Not in the index yet.";
  const audit = p.latestAudit
    ? `Audit: ${p.latestAudit.verdict} (${p.latestAudit.critical} critical, ${p.latestAudit.high} high) · ${discordLink("report", p.latestAudit.reportUri)}`
    : "Audit: none recorded";
  const risk = p.risk ? `Risk: tier ${p.risk.tier} (score ${p.risk.score})` : "Risk: not scored";
  return `${audit}\n${risk} · ${p.incidentCount} paid incident${p.incidentCount === 1n ? "" : "s"}`;
}

function policyText(p: IndexedPolicy | null, claim: Claim): string {
  if (!p) return `#${claim.policyId} (not in the index yet)`;
  return (
    `#${p.id} · ${formatStx(p.coverageAmount)} of cover, ${formatStx(p.remainingCover)} left\n` +
    `${p.durationDays} days: ${dateTime(p.activeFrom)} to ${dateTime(p.endsAt)}`
  );
}

/** What casting a vote locks and what it can cost or earn, as Discord text. */
export const votingRisksText = (terms: VotingTerms | null) =>
  votingRisks(terms)
    .map((r) => `**${r.label}:** ${r.text}`)
    .join("\n");

/** The claim's thread's first post: everything the first view leaves out, posted once when the alert is created. */
export function claimDetailsMessage(d: ClaimDetails, links: Links): BaseMessageOptions {
  const { claim } = d;
  const embed = new EmbedBuilder()
    .setTitle(claimDetailsTitle(claim.id))
    .setURL(`${links.webBaseUrl}/vote/${claim.id}`)
    .setDescription(discordText(claim.description, DESCRIPTION_SHOWN_MAX))
    .addFields(
      {
        name: "Evidence",
        value: `${discordLink("bundle", claim.evidenceUri)}\nSHA-256 \`${claim.evidenceHash.replace(/^0x/, "")}\``,
        inline: false,
      },
      { name: "Incident", value: dateTime(claim.incidentTime), inline: true },
      { name: "Claimant", value: links.addressLink(claim.claimant), inline: true },
      { name: "Claimant's earlier claims", value: earlierClaimsText(d), inline: false },
      { name: "Policy", value: policyText(d.policy, claim), inline: false },
      { name: "Protocol", value: protocolText(d.protocol), inline: false },
      {
        name: "Bond",
        value:
          `${formatStx(claim.bond)}: returned to the claimant with the payout; forfeited if the claim is denied ` +
          "or vetoed (to the assessors who voted to deny, and the pool)",
        inline: false,
      },
      {
        name: "Rules",
        value:
          `Quorum: ${formatStx(claim.quorumStake)} of stake${claim.minVoters > 0n ? ` and ${claim.minVoters} different voters` : ""}. ` +
          `Approval needs over ${formatBps(claim.approvalBps)} of the voted weight.` +
          (claim.large ? " A large claim: the council must also sign off." : ""),
        inline: false,
      },
      { name: "What your vote locks and risks", value: votingRisksText(d.terms), inline: false },
    );
  return { embeds: [embed] };
}
export const claimDetailsTitle = (claimId: bigint | number) => `Claim #${claimId} · details`;

type Tally = { approveWeight: bigint; denyWeight: bigint; voterCount: bigint };
function tally(d: Tally): string {
  const votes = `${d.voterCount} vote${d.voterCount === 1n ? "" : "s"}`;
  if (d.approveWeight + d.denyWeight === 0n) return "no votes";
  const s = voteShares(d);
  return `${s.approve} approve · ${s.deny} deny of ${formatWeight(d.approveWeight + d.denyWeight)} weight, ${votes}`;
}

type OutcomeEvent = Extract<
  ProtocolEvent,
  { topic: "claim-escalated" | "claim-approved" | "claim-denied" | "claim-vetoed" | "claim-paid" }
>;

function escalatedText(d: EventData["claim-escalated"]): string {
  const id = `Claim #${d.claimId}`;
  if (CLAIM_STATUS[Number(d.status) as keyof typeof CLAIM_STATUS] !== "no-quorum") {
    return `⚖️ ${id} was approved by vote (${tally(d)}); as a large claim it now needs the council's sign-off.`;
  }
  const shortOfVoters =
    d.votedStake >= d.quorumStake && d.voterCount < d.minVoters
      ? `, but ${d.voterCount} of the ${d.minVoters} different voters needed`
      : "";
  return (
    `⚖️ ${id} did not reach quorum (${formatStx(d.votedStake)} of ${formatStx(d.quorumStake)} stake voted${shortOfVoters}): ` +
    `the council decides. Final tally: ${tally(d)}.`
  );
}

/** The post in a claim's alert channel when its vote ends, it is decided, vetoed or paid. */
export function outcomeText(event: OutcomeEvent, links: Links): string {
  const id = `Claim #${event.data.claimId}`;
  switch (event.topic) {
    case "claim-escalated":
      return escalatedText(event.data);
    case "claim-approved": {
      const d = event.data;
      return (
        `✅ ${id} approved ${d.decidedBy === "council" ? "by the council" : "by vote"}: ${tally(d)}. ${formatStx(d.payable)} is payable ` +
        `${relativeTime(d.vetoEndsAt)} unless the council vetoes it.`
      );
    }
    case "claim-denied": {
      const d = event.data;
      return (
        `❌ ${id} denied ${d.decidedBy === "council" ? "by the council" : "by vote"}: ${tally(d)}. The claimant's bond of ` +
        `${formatStx(d.bondForfeited)} is forfeited: ${formatStx(d.bondForfeited - d.bondToPool)} to the assessors who voted to deny, ` +
        `${formatStx(d.bondToPool)} to the pool.`
      );
    }
    case "claim-vetoed": {
      const d = event.data;
      return (
        `🛑 ${id} was vetoed by the council during the veto window (reason hash \`${shortHash(d.reasonHash)}…\`). ` +
        `Nothing will be paid; the claimant's bond of ${formatStx(d.bondForfeited)} is forfeited.`
      );
    }
    case "claim-paid": {
      const d = event.data;
      const short = d.shortfall > 0n ? `, ${formatStx(d.shortfall)} short: the pool could not pay in full` : "";
      return (
        `💸 ${id} paid: ${formatStx(d.paid)} to ${links.addressLink(d.claimant)} (${formatStx(d.deductible)} deductible${short}), ` +
        `and the claimant's bond of ${formatStx(d.bondReturned)} returned · ${links.txLink(event.txid)}.`
      );
    }
  }
}

/**
 * The buttons under an outcome post: a claim that waits for the council (no quorum, a large claim) links the
 * council page to decide it, an approved claim links it to veto during the window, and once a claim is closed
 * for good (denied, vetoed or paid) its voters can settle, so the post links the settle page.
 */
export function outcomeComponents(event: OutcomeEvent, links: Links): BaseMessageOptions["components"] {
  const id = event.data.claimId;
  const button = (label: string, url: string) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(label).setURL(url),
    );
  switch (event.topic) {
    case "claim-escalated":
      return [button("Council: decide", links.councilPage(id, "approve-claim"))];
    case "claim-approved":
      return [button("Council: veto", links.councilPage(id, "veto"))];
    default:
      return [button("Settle my vote", links.settlePage(id))];
  }
}

/** A council member's signature, posted in the claim's thread. */
export function councilText(
  event: Extract<ProtocolEvent, { topic: "council-claim-signed" | "council-veto-signed" }>,
): string {
  if (event.topic === "council-veto-signed") {
    const d = event.data;
    return `🛑 Council member ${shortAddress(d.member)} signed a veto (${d.vetoes} of ${d.threshold}).`;
  }
  const d = event.data;
  return (
    `🖋️ Council member ${shortAddress(d.member)} signed to ${d.approve ? "approve" : "deny"} ` +
    `(${d.approve ? d.approvals : d.denials} of ${d.threshold}).`
  );
}

/** A purchase, in the feed channel. */
export function purchaseText(d: EventData["policy-purchased"], protocolName: string | null): string {
  return (
    `🛡️ ${shortAddress(d.holder)} bought ${formatStx(d.coverageAmount)} of cover on **${protocolName === null ? `protocol #${d.protocolId}` : discordText(protocolName, NAME_IN_SENTENCE_MAX)}** ` +
    `for ${d.durationDays} days (policy #${d.policyId}, premium ${formatStx(d.premium)}).`
  );
}

/** A deposit or withdrawal of capital, in the feed channel. */
export function capitalText(
  event: Extract<ProtocolEvent, { topic: "capital-deposited" | "capital-withdrawn" }>,
): string {
  const verb = event.topic === "capital-deposited" ? "added" : "withdrew";
  return (
    `🏦 ${shortAddress(event.data.provider)} ${verb} ${formatStx(event.data.amount)}; pool capital is now ` +
    `${formatStx(event.data.totalCapital)}.`
  );
}

const TXID = /^0x[0-9a-fA-F]{64}$/;

/**
 * What a post says once a chain re-organisation orphaned the transaction it told of. The txid is linked only
 * if it is a txid (it comes from the API); nothing else of the event is repeated.
 */
export function droppedText(txid: string, links: Links, what = "This post"): string {
  const tx = TXID.test(txid) ? links.txLink(txid) : "transaction";
  return (
    `⚠️ **Dropped by a chain re-organisation.** ${what} told of a ${tx} that is no longer on the ` +
    "Stacks chain, so it has not happened. If the transaction is mined again, it will be announced again."
  );
}
