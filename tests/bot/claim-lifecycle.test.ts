import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { Cl } from "@stacks/transactions";
import type { APIEmbed } from "discord-api-types/v10";
import { startStack, opt, type Stack } from "./harness";
import { STX } from "../../devnet/scenario";

let s: Stack;
let claims: string;

const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
const channel = () => s.discord.channelMessages(claims);
const fields = (embed: APIEmbed | undefined) => Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));

beforeEach(async () => {
  s = await startStack();
  claims = s.discord.channel("claims").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  await s.run("setup", [opt.sub("assessor-role", [opt.role("role", s.discord.role("assessors").id)])], admin);
  for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries()) {
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  }
  await advance(3 * 86_400 + 7_200);
});
afterEach(async () => s?.stop());

async function fileClaim(amount = 60_000n) {
  await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(amount * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Reentrancy in the swap router"),
    Cl.bufferFromHex("cd".repeat(32)),
    Cl.stringAscii("https://evidence.example/incident.tar.gz"),
  ]);
  return s.discord.waitFor(() => channel()[0], 10_000, "the claim alert");
}

async function vote(i: number, approve: boolean) {
  return s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(approve)], "deny");
}

const waitFor = <T>(what: string, f: () => T | undefined | false) => s.discord.waitFor(f, 10_000, what);

describe("a restart in the middle of a vote", () => {
  it("shows the latest votes from before the restart beside the ones after it", async () => {
    const alert = await fileClaim();
    const before = [await vote(0, true), await vote(1, false)];
    await waitFor("the votes before the restart", () =>
      before.every((txid) => fields(alert.embeds[0])["Latest votes"]?.includes(txid)),
    );
    await s.restart();
    const after = await vote(2, true);
    await waitFor("the tally after the restart", () => fields(alert.embeds[0]).Tally?.includes("\n3 votes, "));
    await waitFor("every vote listed", () =>
      [...before, after].every((txid) => fields(alert.embeds[0])["Latest votes"]?.includes(txid)),
    );
    expect(fields(alert.embeds[0])["Latest votes"]!.split("\n")).toHaveLength(3);
  });
});

describe("a claim's life in the channel", () => {
  it("approved and paid: the alert, its live edits, the result and the payout, in order", async () => {
    const alert = await fileClaim();
    const role = s.discord.role("assessors").id;
    expect(alert.content).toMatch(new RegExp(`^<@&${role}> New claim #1 on \\*\\*stackswap\\*\\* for 60,000 STX\\.$`));
    expect(alert.mention_roles).toEqual([role]);
    // The first view: what happened, how much, the deadline once; the tally by weight and quorum by stake.
    expect(alert.embeds[0]).toMatchObject({ title: "Claim #1 · stackswap" });
    expect(alert.embeds[0]!.description).toMatch(
      /^> Reentrancy in the swap router\n\*\*60,000 STX\*\* claimed · pays \*\*54,000 STX\*\* after the deductible\n🗳️ Voting closes <t:\d+:R>$/,
    );
    expect(fields(alert.embeds[0])).toEqual({
      Tally: "`░░░░░░░░░░` No votes yet\napproval needs over 60%",
      Quorum:
        "`░░░░░░░░░░` 18,000 STX more stake and 3 more voters needed\n0 STX of 18,000 STX stake voted · 0 of 3 voters",
    });
    // The rest opens the thread: evidence, cover, the claimant's history, audit, bond and risks.
    await waitFor("the details in the thread", () => s.discord.channelMessages(alert.id)[0]);
    const details = s.discord.channelMessages(alert.id)[0]!.embeds[0]!;
    expect(details.title).toBe("Claim #1 · details");
    expect(fields(details)).toMatchObject({
      Evidence: `[bundle](https://evidence.example/incident.tar.gz)\nSHA-256 \`${"cd".repeat(32)}\``,
      "Claimant's earlier claims": "None: this is the claimant's first claim.",
    });
    expect(fields(details).Bond).toMatch(/^600 STX: returned to the claimant with the payout/);
    const buttons = (alert.components![0] as { components: { label: string; url: string }[] }).components;
    expect(buttons.map((b) => [b.label, b.url])).toEqual([
      ["Approve", `${s.bot.web!.url}/vote/1?choice=approve`],
      ["Deny", `${s.bot.web!.url}/vote/1?choice=deny`],
      ["Evidence", "https://evidence.example/incident.tar.gz"],
    ]);
    await waitFor("the discussion thread", () => s.discord.threads.length > 0);
    expect(s.discord.threads.map((t) => [t.name, t.parent_id, t.id])).toEqual([
      ["Claim #1 · stackswap", claims, alert.id],
    ]);
    // Votes: the one alert is edited to the live tally, with each vote's transaction linked.
    const txids = [await vote(0, true), await vote(1, true), await vote(2, false)];
    await waitFor(
      "the tally edit",
      () =>
        fields(alert.embeds[0]).Tally ===
        "`████████░░` 83.3% approve · 16.7% deny\n3 votes, 180,000 weight · approval needs over 60%",
    );
    expect(fields(alert.embeds[0]).Quorum).toBe("Reached ✓");
    await waitFor("every vote linked", () =>
      txids.every((txid) => fields(alert.embeds[0])["Latest votes"]?.includes(txid)),
    );
    // The keeper finalizes after the window; the council does not veto; the payout is executed.
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the result", () => channel()[1]);
    await advance(86_400);
    const payoutTx = await s.p.call(s.who.oracle, "claims-assessment", "execute-payout", [Cl.uint(1)]);
    await waitFor("the payout", () => channel()[2]);
    await s.bot.feed.coalescer.idle();
    const shown = channel().map((m) => m.content);
    expect(shown).toHaveLength(3);
    expect(shown[1]).toMatch(
      /^✅ Claim #1 approved by vote: 83\.3% approve · 16\.7% deny of 180,000 weight, 3 votes\. 54,000 STX is payable <t:\d+:R> unless the council vetoes it\.$/,
    );
    expect(shown[2]).toContain("💸 Claim #1 paid: 54,000 STX to [ST3AM1…GCS0]");
    expect(shown[2]).toContain(
      `(6,000 STX deductible), and the claimant's bond of 600 STX returned · [transaction](https://explorer.hiro.so/txid/0x${payoutTx}`,
    );
    expect(channel()[1]!.message_reference).toMatchObject({ message_id: alert.id });
    // The approval links the council's veto; once paid, the claim's voters can settle.
    expect(
      (channel()[1]!.components![0] as { components: { label: string; url: string }[] }).components[0],
    ).toMatchObject({ label: "Council: veto", url: `${s.bot.web!.url}/council?claim=1&action=veto` });
    expect(
      (channel()[2]!.components![0] as { components: { label: string; url: string }[] }).components.map((b) => [
        b.label,
        b.url,
      ]),
    ).toEqual([["Settle my vote", `${s.bot.web!.url}/settle?claim=1`]]);
    await waitFor("the final edit", () =>
      /\n💸 Voting closed <t:\d+:R>: 54,000 STX paid to the claimant$/.test(alert.embeds[0]?.description ?? ""),
    );
    // Buttons close with the vote.
    expect(
      (alert.components![0] as { components: { disabled?: boolean }[] }).components.slice(0, 2).map((b) => b.disabled),
    ).toEqual([true, true]);
  });

  it("denied: the result says the bond goes to those who voted to deny", async () => {
    const alert = await fileClaim();
    await vote(0, false);
    await vote(1, true);
    await vote(2, false);
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the result", () => channel()[1]);
    expect(channel().map((m) => m.content.split(":")[0])).toEqual([
      expect.stringContaining("New claim #1"),
      "❌ Claim #1 denied by vote",
    ]);
    expect(channel()[1]!.content).toBe(
      "❌ Claim #1 denied by vote: 27.8% approve · 72.2% deny of 180,000 weight, 3 votes. " +
        "The claimant's bond of 600 STX is forfeited: 300 STX to the assessors who voted to deny, 300 STX to the pool.",
    );
    await waitFor("the status edit", () => alert.embeds[0]?.description?.endsWith(": denied"));
  });

  it("no quorum: escalated to the council, whose signature is posted in the thread, then approved", async () => {
    const alert = await fileClaim();
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the escalation", () => channel()[1]);
    expect(channel()[1]!.content).toBe(
      "⚖️ Claim #1 did not reach quorum (0 STX of 18,000 STX stake voted): the council decides. " +
        "Final tally: no votes.",
    );
    await waitFor("the status edit", () =>
      alert.embeds[0]?.description?.endsWith(" without quorum: the council decides"),
    );
    expect(fields(alert.embeds[0]).Quorum).toBe("Not reached: 0 STX of 18,000 STX stake voted · 0 of 3 voters");
    await s.p.call(s.who.council, "claims-assessment", "council-approve-claim", [Cl.uint(1)]);
    await waitFor("the council's decision", () => channel()[2]);
    expect(channel()[2]!.content).toMatch(
      /^✅ Claim #1 approved by the council: no votes\. 54,000 STX is payable <t:\d+:R>/,
    );
    const thread = s.discord.threads[0]!;
    await waitFor("the signature in the thread", () => s.discord.channelMessages(thread.id)[1]);
    // After the details post that opens the thread.
    expect(s.discord.channelMessages(thread.id).map((m) => m.content || m.embeds[0]?.title)).toEqual([
      "Claim #1 · details",
      "🖋️ Council member ST1PQH…GZGM signed to approve (1 of 1).",
    ]);
  });

  it("no quorum by too few voters: the escalation says how many different voters were needed", async () => {
    await fileClaim();
    await vote(0, true); // 100,000 STX: far above the stake quorum, but one voter of the three needed
    await advance(3 * 86_400);
    await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(1)]);
    await waitFor("the escalation", () => channel()[1]);
    expect(channel()[1]!.content).toBe(
      "⚖️ Claim #1 did not reach quorum (100,000 STX of 18,000 STX stake voted, but 1 of the 3 " +
        "different voters needed): the council decides. Final tally: 100.0% approve · 0.0% deny of 100,000 weight, 1 vote.",
    );
  });

  it("posts purchases to a server's feed channel when it has one", async () => {
    const admin = s.member("admin2", [s.discord.role("admins").id]);
    const feed = s.discord.channel("pool-reports").id;
    await s.run("setup", [opt.sub("feed", [opt.channel("channel", feed)])], admin);
    const quote = await s.p.quote(1, 1_000n * STX, 30);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(30),
      Cl.uint(quote.premium),
    ]);
    await s.discord.waitFor(() => s.discord.channelMessages(feed)[0], 10_000, "the feed post");
    expect(s.discord.channelMessages(feed)[0]!.content).toMatch(
      /^🛡️ ST3AM1…GCS0 bought 1,000 STX of cover on \*\*stackswap\*\* for 30 days \(policy #2, premium [\d.,]+ STX\)\.$/,
    );
  });
});
