/**
 * npm run demo: the whole protocol and its bot on one machine. It starts the local Stacks API (the
 * project's contracts in the Clarinet simnet), the local Discord and the bot in this process, then plays
 * a claim's whole life through signed transactions, exactly as wallets send them: cover bought, a hack,
 * the alert, votes, live edits, a reminder, the keeper's finalization, the veto window, the payout.
 * It prints what happened and the channel's transcript, and writes the channel as an HTML page.
 *   --chainhooks  the bot receives events pushed by a local Chainhooks 2.0 (devnet/chainhooks-sender.ts)
 *                 instead of polling the API (the default)
 */
import { okOf } from "../stacks/read-only";
import { localBotEnv } from "./lib/local-env";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Writable } from "node:stream";
import { Cl } from "@stacks/transactions";
import type { APIApplicationCommandInteractionDataOption } from "discord-api-types/v10";
import { startLocalStacksApi } from "../devnet/server";
import { networkFor } from "../devnet/wallet";
import { Protocol, actors, seedCoverScenario, STX } from "../devnet/scenario";
import { startLocalDiscord } from "../devnet/local-discord";
import { startChainhooksSender } from "../devnet/chainhooks-sender";
import { channelTranscriptHtml, channelTranscriptText } from "../devnet/local-discord/transcript";
import { loadConfig } from "../bot/config";
import { createLogger } from "../bot/logger";
import { createBot, WATCHED_CONTRACTS } from "../bot/app";
import { registerCommands } from "../bot/discord/register-commands";
import { sendReminders } from "../bot/jobs/reminders";
import { formatStx } from "../bot/format/stx";

const say = (line: string) => console.log(line);
const pushed = parseArgs({ options: { chainhooks: { type: "boolean" } } }).values.chainhooks === true;
/** The local Chainhooks' consumer secret (a fixture: nothing here leaves the machine). */
const CHAINHOOKS_SECRET = "local-demo-consumer-secret-0123456789";
const api = await startLocalStacksApi();
const discord = await startLocalDiscord({ token: "local-demo-bot-token-0123456789" });
const p = new Protocol(networkFor(api.url), api.chain.deployer);
const who = actors(api.chain.accounts);
const advance = async (seconds: number) =>
  (await (await fetch(`${api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) })).json()) as {
    block_time: number;
  };

say("Cyber-security cover for DeFi on Stacks: the protocol and its Discord bot, on one machine\n");
say(`• Local Stacks API on ${api.url}, local Discord on ${discord.api} (server "${discord.guild.name}").`);

// The cover side: roles, a listed and audited protocol, capital, a policy bought at the quoted premium.
const seeded = await seedCoverScenario(p, who);
const risk = okOf(
  await p.read("protocol-registry", "get-risk-breakdown", [Cl.uint(seeded.protocolId)]),
  "get-risk-breakdown",
);
say(
  `• "stackswap" is listed and audited: risk score ${risk.score}, tier ${risk.tier}. ${who.provider.name} deposited ${formatStx(seeded.capital)}.`,
);
say(
  `• ${who.buyer.name} bought policy #${seeded.policyId}: ${formatStx(seeded.cover)} of cover for ${seeded.days} days, premium ${formatStx(seeded.premium)}.`,
);

// The bot joins, with a keeper key of its own (wallet_4 here, never a member's).
const config = loadConfig(
  localBotEnv(
    { api, discord },
    {
      KEEPER_PRIVATE_KEY: who.oracle.privateKey,
      DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "cover-demo-")), "bot.sqlite"),
      EDIT_WINDOW_MS: "500",
      EVENT_POLL_MS: "500",
      ...(pushed ? { EVENT_SOURCE: "chainhooks", CHAINHOOKS_CONSUMER_SECRET: CHAINHOOKS_SECRET } : {}),
    },
  ),
);
await registerCommands(config);
const bot = await createBot(config, {
  jobs: false,
  logger: createLogger({
    level: "warn",
    destination: new Writable({
      write(_c, _e, done) {
        done();
      },
    }) as never,
  }),
});
await bot.start();
const sender = pushed
  ? startChainhooksSender(api.chain, {
      url: `${bot.web!.url}/chainhooks/events`,
      secret: CHAINHOOKS_SECRET,
      contracts: WATCHED_CONTRACTS.map((c) => p.id(c)),
    })
  : undefined;
if (sender)
  say(`• Events reach the bot as Chainhooks 2.0 deliveries to ${bot.web!.url}/chainhooks/events (--chainhooks).`);
say(
  `• The bot is online with ${(discord.commands.guild.get(discord.guild.id) ?? []).length} slash commands; its vote pages are served at ${bot.web!.url}.`,
);

const admin = discord.addUser("admin", discord.guild, [discord.role("admins").id]);
const member = discord.addUser("member", discord.guild);
const claims = discord.channel("claims").id;
async function command(name: string, options: APIApplicationCommandInteractionDataOption[], user = member.id) {
  const record = discord.slashCommand(name, options, user);
  await discord.answered(record, 20_000);
  const answer = record.followUps.at(-1) ?? record.reply;
  return { content: answer?.content ?? "", embed: answer?.embeds?.[0] };
}
const sub = (name: string, options: APIApplicationCommandInteractionDataOption[]) =>
  ({ name, type: 1, options }) as APIApplicationCommandInteractionDataOption;
await command("setup", [sub("alerts", [{ name: "channel", type: 7, value: claims }])], admin.id);
await command(
  "setup",
  [sub("assessor-role", [{ name: "role", type: 8, value: discord.role("assessors").id }])],
  admin.id,
);
say("• An admin ran /setup: alerts go to #claims and mention @assessors.");
const quote = await command("quote", [
  { name: "protocol", type: 3, value: "stackswap" },
  { name: "amount", type: 3, value: "50000" },
  { name: "days", type: 4, value: 30 },
]);
say(
  `• A member asked /quote protocol:stackswap amount:50000 days:30 → premium ${quote.embed?.fields?.find((f) => f.name === "Premium")?.value}.`,
);
const pool = await command("pool", []);
say(
  `• /pool → capital ${pool.embed?.fields?.find((f) => f.name === "Capital")?.value}, utilization ${pool.embed?.fields?.find((f) => f.name === "Utilization")?.value}.`,
);

// Assessors stake; the waiting period passes; the protocol is hacked; the claim is filed.
for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries())
  await p.call(who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
say(`• Three assessors staked 100,000, 50,000 and 30,000 STX.`);
const waited = await advance(3 * 86_400 + 7_200);
await p.call(who.buyer, "claims-assessment", "submit-claim", [
  Cl.uint(seeded.policyId),
  Cl.uint(60_000n * STX),
  Cl.uint(waited.block_time - 1_800),
  Cl.stringUtf8("Reentrancy in the swap router drained the STX/USDA pool"),
  Cl.bufferFromHex("5e".repeat(32)),
  Cl.stringAscii("https://evidence.example/stackswap-incident.tar.gz"),
]);
await discord.waitFor(() => discord.channelMessages(claims)[0], 20_000, "the alert");
say(
  `• stackswap was hacked; ${who.buyer.name} filed claim #1 for 60,000 STX with the evidence's SHA-256. The bot posted the alert in #claims.`,
);

// Votes, each a signed `vote` call in post-condition deny mode (what the vote page asks the wallet for).
// The third assessor is carol, who linked her wallet; she votes only after the reminder.
const carol = discord.addUser("carol", discord.guild);
await bot.ctx.store.linkWallet(carol.id, who.assessors[2]!.address);
const vote = async (i: number, approve: boolean) => {
  await p.call(who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(approve)], "deny");
  say(`  ${who.assessors[i]!.name} voted ${approve ? "approve" : "deny"} (signed transaction, deny mode).`);
};
await vote(0, true);
await vote(1, true);

// A day before the deadline the reminder goes out, to the linked assessor who has not voted; after it the keeper finalizes.
await advance(2 * 86_400 + 3_600);
await sendReminders(bot.ctx);
say("• A day before the deadline the reminder job mentioned carol, the one linked assessor who had not voted.");
await vote(2, false);
const tallyOf = () => discord.channelMessages(claims)[0]!.embeds[0]!.fields!.find((f) => f.name === "Tally")!.value;
await discord.waitFor(() => tallyOf().includes("\n3 votes, "), 20_000, "the live tally");
say(`• The alert was edited as the votes arrived: ${tallyOf().replace(/`/g, "").replace("\n", " · ")}.`);

await advance(86_400);
const finalized = await bot.keeper!.run();
say(
  `• The window closed; the bot's keeper finalized claim #${finalized.finalized.join(", ")}: approved, payable after the 1-day veto window.`,
);
await discord.waitFor(() => discord.channelMessages(claims).length >= 3, 20_000, "the result");
await advance(86_400 + 60);
const before = api.chain.balance(who.buyer.address);
const paid = await bot.keeper!.run();
await discord.waitFor(() => discord.channelMessages(claims).length >= 4, 20_000, "the payout");
say(
  `• No veto came. The keeper executed payout #${paid.paid.join(", ")}: ${who.buyer.name} received ${formatStx(api.chain.balance(who.buyer.address) - before)} (54,000 STX and the 600 STX bond).`,
);
await bot.feed.coalescer.idle();
await discord.waitFor(
  () =>
    tallyOf().length > 0 &&
    (discord.channelMessages(claims)[0]!.embeds[0]!.description ?? "").includes("paid to the claimant"),
  20_000,
  "the final edit",
);

// The channel, as a member reads it.
say("\n──── #claims, as members see it ────");
say(channelTranscriptText(discord, claims));
mkdirSync("demo-output", { recursive: true });
writeFileSync(
  "demo-output/claims-channel.html",
  channelTranscriptHtml(discord, claims, "claim #1 from alert to payout"),
);
say("────\n\nWrote demo-output/claims-channel.html (the channel as a page).");
say(`Done: ${api.chain.txs.size} signed transactions in ${api.chain.tipHeight} blocks.`);
await sender?.stop();
await bot.stop();
await discord.stop();
await api.close();
