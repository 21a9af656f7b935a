import type { Policy, ProtocolReader } from "./protocol-reader";
import { BPS, formatStx } from "../format/stx";

/**
 * The pre-filing check: every reason submit-claim would refuse a claim, said before anyone signs. The rules
 * are the contract's (claims-assessment's file-claim), in its order, applied to facts read from the chain
 * when asked; nothing here is cached, because a claim opened or a pause voted a minute ago decides the answer.
 */

/** What the chain says about a policy and its would-be claimant, read together. */
export type FilingFacts = {
  policy: Policy;
  openClaimId: bigint | null;
  claimsPaused: boolean;
  /** The latest block's time: the contract compares with the time of the block the claim lands in (later). */
  chainTime: bigint;
  filingDeadline: bigint;
  deductibleBps: bigint;
  claimBondBps: bigint;
  minClaimBond: bigint;
  /** What the claimant's wallet can spend (null: no wallet connected yet). */
  balance: bigint | null;
};

/** What the claimant typed and chose; null or "" where nothing was given yet. */
export type FilingInput = {
  claimant: string | null;
  amount: bigint | null;
  /** The amount as typed, when it was typed as text (said back when it is not an amount). */
  typedAmount?: string;
  incidentTime: bigint | null;
  description: string;
  /** 64 hex digits: the SHA-256 the browser computed from the evidence file. */
  evidenceHash: string | null;
  evidenceUri: string;
};

/** The contract's bounds on the texts (string-utf8 280 counts characters; string-ascii 256 bytes). */
export const DESCRIPTION_MAX = 280;
export const EVIDENCE_URI_MAX = 256;
/** Where evidence may live: links the bot's posts and pages will show (the contract takes any ASCII). */
const EVIDENCE_URI = /^(https|ipfs|ar):\/\/[\x21-\x7e]+$/;

export async function readFilingFacts(
  reader: ProtocolReader,
  policyId: bigint,
  claimant: string | null,
): Promise<FilingFacts | null> {
  const policy = await reader.policy(policyId);
  if (!policy) return null;
  const [openClaimId, claimsPaused, chainTime, filingDeadline, deductibleBps, claimBondBps, minClaimBond, balance] =
    await Promise.all([
      reader.openClaim(policyId),
      reader.claimsPaused(),
      reader.chainTime(),
      reader.filingDeadline(policyId),
      reader.parameter("deductible-bps"),
      reader.parameter("claim-bond-bps"),
      reader.parameter("min-claim-bond"),
      claimant ? reader.stxBalance(claimant) : null,
    ]);
  return {
    policy,
    openClaimId,
    claimsPaused,
    chainTime,
    filingDeadline: filingDeadline ?? 0n,
    deductibleBps,
    claimBondBps,
    minClaimBond,
    balance,
  };
}

/** The bond a claim of `amount` takes (its share, at least the minimum) and what it would pay after the deductible. */
export function claimTerms(facts: FilingFacts, amount: bigint) {
  const share = (amount * facts.claimBondBps) / BPS;
  const bond = share > facts.minClaimBond ? share : facts.minClaimBond;
  const deductible = (amount * facts.deductibleBps) / BPS;
  return { bond, deductible, payable: amount - deductible };
}

const MS_PER_SECOND = 1_000;
const when = (seconds: bigint) => new Date(Number(seconds) * MS_PER_SECOND).toUTCString();

/**
 * Why the policy cannot take a claim now from this claimant, whatever is typed: claims paused, someone
 * else's policy, a claim already open, the filing period over, no cover left.
 */
export function policyRefusals(facts: FilingFacts, claimant: string | null): string[] {
  const { policy } = facts;
  const refusals: string[] = [];
  if (facts.claimsPaused)
    refusals.push("The council has paused new claims; none can be filed until it lifts the pause.");
  if (claimant !== null && claimant !== policy.holder)
    refusals.push(
      `Only the policy's holder can file on it: policy #${policy.id} is held by ${policy.holder}, not ${claimant}.`,
    );
  if (facts.openClaimId !== null)
    refusals.push(
      `Claim #${facts.openClaimId} is already open on this policy; a new one can be filed once it is decided.`,
    );
  if (policy.remainingCover === 0n) refusals.push("This policy has no cover left: earlier claims used it all.");
  if (facts.chainTime >= facts.filingDeadline)
    refusals.push(`Claims on this policy could be filed until ${when(facts.filingDeadline)}; that time has passed.`);
  return refusals;
}

/** Every reason submit-claim would refuse this claim, in plain words; none means the contract takes it. */
export function filingRefusals(facts: FilingFacts, input: FilingInput): string[] {
  const { policy } = facts;
  const refusals = policyRefusals(facts, input.claimant);
  const { amount, incidentTime } = input;
  if (amount === null && input.typedAmount)
    refusals.push(`"${input.typedAmount}" is not an amount of STX: type a number such as 250000 or 1500.5.`);
  else if (amount === null) refusals.push("Say how much you claim.");
  else if (amount <= 0n) refusals.push("The amount claimed must be more than 0 STX.");
  else if (amount > policy.remainingCover)
    refusals.push(`You can claim at most the cover left on the policy: ${formatStx(policy.remainingCover)}.`);
  if (incidentTime === null) refusals.push("Say when the incident happened.");
  else if (incidentTime < policy.activeFrom)
    refusals.push(
      `The incident must fall within the cover, which began ${when(policy.activeFrom)}; an incident before then is not covered.`,
    );
  else if (incidentTime >= policy.endsAt)
    refusals.push(`The incident must fall within the cover, which ended ${when(policy.endsAt)}.`);
  else if (incidentTime > facts.chainTime)
    refusals.push("The incident time is in the future; give the time it happened.");
  const characters = [...input.description].length;
  if (characters === 0) refusals.push("Describe the incident.");
  else if (characters > DESCRIPTION_MAX)
    refusals.push(`The description is ${characters} characters long; the contract takes at most ${DESCRIPTION_MAX}.`);
  if (input.evidenceHash === null || !/^[0-9a-f]{64}$/.test(input.evidenceHash))
    refusals.push("Choose the evidence file: its SHA-256 is what the claim records.");
  if (input.evidenceUri === "")
    refusals.push("Give the address where assessors can read the evidence (https://, ipfs:// or ar://).");
  else if (input.evidenceUri.length > EVIDENCE_URI_MAX)
    refusals.push(`The evidence address is longer than ${EVIDENCE_URI_MAX} characters.`);
  else if (!EVIDENCE_URI.test(input.evidenceUri))
    refusals.push(
      "The evidence address must start with https://, ipfs:// or ar:// and hold no spaces or non-ASCII letters.",
    );
  if (facts.balance !== null && amount !== null && amount > 0n) {
    const { bond } = claimTerms(facts, amount);
    if (facts.balance < bond)
      refusals.push(
        `Filing takes a bond of ${formatStx(bond)}, and your wallet can spend ${formatStx(facts.balance)}.`,
      );
  }
  return refusals;
}
