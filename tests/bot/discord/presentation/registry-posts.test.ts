import { describe, it, expect } from "vitest";
import type { ProtocolEvent } from "../../../../bot/chain/events";
import { Links } from "../../../../bot/discord/presentation/links";
import {
  announcedProtocol,
  announcementKind,
  announcementText,
  type AnnouncedEvent,
} from "../../../../bot/discord/presentation/registry-posts";
import { subscriptionLine } from "../../../../bot/discord/presentation/subscriptions";
import { appliedTagsFor, missingStatusTags, statusTag } from "../../../../bot/discord/subscription-channels";
import { EVENT_KINDS } from "../../../../bot/storage/subscriptions";
import { HOSTILE_CHAIN, HOSTILE_HTTPS } from "../../../security/hostile-strings";

const links = new Links(
  { network: "testnet", apiUrl: "https://api.testnet.hiro.so", explorerChain: "testnet", timeoutMs: 1_000 } as never,
  "https://bot.example",
);
const who = "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG";
const TX = `[transaction](https://explorer.hiro.so/txid/0xabc?chain=testnet)`;
/** An event as decoded from the chain (the bindings' types are checked by the contracts' own tests). */
const event = (contract: string, topic: AnnouncedEvent["topic"], data: object) =>
  ({ contractId: `ST1.${contract}`, txid: "abc", eventIndex: 0, seq: 1, topic, data }) as unknown as AnnouncedEvent;
const registry = (topic: AnnouncedEvent["topic"], data: object) => event("protocol-registry", topic, data);
const council = (topic: AnnouncedEvent["topic"], data: object) => event("insurance-council", topic, data);
const status = (name: string) => ({ protocolId: 2n, name, status: 2n, by: who });

describe("registry announcements", () => {
  it("says what changed for each listing event, with the protocol and the transaction", () => {
    expect(announcementText(registry("protocol-listed", status("velar")), links)).toBe(
      `✅ **velar** (protocol #2) is listed: cover can be bought with \`/buy\` · ${TX}`,
    );
    expect(announcementText(registry("protocol-rejected", status("velar")), links)).toBe(
      `❌ The listing of **velar** (protocol #2) was rejected · ${TX}`,
    );
    expect(announcementText(registry("protocol-paused", status("velar")), links)).toBe(
      `⏸️ **velar** (protocol #2) is paused: no new cover; policies in force keep their terms · ${TX}`,
    );
    expect(announcementText(registry("protocol-unpaused", status("velar")), links)).toBe(
      `▶️ **velar** (protocol #2) is active again: cover can be bought · ${TX}`,
    );
    expect(announcementText(registry("protocol-delisted", status("velar")), links)).toBe(
      `🚫 **velar** (protocol #2) was delisted: no new cover · ${TX}`,
    );
    const audit = registry("audit-recorded", {
      protocolId: 2n,
      auditId: 5n,
      auditor: who,
      reportHash: "0xab",
      reportUri: "https://audits.example/velar.pdf",
      critical: 0n,
      high: 1n,
      medium: 2n,
      low: 3n,
      verdict: 1n,
    });
    expect(announcementText(audit, links, "velar")).toBe(
      `🔍 Audit #5 of **velar** by ST2CY5…K9AG: **pass**, 0 critical, 1 high, 2 medium, 3 low findings. [Report](https://audits.example/velar.pdf) · ${TX}`,
    );
    // Without the registry's name (it could not be read), the id stands in.
    expect(announcementText(audit, links)).toContain("Audit #5 of protocol #2 by");
    expect(
      announcementText(registry("incident-recorded", { protocolId: 2n, incidentCount: 2n, by: who }), links, "velar"),
    ).toBe(`⚠️ An incident was recorded on **velar** (2 in all): its risk score rises · ${TX}`);
  });

  it("shows a submission's chain, website and source chosen by the lister as inert text and safe links", () => {
    for (const [i, chain] of HOSTILE_CHAIN.entries()) {
      const text = announcementText(
        registry("protocol-submitted", {
          protocolId: 3n,
          name: "evil",
          website: HOSTILE_HTTPS[i % HOSTILE_HTTPS.length]!,
          chain,
          category: 1n,
          sourceUrl: HOSTILE_HTTPS[(i + 1) % HOSTILE_HTTPS.length]!,
          submitter: who,
          team: [who],
        }),
        links,
      );
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toMatch(/\]\(https:\/\/e\.vil/);
      // Exactly the two links and the transaction's, each to an https target with nothing unencoded in it.
      const targets = [...text.matchAll(/(?<!\\)\[([^\]\n]*)\]\(([^)\s]*)\)/g)].map((m) => [m[1], m[2]!.slice(0, 8)]);
      expect(targets).toEqual([
        ["website", "https://"],
        ["source", "https://"],
        ["transaction", "https://"],
      ]);
    }
  });
});

describe("council announcements", () => {
  const created = (
    kind: bigint,
    fields: Partial<Extract<AnnouncedEvent, { topic: "council-proposal-created" }>["data"]>,
  ) =>
    announcementText(
      council("council-proposal-created", {
        proposalId: 7n,
        kind,
        proposer: who,
        name: "",
        value: 0n,
        target: who,
        enabled: false,
        pauseCover: null,
        pauseClaims: null,
        executableAt: 0n,
        expiresAt: 1_800_000_000n,
        ...fields,
      }),
      links,
    );

  it("says what each kind of proposal would do, and when it can run", () => {
    expect(created(1n, { name: "min-voters", value: 4n, executableAt: 1_790_000_000n })).toBe(
      `🏛️ Council proposal #7 by ST2CY5…K9AG: set **min-voters** to 4. executable <t:1790000000:R>, expires <t:1800000000:R> · ${TX}`,
    );
    expect(created(2n, { name: "auditor", enabled: true })).toContain(
      "grant the role **auditor** to ST2CY5…K9AG. waiting for approvals",
    );
    expect(created(3n, { enabled: false })).toContain("remove ST2CY5…K9AG from the council");
    expect(created(4n, { value: 3n })).toContain("set the approval threshold to 3");
    expect(created(5n, { pauseCover: true, pauseClaims: false })).toContain("pause cover and resume claims");
    // A parameter name is the proposer's text: it cannot end the bold, run into markdown or ping.
    expect(created(1n, { name: "**@everyone** `x`", value: 1n })).toContain(
      "set **\\*\\*@\u200beveryone\\*\\* \\`x\\`** to 1",
    );
  });

  it("tells approvals, revocations, cancellations, executions and the changes they make", () => {
    const approved = (approvals: bigint) =>
      announcementText(
        council("council-proposal-approved", {
          proposalId: 7n,
          member: who,
          approvals,
          threshold: 2n,
          executableAt: approvals >= 2n ? 1_790_000_000n : 0n,
        }),
        links,
      );
    expect(approved(1n)).toBe(`👍 ST2CY5…K9AG approved council proposal #7 (1 of 2) · ${TX}`);
    expect(approved(2n)).toBe(
      `👍 ST2CY5…K9AG approved council proposal #7 (2 of 2): approved, executable <t:1790000000:R> · ${TX}`,
    );
    expect(
      announcementText(
        council("council-approval-revoked", { proposalId: 7n, member: who, approvals: 1n, threshold: 2n }),
        links,
      ),
    ).toBe(`↩️ ST2CY5…K9AG withdrew their approval of council proposal #7 (1 of 2) · ${TX}`);
    expect(announcementText(council("council-proposal-cancelled", { proposalId: 7n, by: who }), links)).toBe(
      `🗑️ Council proposal #7 was cancelled by ST2CY5…K9AG · ${TX}`,
    );
    expect(
      announcementText(council("council-proposal-executed", { proposalId: 7n, kind: 1n, executor: who }), links),
    ).toBe(`⚡ Council proposal #7 (change a parameter) was executed by ST2CY5…K9AG · ${TX}`);
    expect(announcementText(council("parameter-changed", { name: "min-voters", oldValue: 3n, value: 4n }), links)).toBe(
      `⚙️ Parameter **min-voters** changed from 3 to 4 · ${TX}`,
    );
    expect(announcementText(council("role-changed", { role: "auditor", who, enabled: false }), links)).toBe(
      `🔑 ST2CY5…K9AG lost the role **auditor** · ${TX}`,
    );
    expect(
      announcementText(
        council("council-member-changed", { who, enabled: true, memberCount: 3n, threshold: 2n }),
        links,
      ),
    ).toBe(`👥 ST2CY5…K9AG joined the council: 3 members, 2 approvals needed · ${TX}`);
    expect(announcementText(council("council-threshold-changed", { threshold: 2n, memberCount: 3n }), links)).toBe(
      `👥 The council now needs 2 of its 3 members' approvals · ${TX}`,
    );
    expect(
      announcementText(
        council("pause-changed", { coverPaused: true, claimsPaused: false, claimsPauseClock: 0n }),
        links,
      ),
    ).toBe(`⏸️ New cover is paused; claims are open · ${TX}`);
  });

  it("routes registry events to listings and council events to council, with the protocol a filter reads", () => {
    expect(announcementKind(registry("protocol-listed", status("velar")))).toBe("listings");
    expect(announcementKind(council("parameter-changed", { name: "x", oldValue: 0n, value: 1n }))).toBe("council");
    expect(
      announcementKind({ contractId: "ST1.claims-assessment", topic: "vote-cast" } as unknown as ProtocolEvent),
    ).toBeNull();
    expect(announcedProtocol(registry("protocol-listed", status("velar")))).toBe(2);
    expect(announcedProtocol(council("parameter-changed", { name: "x", oldValue: 0n, value: 1n }))).toBeNull();
  });
});

describe("forum status tags", () => {
  const available = ["voting", "escalated", "approved", "denied", "vetoed", "paid", "bug"].map((name, i) => ({
    id: String(i + 1),
    name,
  }));

  it("maps each claim status to one tag, both ways to the council to escalated", () => {
    expect(
      (["voting", "no-quorum", "awaiting-council", "approved", "denied", "vetoed", "paid"] as const).map(statusTag),
    ).toEqual(["voting", "escalated", "escalated", "approved", "denied", "vetoed", "paid"]);
  });

  it("replaces the status tag and keeps an admin's own tags, within Discord's five", () => {
    expect(appliedTagsFor(available, ["1", "7"], "approved")).toEqual(["3", "7"]);
    expect(appliedTagsFor(available, [], "voting")).toEqual(["1"]);
    expect(appliedTagsFor(available, ["a", "b", "c", "d", "e"], "paid")).toEqual(["6", "a", "b", "c", "d"]);
  });

  it("names the status tags a forum lacks, without regard to case", () => {
    expect(missingStatusTags([{ name: "Voting" }, { name: "PAID" }])).toEqual([
      "escalated",
      "approved",
      "denied",
      "vetoed",
    ]);
    expect(missingStatusTags(available)).toEqual([]);
  });
});

describe("a subscription's line in /setup show", () => {
  it("names the channel, the events, the protocols (escaped) and the role, and where an implicit one comes from", () => {
    const names = new Map([
      [1, "stackswap"],
      [2, "a_b"],
    ]);
    expect(
      subscriptionLine(
        { guildId: "g", channelId: "c", events: ["claims", "listings"], protocolIds: [1, 2, 9], roleId: "r" },
        names,
      ),
    ).toBe("<#c>: `claims`, `listings`; stackswap, a\\_b, #9, mentions <@&r>");
    expect(
      subscriptionLine(
        { guildId: "g", channelId: "c", events: [...EVENT_KINDS], protocolIds: [], roleId: null, legacy: "alerts" },
        names,
      ),
    ).toBe("<#c>: all events; all protocols (from `/setup alerts`)");
  });
});
