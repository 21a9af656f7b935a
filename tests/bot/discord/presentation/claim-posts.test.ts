import { describe, it, expect } from "vitest";
import type { ProtocolEvent } from "../../../../bot/chain/events";
import type { Claim } from "../../../../bot/chain/protocol-reader";
import { Links } from "../../../../bot/discord/presentation/links";
import {
  alertOpening,
  capitalText,
  claimAlertBody,
  claimAlertText,
  councilText,
  outcomeComponents,
  outcomeText,
  purchaseText,
} from "../../../../bot/discord/presentation/claim-posts";
import { claimRecord } from "../../../../scripts/lib/claim-record";
import { quorumProgress, reminderText } from "../../../../bot/discord/presentation/reminders";

const STX = 1_000_000n;
const links = new Links(
  {
    network: "testnet",
    apiUrl: "https://api.testnet.hiro.so",
    deployer: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM",
    explorerChain: "testnet",
    timeoutMs: 1_000,
  } as never,
  "https://bot.example",
);
const who = "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG";
const claim = (c: Partial<Claim> = {}): Claim =>
  claimRecord({
    id: 4n,
    claimant: who,
    amount: 50_000n * STX,
    deductible: 5_000n * STX,
    payable: 45_000n * STX,
    description: "Drained",
    evidenceHash: "0xaa",
    bond: 500n * STX,
    votingEndsAt: 1_800_000_000n,
    totalStake: 1_000_000n * STX,
    quorumStake: 100_000n * STX,
    minVoters: 3n,
    ...c,
  });
const event = <E extends ProtocolEvent>(e: Omit<E, "contractId" | "eventIndex" | "seq" | "txid">) =>
  ({ contractId: "ST1.claims-assessment", eventIndex: 0, seq: 9, txid: `0x${"ab".repeat(32)}`, ...e }) as E;
const decided = {
  claimId: 4n,
  policyId: 1n,
  protocolId: 1n,
  claimant: who,
  amount: 50_000n * STX,
  payable: 45_000n * STX,
  decidedBy: "vote",
  approveWeight: 150_000n * STX,
  denyWeight: 30_000n * STX,
  voterCount: 3n,
};

describe("the claim feed's posts", () => {
  it("open the alert with the claim, and recognise that opening again with or without a role mention", () => {
    const text = claimAlertText(claim(), "stack**swap**", "42");
    // No deadline in the first line, which is never edited: the embed says it, "closes" or "closed".
    expect(text).toBe("<@&42> New claim #4 on **stack\\*\\*swap\\*\\*** for 50,000 STX.");
    expect(alertOpening(4n).test(text)).toBe(true);
    expect(alertOpening(4n).test(claimAlertText(claim(), "x", null))).toBe(true);
    expect(alertOpening(4n).test(claimAlertText(claim({ id: 44n }), "x", null))).toBe(false);
  });

  it("give the alert vote buttons that close with the vote, and no evidence button for a link that is not https", () => {
    type Button = { label: string; disabled?: boolean; url: string };
    const buttons = (c: Claim) =>
      (claimAlertBody(c, "x", [], links).components![0] as unknown as { toJSON(): { components: Button[] } }).toJSON()
        .components;
    const open = buttons(claim());
    expect(open.map((b) => [b.label, Boolean(b.disabled)])).toEqual([
      ["Approve", false],
      ["Deny", false],
      ["Evidence", false],
    ]);
    expect(open[0]!.url).toBe("https://bot.example/vote/4?choice=approve");
    const closed = buttons(claim({ status: "denied", evidenceUri: "javascript:alert(1)" }));
    expect(closed.map((b) => [b.label, Boolean(b.disabled)])).toEqual([
      ["Approve", true],
      ["Deny", true],
    ]);
  });

  it("list the latest votes in the alert by weight, three at most", () => {
    const vote = { voter: who, approve: false, weight: 10n * STX, txid: "0x01" };
    const body = claimAlertBody(claim(), "x", [vote, vote, vote, vote, vote], links);
    const field = (body.embeds![0] as { toJSON(): { fields: { name: string; value: string }[] } })
      .toJSON()
      .fields.find((f) => f.name === "Latest votes");
    expect(field?.value.split("\n")).toHaveLength(3);
    expect(field?.value.split("\n")[0]).toMatch(
      /^👎 ST2CY5…K9AG · 10 weight · \[transaction\]\(https:\/\/explorer\.hiro\.so\/txid\/0x01\?chain=testnet\)$/,
    );
  });

  it("say an approval's tally as shares of weight adding to 100%, the payable amount and the veto deadline", () => {
    expect(
      outcomeText(
        event({
          topic: "claim-approved",
          data: {
            ...decided,
            status: 4n,
            vetoEndsAt: 1_800_086_400n,
            votedStake: 0n,
            quorumStake: 0n,
            minVoters: 3n,
          } as never,
        }),
        links,
      ),
    ).toBe(
      "✅ Claim #4 approved by vote: 83.3% approve · 16.7% deny of 180,000 weight, " +
        "3 votes. 45,000 STX is payable <t:1800086400:R> unless the council vetoes it.",
    );
  });

  it("say where a denied claim's bond goes", () => {
    expect(
      outcomeText(
        event({
          topic: "claim-denied",
          data: {
            ...decided,
            decidedBy: "council",
            status: 5n,
            bondForfeited: 500n * STX,
            bondToPool: 100n * STX,
          } as never,
        }),
        links,
      ),
    ).toMatch(
      /denied by the council: .* The claimant's bond of 500 STX is forfeited: 400 STX to the assessors who voted to deny, 100 STX to the pool\.$/,
    );
  });

  it("tell a missed quorum by stake from one missed by the number of voters", () => {
    const base = { ...decided, status: 2n, quorumStake: 100_000n * STX, minVoters: 3n };
    expect(
      outcomeText(event({ topic: "claim-escalated", data: { ...base, votedStake: 50_000n * STX } as never }), links),
    ).toMatch(/^⚖️ Claim #4 did not reach quorum \(50,000 STX of 100,000 STX stake voted\): the council decides\./);
    expect(
      outcomeText(
        event({ topic: "claim-escalated", data: { ...base, votedStake: 180_000n * STX, voterCount: 2n } as never }),
        links,
      ),
    ).toContain("stake voted, but 2 of the 3 different voters needed)");
    expect(
      outcomeText(
        event({ topic: "claim-escalated", data: { ...base, status: 3n, votedStake: 180_000n * STX } as never }),
        links,
      ),
    ).toContain("as a large claim it now needs the council's sign-off");
  });

  it("say a payout with the bond returned, and the shortfall only when there is one", () => {
    const paid = {
      ...decided,
      status: 7n,
      paid: 45_000n * STX,
      deductible: 5_000n * STX,
      shortfall: 0n,
      bondReturned: 500n * STX,
    };
    const text = outcomeText(event({ topic: "claim-paid", data: paid as never }), links);
    expect(text).not.toContain("short");
    expect(text).toMatch(
      /^💸 Claim #4 paid: 45,000 STX to \[ST2CY5…K9AG\]\([^)]+\) \(5,000 STX deductible\), and the claimant's bond of 500 STX returned · \[transaction\]/,
    );
    expect(
      outcomeText(event({ topic: "claim-paid", data: { ...paid, shortfall: 1_000n * STX } as never }), links),
    ).toContain(", 1,000 STX short: the pool could not pay in full), and the claimant's bond of 500 STX returned");
  });

  it("link the settle page under an outcome that closes the claim, and the council page under one that needs the council", () => {
    const buttons = (topic: string, status: bigint) =>
      (outcomeComponents(event({ topic, data: { ...decided, status } } as never), links) ?? []).flatMap(
        (row) => (row as { toJSON(): { components: { label: string; url: string }[] } }).toJSON().components,
      );
    const settle = [{ label: "Settle my vote", url: "https://bot.example/settle?claim=4", style: 5, type: 2 }];
    expect(buttons("claim-paid", 7n)).toEqual(settle);
    expect(buttons("claim-denied", 5n)).toEqual(settle);
    expect(buttons("claim-vetoed", 6n)).toEqual(settle);
    expect(buttons("claim-approved", 4n)).toEqual([
      { label: "Council: veto", url: "https://bot.example/council?claim=4&action=veto", style: 5, type: 2 },
    ]);
    expect(buttons("claim-escalated", 2n)).toEqual([
      { label: "Council: decide", url: "https://bot.example/council?claim=4&action=approve-claim", style: 5, type: 2 },
    ]);
  });

  it("count council signatures against the threshold", () => {
    expect(
      councilText(
        event({
          topic: "council-claim-signed",
          data: { claimId: 4n, member: who, approve: false, approvals: 1n, denials: 2n, threshold: 3n },
        }),
      ),
    ).toBe("🖋️ Council member ST2CY5…K9AG signed to deny (2 of 3).");
    expect(
      councilText(
        event({
          topic: "council-veto-signed",
          data: { claimId: 4n, member: who, reasonHash: "0x00", vetoes: 1n, threshold: 2n },
        }),
      ),
    ).toBe("🛑 Council member ST2CY5…K9AG signed a veto (1 of 2).");
  });

  it("tell purchases and capital movements in the feed", () => {
    expect(
      purchaseText(
        {
          holder: who,
          protocolId: 3n,
          coverageAmount: 10_000n * STX,
          durationDays: 30n,
          policyId: 8n,
          premium: 25n * STX,
        } as never,
        null,
      ),
    ).toBe("🛡️ ST2CY5…K9AG bought 10,000 STX of cover on **protocol #3** for 30 days (policy #8, premium 25 STX).");
    const purchase = { holder: who, protocolId: 3n, coverageAmount: STX, durationDays: 1n, policyId: 8n, premium: 1n };
    expect(purchaseText(purchase as never, "stack**swap**")).toContain("cover on **stack\\*\\*swap\\*\\*** for");
    expect(
      capitalText(
        event({
          topic: "capital-withdrawn",
          data: { provider: who, amount: 5n * STX, totalCapital: 95n * STX } as never,
        }),
      ),
    ).toBe("🏦 ST2CY5…K9AG withdrew 5 STX; pool capital is now 95 STX.");
  });
});

describe("reminders", () => {
  it("say how far the vote is from quorum: stake, then voters, then reached", () => {
    expect(quorumProgress(claim({ votedStake: 50_000n * STX }))).toBe(
      "50,000 STX of 100,000 STX stake has voted (50% of quorum): 50,000 STX more is needed.",
    );
    expect(quorumProgress(claim({ votedStake: 100_000n * STX, voterCount: 2n }))).toBe(
      "Enough stake has voted, but quorum needs 3 different voters: 1 more is needed.",
    );
    expect(quorumProgress(claim({ votedStake: 100_000n * STX, voterCount: 3n }))).toMatch(/^Quorum is reached/);
    expect(reminderText(claim(), ["9"])).toMatch(/^<@9> ⏰ Voting on claim #4 closes <t:1800000000:R>\. /);
    expect(reminderText(claim(), ["9", "10"], 3)).toMatch(
      /^<@9> <@10> \(and 3 more linked assessors who have not voted\) ⏰/,
    );
  });
});
