import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl, signStructuredData } from "@stacks/transactions";
import { OverwriteType, PermissionFlagsBits as P } from "discord-api-types/v10";
import type { Browser } from "playwright-core";
import { startStack, answerOf, opt, type Stack } from "../harness";
import { startLocalStacksApi } from "../../../devnet/server";
import { STX } from "../../../devnet/scenario";
import { linkDomain, linkMessage } from "../../../bot/web/wallet-link";
import { KeeperTransactions } from "../../../bot/storage/keeper-transactions";
import { WELCOME_TEXT } from "../../../bot/discord/events/guild-create";
import { formatStx } from "../../../bot/format/stx";
import { shortAddress } from "../../../bot/discord/presentation/links";
import { channelTranscriptHtml } from "../../../devnet/local-discord/transcript";
import { launchBrowser, screenshotPath } from "../../web/browser";

let s: Stack;
let admin: string;
let claims: string;
let feed: string;
beforeAll(async () => {
  s = await startStack();
  admin = s.member("admin", [s.discord.role("admins").id]);
  claims = s.discord.channel("claims").id;
  feed = s.discord.channel("pool-reports").id;
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  await s.run("setup", [opt.sub("assessor-role", [opt.role("role", s.discord.role("assessors").id)])], admin);
  await s.run("setup", [opt.sub("feed", [opt.channel("channel", feed)])], admin);
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
  await s.indexed();
});
afterAll(async () => s?.stop());

const status = async (member: string) => {
  const record = await s.run("status", [], member);
  return { record, ...answerOf(record) };
};

describe("/status", () => {
  it("shows a healthy bot to an admin: the chain, the index up to date, the last event, the keeper and each channel's permissions", async () => {
    // The feed channel lost Send Messages for the bot: the check names what is missing.
    s.discord.setOverwrites(feed, [
      { id: s.discord.botRole().id, type: OverwriteType.Role, allow: "0", deny: String(P.SendMessages) },
    ]);
    const keeper = s.who.oracle;
    (s.bot.ctx.config as { keeperKey?: string }).keeperKey = keeper.privateKey;
    await new KeeperTransactions(s.bot.ctx.store.sql).sent({
      action: "finalize-claim",
      targetId: "7",
      txid: `0x${"ab".repeat(32)}`,
      nonce: 1n,
      fee: 1_000n,
    });
    try {
      const answer = await status(admin);
      const tip = s.api.chain.tipHeight;
      expect(answer.ephemeral).toBe(true);
      expect(answer.embed.title).toBe("Bot status");
      expect(answer.fields.Chain).toMatch(new RegExp(`^✅ Connected · block #${tip} \\(<t:\\d+:R>\\)$`));
      expect(answer.fields.Index).toMatch(new RegExp(`^Followed to block #${tip} \\(<t:\\d+:R>\\) · up to date$`));
      expect(answer.fields["Last event seen"]).toMatch(/^Block #\d+ · assessor-staking · recorded <t:\d+:R>$/);
      const balance = await s.bot.ctx.reader.stxBalance(keeper.address);
      expect(answer.fields.Keeper).toBe(
        `${shortAddress(keeper.address)} · ${formatStx(balance)} · 1 transaction pending`,
      );
      expect(answer.fields.Channels!.split("\n")).toEqual([
        `✅ <#${claims}> (claim alerts): can post`,
        `⚠️ <#${feed}> (feed): missing Send Messages`,
      ]);
      await screenshot(answer.record.reply!, "status-390");
    } finally {
      (s.bot.ctx.config as { keeperKey?: string }).keeperKey = undefined;
      s.discord.setOverwrites(feed, []);
    }
  });

  it("shows a member who is not an admin the chain, the index and the last event, privately, and says what admins see", async () => {
    const answer = await status(s.member("curious"));
    expect(answer.ephemeral).toBe(true);
    expect(Object.keys(answer.fields)).toEqual(["Chain", "Index", "Last event seen"]);
    expect(answer.content).toBe("Server admins (Manage Server) also see the keeper and each channel's permissions.");
  });

  it("still answers with the chain stopped: the chain is unreachable, and the store's facts are shown", async () => {
    const port = s.api.port;
    await s.api.close();
    try {
      const answer = await status(admin);
      expect(answer.ephemeral).toBe(true);
      expect(answer.fields.Chain).toMatch(
        /^❌ Unreachable: the Stacks API did not answer \(.+\)\. What follows is from the bot's own store\.$/,
      );
      expect(answer.fields.Index).toMatch(
        /^Followed to block #\d+ \(<t:\d+:R>\) · lag unknown while the chain is unreachable$/,
      );
      expect(answer.fields["Last event seen"]).toMatch(/^Block #\d+ · assessor-staking · recorded <t:\d+:R>$/);
      expect(answer.fields.Keeper).toBe("Not configured (no KEEPER_PRIVATE_KEY).");
      expect(answer.fields.Channels).toContain(`✅ <#${claims}> (claim alerts): can post`);
    } finally {
      s.api = await startLocalStacksApi({ chain: s.api.chain, port });
    }
  });
});

/** The ephemeral answer as the member sees it, drawn like Discord at a phone's width (390 px). */
async function screenshot(message: object, name: string) {
  const preview = "status-preview";
  s.discord.messages.set(preview, [{ ...message, edits: 0, history: [] } as never]);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.setContent(channelTranscriptHtml(s.discord, preview, "/status · only you can see this"));
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  } finally {
    await browser?.close();
    s.discord.messages.delete(preview);
  }
}

describe("the welcome when the bot joins a server", () => {
  it("posts the three setup steps once in the new server's first text channel, and not again after a reconnect or a restart", async () => {
    const joined = s.discord.addGuild("Second Server");
    const first = joined.channels[0]!.id;
    const welcome = await s.discord.waitFor(() => s.discord.channelMessages(first)[0], 10_000, "the welcome");
    expect(welcome.content).toBe(WELCOME_TEXT);
    expect(welcome.content.split("\n").filter((l) => /^\d\. /.test(l))).toHaveLength(3);
    expect(welcome.mention_everyone).toBe(false);
    s.discord.dropConnections(4000);
    await s.discord.waitFor(() => s.discord.resumes >= 1 && s.discord.connected, 10_000, "the resume");
    // Discord (or a client) sending the server again: the once-only key holds.
    s.bot.client.emit("guildCreate", s.bot.client.guilds.cache.get(joined.id)!);
    await s.restart();
    await s.run("help", [], admin); // a round trip after the restart: any welcome would be posted by now
    expect(s.discord.channelMessages(first)).toHaveLength(1);
    // The first server never got one: the bot was in it before it connected.
    expect(s.discord.channelMessages(claims).some((m) => m.content === WELCOME_TEXT)).toBe(false);
  });
});

/** A member asks for a link; returns the nonce and its expiry, as the page's signer needs them. */
async function askForLink(member: string) {
  const answer = answerOf(await s.run("link", [], member));
  const nonce = /\/link\/([0-9a-f]{32}) /.exec(answer.content)![1]!;
  const row = await s.bot.ctx.store.sql.get<{ e: number }>("SELECT expires_at AS e FROM link_nonces WHERE nonce = ?", [
    nonce,
  ]);
  return { nonce, expiresAt: Number(row!.e), content: answer.content };
}
const signFor = (member: string, link: { nonce: string; expiresAt: number }, privateKey: string) =>
  signStructuredData({
    message: linkMessage({ discordId: member, nonce: link.nonce, expiresAt: link.expiresAt }),
    domain: linkDomain(false),
    privateKey,
  });
const post = async (body: unknown) => {
  const r = await fetch(`${s.bot.web!.url}/api/link`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

describe("the wallet link", () => {
  it("an older /link is refused after a newer one", async () => {
    const member = s.member("twice");
    const wallet = s.who.assessors[1]!;
    const older = await askForLink(member);
    const newer = await askForLink(member);
    expect(newer.content).toContain("Your earlier link no longer works.");
    expect((await fetch(`${s.bot.web!.url}/link/${older.nonce}`)).status).toBe(404);
    expect(
      await post({ nonce: older.nonce, address: wallet.address, signature: signFor(member, older, wallet.privateKey) }),
    ).toEqual({
      status: 409,
      body: { error: "This link was already used or does not exist. Run /link in Discord for a new one." },
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBeNull();
    expect((await fetch(`${s.bot.web!.url}/link/${newer.nonce}`)).status).toBe(200);
    expect(
      await post({ nonce: newer.nonce, address: wallet.address, signature: signFor(member, newer, wallet.privateKey) }),
    ).toEqual({
      status: 200,
      body: { address: wallet.address },
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBe(wallet.address);
  });

  it("shows the member's Discord name and avatar on the page, never their id, with a hostile name escaped", async () => {
    const user = s.discord.addUser("mallory", s.discord.guild);
    user.global_name = '<img src=x onerror="alert(1)">&amp;\u202eevil';
    user.avatar = "a_0123456789abcdef0123456789abcdef";
    const { nonce } = await askForLink(user.id);
    const page = await fetch(`${s.bot.web!.url}/link/${nonce}`);
    const text = await page.text();
    const shown = /<dd id="member">(.*?)<\/dd>/.exec(text)![1]!;
    expect(shown).toBe(
      `<img src="https://cdn.discordapp.com/avatars/${user.id}/a_0123456789abcdef0123456789abcdef.png?size=64" alt="" width="32" height="32" referrerpolicy="no-referrer"> ` +
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;evil (@mallory)",
    );
    // The id is only in what the wallet signs (the page's configuration) and the avatar's address, never shown.
    expect(text.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "").replace(shown, "")).not.toContain(user.id);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("img-src 'self' data: https://cdn.discordapp.com");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });
});

describe("/unlink", () => {
  const hasRole = (member: string) =>
    s.discord.guild.members.get(member)!.roles.includes(s.discord.role("assessors").id);

  it("forgets the member's wallet and takes back the assessor role its stake earned, privately", async () => {
    const member = s.member("leaver");
    const wallet = s.who.assessors[0]!;
    const link = await askForLink(member);
    expect(
      (await post({ nonce: link.nonce, address: wallet.address, signature: signFor(member, link, wallet.privateKey) }))
        .status,
    ).toBe(200);
    await s.discord.waitFor(() => hasRole(member), 5_000, "the assessor role");
    const answer = answerOf(await s.run("unlink", [], member));
    expect(answer).toMatchObject({
      ephemeral: true,
      content:
        `Your wallet ${wallet.address} is no longer linked to your Discord account. The assessor role it gave you has been removed.` +
        " Its stake no longer earns you the assessor role, and the bot no longer tells you about its transactions. Run `/link` to link a wallet again.",
    });
    expect(await s.bot.ctx.store.linkedWallet(member)).toBeNull();
    expect(hasRole(member)).toBe(false);
    expect(await s.bot.ctx.store.roleGrants(s.discord.guild.id, s.discord.role("assessors").id)).not.toContain(member);
  });

  it("tells a member with no linked wallet there is nothing to unlink, and leaves a role an admin gave by hand", async () => {
    const member = s.member("never-linked", [s.discord.role("assessors").id]);
    const answer = answerOf(await s.run("unlink", [], member));
    expect(answer).toMatchObject({
      ephemeral: true,
      content: "You have no linked wallet, so there is nothing to unlink. To link one, run `/link`.",
    });
    expect(hasRole(member)).toBe(true);
  });
});
