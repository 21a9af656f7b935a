import type { ClaimStatus, ProtocolReader, Vote } from "./protocol-reader";
import { CLOSED_CLAIM_STATUSES } from "../index/index-reader";

/**
 * What settling a vote pays and takes, by the rules of claims-assessment's `settle` applied to a ballot and
 * its claim: the reward goes to a voter on the winning side (their share of the reward pot by weight), and a
 * vote to approve a claim the council vetoed loses `veto-slash-bps` of the stake it used (at most the active
 * stake left). Settling also releases the stake the vote locked once it is the assessor's last open vote.
 */

const BPS = 10_000n;

export type Ballot = Pick<Vote, "approve" | "stake" | "weight">;
export type ClosedClaim = { status: ClaimStatus; rewardPot: bigint; approveWeight: bigint; denyWeight: bigint };

/** The side that won: approve when the claim was paid, deny when it was denied or vetoed. */
export const votedWithOutcome = (claim: Pick<ClosedClaim, "status">, ballot: Pick<Ballot, "approve">) =>
  claim.status === "paid" ? ballot.approve : !ballot.approve;

/** The reward a ballot earns: the contract's winning weight is the approve weight of a paid claim, else the deny weight. */
export function settleReward(claim: ClosedClaim, ballot: Ballot): bigint {
  const winningWeight = claim.status === "paid" ? claim.approveWeight : claim.denyWeight;
  if (!votedWithOutcome(claim, ballot) || winningWeight === 0n) return 0n;
  return (claim.rewardPot * ballot.weight) / winningWeight;
}

/** The stake a ballot loses: approving a claim the council vetoed, `slashBps` of the stake used, at most `active`. */
export function settleSlash(claim: Pick<ClosedClaim, "status">, ballot: Ballot, slashBps: bigint, active: bigint) {
  if (claim.status !== "vetoed" || !ballot.approve) return 0n;
  const slash = (ballot.stake * slashBps) / BPS;
  return slash < active ? slash : active;
}

export type SettleCheck = {
  refusals: string[];
  reward: bigint;
  slash: bigint;
  withOutcome: boolean | null;
  status: ClaimStatus | null;
};

/** Reads the claim, the ballot, the slash rate and the assessor's stake from the chain, and says what settling does. */
export async function checkSettle(reader: ProtocolReader, claimId: bigint, voter: string): Promise<SettleCheck> {
  const [claim, ballot, slashBps, assessor] = await Promise.all([
    reader.claim(claimId),
    reader.vote(claimId, voter),
    reader.parameter("veto-slash-bps"),
    reader.assessor(voter),
  ]);
  const none = { reward: 0n, slash: 0n, withOutcome: null, status: claim?.status ?? null };
  if (!claim) return { ...none, refusals: [`There is no claim #${claimId}.`] };
  if (!ballot) return { ...none, refusals: [`This address did not vote on claim #${claimId}.`] };
  if (ballot.settled) return { ...none, refusals: [`Your vote on claim #${claimId} is already settled.`] };
  if (!CLOSED_CLAIM_STATUSES.includes(claim.status))
    return {
      ...none,
      refusals: [
        `Claim #${claimId} is ${claim.status.replace("-", " ")}: a vote is settled once its claim is paid, denied or vetoed.`,
      ],
    };
  return {
    refusals: [],
    // The chain's own winning weight, not the one worked out from the tally: this decides what the wallet allows.
    reward:
      votedWithOutcome(claim, ballot) && claim.winningWeight > 0n
        ? (claim.rewardPot * ballot.weight) / claim.winningWeight
        : 0n,
    slash: settleSlash(claim, ballot, slashBps, assessor.active),
    withOutcome: votedWithOutcome(claim, ballot),
    status: claim.status,
  };
}
