import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { Cl, broadcastTransaction, makeSTXTokenTransfer } from "@stacks/transactions";
import { startStack, answerOf, opt, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";
import { INTERACTION_TOKEN_MS, type InteractionRecord } from "../../../devnet/local-discord";
import {
  discordMessenger,
  tellTransactionResults,
  RESULTS_PER_PASS,
  UNKNOWN_AFTER_MS,
} from "../../../bot/jobs/transaction-results";
import { FollowedTransactions, FOLLOWED_MAX, TOKEN_LIFETIME_MS } from "../../../bot/storage/followed-transactions";
import { describeContractError, errorCode } from "../../../bot/chain/contract-errors";
import { discordText } from "../../../bot/format/untrusted";

/**
 * After a member signs on one of the bot's pages, the page reports the transaction and the bot tells the member
 * how it ended: under the command that opened the page while Discord takes answers to it, else by DM if they
 * asked for that. Who sent it and how it ended come from the chain, never from the page.
 */
let s: Stack;
let records: FollowedTransactions;
const pass = (now = Date.now()) => tellTransactionResults(s.bot.ctx, discordMessenger(s.bot.client), now);
const report = (txid: string) =>
  fetch(`${s.bot.web!.url}/api/transactions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ txid }),
  });
const stateOf = async (txid: string) => (await fetch(`${s.bot.web!.url}/api/transactions/${txid}`)).json();
const embedOf = (m: { embeds?: { title?: string; description?: string }[] }) => m.embeds?.[0] ?? {};
const buttonUrl = (m: { components?: unknown[] }) =>
  (m.components?.[0] as { components: { url?: string }[] } | undefined)?.components[0]?.url;

beforeAll(async () => {
  s = await startStack();
  records = new FollowedTransactions(s.bot.ctx.store.sql);
  for (const a of s.who.assessors.slice(0, 3))
    await fetch(`${s.api.url}/devnet/fund`, {
      method: "POST",
      body: JSON.stringify({ address: a.address, amount: String(10_000n * STX) }),
    });
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
});
afterAll(async () => s?.stop());

/** A member linked to the account, who opened the stake page from /stake (the command the result answers under). */
async function memberWhoOpenedStake(account: { address: string }): Promise<{ id: string; command: InteractionRecord }> {
  const id = s.member();
  await s.bot.ctx.store.linkWallet(id, account.address);
  const command = await s.run("stake", [opt.str("amount", "100")], id);
  expect(answerOf(command).ephemeral).toBe(true);
  return { id, command };
}

describe("the result of a transaction signed on a page", () => {
  it("answers the member privately under the command that opened the page, with the explorer link, once", async () => {
    const { command } = await memberWhoOpenedStake(s.who.assessors[0]!);
    const txid = await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100n * STX)]);
    const reported = await report(txid);
    expect(reported.status).toBe(202);
    expect(await reported.json()).toMatchObject({ kind: "pending", text: "Waiting for the network to mine it." });
    expect(await pass()).toEqual({ checked: 1, told: 1 });
    await s.discord.waitFor(() => command.followUps[0], 10_000, "the private result");
    const result = command.followUps[0]!;
    expect(result.flags! & 64).toBe(64);
    expect(embedOf(result).title).toBe("Done: stake");
    expect(embedOf(result).description).toMatch(/^Mined in block \d+: the contract did what you signed\./);
    expect(buttonUrl(result)).toBe(s.bot.ctx.links.tx(txid));
    const state = await stateOf(txid);
    expect(state).toMatchObject({ status: "success", kind: "done", title: "Done: stake" });
    expect(state.blockHeight).toBeGreaterThan(0);
    // Reported again (a reload, a second tab): known, already decided, and nobody is told twice.
    const again = await report(txid.replace(/^0x/, "").toUpperCase());
    expect([again.status, (await again.json()).kind]).toEqual([200, "done"]);
    expect(await pass()).toEqual({ checked: 0, told: 0 });
    expect(command.followUps).toHaveLength(1);
  });

  it("says the contract's refusal in plain words, from the chain's result", async () => {
    const { command } = await memberWhoOpenedStake(s.who.assessors[0]!);
    const txid = await s.p.call(s.who.assessors[0]!, "assessor-staking", "request-unstake", [
      Cl.uint(1_000_000n * STX),
    ]);
    await report(txid);
    expect(await pass()).toEqual({ checked: 1, told: 1 });
    await s.discord.waitFor(() => command.followUps[0], 10_000, "the private result");
    const code = errorCode("assessor-staking", "ERR-INSUFFICIENT-STAKE");
    expect(embedOf(command.followUps[0]!).title).toBe("Refused: request-unstake");
    expect(embedOf(command.followUps[0]!).description).toContain(
      discordText(`but the contract refused it: ${describeContractError(code)}. Nothing moved; the fee was paid.`),
    );
    expect(await stateOf(txid)).toMatchObject({ status: "abort_by_response", kind: "refused" });
  });

  it("DMs a member who asked for it when no command opened the page (a button's link), and waits while the chain has not decided", async () => {
    const id = s.member();
    await s.bot.ctx.store.linkWallet(id, s.who.assessors[1]!.address);
    expect(answerOf(await s.run("link", [opt.bool("dm-results", true)], id)).content).toContain("by DM");
    const unknown = randomBytes(32).toString("hex");
    await report(unknown);
    const txid = await s.p.call(s.who.assessors[1]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
    await report(txid);
    // The unknown id is given time to show up in the API.
    expect(await pass()).toEqual({ checked: 2, told: 1 });
    await s.discord.waitFor(() => s.discord.dms(id)[0], 10_000, "the DM");
    expect(embedOf(s.discord.dms(id)[0]!).title).toBe("Done: stake");
    expect((await records.get(txid))!.told).toBe("dm");
    expect(await stateOf(unknown)).toMatchObject({ kind: "pending" });
    // Never seen by the API in 10 minutes: given up, nobody to tell (no sender is known).
    expect(await pass(Date.now() + UNKNOWN_AFTER_MS)).toEqual({ checked: 1, told: 0 });
    expect(await stateOf(unknown)).toMatchObject({
      status: "not_found",
      kind: "dropped",
      text: "Not mined: the network never heard of it in the 10 minutes after it was signed. Nothing happened and no fee was paid; sign again from the page if it still applies.",
    });
  });

  it("falls back to the DM when Discord no longer takes the command's answer, and tells nobody who did not ask", async () => {
    const { id, command } = await memberWhoOpenedStake(s.who.assessors[1]!);
    command.createdAt -= INTERACTION_TOKEN_MS + 1; // Discord's clock, not ours, decided the token is gone
    const first = await s.p.call(s.who.assessors[1]!, "assessor-staking", "request-unstake", [Cl.uint(1n * STX)]);
    await report(first);
    expect(await pass()).toEqual({ checked: 1, told: 0 });
    expect((await records.get(first))!.told).toBe("not-asked");
    await s.run("link", [opt.bool("dm-results", true)], id);
    const second = await s.p.call(s.who.assessors[1]!, "assessor-staking", "request-unstake", [Cl.uint(1n * STX)]);
    await report(second);
    expect(await pass()).toEqual({ checked: 1, told: 1 });
    await s.discord.waitFor(() => s.discord.dms(id)[0], 10_000, "the DM");
    expect(command.followUps).toHaveLength(0);
    expect(s.discord.requests.some((r) => r.status === 401 && r.path.startsWith("/webhooks/"))).toBe(true);
  });

  it("stops answering under the command a minute before Discord would refuse, and DMs instead", async () => {
    const { id, command } = await memberWhoOpenedStake(s.who.assessors[0]!);
    await s.bot.ctx.store.setDmResults(id, true);
    const txid = await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(1n * STX)]);
    await report(txid);
    expect(await pass(command.createdAt + TOKEN_LIFETIME_MS)).toEqual({ checked: 1, told: 1 });
    await s.discord.waitFor(() => s.discord.dms(id)[0], 10_000, "the DM");
    expect(command.followUps).toHaveLength(0);
    expect((await records.get(txid))!.told).toBe("dm");
  });

  it("records a DM Discord refuses (the member takes none) without failing the pass", async () => {
    const id = s.member();
    await s.bot.ctx.store.linkWallet(id, s.who.assessors[2]!.address);
    await s.bot.ctx.store.setDmResults(id, true);
    s.discord.closedDms.add(id);
    const txid = await s.p.call(s.who.assessors[2]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
    await report(txid);
    expect(await pass()).toEqual({ checked: 1, told: 0 });
    expect((await records.get(txid))!.told).toBe("dm-closed");
    expect(s.logs.some((l) => l.includes("the member takes no DMs from the bot"))).toBe(true);
  });

  it("tells nobody of a transaction that calls none of the protocol's contracts, or whose sender is not linked", async () => {
    const transfer = await makeSTXTokenTransfer({
      recipient: s.who.provider.address,
      amount: 1n,
      senderKey: s.who.assessors[0]!.privateKey,
      network: s.p.network,
      fee: 1_000n,
    });
    const sent = await broadcastTransaction({ transaction: transfer, network: s.p.network });
    const unlinked = await s.p.call(s.who.buyer, "assessor-staking", "request-unstake", [Cl.uint(1n)]);
    await report(sent.txid);
    await report(unlinked);
    expect(await pass()).toEqual({ checked: 2, told: 0 });
    expect((await records.get(sent.txid))!.told).toBe("not-ours");
    expect((await records.get(unlinked))!.told).toBe("not-linked");
  });

  it("tells a member once when two passes check the same transaction at the same time", async () => {
    const { command } = await memberWhoOpenedStake(s.who.assessors[0]!);
    const txid = await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(10n * STX)]);
    await report(txid);
    const [a, b] = await Promise.all([pass(), pass()]);
    expect(a.told + b.told).toBe(1);
    await s.discord.waitFor(() => command.followUps[0], 10_000, "the private result");
    expect(command.followUps).toHaveLength(1);
  });
});

describe("asking for results by DM", () => {
  it("asks a member without a linked wallet to link one first, and records nothing", async () => {
    const id = s.member();
    const answer = answerOf(await s.run("link", [opt.bool("dm-results", true)], id));
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain("You have not linked a wallet yet. Run `/link` first");
    expect(await s.bot.ctx.store.linkedWallet(id)).toBeNull();
  });
});

describe("reporting a transaction from a page", () => {
  it("refuses an id that is not a transaction id, and says so", async () => {
    const bad = await report("0x1234");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe("txid must be a transaction id: 64 hex digits, with or without 0x");
    expect((await fetch(`${s.bot.web!.url}/api/transactions/nope`)).status).toBe(400);
    expect((await fetch(`${s.bot.web!.url}/api/transactions/${"ab".repeat(32)}`)).status).toBe(404);
  });

  it(`follows at most ${FOLLOWED_MAX} at once: beyond, the page is told to see the explorer and nothing is recorded`, async () => {
    const open = (await records.toCheck(FOLLOWED_MAX)).length;
    for (let i = open; i < FOLLOWED_MAX; i++) await records.follow(randomBytes(32).toString("hex"));
    const extra = randomBytes(32).toString("hex");
    const refused = await report(extra);
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([503, "60"]);
    expect((await refused.json()).error.message).toContain("see yours in the explorer");
    expect(await records.get(extra)).toBeNull();
    // One pass asks about RESULTS_PER_PASS of them in one request, however many are followed.
    const asked = () => s.api.requests.get("GET /extended/v1/tx/multiple") ?? 0;
    const before = asked();
    expect((await pass()).checked).toBe(RESULTS_PER_PASS);
    expect(asked() - before).toBe(1);
  });
});
