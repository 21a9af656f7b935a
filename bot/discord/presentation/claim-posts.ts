import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type BaseMessageOptions } from "discord.js";
import type { ProtocolEvent } from "../../chain/events";
import { CLAIM_STATUS } from "../../chain/protocol-reader";
import type { IndexedClaim as Claim } from "../../index/records";
import { discordText, safeLinkTarget } from "../../format/untrusted";
import { formatShareOf, formatStx } from "../../format/stx";
import { claimEmbed, NAME_IN_SENTENCE_MAX } from "./embeds";
import { relativeTime, shortAddress, shortHash, type Links } from "./links";
import type { EventData } from "../../../stacks/contracts.generated";

/**
 * What the claim feed posts, rendered from chain data alone: pure functions, no Discord calls, so each is
 * tested on its own and the poster sends whatever they return.
 */

export type LatestVote = { voter: string; approve: boolean; weight: bigint; txid: string };

/** The alert's embed and buttons, as it is first posted and every time it is edited. */
export function claimAlertBody(
  claim: Claim,
  protocolName: string,
  votes: LatestVote[],
  links: Links,
): BaseMessageOptions {
  const embed = claimEmbed(claim, protocolName, links);
  if (votes.length) {
    embed.addFields({
      name: "Latest votes",
      value: votes
        .map(
          (v) =>
            `${v.approve ? "👍" : "👎"} ${shortAddress(v.voter)} · ${formatStx(v.weight)} · ${links.txLink(v.txid)}`,
        )
        .join("\n"),
    });
  }
  const open = claim.status === "voting";
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
  // Evidence that is not an https (or ipfs) URI gets no button: the embed shows it as inert text.
  const evidence = safeLinkTarget(claim.evidenceUri);
  if (evidence) row.addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel("Evidence").setURL(evidence));
  return { embeds: [embed], components: [row] };
}

/** The alert's first line; `alertOpening` recognises it again in a channel's history. */
export function claimAlertText(claim: Claim, protocolName: string, roleId: string | null): string {
  return (
    `${roleId ? `<@&${roleId}> ` : ""}New claim #${claim.id} on **${discordText(protocolName, NAME_IN_SENTENCE_MAX)}** for ${formatStx(claim.amount)}: ` +
    `vote by ${relativeTime(claim.votingEndsAt)}.`
  );
}
export const alertOpening = (claimId: number | bigint) => new RegExp(`^(<@&\\d+> )?New claim #${claimId} on `);

type Tally = { approveWeight: bigint; denyWeight: bigint; voterCount: bigint };
function tally(d: Tally): string {
  const voted = d.approveWeight + d.denyWeight;
  const pct = formatShareOf(d.approveWeight, voted);
  return `${formatStx(d.approveWeight)} for (${pct}), ${formatStx(d.denyWeight)} against, ${d.voterCount} vote${d.voterCount === 1n ? "" : "s"}`;
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
    case "claim-vetoed":
      return (
        `🛑 ${id} was vetoed by the council during the veto window (reason hash \`${shortHash(event.data.reasonHash)}…\`). ` +
        "Nothing will be paid."
      );
    case "claim-paid": {
      const d = event.data;
      const short = d.shortfall > 0n ? `, ${formatStx(d.shortfall)} short: the pool could not pay in full` : "";
      return (
        `💸 ${id} paid: ${formatStx(d.paid)} to ${links.addressLink(d.claimant)} (${formatStx(d.deductible)} deductible${short}) · ` +
        `${links.txLink(event.txid)}.`
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
