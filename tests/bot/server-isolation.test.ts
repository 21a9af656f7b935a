import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { OverwriteType, PermissionFlagsBits } from "discord-api-types/v10";
import { startStack, type Stack } from "./harness";
import { STX } from "../../devnet/scenario";

/** One server whose channel refuses the bot cannot hold up any other server's alerts. */

let s: Stack;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });

beforeAll(async () => {
  s = await startStack({ discord: { guilds: 3 } });
  const [open, refusing, alsoOpen] = s.discord.guilds;
  for (const guild of [open!, refusing!, alsoOpen!])
    await s.bot.ctx.store.updateSettings(guild.id, { alertChannelId: s.discord.channel("claims", guild).id });
  // An admin of the second server has since taken Send Messages from the bot in its alert channel.
  s.discord.setOverwrites(
    s.discord.channel("claims", refusing!).id,
    [
      {
        id: s.discord.botRole(refusing!).id,
        type: OverwriteType.Role,
        allow: "0",
        deny: String(PermissionFlagsBits.SendMessages),
      },
    ],
    refusing!,
  );
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  await advance(3 * 86_400 + 7_200);
});
afterAll(async () => s?.stop());

describe("delivery per server", () => {
  it("delivers every other server's alerts while one server refuses every post (403), and reports that server once", async () => {
    const [open, refusing, alsoOpen] = s.discord.guilds;
    const alertsIn = (guild: typeof open) => s.discord.channelMessages(s.discord.channel("claims", guild!).id);
    const quote = await s.p.quote(1, 1_000n * STX, 60);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(60),
      Cl.uint(quote.premium),
    ]);
    await advance(3 * 86_400 + 7_200);
    for (const policy of [1, 2]) {
      await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
        Cl.uint(policy),
        Cl.uint(500n * STX),
        Cl.uint(s.api.chain.time - 600),
        Cl.stringUtf8(`Drained ${policy}`),
        Cl.bufferFromHex("aa".repeat(32)),
        Cl.stringAscii("https://e.example/x"),
      ]);
    }
    await s.discord.waitFor(
      () => (alertsIn(open).length >= 2 && alertsIn(alsoOpen).length >= 2 ? true : undefined),
      10_000,
      "both alerts in both open servers",
    );
    expect(alertsIn(refusing)).toEqual([]);
    const refusals = s.logs.filter((l) => l.includes("a server refuses the bot's posts"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(refusing!.id);
    // The watcher moved on: the refused server was tried once per claim, not retried in a loop.
    const refusedPath = `/channels/${s.discord.channel("claims", refusing!).id}/messages`;
    expect(s.discord.requests.filter((r) => r.method === "POST" && r.path === refusedPath).length).toBeLessThanOrEqual(
      2,
    );
  });
});
