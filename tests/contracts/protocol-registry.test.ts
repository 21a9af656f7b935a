import { describe, it, expect, beforeEach } from "vitest";
import { Cl } from "@stacks/transactions";
import {
  AUDITOR,
  ORACLE,
  HASH,
  alice,
  bob,
  erin,
  frank,
  errors,
  expectOk,
  expectRefused,
  call,
  readJs,
  read,
  printed,
  setupRoles,
  listProtocol,
  recordAudit,
  insurableProtocol,
  advance,
  DAY,
  council,
  deployer,
} from "./helpers";

const E = errors.registry;
const protocol = (id: bigint) => () => readJs("protocol-registry", "get-protocol", [Cl.uint(id)]);
const risk = (id: bigint) => readJs("protocol-registry", "get-risk-breakdown", [Cl.uint(id)]);
const insurable = (id: bigint) => read("protocol-registry", "check-insurable", [Cl.uint(id)]);

function listWith(
  overrides: Partial<{
    name: string;
    website: string;
    source: string;
    chain: string;
    category: number;
    team: string[];
  }>,
) {
  const o = {
    name: "zest",
    website: "https://zest.example",
    source: "https://source.example/zest",
    chain: "stacks",
    category: 2,
    team: [erin],
    ...overrides,
  };
  return call(
    "protocol-registry",
    "list-protocol",
    [
      Cl.stringAscii(o.name),
      Cl.stringAscii(o.website),
      Cl.stringAscii(o.source),
      Cl.stringAscii(o.chain),
      Cl.uint(o.category),
      Cl.list(o.team.map((t) => Cl.principal(t))),
    ],
    erin,
  );
}

beforeEach(() => setupRoles());

describe("listing", () => {
  it("lists a protocol as pending with its team and finds it by id and by name", () => {
    const result = listProtocol("stackswap", [erin, frank]);
    expect(result.result).toBeOk(Cl.uint(1));
    expect(printed(result)[0]).toMatchObject({
      topic: "protocol-submitted",
      "protocol-id": 1n,
      name: "stackswap",
      submitter: erin,
    });
    expect(protocol(1n)()).toMatchObject({
      name: "stackswap",
      status: 1n,
      category: 1n,
      team: [erin, frank],
      "audit-count": 0n,
    });
    expect(readJs("protocol-registry", "get-protocol-id", [Cl.stringAscii("stackswap")])).toBe(1n);
    expect(readJs("protocol-registry", "get-protocol-by-name", [Cl.stringAscii("stackswap")])).toMatchObject({
      name: "stackswap",
    });
    // The team counts once a risk oracle has approved the listing (and so confirmed its addresses).
    expect(read("protocol-registry", "is-team-member", [Cl.uint(1), Cl.principal(frank)])).toBeBool(false);
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(1)], ORACLE));
    expect(read("protocol-registry", "is-team-member", [Cl.uint(1), Cl.principal(frank)])).toBeBool(true);
    expect(read("protocol-registry", "is-team-member", [Cl.uint(1), Cl.principal(alice)])).toBeBool(false);
  });

  it("refuses a name already taken", () => {
    expectOk(listProtocol("stackswap"));
    expectRefused(() => listProtocol("stackswap"), E["ERR-NAME-TAKEN"]);
  });

  it("refuses a protocol without a public https source location (closed source is not insurable)", () => {
    expectRefused(() => listWith({ source: "" }), E["ERR-SOURCE-NOT-PUBLIC"]);
    expectRefused(() => listWith({ source: "ipfs://closed" }), E["ERR-SOURCE-NOT-PUBLIC"]);
    expectRefused(() => listWith({ source: "https://" }), E["ERR-SOURCE-NOT-PUBLIC"]);
  });

  it("refuses a one-letter name, an empty chain, a bad website, an unknown category and an empty team", () => {
    expectRefused(() => listWith({ name: "z" }), E["ERR-INVALID-NAME"]);
    expectRefused(() => listWith({ chain: "" }), E["ERR-INVALID-NAME"]);
    expectRefused(() => listWith({ website: "http://insecure.example" }), E["ERR-INVALID-URI"]);
    expectRefused(() => listWith({ category: 0 }), E["ERR-INVALID-CATEGORY"]);
    expectRefused(() => listWith({ category: 10 }), E["ERR-INVALID-CATEGORY"]);
    expectRefused(() => listWith({ team: [] }), E["ERR-NO-TEAM"]);
  });

  it("accepts a protocol on another chain with no website", () => {
    expect(listWith({ chain: "ethereum", website: "" }).result).toBeOk(Cl.uint(1));
  });
});

describe("listing approval, pause and delisting", () => {
  it("approves a pending listing and records when it was listed", () => {
    expectOk(listProtocol("stackswap"));
    const result = call("protocol-registry", "approve-listing", [Cl.uint(1)], ORACLE);
    expect(printed(result)[0]).toMatchObject({ topic: "protocol-listed", "protocol-id": 1n, status: 2n });
    expect(protocol(1n)()).toMatchObject({ status: 2n });
    expect(protocol(1n)()["listed-at"]).toBeGreaterThan(0n);
  });

  it("refuses every status change by anyone but a risk oracle (the team and the council included)", () => {
    const pending = expectOk(listProtocol("stackswap")) as bigint;
    const active = insurableProtocol("active-one");
    const changes: [string, bigint][] = [
      ["approve-listing", pending],
      ["reject-listing", pending],
      ["pause-protocol", active],
      ["delist-protocol", active],
    ];
    for (const [method, id] of changes) {
      for (const who of [erin, deployer, AUDITOR]) {
        expectRefused(
          () => call("protocol-registry", method, [Cl.uint(id)], who),
          E["ERR-NOT-AUTHORIZED"],
          protocol(id),
        );
      }
    }
    expectOk(call("protocol-registry", "pause-protocol", [Cl.uint(active)], ORACLE));
    expectRefused(
      () => call("protocol-registry", "unpause-protocol", [Cl.uint(active)], erin),
      E["ERR-NOT-AUTHORIZED"],
      protocol(active),
    );
  });

  it("refuses status changes on an unknown protocol", () => {
    for (const method of [
      "approve-listing",
      "reject-listing",
      "pause-protocol",
      "unpause-protocol",
      "delist-protocol",
    ]) {
      expectRefused(() => call("protocol-registry", method, [Cl.uint(42)], ORACLE), E["ERR-UNKNOWN-PROTOCOL"]);
    }
  });

  it("refuses transitions that do not fit the current status", () => {
    expectOk(listProtocol("stackswap"));
    expectRefused(
      () => call("protocol-registry", "pause-protocol", [Cl.uint(1)], ORACLE),
      E["ERR-INVALID-STATUS"],
      protocol(1n),
    );
    expectRefused(
      () => call("protocol-registry", "unpause-protocol", [Cl.uint(1)], ORACLE),
      E["ERR-INVALID-STATUS"],
      protocol(1n),
    );
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(1)], ORACLE));
    expectRefused(
      () => call("protocol-registry", "approve-listing", [Cl.uint(1)], ORACLE),
      E["ERR-INVALID-STATUS"],
      protocol(1n),
    );
    expectRefused(
      () => call("protocol-registry", "reject-listing", [Cl.uint(1)], ORACLE),
      E["ERR-INVALID-STATUS"],
      protocol(1n),
    );
  });

  it("rejects a pending listing", () => {
    expectOk(listProtocol("stackswap"));
    expectOk(call("protocol-registry", "reject-listing", [Cl.uint(1)], ORACLE));
    expect(protocol(1n)()).toMatchObject({ status: 5n });
    expect(insurable(1n)).toBeErr(Cl.uint(E["ERR-NOT-LISTED"]!));
  });

  it("pauses, unpauses and delists, and each state answers insurability accordingly", () => {
    const id = insurableProtocol();
    expect(insurable(id)).toBeOk(expect.anything());
    expect(printed(call("protocol-registry", "pause-protocol", [Cl.uint(id)], ORACLE))[0]).toMatchObject({
      topic: "protocol-paused",
    });
    expect(insurable(id)).toBeErr(Cl.uint(E["ERR-PROTOCOL-PAUSED"]!));
    expectOk(call("protocol-registry", "unpause-protocol", [Cl.uint(id)], ORACLE));
    expect(insurable(id)).toBeOk(expect.anything());
    expect(printed(call("protocol-registry", "delist-protocol", [Cl.uint(id)], ORACLE))[0]).toMatchObject({
      topic: "protocol-delisted",
    });
    expect(insurable(id)).toBeErr(Cl.uint(E["ERR-NOT-LISTED"]!));
    expectRefused(
      () => call("protocol-registry", "delist-protocol", [Cl.uint(id)], ORACLE),
      E["ERR-INVALID-STATUS"],
      protocol(id),
    );
  });
});

describe("audits", () => {
  it("records an audit by an approved auditor and makes the protocol insurable", () => {
    expectOk(listProtocol("stackswap"));
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(1)], ORACLE));
    expect(insurable(1n)).toBeErr(Cl.uint(E["ERR-NOT-AUDITED"]!));
    const result = recordAudit(1n, { critical: 0, high: 1, medium: 2, low: 3 });
    expect(result.result).toBeOk(Cl.uint(1));
    expect(printed(result)[0]).toMatchObject({
      topic: "audit-recorded",
      "audit-id": 1n,
      auditor: AUDITOR,
      high: 1n,
      verdict: 1n,
    });
    expect(readJs("protocol-registry", "get-audit", [Cl.uint(1)])).toMatchObject({
      "protocol-id": 1n,
      critical: 0n,
      high: 1n,
      medium: 2n,
      low: 3n,
    });
    expect(readJs("protocol-registry", "get-latest-audit", [Cl.uint(1)])).toMatchObject({
      "report-uri": "https://audits.example/report.pdf",
    });
    expect(protocol(1n)()).toMatchObject({ "audit-count": 1n, "latest-audit-id": 1n });
    expect(insurable(1n)).toBeOk(expect.anything());
  });

  it("accepts an audit of a pending protocol", () => {
    expectOk(listProtocol("stackswap"));
    expect(recordAudit(1n).result).toBeOk(Cl.uint(1));
  });

  it("refuses an audit from someone without the auditor role", () => {
    expectOk(listProtocol("stackswap"));
    expectRefused(
      () =>
        call(
          "protocol-registry",
          "record-audit",
          [
            Cl.uint(1),
            Cl.buffer(HASH),
            Cl.stringAscii("https://a.example/r"),
            Cl.uint(0),
            Cl.uint(0),
            Cl.uint(0),
            Cl.uint(0),
            Cl.uint(1),
          ],
          erin,
        ),
      E["ERR-NOT-AUTHORIZED"],
      protocol(1n),
    );
  });

  it("refuses an audit of an unknown or delisted protocol, a bad verdict and a non-https report", () => {
    expectRefused(() => recordAudit(9n), E["ERR-UNKNOWN-PROTOCOL"]);
    const id = insurableProtocol();
    const audit = (verdict: number, uri = "https://a.example/r") =>
      call(
        "protocol-registry",
        "record-audit",
        [
          Cl.uint(id),
          Cl.buffer(HASH),
          Cl.stringAscii(uri),
          Cl.uint(0),
          Cl.uint(0),
          Cl.uint(0),
          Cl.uint(0),
          Cl.uint(verdict),
        ],
        AUDITOR,
      );
    expectRefused(() => audit(0), E["ERR-INVALID-VERDICT"], protocol(id));
    expectRefused(() => audit(4), E["ERR-INVALID-VERDICT"], protocol(id));
    expectRefused(() => audit(1, "ftp://a.example/r"), E["ERR-INVALID-URI"], protocol(id));
    expectOk(call("protocol-registry", "delist-protocol", [Cl.uint(id)], ORACLE));
    expectRefused(() => audit(1), E["ERR-NOT-LISTED"], protocol(id));
  });

  it("makes a protocol uninsurable while its latest audit failed", () => {
    const id = insurableProtocol();
    expectOk(recordAudit(id, { critical: 2, high: 0, medium: 0, low: 0 }, 3));
    expect(insurable(id)).toBeErr(Cl.uint(E["ERR-AUDIT-FAILED"]!));
    expectOk(recordAudit(id, { critical: 0, high: 0, medium: 0, low: 0 }, 1));
    expect(insurable(id)).toBeOk(expect.anything());
  });
});

describe("risk score", () => {
  it("adds category, findings, verdict and incident points and maps them to a tier and rate", () => {
    const id = expectOk(listProtocol("bridge-x", [erin], 3)) as bigint; // bridge: 30 points
    expectOk(call("protocol-registry", "approve-listing", [Cl.uint(id)], ORACLE));
    expectOk(recordAudit(id, { critical: 0, high: 1, medium: 2, low: 9 }, 2)); // 8 + 4 findings, +10 conditional
    expect(risk(id)).toEqual({
      score: 52n,
      tier: 4n,
      "rate-bps": 800n,
      "category-points": 30n,
      "finding-points": 12n,
      "verdict-points": 10n,
      "incident-points": 0n,
      "age-credit": 0n,
    });
    expectOk(call("protocol-registry", "record-incident", [Cl.uint(id)], ORACLE));
    expect(risk(id)).toMatchObject({ score: 67n, tier: 4n, "incident-points": 15n });
    expectOk(call("protocol-registry", "record-incident", [Cl.uint(id)], ORACLE));
    expectOk(call("protocol-registry", "record-incident", [Cl.uint(id)], ORACLE));
    expect(risk(id)).toMatchObject({ score: 82n, tier: 5n, "rate-bps": 1200n, "incident-points": 30n });
  });

  it("caps finding points at 40 and counts an unaudited protocol as the worst case", () => {
    const id = expectOk(listProtocol("dex-y", [erin], 1)) as bigint;
    expect(risk(id)).toMatchObject({ "finding-points": 40n, "verdict-points": 10n, score: 60n, tier: 4n });
    expectOk(recordAudit(id, { critical: 5, high: 5, medium: 5, low: 5 }, 1));
    expect(risk(id)).toMatchObject({ "finding-points": 40n, score: 50n, tier: 4n });
  });

  it("gives credit for time listed, one point per 36 days, at most 10", () => {
    const id = insurableProtocol("lender", [erin], 2); // 12 category + 2 medium finding = 14 -> tier 1
    expect(risk(id)).toMatchObject({ score: 14n, tier: 1n, "rate-bps": 200n, "age-credit": 0n });
    advance(72 * DAY);
    expect(risk(id)).toMatchObject({ score: 12n, "age-credit": 2n });
    advance(400 * DAY);
    expect(risk(id)).toMatchObject({ score: 4n, "age-credit": 10n });
  });

  it("follows the council's tier rates", () => {
    const id = insurableProtocol();
    expectOk(council.pass("propose-parameter", [Cl.stringAscii("rate-tier-1-bps"), Cl.uint(150)]));
    expect(risk(id)).toMatchObject({ tier: 1n, "rate-bps": 150n });
  });

  it("refuses the breakdown of an unknown protocol", () => {
    expect(read("protocol-registry", "get-risk-breakdown", [Cl.uint(77)])).toBeErr(Cl.uint(E["ERR-UNKNOWN-PROTOCOL"]!));
  });
});

describe("incidents", () => {
  it("lets a risk oracle record an incident", () => {
    const id = insurableProtocol();
    const result = call("protocol-registry", "record-incident", [Cl.uint(id)], ORACLE);
    expect(result.result).toBeOk(Cl.uint(1));
    expect(printed(result)[0]).toMatchObject({ topic: "incident-recorded", "incident-count": 1n });
  });

  it("refuses incidents from others and on unknown protocols", () => {
    const id = insurableProtocol();
    expectRefused(
      () => call("protocol-registry", "record-incident", [Cl.uint(id)], bob),
      E["ERR-NOT-AUTHORIZED"],
      protocol(id),
    );
    expectRefused(() => call("protocol-registry", "record-incident", [Cl.uint(99)], ORACLE), E["ERR-UNKNOWN-PROTOCOL"]);
  });
});
