import { describe, it, expect } from "vitest";
import { votePage } from "../../../bot/web/pages";
import type { Claim } from "../../../bot/chain/protocol-reader";

describe("the vote page's evidence link", () => {
  it("does not run a javascript: evidence URI chosen by the claimant", () => {
    const claim = {
      id: 1n,
      policyId: 1n,
      protocolId: 1n,
      claimant: "ST000000000000000000002AMW42H",
      amount: 1n,
      deductible: 0n,
      payable: 1n,
      incidentTime: 0n,
      description: "x",
      evidenceHash: "0x00",
      evidenceUri: "javascript:alert(document.domain)",
      bond: 0n,
      submittedAt: 0n,
      votingEndsAt: 0n,
      totalStake: 0n,
      quorumStake: 0n,
      approvalBps: 6_000n,
      large: false,
      minVoters: 0n,
      approveWeight: 0n,
      denyWeight: 0n,
      votedStake: 0n,
      approveCount: 0n,
      denyCount: 0n,
      status: "voting",
      decidedBy: "",
      vetoEndsAt: 0n,
      rewardPot: 0n,
      winningWeight: 0n,
      paid: 0n,
      vetoReason: null,
      council: { approvals: 0n, denials: 0n, epoch: 0n, vetoes: 0n },
      voterCount: 0n,
      quorumReached: false,
    } satisfies Claim;
    const html = votePage(claim, "stackswap", "approve", {});
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.some((h) => /^\s*javascript:/i.test(h))).toBe(false);
    expect(hrefs.every((h) => h.startsWith("https://") || h.startsWith("/"))).toBe(true);
    // Shown as text, escaped, and said not to be a link.
    expect(html).toContain('<span class="inert">javascript:alert(document.domain)</span> (not a link)');
  });
});
