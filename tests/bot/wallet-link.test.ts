import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, signStructuredData } from "@stacks/transactions";
import { startStack, answerOf, opt, type Stack } from "./harness";
import { linkDomain, linkMessage } from "../../bot/web/wallet-link";
import { STX } from "../../devnet/scenario";

let s: Stack;
beforeAll(async () => {
  s = await startStack();
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.bot.ctx.store.updateSettings(s.discord.guild.id, { assessorRoleId: s.discord.role("assessors").id });
  void admin;
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
});
afterAll(async () => s?.stop());

/** A member (new, or one already in the server) asks for a link; returns their id, the nonce and its expiry. */
async function askForLink(name: string, existing?: string) {
  const member = existing ?? s.member(name);
  const answer = answerOf(await s.run("link", [], member));
  expect(answer.ephemeral).toBe(true);
  const nonce = /\/link\/([0-9a-f]{32}) /.exec(answer.content)![1]!;
  const row = await s.bot.ctx.store.sql.get<{ e: number }>("SELECT expires_at AS e FROM link_nonces WHERE nonce = ?", [
    nonce,
  ]);
  return { member, nonce, expiresAt: row!.e };
}

const sign = (p: { discordId: string; nonce: string; expiresAt: number }, privateKey: string) =>
  signStructuredData({ message: linkMessage(p), domain: linkDomain(false), privateKey });
const post = async (body: unknown) => {
  const r = await fetch(`${s.bot.web!.url}/api/link`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
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
    expect(await post({ nonce, address: assessor.address, signature })).toEqual({
      status: 200,
      body: { address: assessor.address },
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBe(assessor.address);
    await s.discord.waitFor(
      () => s.discord.guild.members.get(member)!.roles.includes(s.discord.role("assessors").id),
      5_000,
      "the role",
    );
    // The same signed message again: the nonce is spent.
    expect(await post({ nonce, address: assessor.address, signature })).toMatchObject({
      status: 409,
      body: { error: "This link was already used or does not exist. Run /link in Discord for a new one." },
    });
    expect((await fetch(`${s.bot.web!.url}/link/${nonce}`)).status).toBe(404);
  });

  it("refuses a signature made by another address than the one claimed", async () => {
    const { member, nonce, expiresAt } = await askForLink("bob");
    const signature = sign({ discordId: member, nonce, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce, address: s.who.assessors[2]!.address, signature })).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining("was not made by that address") },
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBeNull();
  });

  it("refuses a signature for another Discord account", async () => {
    const { nonce, expiresAt, member } = await askForLink("carol");
    const someoneElse = s.member("mallory");
    const signature = sign({ discordId: someoneElse, nonce, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce, address: s.who.assessors[1]!.address, signature })).toMatchObject({ status: 403 });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBeNull();
    expect(await s.bot.ctx.store.linkedWallet(someoneElse)).toBeNull();
  });

  it("refuses an expired message", async () => {
    const { member, nonce } = await askForLink("dave");
    const expiresAt = Date.now() - 1_000;
    await s.bot.ctx.store.sql.run("UPDATE link_nonces SET expires_at = ? WHERE nonce = ?", [expiresAt, nonce]);
    const signature = sign({ discordId: member, nonce, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce, address: s.who.assessors[1]!.address, signature })).toMatchObject({
      status: 410,
      body: { error: "This link has expired. Run /link in Discord for a new one." },
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBeNull();
  });

  it("refuses malformed requests", async () => {
    expect((await post({ nonce: "x" })).status).toBe(400);
    expect((await post({ nonce: "a".repeat(32), address: "nope", signature: "00".repeat(65) })).status).toBe(400);
    expect(
      (await post({ nonce: "a".repeat(32), address: s.who.assessors[1]!.address, signature: "00".repeat(65) })).status,
    ).toBe(409);
  });
});

/** A member links a wallet through the page, as a member would: /link, sign, post. */
async function linkThroughPage(name: string, who: { address: string; privateKey: string }, existing?: string) {
  const { member, nonce, expiresAt } = await askForLink(name, existing);
  const signature = sign({ discordId: member, nonce, expiresAt }, who.privateKey);
  expect(await post({ nonce, address: who.address, signature })).toEqual({
    status: 200,
    body: { address: who.address },
  });
  return member;
}
const hasRole = (member: string) => s.discord.guild.members.get(member)!.roles.includes(s.discord.role("assessors").id);

describe("one wallet, one account", () => {
  it("moves a wallet linked from a second account, and the first account loses the assessor role at once", async () => {
    const assessor = s.who.assessors[0]!;
    const first = await linkThroughPage("first", assessor);
    await s.discord.waitFor(() => hasRole(first), 5_000, "the first account's role");
    const second = await linkThroughPage("second", assessor);
    await s.discord.waitFor(() => hasRole(second) && !hasRole(first), 5_000, "the role to follow the wallet");
    expect(await s.bot.ctx.store.linkedWallet(first)).toBeNull();
    expect(await s.bot.ctx.store.linkedWallet(second)).toBe(assessor.address);
  });

  it("gives a member one live link: a new /link makes the earlier one stop working", async () => {
    const { member, nonce: earlier, expiresAt } = await askForLink("frank");
    const again = answerOf(await s.run("link", [], member));
    expect(again.content).toContain("Your earlier link no longer works.");
    expect(await s.bot.ctx.store.liveLinkNonce(earlier)).toBeNull();
    expect((await fetch(`${s.bot.web!.url}/link/${earlier}`)).status).toBe(404);
    const signature = sign({ discordId: member, nonce: earlier, expiresAt }, s.who.assessors[1]!.privateKey);
    expect(await post({ nonce: earlier, address: s.who.assessors[1]!.address, signature })).toMatchObject({
      status: 409,
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBeNull();
    expect(
      await s.bot.ctx.store.sql.get("SELECT COUNT(*) AS n FROM link_nonces WHERE discord_user_id = ?", [member]),
    ).toEqual({ n: 1 });
  });

  it("purges expired and used nonces when any member asks for a link", async () => {
    const { nonce: expired } = await askForLink("grace");
    await s.bot.ctx.store.sql.run("UPDATE link_nonces SET expires_at = ? WHERE nonce = ?", [
      Date.now() - 1_000,
      expired,
    ]);
    await askForLink("heidi");
    expect(await s.bot.ctx.store.linkNonce(expired)).toBeNull();
    expect(
      await s.bot.ctx.store.sql.get(
        "SELECT COUNT(*) AS n FROM link_nonces WHERE used_at IS NOT NULL OR expires_at < ?",
        [Date.now()],
      ),
    ).toEqual({ n: 0 });
  });
});

describe("privacy of linked wallets", () => {
  it("does not show another member's wallet with /assessor member: unless they chose to show it", async () => {
    const assessor = s.who.assessors[1]!;
    const ivan = await linkThroughPage("ivan", assessor);
    const asker = s.member("judy");
    const general = s.discord.channel("general").id;
    const before = s.discord.channelMessages(general).length;
    const hidden = answerOf(await s.run("assessor", [opt.user("member", ivan)], asker));
    expect(hidden).toMatchObject({
      ephemeral: true,
      content:
        "ivan has not shared a linked wallet. Ask them for their address and give `address:`, " +
        "or ask them to run `/link show-wallet:True`.",
    });
    // The same answer as for a member who never linked: it does not tell whether ivan did.
    expect(answerOf(await s.run("assessor", [opt.user("member", s.member("ivan2"))], asker)).content).toContain(
      "has not shared a linked wallet",
    );
    expect(
      s.discord
        .channelMessages(general)
        .slice(before)
        .map((m) => JSON.stringify(m))
        .join(),
    ).not.toContain(assessor.address);

    const chose = answerOf(await s.run("link", [opt.bool("show-wallet", true)], ivan));
    expect(chose).toMatchObject({
      ephemeral: true,
      content: `Your linked wallet ${assessor.address} is now shown to members who look you up with \`/assessor member:\`.`,
    });
    const shown = answerOf(await s.run("assessor", [opt.user("member", ivan)], asker));
    expect(shown.ephemeral).toBe(false);
    expect(shown.embed.description).toContain(assessor.address);

    expect(answerOf(await s.run("link", [opt.bool("show-wallet", false)], ivan)).content).toContain("is now private");
    expect(answerOf(await s.run("assessor", [opt.user("member", ivan)], asker)).ephemeral).toBe(true);
  });

  it("answers /assessor about your own linked wallet privately unless you chose to show it", async () => {
    const assessor = s.who.assessors[2]!;
    const kim = await linkThroughPage("kim", assessor);
    const own = answerOf(await s.run("assessor", [], kim));
    expect(own.ephemeral).toBe(true);
    expect(own.embed.description).toContain(assessor.address);
    expect(answerOf(await s.run("assessor", [opt.user("member", kim)], kim)).ephemeral).toBe(true);
    await s.run("link", [opt.bool("show-wallet", true)], kim);
    expect(answerOf(await s.run("assessor", [], kim)).ephemeral).toBe(false);
  });

  it("asks a member without a linked wallet to link one before choosing to show it", async () => {
    const answer = answerOf(await s.run("link", [opt.bool("show-wallet", true)], s.member("leo")));
    expect(answer).toMatchObject({
      ephemeral: true,
      content:
        "You have not linked a wallet yet. Run `/link` first; once it is linked, choose whether to show it and whether to get results by DM.",
    });
  });
});
