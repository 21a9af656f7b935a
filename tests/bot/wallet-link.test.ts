import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, signStructuredData } from "@stacks/transactions";
import { startStack, answerOf, type Stack } from "./harness";
import { linkDomain, linkMessage } from "../../bot/web/wallet-link";
import { STX } from "../../devnet/scenario";

let s: Stack;
beforeAll(async () => {
  s = await startStack();
  const admin = s.member("admin", [s.discord.role("admins").id]);
  s.bot.ctx.store.updateSettings(s.discord.guild.id, { assessorRoleId: s.discord.role("assessors").id });
  void admin;
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
}, 60_000);
afterAll(async () => s?.stop());

/** A member asks for a link; returns their id, the nonce and its expiry. */
async function askForLink(name: string) {
  const member = s.member(name);
  const answer = answerOf(await s.run("link", [], member));
  expect(answer.ephemeral).toBe(true);
  const nonce = /\/link\/([0-9a-f]{32}) /.exec(answer.content)![1]!;
  const row = s.bot.ctx.store.db.prepare("SELECT expires_at AS e FROM link_nonces WHERE nonce = ?").get(nonce) as { e: number };
  return { member, nonce, expiresAt: row.e };
}

const sign = (p: { discordId: string; nonce: string; expiresAt: number }, privateKey: string) =>
  signStructuredData({ message: linkMessage(p), domain: linkDomain(false), privateKey });
const post = async (body: unknown) => {
  const r = await fetch(`${s.bot.web!.url}/api/link`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};

describe("linking a wallet by a SIP-018 signature", () => {
  it("links with a valid signature, gives the assessor role while the address has stake, and refuses to reuse the nonce", async () => {
    const { member, nonce, expiresAt } = await askForLink("alice");
    const page = await fetch(`${s.bot.web!.url}/link/${nonce}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(member);
    const assessor = s.who.assessors[0]!;
    const signature = sign({ discordId: member, nonce, expiresAt }, assessor.privateKey);
    expect(await post({ nonce, address: assessor.address, signature })).toEqual({ status: 200, body: { address: assessor.address } });
    expect(s.bot.ctx.store.linkedWallet(member)).toBe(assessor.address);
    await s.discord.waitFor(() => s.discord.guild.members.get(member)!.roles.includes(s.discord.role("assessors").id), 5_000, "the role");
    // The same signed message again: the nonce is spent.
    expect(await post({ nonce, address: assessor.address, signature })).toMatchObject({ status: 409,
      body: { error: "This link was already used or does not exist. Run /link in Discord for a new one." } });
    expect((await fetch(`${s.bot.web!.url}/link/${nonce}`)).status).toBe(404);
  });

  it("refuses a signature made by another address than the one claimed", async () => {
    const { member, nonce, expiresAt } = await askForLink("bob");
    const signature = sign({ discordId: member, nonce, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce, address: s.who.assessors[2]!.address, signature })).toMatchObject({ status: 403,
      body: { error: expect.stringContaining("was not made by that address") } });
    expect(s.bot.ctx.store.linkedWallet(member)).toBeNull();
  });

  it("refuses a signature for another Discord account", async () => {
    const { nonce, expiresAt, member } = await askForLink("carol");
    const someoneElse = s.member("mallory");
    const signature = sign({ discordId: someoneElse, nonce, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce, address: s.who.assessors[1]!.address, signature })).toMatchObject({ status: 403 });
    expect(s.bot.ctx.store.linkedWallet(member)).toBeNull();
    expect(s.bot.ctx.store.linkedWallet(someoneElse)).toBeNull();
  });

  it("refuses an expired message", async () => {
    const { member, nonce } = await askForLink("dave");
    const expiresAt = Date.now() - 1_000;
    s.bot.ctx.store.db.prepare("UPDATE link_nonces SET expires_at = ? WHERE nonce = ?").run(expiresAt, nonce);
    const signature = sign({ discordId: member, nonce, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce, address: s.who.assessors[1]!.address, signature })).toMatchObject({ status: 410,
      body: { error: "This link has expired. Run /link in Discord for a new one." } });
    expect(s.bot.ctx.store.linkedWallet(member)).toBeNull();
  });

  it("refuses malformed requests", async () => {
    expect((await post({ nonce: "x" })).status).toBe(400);
    expect((await post({ nonce: "a".repeat(32), address: "nope", signature: "00".repeat(65) })).status).toBe(400);
    expect((await post({ nonce: "a".repeat(32), address: s.who.assessors[1]!.address, signature: "00".repeat(65) })).status).toBe(409);
  });
});
