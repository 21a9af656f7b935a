import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { startStack, answerOf, opt, type Stack } from "./harness";
import { startLocalStacksApi } from "../../devnet/server";
import { formatStx, formatBps } from "../../bot/format/stx";
import { shortAddress } from "../../bot/discord/presentation/links";
import { STX } from "../../devnet/scenario";

let s: Stack;
let claimId: bigint;

beforeAll(async () => {
  s = await startStack();
  // An assessor stakes, the waiting period passes, the protocol is hacked and a claim is filed.
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  await fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 3 * 86_400 + 7_200 }) });
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(60_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Reentrancy in the router"),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://evidence.example/bundle.tar.gz"),
  ]);
  await s.p.call(s.who.assessors[0]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");
  claimId = 1n;
  await s.indexed(); // lookups answer from the index
});
afterAll(async () => s?.stop());

describe("/policy", () => {
  it("shows the policy as the chain has it", async () => {
    const answer = answerOf(await s.run("policy", [opt.int("id", 1)]));
    expect(answer.ephemeral).toBe(false);
    expect(answer.embed.title).toBe("Policy #1 · stackswap");
    expect(answer.fields).toMatchObject({
      Status: "Active",
      Cover: "250,000 STX",
      "Remaining cover": "250,000 STX",
      "Paid out": "0 STX",
      Term: "90 days",
      "Premium paid": `${formatStx(s.seeded.premium)} (2% a year, tier 1)`,
    });
    expect(answer.fields.Holder).toContain(shortAddress(s.who.buyer.address));
    expect(answer.fields.Holder).toContain(
      `https://explorer.hiro.so/address/${s.who.buyer.address}?chain=testnet&api=`,
    );
    expect(answer.fields["Cover until"]).toMatch(/^<t:\d+:f> \(<t:\d+:R>\)$/);
  });

  it("says so, privately, for an unknown id", async () => {
    const answer = answerOf(await s.run("policy", [opt.int("id", 99)]));
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toBe("There is no policy #99. Find yours with `/policies holder:<your address>`.");
  });
});

describe("/policies", () => {
  it("lists a holder's policies and a protocol's", async () => {
    const byHolder = answerOf(await s.run("policies", [opt.str("holder", s.who.buyer.address)]));
    // The count is in the footer (lists page: bot/discord/paging.ts); one page needs no buttons.
    expect(byHolder.embed.title).toBe(`Policies held by ${shortAddress(s.who.buyer.address)}`);
    expect(byHolder.embed.footer?.text).toBe("Policies 1–1 of 1");
    expect(byHolder.embed.description).toMatch(/^\*\*#1\*\* · stackswap · 250,000 STX · Active · ends <t:\d+:R>$/);
    const byProtocol = answerOf(await s.run("policies", [opt.str("protocol", "stackswap")]));
    expect(byProtocol.embed).toMatchObject({ title: "Policies on stackswap", footer: { text: "Policies 1–1 of 1" } });
  });

  it("refuses a malformed address, an address of the other network, both options and neither", async () => {
    expect(answerOf(await s.run("policies", [opt.str("holder", "not-an-address")]))).toMatchObject({
      ephemeral: true,
      content: expect.stringMatching(/^"not-an-address" is not a Stacks address\. Paste one such as `ST/),
    });
    expect(
      answerOf(await s.run("policies", [opt.str("holder", "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7")])).content,
    ).toContain("is a mainnet address; this server follows testnet");
    expect(answerOf(await s.run("policies", [])).content).toContain("Give either `holder:`");
    expect(
      answerOf(await s.run("policies", [opt.str("holder", s.who.buyer.address), opt.str("protocol", "stackswap")]))
        .content,
    ).toContain("not both and not neither");
  });

  it("refuses an unknown protocol", async () => {
    const answer = answerOf(await s.run("policies", [opt.str("protocol", "uniswap")]));
    expect(answer).toMatchObject({
      ephemeral: true,
      content: expect.stringContaining('There is no protocol named "uniswap"'),
    });
  });
});

describe("/claim and /claims", () => {
  it("shows a claim with its evidence, running tally, quorum and deadline", async () => {
    const answer = answerOf(await s.run("claim", [opt.int("id", Number(claimId))]));
    expect(answer.embed.title).toBe("Claim #1 · stackswap");
    expect(answer.embed.description).toBe("Reentrancy in the router");
    expect(answer.fields).toMatchObject({
      Policy: "#1",
      Amount: "60,000 STX (pays 54,000 STX after the deductible)",
      // Weight for the tally (no unit), stake for quorum: enough stake voted, but 1 of the 3 voters needed.
      Tally: "`██████████` 100.0% approve · 0.0% deny\n1 vote, 100,000 weight · approval needs over 60%",
      Quorum: "`██████████` 2 more voters needed\n100,000 STX of 10,000 STX stake voted · 1 of 3 voters",
      Evidence: "[bundle](https://evidence.example/bundle.tar.gz) · SHA-256 `abababababababab…`",
    });
    expect(answer.fields.Status).toMatch(/^🗳️ Voting closes <t:\d+:R>$/);
    expect(JSON.stringify(answer.embed).match(/<t:\d+:R>/g)).toHaveLength(1);
    expect(answer.embed.footer?.text).toMatch(/^Bond [\d,]+ STX$/);
  });

  it("says so for an unknown claim", async () => {
    expect(answerOf(await s.run("claim", [opt.int("id", 7)]))).toMatchObject({
      ephemeral: true,
      content: "There is no claim #7. See the latest with `/claims`.",
    });
  });

  it("lists recent claims and filters by status", async () => {
    const all = answerOf(await s.run("claims"));
    expect(all.embed.description).toMatch(/^\*\*#1\*\* · stackswap · 60,000 STX · Voting · closes <t:\d+:R>$/);
    const paid = answerOf(await s.run("claims", [opt.str("status", "paid")]));
    expect(all.embed).toMatchObject({ title: "Recent claims", footer: { text: "Claims 1–1 of 1" } });
    expect(paid.embed).toMatchObject({ title: "Claims: paid", description: "No claims in that state." });
    expect(paid.embed.footer).toBeUndefined();
  });
});

describe("/protocol", () => {
  it("shows audit, risk tier, rate, active cover, and whether it is insured", async () => {
    const answer = answerOf(await s.run("protocol", [opt.str("name", "stackswap")]));
    expect(answer.embed.title).toBe("stackswap");
    expect(answer.embed.url).toBe(`${s.bot.web!.url}/protocols/stackswap`);
    expect(answer.fields.Badge).toBe(
      `[badge](${s.bot.web!.url}/badge/stackswap.svg) · for a README: \`[![stackswap cover](${s.bot.web!.url}/badge/stackswap.svg)](${s.bot.web!.url}/protocols/stackswap)\``,
    );
    expect(answer.fields).toMatchObject({
      Insured: "Yes: 250,000 STX of cover in force",
      Status: "Listed",
      Chain: "stacks",
      Category: "dex",
      Audit: "pass · 0 critical, 0 high, 2 medium, 4 low · [report](https://audits.example/stackswap-2026.pdf)",
      Risk: "Tier 1 (score 14) · 2% a year",
      "New cover": "Available: try /quote",
      Incidents: "0",
    });
  });

  it("autocompletes protocol names as the member types", async () => {
    const record = s.discord.slashCommand(
      "protocol",
      [{ name: "name", type: 3, value: "stack", focused: true } as never],
      s.member(),
      undefined,
      { focused: true },
    );
    await s.discord.answered(record);
    expect(record.callbacks[0]).toEqual({
      type: 8,
      data: { choices: [{ name: "stackswap (stacks, active)", value: "stackswap" }] },
    });
  });

  it("lists every protocol without a name, and refuses an unknown one", async () => {
    expect(answerOf(await s.run("protocol")).embed.description).toBe("**stackswap** · stacks · dex · active");
    expect(answerOf(await s.run("protocol", [opt.str("name", "nope")])).content).toContain(
      'There is no protocol named "nope"',
    );
  });
});

describe("/buy", () => {
  const buy = (amount: string, days: number, member?: string) =>
    s.run("buy", [opt.str("protocol", "stackswap"), opt.str("amount", amount), opt.int("days", days)], member);

  it("answers privately with the live premium and a button to the page with the terms filled in", async () => {
    const member = s.member("buyer-linked");
    await s.bot.ctx.store.linkWallet(member, s.who.buyer.address);
    const onChain = await s.p.quote(1, 10_000n * STX, 30);
    const record = await buy("10,000", 30, member);
    const answer = answerOf(record);
    expect(answer.ephemeral).toBe(true);
    expect(answer.embed.title).toBe("Buy cover · 10,000 STX on stackswap for 30 days");
    expect(answer.fields["Premium now"]).toBe(formatStx(onChain.premium));
    const most = onChain.premium + (onChain.premium * 100n + 9_999n) / 10_000n;
    expect(answer.fields["You pay at most"]).toBe(`${formatStx(most)} (1% slippage; change it on the page)`);
    expect(answer.content).toBe("");
    const row = record.reply!.components![0] as { components: { url?: string; label?: string }[] };
    const button = row.components[0]!;
    expect(button).toMatchObject({
      label: "Open the page to buy",
      url: `${s.bot.ctx.links.webBaseUrl}/buy/1?amount=${10_000n * STX}&days=30`,
    });
  });

  it("tells a member whose wallet is not linked how to link it, and still offers the page", async () => {
    const record = await buy("10,000", 30, s.member("buyer-unlinked"));
    expect(answerOf(record).content).toBe(
      "Your wallet is not linked: run `/link` so the bot can tell you when the purchase is mined. You can buy without.",
    );
    expect(record.reply?.components?.length).toBe(1);
  });

  it.each([
    ["1000", 5, "Cover lasts 14 to 365 days; pick a length in that range."],
    ["0.5", 30, "Cover starts at 1 STX; ask for more."],
    ["ten", 30, 'The amount "ten" is not an amount of STX.'],
  ])("refuses amount %s for %i days before any page opens, saying what to change", async (amount, days, message) => {
    const record = await buy(amount, days);
    expect(answerOf(record)).toMatchObject({ ephemeral: true, content: expect.stringContaining(message) });
    expect(record.reply?.components ?? []).toEqual([]);
  });
});

describe("/quote", () => {
  it("gives exactly the premium the contract will charge", async () => {
    const onChain = await s.p.quote(1, 10_000n * STX, 30);
    const answer = answerOf(
      await s.run("quote", [opt.str("protocol", "stackswap"), opt.str("amount", "10,000"), opt.int("days", 30)]),
    );
    expect(answer.embed.title).toBe("Quote · 10,000 STX on stackswap for 30 days");
    expect(answer.fields.Premium).toBe(formatStx(onChain.premium));
    expect(answer.fields.Rate).toBe("2% a year (tier 1, score 14)");
  });

  it.each([
    ["0", 30, "The amount must be more than 0 STX."],
    ["ten", 30, 'The amount "ten" is not an amount of STX.'],
    ["1.1234567", 30, "up to 6 decimals"],
    ["0.5", 30, "Cover starts at 1 STX; ask for more."],
    ["1000", 5, "Cover lasts 14 to 365 days; pick a length in that range."],
    ["100000000", 30, "The pool can take only"],
  ])("refuses amount %s for %i days, saying what to change", async (amount, days, message) => {
    const answer = answerOf(
      await s.run("quote", [opt.str("protocol", "stackswap"), opt.str("amount", amount), opt.int("days", days)]),
    );
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain(message);
  });

  it("refuses an unknown protocol", async () => {
    const answer = answerOf(
      await s.run("quote", [opt.str("protocol", "nope"), opt.str("amount", "100"), opt.int("days", 30)]),
    );
    expect(answer).toMatchObject({
      ephemeral: true,
      content: expect.stringContaining('There is no protocol named "nope"'),
    });
  });
});

describe("/pool", () => {
  it("shows capital, cover, utilization, free capacity, share price and premiums", async () => {
    const stats = await s.p.read("capital-pool", "get-pool-stats");
    const answer = answerOf(await s.run("pool"));
    // 250,000 STX of cover against twice the capital (premiums count as capital as they are earned).
    expect(stats.utilizationBps).toBe((250_000n * STX * 10_000n) / (2n * stats.totalCapital));
    expect(answer.embed.title).toBe("Capital pool");
    expect(answer.fields).toMatchObject({
      Capital: formatStx(stats.totalCapital),
      "Active cover": "250,000 STX",
      Utilization: formatBps(stats.utilizationBps),
      "Free capacity": formatStx(stats.freeCapacity),
      "Share price": formatStx(stats.sharePrice),
      "Premiums earned": formatStx(stats.premiumsEarned),
      "Under assessment": "54,000 STX",
    });
  });
});

describe("/assessor", () => {
  it("shows an assessor's stake, lock, reputation and votes by address", async () => {
    const answer = answerOf(await s.run("assessor", [opt.str("address", s.who.assessors[0]!.address)]));
    expect(answer.fields).toMatchObject({
      Stake: "100,000 STX",
      "Locked by open votes": "100,000 STX",
      Available: "0 STX",
      Reputation: "1×",
      "Voting weight": "100,000 STX",
      "Open votes": "1",
      Unstaking: "Nothing",
    });
  });

  it("shows a member's linked wallet in the channel once they chose to show it, and explains privately when there is none", async () => {
    const linked = s.member("linked");
    await s.bot.ctx.store.linkWallet(linked, s.who.assessors[0]!.address);
    await s.bot.ctx.store.setWalletShown(linked, true);
    const shown = answerOf(await s.run("assessor", [opt.user("member", linked)]));
    expect(shown).toMatchObject({ ephemeral: false, fields: { Stake: "100,000 STX" } });
    const stranger = s.member("stranger");
    expect(answerOf(await s.run("assessor", [opt.user("member", stranger)]))).toMatchObject({
      ephemeral: true,
      content:
        "stranger has not shared a linked wallet. Ask them for their address and give `address:`, or ask them to run `/link show-wallet:True`.",
    });
    expect(answerOf(await s.run("assessor", [])).content).toContain("link your own wallet with `/link`");
    expect(answerOf(await s.run("assessor", [opt.str("address", "STNOPE")])).content).toContain(
      '"STNOPE" is not a Stacks address',
    );
  });
});

describe("/setup", () => {
  it("lets an admin choose the alert channel, assessor role and followed protocols", async () => {
    const admin = s.member("admin", [s.discord.role("admins").id]);
    const claims = s.discord.channel("claims").id;
    const alerts = answerOf(await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin));
    expect(alerts).toMatchObject({ ephemeral: true, content: `Claim alerts will be posted in <#${claims}>.` });
    const role = s.discord.role("assessors").id;
    await s.run("setup", [opt.sub("assessor-role", [opt.role("role", role)])], admin);
    const follow = answerOf(await s.run("setup", [opt.sub("follow", [opt.str("protocol", "stackswap")])], admin));
    expect(follow.content).toBe("Following stackswap. This server now gets alerts for 1 protocol(s).");
    expect(await s.bot.ctx.store.settings(s.discord.guild.id)).toMatchObject({
      alertChannelId: claims,
      assessorRoleId: role,
      followed: [1],
    });
    const show = answerOf(await s.run("setup", [opt.sub("show")], admin));
    expect(show.embed.description).toContain("Protocols: stackswap");
  });

  it("refuses members without the Manage Server permission", async () => {
    const answer = answerOf(
      await s.run("setup", [opt.sub("alerts", [opt.channel("channel", s.discord.channel("general").id)])]),
    );
    expect(answer).toMatchObject({
      ephemeral: true,
      content: expect.stringContaining("Only members with the Manage Server permission"),
    });
  });

  it("refuses to run in a direct message", async () => {
    const user = s.member("dm-user");
    const answer = answerOf(await s.run("setup", [opt.sub("show")], user, { dm: true }));
    expect(answer).toMatchObject({
      ephemeral: true,
      content: expect.stringContaining("works in a server, not in direct messages"),
    });
  });

  it("refuses to follow an unknown protocol", async () => {
    const admin = s.member("admin2", [s.discord.role("admins").id]);
    const answer = answerOf(await s.run("setup", [opt.sub("follow", [opt.str("protocol", "ghost")])], admin));
    expect(answer).toMatchObject({
      ephemeral: true,
      content: expect.stringContaining('There is no protocol named "ghost"'),
    });
  });
});

describe("/help", () => {
  it("lists every command", async () => {
    const answer = answerOf(await s.run("help"));
    for (const name of [
      "policy",
      "policies",
      "claim",
      "claims",
      "protocol",
      "quote",
      "buy",
      "claim-file",
      "capital",
      "pool",
      "assessor",
      "stake",
      "unstake",
      "settle",
      "link",
      "setup",
      "help",
    ]) {
      expect(answer.embed.description).toContain(`\`/${name}`);
    }
  });
});

describe("errors", () => {
  it("answers an unexpected failure with a reference id that is in the log, never a stack trace nor a secret", async () => {
    const original = s.bot.ctx.reader.pool.bind(s.bot.ctx.reader);
    // A failure whose message carries the bot token, as an upstream error echoing a header might.
    s.bot.ctx.reader.pool = async () => {
      throw new Error(`simulated failure (Authorization: Bot ${s.config.discord.token})`);
    };
    try {
      const answer = answerOf(await s.run("pool"));
      expect(answer.ephemeral).toBe(true);
      const reference = /reference: \*\*([0-9A-F]{8})\*\*/.exec(answer.content)?.[1];
      expect(reference).toBeDefined();
      expect(answer.content).not.toContain("simulated failure");
      const line = s.logs.find((l) => l.includes(reference!));
      expect(line).toContain("simulated failure (Authorization: Bot [redacted])");
      expect(line).toContain('"stack"');
    } finally {
      s.bot.ctx.reader.pool = original;
    }
  });

  it("tells the member the chain is unavailable when the Stacks API stops mid-command, and serves again when it returns", async () => {
    const port = s.api.port;
    await s.api.close();
    const down = answerOf(await s.run("pool"));
    expect(down).toMatchObject({
      ephemeral: true,
      content:
        "The Stacks chain can't be read right now (the API did not answer). Nothing was changed; please try again in a minute.",
    });
    s.api = await startLocalStacksApi({ chain: s.api.chain, port });
    const up = answerOf(await s.run("pool"));
    expect(up.fields["Active cover"]).toBe("250,000 STX");
  });

  it("never writes a secret to the log", async () => {
    expect(s.logs.some((l) => l.includes("connected to Discord"))).toBe(true);
    expect(s.logs.join("\n")).not.toContain(s.config.discord.token);
  });
});

describe("/capital", () => {
  const capital = (sub: "deposit" | "withdraw", member?: string, amount = "5,000") =>
    s.run("capital", [opt.sub(sub, sub === "deposit" ? [opt.str("amount", amount)] : [])], member);

  it("answers a linked provider privately with the pool, their position and a button to the deposit page", async () => {
    const member = s.member("provider-linked");
    await s.bot.ctx.store.linkWallet(member, s.who.provider.address);
    const record = await capital("deposit", member);
    const answer = answerOf(record);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toBe("");
    expect(answer.embed.title).toBe("Deposit 5,000 STX in the pool");
    expect(answer.fields["Your shares"]).toMatch(/^1,000,000(\.\d+)? \([\d,.]+ STX\)$/);
    expect(answer.fields["Your withdrawal"]).toBe("none asked");
    const row = record.reply!.components![0] as { components: { url?: string; label?: string }[] };
    expect(row.components[0]).toMatchObject({
      label: "Open the page to deposit",
      url: `${s.bot.ctx.links.webBaseUrl}/capital/deposit?amount=${5_000n * STX}`,
    });
  });

  it("links the withdrawal page, and tells an unlinked member how to link", async () => {
    const record = await capital("withdraw", s.member("provider-unlinked"));
    const answer = answerOf(record);
    expect(answer.content).toContain("Your wallet is not linked: run `/link`");
    expect(answer.fields["Your shares"]).toBeUndefined();
    const row = record.reply!.components![0] as { components: { url?: string }[] };
    expect(row.components[0]!.url).toBe(`${s.bot.ctx.links.webBaseUrl}/capital/withdraw`);
  });

  it("says before any page opens that the pool would refuse a deposit, and what was mistyped", async () => {
    const cases: [string, string][] = [
      ["0.5", "The pool takes deposits of at least 1 STX."],
      ["lots", 'The amount "lots" is not an amount of STX.'],
    ];
    for (const [amount, message] of cases) {
      const record = await capital("deposit", undefined, amount);
      expect(answerOf(record)).toMatchObject({ ephemeral: true, content: expect.stringContaining(message) });
      expect(record.reply?.components ?? []).toEqual([]);
    }
  });
});

describe("/stake and /unstake", () => {
  // assessors[0] staked 100,000 STX before the tests and voted on claim #1, which locks it.
  const linkedAssessor = async () => {
    const member = s.member();
    await s.bot.ctx.store.linkWallet(member, s.who.assessors[0]!.address);
    return member;
  };
  const link = (record: Awaited<ReturnType<typeof s.run>>) =>
    (record.reply!.components![0] as { components: { url?: string; label?: string }[] }).components[0]!;

  it("answers a linked assessor privately with their stake and a button to the stake page", async () => {
    const record = await s.run("stake", [opt.str("amount", "1,000")], await linkedAssessor());
    const answer = answerOf(record);
    expect(answer.ephemeral).toBe(true);
    expect(answer.embed.title).toBe("Stake 1,000 STX as an assessor");
    expect(answer.fields).toMatchObject({ "Your stake": "100,000 STX", "Locked by votes": "100,000 STX" });
    expect(link(record)).toMatchObject({
      label: "Open the page to stake",
      url: `${s.bot.ctx.links.webBaseUrl}/stake?amount=${1_000n * STX}`,
    });
  });

  it("refuses to unstake stake locked by a vote before any page opens, saying settling unlocks it", async () => {
    const record = await s.run("unstake", [opt.str("amount", "10")], await linkedAssessor());
    expect(answerOf(record).content).toContain(
      "100,000 STX of your stake is locked by votes on claims not yet settled; you can unstake 0 STX now.",
    );
    expect(record.reply?.components ?? []).toEqual([]);
  });

  it("links the unstake page for an unlinked member, with how to link", async () => {
    const record = await s.run("unstake", [], s.member());
    expect(answerOf(record).content).toContain("Your wallet is not linked: run `/link`");
    expect(link(record).url).toBe(`${s.bot.ctx.links.webBaseUrl}/unstake`);
    const refused = await s.run("stake", [opt.str("amount", "0.5")], s.member());
    expect(answerOf(refused).content).toContain("A stake must come to at least 1 STX.");
  });
});

// Last: the policy it buys would change the pool's figures the tests above read.
describe("/claim-file", () => {
  let fresh: bigint;
  beforeAll(async () => {
    // A second policy of the buyer, with no claim on it (policy 1 has claim #1 open).
    const quote = await s.p.quote(1, 5_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(5_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    fresh = await s.p.read("cybersecurity-insurance-defi", "get-last-policy-id");
  });
  const file = (policy: bigint | number, member?: string) =>
    s.run("claim-file", [opt.int("policy", Number(policy))], member);

  it("answers the holder privately with what filing takes and a button to the policy's page", async () => {
    const member = s.member("holder-linked");
    await s.bot.ctx.store.linkWallet(member, s.who.buyer.address);
    const record = await file(fresh, member);
    const answer = answerOf(record);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toBe("");
    expect(answer.embed.title).toBe(`File a claim · policy #${fresh} on stackswap`);
    expect(answer.fields["Cover left"]).toBe("5,000 STX");
    expect(answer.fields.Bond).toBe("1% of the amount claimed, at least 10 STX");
    const row = record.reply!.components![0] as { components: { url?: string; label?: string }[] };
    expect(row.components[0]).toMatchObject({
      label: "Open the page to file",
      url: `${s.bot.ctx.links.webBaseUrl}/claim-file/${fresh}`,
    });
  });

  it("tells a member whose wallet is not linked how to link it, and still offers the page", async () => {
    const record = await file(fresh, s.member("holder-unlinked"));
    expect(answerOf(record).content).toBe(
      "Your wallet is not linked: run `/link` so the bot can tell you when the claim is mined. You can file without.",
    );
    expect(record.reply?.components?.length).toBe(1);
  });

  it("says before any page opens what stops a claim: someone else's policy, a claim already open, no such policy", async () => {
    const other = s.member("not-the-holder");
    await s.bot.ctx.store.linkWallet(other, s.who.team.address);
    const cases: [bigint | number, string | undefined, string][] = [
      [fresh, other, `Only the policy's holder can file on it: policy #${fresh} is held by ${s.who.buyer.address}`],
      [1, undefined, "Claim #1 is already open on this policy; a new one can be filed once it is decided."],
      [99, undefined, "There is no policy #99."],
    ];
    for (const [policy, member, message] of cases) {
      const record = await file(policy, member);
      expect(answerOf(record)).toMatchObject({ ephemeral: true, content: expect.stringContaining(message) });
      expect(record.reply?.components ?? []).toEqual([]);
    }
  });
});
