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

/** The reminder before a claim's vote closes, pinging the assessor role when the server has one. */
export function reminderText(claim: ClaimProgress, roleId: string | null): string {
  return `${roleId ? `<@&${roleId}> ` : ""}⏰ Voting on claim #${claim.id} closes ${relativeTime(claim.votingEndsAt)}. ${quorumProgress(claim)}`;
}
