import type { Claim } from "../../chain/protocol-reader";

/** What a reminder says of a claim: the fields the chain's record and the index's share. */
type ClaimProgress = Pick<Claim, "id" | "votingEndsAt" | "quorumStake" | "votedStake" | "minVoters" | "voterCount">;
import { formatShareOf, formatStx } from "../../format/stx";
import { relativeTime } from "./links";

/** How far a claim is from quorum, in a sentence. */
export function quorumProgress(claim: ClaimProgress): string {
  const missing = claim.quorumStake > claim.votedStake ? claim.quorumStake - claim.votedStake : 0n;
  const votersMissing = claim.minVoters > claim.voterCount ? claim.minVoters - claim.voterCount : 0n;
  if (missing > 0n) {
    const share = formatShareOf(claim.votedStake, claim.quorumStake);
    return `${formatStx(claim.votedStake)} of ${formatStx(claim.quorumStake)} stake has voted (${share} of quorum): ${formatStx(missing)} more is needed.`;
  }
  if (votersMissing > 0n) {
    return `Enough stake has voted, but quorum needs ${claim.minVoters} different voters: ${votersMissing} more ${votersMissing === 1n ? "is" : "are"} needed.`;
  }
  return `Quorum is reached (${formatStx(claim.votedStake)} of stake voted); every vote still counts.`;
}

/**
 * The reminder before a claim's vote closes, mentioning the members it is for (linked assessors with stake who
 * have not voted): `more` of them are not mentioned, past the number one message mentions.
 */
export function reminderText(claim: ClaimProgress, userIds: readonly string[], more = 0): string {
  const mentions = userIds.map((id) => `<@${id}>`).join(" ");
  const others = more > 0 ? ` (and ${more} more linked assessors who have not voted)` : "";
  return `${mentions}${others} ⏰ Voting on claim #${claim.id} closes ${relativeTime(claim.votingEndsAt)}. ${quorumProgress(claim)}`;
}

/** The same reminder by DM (`/notify unvoted-claims`): nobody else is mentioned. */
export function reminderDmText(claim: ClaimProgress): string {
  return `⏰ You have not voted on claim #${claim.id} yet: voting closes ${relativeTime(claim.votingEndsAt)}. ${quorumProgress(claim)}`;
}
