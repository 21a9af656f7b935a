import type { IndexedPolicy as Policy } from "../index/records";

/**
 * What "insured" means, for the badge, the registry and /protocol: cover in force now, that is a policy
 * past its waiting period and before its end, whatever the chain's status flag says (a policy stays
 * "active" on-chain until someone calls expire-policy). Cover still in its waiting period is not
 * insurance yet; it is reported apart, with the time it starts.
 */
export type CoverInForce = { inForce: bigint; waiting: bigint; startsAt: bigint | null };

export function coverInForce(policies: readonly Policy[], now: bigint): CoverInForce {
  let inForce = 0n;
  let waiting = 0n;
  let startsAt: bigint | null = null;
  for (const p of policies) {
    if (p.status !== "active" || p.remainingCover === 0n || now >= p.endsAt) continue;
    if (now >= p.activeFrom) inForce += p.remainingCover;
    else {
      waiting += p.remainingCover;
      if (startsAt === null || p.activeFrom < startsAt) startsAt = p.activeFrom;
    }
  }
  return { inForce, waiting, startsAt };
}

export type ListingVerdict = "insured" | "claim open" | "cover starting" | "not insured" | "not listed";

/** Only an approved listing (active, or paused with cover running) is offered as insurable. */
export const LISTED = new Set(["active", "paused"]);

export function listingVerdict(status: string, cover: CoverInForce, openClaims: number): ListingVerdict {
  if (!LISTED.has(status)) return "not listed";
  if (openClaims > 0) return "claim open";
  if (cover.inForce > 0n) return "insured";
  if (cover.waiting > 0n) return "cover starting";
  return "not insured";
}
