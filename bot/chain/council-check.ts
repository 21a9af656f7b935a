import type { Claim, Council, ProposalState, ProtocolReader } from "./protocol-reader";

/**
 * What a council member can sign now, and why the contracts would refuse what they cannot: the rules of
 * claims-assessment's council-approve-claim, council-deny-claim and council-veto, and of insurance-council's
 * approve and execute, applied to facts read from the chain when asked (a signature a block ago changes them).
 * None of these calls moves STX: each is signed in deny mode with no post-condition.
 */

export const COUNCIL_ACTIONS = ["approve-claim", "deny-claim", "veto", "approve-proposal", "execute-proposal"] as const;
export type CouncilAction = (typeof COUNCIL_ACTIONS)[number];

/** The contract and function each action signs. */
export const COUNCIL_CALLS: Record<CouncilAction, { contract: "claims-assessment" | "insurance-council"; fn: string }> =
  {
    "approve-claim": { contract: "claims-assessment", fn: "council-approve-claim" },
    "deny-claim": { contract: "claims-assessment", fn: "council-deny-claim" },
    veto: { contract: "claims-assessment", fn: "council-veto" },
    "approve-proposal": { contract: "insurance-council", fn: "approve" },
    "execute-proposal": { contract: "insurance-council", fn: "execute" },
  };

export const isClaimAction = (a: CouncilAction) => COUNCIL_CALLS[a].contract === "claims-assessment";

export type CouncilCheck = {
  refusals: string[];
  member: boolean;
  council: Council;
  /** The claim's council tally, or the proposal's approvals, for the page to show. */
  progress: string | null;
};

const MS_PER_SECOND = 1_000;
const when = (seconds: bigint) => new Date(Number(seconds) * MS_PER_SECOND).toUTCString();
const AWAITING: readonly Claim["status"][] = ["no-quorum", "awaiting-council"];
const KINDS: Record<string, string> = { 1: "parameter", 2: "role", 3: "member", 4: "threshold", 5: "pause" };

/** What a proposal changes, in words (its name and target are a member's choice: shown as text only). */
export function describeProposal(p: ProposalState): string {
  const kind = KINDS[String(p.kind)] ?? "change";
  switch (kind) {
    case "parameter":
      return `set ${p.name} to ${p.value}`;
    case "role":
      return `${p.enabled ? "grant" : "revoke"} the ${p.name} role ${p.enabled ? "to" : "of"} ${p.target}`;
    case "member":
      return `${p.enabled ? "add" : "remove"} council member ${p.target}`;
    case "threshold":
      return `set the council's threshold to ${p.value}`;
    default: {
      const flag = (what: string, v: boolean | null) => (v === null ? null : `${v ? "pause" : "resume"} ${what}`);
      return (
        [flag("new cover", p.pauseCover), flag("new claims", p.pauseClaims)].filter(Boolean).join(" and ") ||
        "pause nothing"
      );
    }
  }
}

function claimRefusals(
  action: CouncilAction,
  claim: Claim | null,
  id: bigint,
  chainTime: bigint,
  signed: { decided: boolean; vetoed: boolean },
  reasonGiven: boolean,
) {
  if (!claim) return [`There is no claim #${id}.`];
  const status = claim.status.replace("-", " ");
  if (action === "veto") {
    if (claim.status !== "approved")
      return [`Claim #${id} is ${status}: only an approved claim can be vetoed, during its veto window.`];
    const refusals: string[] = [];
    if (chainTime >= claim.vetoEndsAt)
      refusals.push(`The veto window of claim #${id} closed ${when(claim.vetoEndsAt)}.`);
    if (signed.vetoed) refusals.push(`You have signed the veto of claim #${id} already.`);
    if (!reasonGiven) refusals.push("Write the reason for the veto: its SHA-256 is recorded on-chain.");
    return refusals;
  }
  if (!AWAITING.includes(claim.status))
    return [
      `Claim #${id} is ${status}: the council decides a claim only when its vote missed quorum or, as a large claim approved by vote, it needs the council's sign-off.`,
    ];
  return signed.decided ? [`You have signed the council's decision on claim #${id} already.`] : [];
}

function proposalRefusals(
  action: CouncilAction,
  p: ProposalState | null,
  id: bigint,
  council: Council,
  chainTime: bigint,
) {
  if (!p) return [`There is no proposal #${id}.`];
  if (p.executed) return [`Proposal #${id} has been executed.`];
  if (p.cancelled) return [`Proposal #${id} was cancelled by its proposer.`];
  if (p.epoch !== council.epoch)
    return [`Proposal #${id} was made under an earlier council membership: it can no longer pass. Propose it again.`];
  if (chainTime >= p.expiresAt) return [`Proposal #${id} expired ${when(p.expiresAt)}.`];
  if (action === "approve-proposal") return p.approvedByMember ? [`You have approved proposal #${id} already.`] : [];
  if (p.approvals < council.threshold)
    return [`Proposal #${id} has ${p.approvals} of the ${council.threshold} approvals it needs.`];
  if (p.executableAt === null || chainTime < p.executableAt)
    return [`Proposal #${id} is in its timelock: it can be executed from ${when(p.executableAt ?? 0n)}.`];
  return [];
}

/** Reads what decides `action` on claim or proposal `id` for `member`, and says every reason it would be refused. */
export async function checkCouncil(
  reader: ProtocolReader,
  p: { action: CouncilAction; id: bigint; member: string; reasonGiven: boolean },
): Promise<CouncilCheck & { proposal: string | null }> {
  const claimAction = isClaimAction(p.action);
  const [member, council, chainTime, claim, signed, proposal] = await Promise.all([
    reader.isCouncilMember(p.member),
    reader.council(),
    reader.chainTime(),
    claimAction ? reader.claim(p.id) : null,
    claimAction ? reader.councilSignature(p.id, p.member) : { decided: false, vetoed: false },
    claimAction ? null : reader.proposal(p.id, p.member),
  ]);
  const refusals = member ? [] : ["This address is not a member of the council."];
  refusals.push(
    ...(claimAction
      ? claimRefusals(p.action, claim, p.id, chainTime, signed, p.reasonGiven)
      : proposalRefusals(p.action, proposal, p.id, council, chainTime)),
  );
  const t = council.threshold;
  const progress = claim
    ? p.action === "veto"
      ? `${claim.council.vetoes} of ${t} vetoes`
      : `${claim.council.approvals} of ${t} to approve, ${claim.council.denials} of ${t} to deny`
    : proposal
      ? `${proposal.approvals} of ${t} approvals`
      : null;
  return { refusals, member, council, progress, proposal: proposal ? describeProposal(proposal) : null };
}
