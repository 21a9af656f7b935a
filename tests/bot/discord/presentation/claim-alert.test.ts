import { describe, it, expect } from "vitest";
import type { APIEmbed } from "discord-api-types/v10";
import type { Claim } from "../../../../bot/chain/protocol-reader";
import { Links } from "../../../../bot/discord/presentation/links";
import {
  claimAlertBody,
  claimDetailsMessage,
  claimDetailsTitle,
} from "../../../../bot/discord/presentation/claim-posts";
import { claimEmbed } from "../../../../bot/discord/presentation/embeds";
import { progressBar, quorumText, tallyText, votingRisks } from "../../../../bot/format/claim-tally";
import { formatWeight, sharesOf } from "../../../../bot/format/stx";
import { claimRecord } from "../../../../scripts/lib/claim-record";
import type { ClaimDetails, IndexedPolicy, IndexedProtocol } from "../../../../bot/index/records";

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
    description: "Drained through the oracle",
    evidenceHash: `0x${"ab".repeat(32)}`,
    bond: 500n * STX,
    votingEndsAt: 1_800_000_000n,
    totalStake: 180_000n * STX,
    quorumStake: 18_000n * STX,
    minVoters: 3n,
    ...c,
  });
const embedOf = (c: Claim, now?: bigint) =>
  (claimAlertBody(c, "stack**swap**", [], links, now).embeds![0] as { toJSON(): APIEmbed }).toJSON();
const field = (e: APIEmbed, name: string) => e.fields?.find((f) => f.name === name)?.value;
/** Every piece of text of an embed a member reads. */
const textOf = (e: APIEmbed) =>
  [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].join("\n");
const percentages = (text: string) => [...text.matchAll(/(\d+\.\d)%/g)].map((m) => Number(m[1]));
const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 10) / 10;

describe("shares of the voted weight", () => {
  it("add up to exactly 100.0% by largest remainder, for splits that do not divide evenly", () => {
    expect(sharesOf([150_000n, 30_000n])).toEqual(["83.3%", "16.7%"]);
    expect(sharesOf([1n, 1n, 1n])).toEqual(["33.4%", "33.3%", "33.3%"]);
    expect(sharesOf([2n, 1n])).toEqual(["66.7%", "33.3%"]);
    expect(sharesOf([20_000n, 10_000n])).toEqual(["66.7%", "33.3%"]);
    expect(sharesOf([1n, 0n])).toEqual(["100.0%", "0.0%"]);
    expect(sharesOf([1n, 999_999n])).toEqual(["0.0%", "100.0%"]);
    for (const parts of [
      [150_000n, 30_000n],
      [1n, 1n, 1n],
      [1n, 2n, 3n, 4n, 5n, 6n, 7n],
      [7n, 7n, 7n, 7n, 7n, 7n],
      [999n, 1n, 1n],
    ])
      expect(sum(sharesOf(parts).map((p) => Number.parseFloat(p)))).toBe(100);
  });

  it("are all zero when nothing voted, and the tally says so instead", () => {
    expect(sharesOf([0n, 0n])).toEqual(["0.0%", "0.0%"]);
    expect(tallyText(claim())).toBe("░░░░░░░░░░ No votes yet\napproval needs over 60%");
  });
});

describe("the progress bar", () => {
  it("fills to the nearest tenth and never past full", () => {
    expect(progressBar(0n, 100n)).toBe("░░░░░░░░░░");
    expect(progressBar(833n, 1_000n)).toBe("████████░░");
    expect(progressBar(50n, 100n)).toBe("█████░░░░░");
    expect(progressBar(1n, 3n)).toBe("███░░░░░░░");
    expect(progressBar(100n, 100n)).toBe("██████████");
    // The 1000 % of old: ten times the quorum is a full bar, not ten bars.
    expect(progressBar(180_000n, 18_000n)).toBe("██████████");
  });
});

describe("the tally", () => {
  it("gives the approving share as a bar and both shares of the weight, the votes and what approval needs", () => {
    const text = tallyText(claim({ approveWeight: 150_000n * STX, denyWeight: 30_000n * STX, voterCount: 3n }));
    expect(text).toBe("████████░░ 83.3% approve · 16.7% deny\n3 votes, 180,000 weight · approval needs over 60%");
    expect(sum(percentages(text.split("\n")[0]!))).toBe(100);
  });

  it("sums to 100.0% for thirds-like splits and one vote", () => {
    const thirds = tallyText(claim({ approveWeight: 1n, denyWeight: 2n, voterCount: 2n }));
    expect(thirds.split("\n")[0]).toBe("███░░░░░░░ 33.3% approve · 66.7% deny");
    const one = tallyText(claim({ approveWeight: 100_000n * STX, voterCount: 1n }));
    expect(one).toMatch(/^██████████ 100\.0% approve · 0\.0% deny\n1 vote, 100,000 weight/);
  });

  it("calls weight weight, never STX", () => {
    expect(formatWeight(150_000n * STX)).toBe("150,000");
    expect(formatWeight(1_234_567_891n)).toBe("1,234.56");
    const text = tallyText(claim({ approveWeight: 150_000n * STX, denyWeight: 30_000n * STX, voterCount: 3n }));
    expect(text).not.toContain("STX");
  });
});

describe("quorum, which counts stake and voters", () => {
  it("says reached once the contract says so", () => {
    expect(quorumText(claim({ votedStake: 180_000n * STX, voterCount: 3n, quorumReached: true }))).toBe("Reached ✓");
  });

  it("says how much more stake is needed while open, with a bar capped at full", () => {
    expect(quorumText(claim({ votedStake: 6_000n * STX, voterCount: 1n }))).toBe(
      "███░░░░░░░ 12,000 STX more stake and 2 more voters needed\n6,000 STX of 18,000 STX stake voted · 1 of 3 voters",
    );
    expect(quorumText(claim({ votedStake: 0n, minVoters: 0n }))).toBe(
      "░░░░░░░░░░ 18,000 STX more stake needed\n0 STX of 18,000 STX stake voted",
    );
  });

  it("says how many more voters are needed when the stake is enough, with a full bar and no percentage over 100", () => {
    const text = quorumText(claim({ votedStake: 180_000n * STX, voterCount: 2n }));
    expect(text).toBe("██████████ 1 more voter needed\n180,000 STX of 18,000 STX stake voted · 2 of 3 voters");
    expect(text).not.toMatch(/\d{4,}%/);
  });

  it("says not reached, without asking for more, once voting closed", () => {
    expect(quorumText(claim({ status: "no-quorum", votedStake: 6_000n * STX, voterCount: 1n }))).toBe(
      "Not reached: 6,000 STX of 18,000 STX stake voted · 1 of 3 voters",
    );
  });
});

describe("the alert's first view", () => {
  it("says what happened, how much, the deadline once as a relative time, the tally and quorum", () => {
    const e = embedOf(
      claim({
        approveWeight: 150_000n * STX,
        denyWeight: 30_000n * STX,
        voterCount: 3n,
        votedStake: 180_000n * STX,
        quorumReached: true,
      }),
    );
    expect(e.title).toBe("Claim #4 · stack\\*\\*swap\\*\\*");
    expect(e.description).toBe(
      "> Drained through the oracle\n**50,000 STX** claimed · pays **45,000 STX** after the deductible\n🗳️ Voting closes <t:1800000000:R>",
    );
    expect(e.fields?.map((f) => f.name)).toEqual(["Tally", "Quorum"]);
    expect(field(e, "Tally")).toMatch(/^`████████░░` 83\.3% approve · 16\.7% deny\n/);
    expect(field(e, "Quorum")).toBe("Reached ✓");
    // The deadline appears once in the whole alert.
    expect(textOf(e).match(/<t:1800000000:[A-Za-z]>/g)).toHaveLength(1);
    expect(textOf(e)).not.toMatch(/vote by|For |Against /);
  });

  it("says closed, and closes its buttons, once the deadline passed, even before the keeper finalizes", () => {
    const before = claimAlertBody(claim(), "x", [], links, 1_799_999_999n);
    const after = claimAlertBody(claim(), "x", [], links, 1_800_000_000n);
    const json = (b: typeof before) => (b.embeds![0] as { toJSON(): APIEmbed }).toJSON();
    const buttons = (b: typeof before) =>
      (b.components![0] as unknown as { toJSON(): { components: { label: string; disabled?: boolean }[] } })
        .toJSON()
        .components.filter((c) => c.label !== "Evidence")
        .map((c) => Boolean(c.disabled));
    expect(json(before).description).toContain("🗳️ Voting closes <t:1800000000:R>");
    expect(json(after).description).toContain("🗳️ Voting closed <t:1800000000:R>: the result is being counted");
    expect([buttons(before), buttons(after)]).toEqual([
      [false, false],
      [true, true],
    ]);
    for (const [status, said] of [
      ["no-quorum", "Voting closed <t:1800000000:R> without quorum: the council decides"],
      ["denied", "Voting closed <t:1800000000:R>: denied"],
      ["paid", "Voting closed <t:1800000000:R>: 45,000 STX paid to the claimant"],
    ] as const) {
      const e = embedOf(claim({ status, paid: 45_000n * STX }));
      expect(e.description).toContain(said);
      expect(textOf(e)).not.toContain("closes");
    }
  });

  it("keeps a claimant's long or many-lined account to one short line (the thread has it all)", () => {
    const e = embedOf(claim({ description: `${"line\n\n".repeat(60)}end` }));
    const quote = e.description!.split("\n")[0]!;
    expect(quote.startsWith("> line line")).toBe(true);
    expect(quote.length).toBeLessThanOrEqual(2 + 160 + 10);
    expect(e.description!.split("\n")).toHaveLength(3);
  });

  it("shows a heading or list marker at the start of the account as text, so it cannot draw the quote large", () => {
    expect(embedOf(claim({ description: "# HUGE" })).description).toMatch(/^> \\# HUGE\n/);
    expect(embedOf(claim({ description: "-# small" })).description).toMatch(/^> \\-# small\n/);
  });

  it("escapes a hostile protocol name and account, mentions and links included", () => {
    const e = embedOf(claim({ description: "@everyone see [here](https://phish.example) <@&1>" }));
    expect(e.description).not.toMatch(/@everyone|\]\(https:\/\/phish/);
    expect(e.description).toContain("<\u200b@&1>");
  });

  it("gives /claim the same tally and quorum, and the deadline once", () => {
    const e = (
      claimEmbed(claim({ votedStake: 180_000n * STX, quorumReached: true }), "x", links) as { toJSON(): APIEmbed }
    ).toJSON();
    expect(field(e, "Quorum")).toBe("Reached ✓");
    expect(textOf(e).match(/<t:1800000000:R>/g)).toHaveLength(1);
  });
});

describe("the thread's details post", () => {
  const policy = {
    id: 1n,
    coverageAmount: 100_000n * STX,
    remainingCover: 100_000n * STX,
    durationDays: 90n,
    activeFrom: 1_790_000_000n,
    endsAt: 1_797_776_000n,
  } as IndexedPolicy;
  const protocol = {
    id: 1n,
    name: "stackswap",
    incidentCount: 1n,
    latestAudit: { verdict: "passed", critical: 0n, high: 1n, reportUri: "https://audits.example/r.pdf" },
    risk: { tier: 2n, score: 40n, rateBps: 250n },
  } as unknown as IndexedProtocol;
  const details = (d: Partial<ClaimDetails> = {}): ClaimDetails => ({
    claim: claim({ large: true }),
    policy,
    protocol,
    earlierClaims: {
      total: 3,
      claims: [claim({ id: 2n, amount: 1_000n * STX, status: "paid" }), claim({ id: 1n, status: "denied" })],
    },
    terms: { reputationGainBps: 1_000n, reputationLossBps: 2_000n, vetoSlashBps: 1_000n },
    ...d,
  });
  const embed = (d: ClaimDetails) => (claimDetailsMessage(d, links).embeds![0] as { toJSON(): APIEmbed }).toJSON();

  it("holds what the first view leaves out: evidence, incident, the claimant's history, cover, audit, risk, bond, rules", () => {
    const e = embed(details());
    expect(e.title).toBe(claimDetailsTitle(4n));
    expect(field(e, "Evidence")).toBe(`[bundle](https://e.example/x)\nSHA-256 \`${"ab".repeat(32)}\``);
    expect(field(e, "Incident")).toBe("<t:0:f>");
    expect(field(e, "Claimant's earlier claims")).toBe(
      "3 before this one:\n#2 · 1,000 STX · paid\n#1 · 50,000 STX · denied\n…and 1 more",
    );
    expect(field(e, "Policy")).toBe(
      "#1 · 100,000 STX of cover, 100,000 STX left\n90 days: <t:1790000000:f> to <t:1797776000:f>",
    );
    expect(field(e, "Protocol")).toBe(
      "Audit: passed (0 critical, 1 high) · [report](https://audits.example/r.pdf)\nRisk: tier 2 (score 40) · 1 paid incident",
    );
    expect(field(e, "Bond")).toMatch(/^500 STX: returned to the claimant with the payout; forfeited if/);
    expect(field(e, "Rules")).toBe(
      "Quorum: 18,000 STX of stake and 3 different voters. Approval needs over 60% of the voted weight. A large claim: the council must also sign off.",
    );
  });

  it("says what a vote locks and risks, with the council's numbers, or without them if unread", () => {
    expect(field(embed(details()), "What your vote locks and risks")).toBe(
      "**Locks:** your stake held when the claim opened, until you settle the vote once the claim is closed (/settle).\n" +
        "**With the outcome:** a share of the reward by weight, and reputation by up to +0.1×.\n" +
        "**Against it:** reputation by up to −0.2× (less on a claim small against your stake), so less weight next time.\n" +
        "**Approving a claim the council vetoes:** 10% of the stake your vote used is slashed.",
    );
    expect(votingRisks(null).map((r) => r.text)).toContain("part of the stake your vote used is slashed.");
  });

  it("says a first claim, and a policy or protocol the index does not have yet", () => {
    const e = embed(details({ earlierClaims: { total: 0, claims: [] }, policy: null, protocol: null }));
    expect(field(e, "Claimant's earlier claims")).toBe("None: this is the claimant's first claim.");
    expect(field(e, "Policy")).toBe("#1 (not in the index yet)");
    expect(field(e, "Protocol")).toBe("Not in the index yet.");
  });

  it("shows a hostile evidence URI and audit report as inert text, not links", () => {
    const hostile = { ...protocol, latestAudit: { ...protocol.latestAudit!, reportUri: "javascript:alert(1)" } };
    const e = embed(details({ claim: claim({ evidenceUri: "javascript:alert(1)" }), protocol: hostile as never }));
    expect(field(e, "Evidence")).toMatch(/^bundle \(not a link: javascript:alert\(1\)\)/);
    expect(field(e, "Protocol")).toContain("report (not a link: javascript:alert(1))");
  });
});
