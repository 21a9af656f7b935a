import type { PostCondition } from "@stacks/transactions";

export type StxTransfer = { sender: string; amount: bigint };

/**
 * Checks a transaction's STX post-conditions against the STX it moved, as a Stacks node does: every
 * condition must hold, and in deny mode every principal that sent STX must be covered by a condition.
 * Returns the first violation, or null. Token and NFT conditions are not modelled (the protocol moves
 * only STX).
 */
export function postConditionViolation(
  mode: "allow" | "deny",
  conditions: PostCondition[],
  origin: string,
  transfers: StxTransfer[],
): string | null {
  const sent = new Map<string, bigint>();
  for (const t of transfers) sent.set(t.sender, (sent.get(t.sender) ?? 0n) + t.amount);
  const covered = new Set<string>();
  for (const pc of conditions) {
    if (pc.type !== "stx-postcondition") return `unsupported post-condition ${pc.type}`;
    const who = pc.address === "origin" ? origin : pc.address;
    covered.add(who);
    const amount = BigInt(pc.amount);
    const actual = sent.get(who) ?? 0n;
    const holds = {
      eq: actual === amount,
      gt: actual > amount,
      gte: actual >= amount,
      lt: actual < amount,
      lte: actual <= amount,
    }[pc.condition];
    if (!holds) return `post-condition not met: ${who} sent ${actual} µSTX, condition ${pc.condition} ${amount}`;
  }
  if (mode === "deny") {
    for (const who of sent.keys())
      if (!covered.has(who)) return `post-condition mode deny: ${who} sent STX without a post-condition`;
  }
  return null;
}
