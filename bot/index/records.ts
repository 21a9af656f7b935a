import type { VotingTerms } from "../format/claim-tally";
import type { Claim, Policy, ProtocolDetails } from "../chain/protocol-reader";

/**
 * The records the index keeps, as the contracts' read-only functions return them, less the fields no event
 * carries: a policy's `capital-premium` and `claims-pause-clock` (the filing deadline is read from the chain
 * where it decides something), a claim's `winning-weight` and council epoch. Every other field is the
 * chain's own value, which the index check (index-check.ts) compares field by field.
 */
export type IndexedPolicy = Omit<Policy, "capitalPremium" | "claimsPauseClock">;
export type IndexedClaim = Omit<Claim, "winningWeight" | "council"> & {
  council: { approvals: bigint; denials: bigint; vetoes: bigint };
};
/**
 * A protocol as the registry shows it: its record, audit and risk as last read from the chain (risk and
 * whether cover can be bought move with time and with the council's parameters, which no single event states),
 * with `stale` set by every event that changed it until it is read again (index-snapshots.ts).
 */
export type IndexedProtocol = ProtocolDetails;
export type IndexedVote = {
  claimId: bigint;
  voter: string;
  approve: boolean;
  stake: bigint;
  weight: bigint;
  txid: string;
  settled: boolean;
  reward: bigint;
  withOutcome: boolean | null;
};
export type IndexedAssessor = { active: bigint; unstaking: bigint; unstakeAt: bigint; reputation: bigint | null };
/** The chain tip the index was last brought up to: its time is "now" for what the index answers. */
export type IndexTip = { height: number; hash: string; time: number };

/** What an assessor weighs beyond the first view: read once, when the alert is created (bot/discord/claim-details.ts). */
export type ClaimDetails = {
  claim: IndexedClaim;
  protocol: IndexedProtocol | null;
  policy: IndexedPolicy | null;
  /** The claimant's claims filed before this one, newest first (at most a few), and how many there are. */
  earlierClaims: { total: number; claims: IndexedClaim[] };
  /** The council's parameters that decide what a vote risks; null when they could not be read. */
  terms: VotingTerms | null;
};
