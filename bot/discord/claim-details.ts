import type { BotContext } from "./context";
import type { IndexedClaim } from "../index/records";
import { ClaimantClaims } from "../storage/claimant-claims";
import type { VotingTerms } from "../format/claim-tally";
import type { ClaimDetails } from "../index/records";

/** How many of the claimant's earlier claims the details list (with a count of the rest). */
export const EARLIER_CLAIMS_SHOWN = 5;

/**
 * Gathers what the claim's details post and vote page show beyond the first view: the policy, the protocol's audit
 * and risk and the claimant's earlier claims from the index, and the council's parameters that decide what a vote
 * risks from the chain (three reads, once per alert; without them the risks are said without numbers).
 */
export async function claimDetails(
  ctx: Pick<BotContext, "store" | "reader">,
  claim: IndexedClaim,
): Promise<ClaimDetails> {
  const { index } = ctx.store;
  const [policy, protocol, earlierClaims, terms] = await Promise.all([
    index.policy(claim.policyId),
    index.protocol(claim.protocolId),
    new ClaimantClaims(ctx.store.sql).before(claim.claimant, claim.id, EARLIER_CLAIMS_SHOWN),
    votingTerms(ctx.reader).catch(() => null),
  ]);
  return { claim, policy, protocol, earlierClaims, terms };
}

async function votingTerms(reader: BotContext["reader"]): Promise<VotingTerms> {
  const [reputationGainBps, reputationLossBps, vetoSlashBps] = await Promise.all([
    reader.parameter("reputation-gain-bps"),
    reader.parameter("reputation-loss-bps"),
    reader.parameter("veto-slash-bps"),
  ]);
  return { reputationGainBps, reputationLossBps, vetoSlashBps };
}
