import { BPS, formatBps, formatStx, formatWeight, sharesOf } from "./stx";

/**
 * A claim's vote and quorum in words, as plain text (no markup), for the Discord alert and the vote page alike.
 * Two different measures, named as the contract does: the tally counts voting *weight* (stake × reputation, no
 * unit), while quorum counts *stake* (STX held when the claim opened that voted, against `quorum-stake`) and, on
 * claims that are not small, distinct voters (claims-assessment's `quorum-met`).
 */

type TallyFacts = { approveWeight: bigint; denyWeight: bigint; voterCount: bigint; approvalBps: bigint };
type QuorumFacts = {
  votedStake: bigint;
  quorumStake: bigint;
  voterCount: bigint;
  minVoters: bigint;
  quorumReached: boolean;
  status: string;
};

/** How many cells a progress bar has: 10 %-points each, narrow enough for a phone's line. */
export const BAR_CELLS = 10;
const FILLED = "█";
const EMPTY = "░";

/** `part` of `whole` as a bar of BAR_CELLS cells, rounded to the nearest cell and never past full. */
export function progressBar(part: bigint, whole: bigint, cells = BAR_CELLS): string {
  const filled =
    whole <= 0n ? (part > 0n ? cells : 0) : Math.min(cells, Number((part * BigInt(cells) * 2n + whole) / (2n * whole)));
  return FILLED.repeat(filled) + EMPTY.repeat(cells - filled);
}

const plural = (n: bigint, word: string) => `${n} ${word}${n === 1n ? "" : "s"}`;

/** The approve and deny shares of the voted weight, adding up to exactly 100.0%. */
export function voteShares(t: Pick<TallyFacts, "approveWeight" | "denyWeight">): { approve: string; deny: string } {
  const [approve, deny] = sharesOf([t.approveWeight, t.denyWeight]);
  return { approve: approve!, deny: deny! };
}

/**
 * Two lines: the bar of the approving share with both shares, then the weight that voted, the number of votes
 * and what approval needs.
 */
export function tallyText(t: TallyFacts): string {
  const needs = `approval needs over ${formatBps(t.approvalBps)}`;
  const voted = t.approveWeight + t.denyWeight;
  if (t.voterCount === 0n || voted === 0n) return `${progressBar(0n, 1n)} No votes yet\n${needs}`;
  const s = voteShares(t);
  return (
    `${progressBar(t.approveWeight, voted)} ${s.approve} approve · ${s.deny} deny\n` +
    `${plural(t.voterCount, "vote")}, ${formatWeight(voted)} weight · ${needs}`
  );
}

/** The stake and the voters still missing for quorum (zero when there are enough). */
export function quorumShortfall(q: QuorumFacts): { stake: bigint; voters: bigint } {
  // quorum-met also wants some stake to have voted, even when the quorum stake rounds to zero.
  const stake = q.votedStake >= q.quorumStake ? (q.votedStake === 0n ? 1n : 0n) : q.quorumStake - q.votedStake;
  const voters = q.voterCount >= q.minVoters ? 0n : q.minVoters - q.voterCount;
  return { stake, voters };
}

/**
 * "Reached", or while the vote is open a bar of the stake voted against the quorum (capped at full) and what
 * is still needed; once voting closed without quorum, what it got.
 */
export function quorumText(q: QuorumFacts): string {
  if (q.quorumReached) return "Reached ✓";
  const more = quorumShortfall(q);
  const voters = q.minVoters > 0n ? ` · ${q.voterCount} of ${q.minVoters} voters` : "";
  const got = `${formatStx(q.votedStake)} of ${formatStx(q.quorumStake)} stake voted${voters}`;
  if (q.status !== "voting") return `Not reached: ${got}`;
  const needed = [
    more.stake > 0n ? `${formatStx(more.stake)} more stake` : "",
    more.voters > 0n ? plural(more.voters, "more voter") : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return `${progressBar(q.votedStake, q.quorumStake)} ${needed} needed\n${got}`;
}

export type VotingTerms = { reputationGainBps: bigint; reputationLossBps: bigint; vetoSlashBps: bigint };

/** Reputation is kept in basis points of 1×: 10,000 is 1×. */
const reputationStep = (bps: bigint) => `${Number(bps) / Number(BPS)}×`;

/**
 * What casting a vote locks and what it can cost or earn, by the contracts' rules (claims-assessment's `settle`,
 * assessor-staking's `lock-for-vote` and `settle-vote`); without the parameters, said without numbers.
 */
export function votingRisks(terms: VotingTerms | null): { label: string; text: string }[] {
  const gain = terms ? ` by up to +${reputationStep(terms.reputationGainBps)}` : "";
  const loss = terms ? ` by up to −${reputationStep(terms.reputationLossBps)}` : "";
  const slash = terms ? `${formatBps(terms.vetoSlashBps)} of` : "part of";
  return [
    {
      label: "Locks",
      text: "your stake held when the claim opened, until you settle the vote once the claim is closed (/settle).",
    },
    { label: "With the outcome", text: `a share of the reward by weight, and reputation${gain}.` },
    {
      label: "Against it",
      text: `reputation${loss} (less on a claim small against your stake), so less weight next time.`,
    },
    { label: "Approving a claim the council vetoes", text: `${slash} the stake your vote used is slashed.` },
  ];
}
