import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import {
  claimTerms,
  filingRefusals,
  policyRefusals,
  type FilingFacts,
  type FilingInput,
} from "../../../bot/chain/filing-check";

const STX = 1_000_000n;
const HOLDER = "ST3AM1A56AK2C1XAFJ4115ZSV26EB49BVQ10MGCS0";
const OTHER = "ST2JHG361ZXG51QTKY2NQCVBPPRRE2KZB1HR05NNC";
const DAY = 86_400n;
const NOW = 1_800_000_000n;

const facts = (over: Partial<FilingFacts> = {}, policy: Partial<FilingFacts["policy"]> = {}): FilingFacts => ({
  policy: {
    id: 1n,
    holder: HOLDER,
    protocolId: 1n,
    coverageAmount: 250_000n * STX,
    premium: 1_000n * STX,
    rateBps: 500n,
    tier: 2n,
    durationDays: 90n,
    purchasedAt: NOW - 10n * DAY,
    activeFrom: NOW - 7n * DAY,
    endsAt: NOW + 80n * DAY,
    remainingCover: 250_000n * STX,
    totalPaid: 0n,
    status: "active",
    claimsPauseClock: 0n,
    capitalPremium: 900n * STX,
    ...policy,
  },
  openClaimId: null,
  claimsPaused: false,
  chainTime: NOW,
  filingDeadline: NOW + 110n * DAY,
  deductibleBps: 1_000n,
  claimBondBps: 100n,
  minClaimBond: 100n * STX,
  balance: 5_000n * STX,
  ...over,
});

const input = (over: Partial<FilingInput> = {}): FilingInput => ({
  claimant: HOLDER,
  amount: 10_000n * STX,
  incidentTime: NOW - 3_600n,
  description: "Bridge drained through a leaked signer key",
  evidenceHash: "ab".repeat(32),
  evidenceUri: "ipfs://bafyreport",
  ...over,
});

/**
 * Every way file-claim refuses, with the facts or input that cause it and the words the page says. The
 * names are the contract's errors: the last test reads file-claim's source and checks none is missing.
 */
const REFUSALS: [string, FilingFacts, FilingInput, string][] = [
  [
    "ERR-CLAIMS-PAUSED",
    facts({ claimsPaused: true }),
    input(),
    "The council has paused new claims; none can be filed until it lifts the pause.",
  ],
  [
    "ERR-NOT-POLICY-HOLDER",
    facts(),
    input({ claimant: OTHER }),
    `Only the policy's holder can file on it: policy #1 is held by ${HOLDER}, not ${OTHER}.`,
  ],
  [
    "ERR-CLAIM-ALREADY-OPEN",
    facts({ openClaimId: 4n }),
    input(),
    "Claim #4 is already open on this policy; a new one can be filed once it is decided.",
  ],
  ["ERR-INVALID-AMOUNT", facts(), input({ amount: 0n }), "The amount claimed must be more than 0 STX."],
  [
    "ERR-AMOUNT-EXCEEDS-COVER",
    facts({}, { remainingCover: 5_000n * STX }),
    input(),
    "You can claim at most the cover left on the policy: 5,000 STX.",
  ],
  [
    "ERR-INCIDENT-BEFORE-COVER",
    facts(),
    input({ incidentTime: NOW - 8n * DAY }),
    `The incident must fall within the cover, which began ${new Date(Number(NOW - 7n * DAY) * 1000).toUTCString()}; an incident before then is not covered.`,
  ],
  [
    "ERR-INCIDENT-AFTER-COVER",
    facts({ chainTime: NOW + 90n * DAY }),
    input({ incidentTime: NOW + 85n * DAY }),
    `The incident must fall within the cover, which ended ${new Date(Number(NOW + 80n * DAY) * 1000).toUTCString()}.`,
  ],
  [
    "ERR-INCIDENT-IN-FUTURE",
    facts(),
    input({ incidentTime: NOW + 60n }),
    "The incident time is in the future; give the time it happened.",
  ],
  [
    "ERR-FILING-PERIOD-OVER",
    facts({ chainTime: NOW + 120n * DAY }),
    input(),
    `Claims on this policy could be filed until ${new Date(Number(NOW + 110n * DAY) * 1000).toUTCString()}; that time has passed.`,
  ],
  ["ERR-INVALID-EVIDENCE", facts(), input({ description: "" }), "Describe the incident."],
  [
    "ERR-INVALID-EVIDENCE",
    facts(),
    input({ evidenceUri: "" }),
    "Give the address where assessors can read the evidence (https://, ipfs:// or ar://).",
  ],
  [
    "ERR-INSUFFICIENT-BALANCE",
    facts({ balance: 99n * STX }),
    input(),
    "Filing takes a bond of 100 STX, and your wallet can spend 99 STX.",
  ],
];

describe("the pre-filing check", () => {
  it("finds nothing to refuse in a claim the contract takes", () => {
    expect(filingRefusals(facts(), input())).toEqual([]);
  });

  it.each(REFUSALS)("says %s in plain words: %#", (_error, f, i, words) => {
    expect(filingRefusals(f, i)).toEqual([words]);
  });

  it("names every error file-claim can return, the bond's transfer included", () => {
    const source = readFileSync("contracts/claims-assessment.clar", "utf8");
    const body = source.slice(
      source.indexOf("(define-private (file-claim"),
      source.indexOf("(map-set claims claim-id"),
    );
    const asserted = new Set([...body.matchAll(/\b(ERR-[A-Z-]+)\)/g)].map((m) => m[1]));
    // The bond is sent by take-bond; a wallet short of it is refused there.
    expect(readFileSync("contracts/capital-pool.clar", "utf8")).toMatch(
      /define-public \(take-bond[\s\S]*?ERR-INSUFFICIENT-BALANCE/,
    );
    asserted.add("ERR-INSUFFICIENT-BALANCE");
    // A policy that does not exist is answered before the check: the page and the check say there is no such policy.
    asserted.delete("ERR-UNKNOWN-POLICY");
    expect(new Set(REFUSALS.map(([name]) => name))).toEqual(asserted);
  });

  it("says every reason at once, in the contract's order", () => {
    const all = filingRefusals(facts({ claimsPaused: true, openClaimId: 2n }), {
      claimant: OTHER,
      amount: null,
      incidentTime: null,
      description: "",
      evidenceHash: null,
      evidenceUri: "",
    });
    expect(all).toHaveLength(8);
    expect(all[0]).toMatch(/^The council has paused/);
    expect(all.at(-1)).toMatch(/^Give the address/);
  });

  it("refuses texts the contract's types cannot hold and evidence addresses no page would link", () => {
    expect(filingRefusals(facts(), input({ description: "é".repeat(281) }))).toEqual([
      "The description is 281 characters long; the contract takes at most 280.",
    ]);
    // 280 characters of several bytes each are within string-utf8 280.
    expect(filingRefusals(facts(), input({ description: "é".repeat(280) }))).toEqual([]);
    for (const uri of ["javascript:alert(1)", "https://exa mple.org", "https://exämple.org", "http://plain.example"])
      expect(filingRefusals(facts(), input({ evidenceUri: uri }))).toEqual([
        "The evidence address must start with https://, ipfs:// or ar:// and hold no spaces or non-ASCII letters.",
      ]);
    expect(filingRefusals(facts(), input({ evidenceUri: `https://${"a".repeat(250)}` }))).toEqual([
      "The evidence address is longer than 256 characters.",
    ]);
    expect(filingRefusals(facts(), input({ evidenceHash: "ab" }))).toEqual([
      "Choose the evidence file: its SHA-256 is what the claim records.",
    ]);
    expect(filingRefusals(facts(), input({ amount: null, typedAmount: "12,5x" }))).toEqual([
      '"12,5x" is not an amount of STX: type a number such as 250000 or 1500.5.',
    ]);
  });

  it("leaves the holder and the bond unchecked until a wallet is connected", () => {
    expect(filingRefusals(facts({ balance: null }), input({ claimant: null }))).toEqual([]);
    expect(policyRefusals(facts(), null)).toEqual([]);
  });

  it("takes the larger of the bond's share and its minimum, and pays the claim less the deductible", () => {
    expect(claimTerms(facts(), 1_000n * STX)).toEqual({
      bond: 100n * STX,
      deductible: 100n * STX,
      payable: 900n * STX,
    });
    expect(claimTerms(facts(), 50_000n * STX)).toEqual({
      bond: 500n * STX,
      deductible: 5_000n * STX,
      payable: 45_000n * STX,
    });
  });
});
