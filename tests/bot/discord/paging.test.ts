import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { DiscordSnowflake } from "@sapphire/snowflake";
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIMessage } from "discord-api-types/v10";
import { startStack, answerOf, opt, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";
import { PAGE_LIFETIME_MS } from "../../../bot/discord/paging";
import type { InteractionRecord } from "../../../devnet/local-discord";

let s: Stack;
const DAY = 86_400;
const advance = (seconds: number) =>
  fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });

beforeAll(async () => {
  s = await startStack();
  // 24 more policies for the seeded buyer: 25 in all, to page through 10 + 10 + 5.
  for (let i = 0; i < 24; i++) {
    const quote = await s.p.quote(1, 1_000n * STX, 60);
    await s.p.call(s.who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(60),
      Cl.uint(quote.premium),
    ]);
  }
  // A protocol waiting for approval: cover cannot be bought on it.
  await s.p.call(s.who.team, "protocol-registry", "list-protocol", [
    Cl.stringAscii("stackbridge"),
    Cl.stringAscii("https://stackbridge.example"),
    Cl.stringAscii("https://source.example/stackbridge"),
    Cl.stringAscii("stacks"),
    Cl.uint(1),
    Cl.list([Cl.principal(s.who.team.address)]),
  ]);
  // Claim 1 stays open; claim 2 (newer) is denied by vote: open claims come first all the same.
  for (const [i, amount] of [100_000n, 50_000n, 30_000n].entries())
    await s.p.call(s.who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(amount * STX)]);
  await advance(3 * DAY + 7_200);
  for (const policy of [1, 2])
    await s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
      Cl.uint(policy),
      Cl.uint(500n * STX),
      Cl.uint(s.api.chain.time - 600),
      Cl.stringUtf8(`Incident on policy ${policy}`),
      Cl.bufferFromHex("ab".repeat(32)),
      Cl.stringAscii("https://evidence.example/x"),
    ]);
  for (const i of [0, 1, 2])
    await s.p.call(s.who.assessors[i]!, "claims-assessment", "vote", [Cl.uint(2), Cl.bool(false)], "deny");
  await advance(3 * DAY);
  await s.p.call(s.who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(2)]);
  await s.indexed();
});
afterAll(async () => s?.stop());

type Button = APIButtonComponentWithCustomId;
const buttonsOf = (message: APIMessage | undefined) =>
  ((message?.components ?? []) as APIActionRowComponent<Button>[]).flatMap((row) => row.components);
const shown = (message: APIMessage | undefined) => ({
  ids: [...(message?.embeds?.[0]?.description ?? "").matchAll(/\*\*#(\d+)\*\*/g)].map((m) => Number(m[1])),
  footer: message?.embeds?.[0]?.footer?.text,
  buttons: buttonsOf(message).map((b) => `${b.label}${b.disabled ? " (disabled)" : ""}`),
});
const click = async (message: APIMessage, label: string, member: string): Promise<InteractionRecord> => {
  const button = buttonsOf(message).find((b) => b.label === label)!;
  return s.discord.answered(s.discord.clickButton(message, button.custom_id, member));
};
const clickId = (message: APIMessage, customId: string, member: string) =>
  s.discord.answered(s.discord.clickButton(message, customId, member));
/** The list as it stands in the channel (a button's update edits it in place). */
const inChannel = (record: InteractionRecord) =>
  s.discord.channelMessages(record.channelId).find((m) => m.id === record.reply!.id)!;

describe("lists that page", () => {
  it("pages through 25 policies 10 + 10 + 5, with the count shown and Previous / Next enabled only where they lead somewhere", async () => {
    const member = s.member("pager");
    const first = await s.run("policies", [opt.str("holder", s.who.buyer.address)], member);
    const list = inChannel(first);
    expect(shown(list)).toEqual({
      ids: [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
      footer: "Policies 1–10 of 25",
      buttons: ["Previous (disabled)", "Next"],
    });
    expect(buttonsOf(list).map((b) => b.custom_id)).toEqual([
      `page:holder:${s.who.buyer.address}:0`,
      `page:holder:${s.who.buyer.address}:10`,
    ]);

    const second = await click(list, "Next", member);
    expect(second.callbacks.map((c) => c.type)).toEqual([7]);
    expect(shown(inChannel(first))).toEqual({
      ids: [15, 14, 13, 12, 11, 10, 9, 8, 7, 6],
      footer: "Policies 11–20 of 25",
      buttons: ["Previous", "Next"],
    });
    await click(inChannel(first), "Next", member);
    expect(shown(inChannel(first))).toEqual({
      ids: [5, 4, 3, 2, 1],
      footer: "Policies 21–25 of 25",
      buttons: ["Previous", "Next (disabled)"],
    });
    await click(inChannel(first), "Previous", member);
    expect(shown(inChannel(first)).footer).toBe("Policies 11–20 of 25");
    // One message, edited in place: nothing new was posted in the channel.
    expect(
      s.discord.channelMessages(first.channelId).filter((m) => m.embeds[0]?.footer?.text?.startsWith("Policies")),
    ).toHaveLength(1);
  });

  it("pages a protocol's policies and the claims list the same way", async () => {
    const member = s.member("pager2");
    const onProtocol = inChannel(await s.run("policies", [opt.str("protocol", "stackswap")], member));
    expect(shown(onProtocol)).toMatchObject({
      footer: "Policies 1–10 of 25",
      buttons: ["Previous (disabled)", "Next"],
    });
    expect(buttonsOf(onProtocol)[1]!.custom_id).toBe("page:protocol:1:10");
    const claims = inChannel(await s.run("claims", [], member));
    expect(shown(claims)).toEqual({ ids: [2, 1], footer: "Claims 1–2 of 2", buttons: [] });
  });

  it("refuses another member's click privately, and leaves the list as it was", async () => {
    const owner = s.member("owner-of-list");
    const list = inChannel(await s.run("policies", [opt.str("holder", s.who.buyer.address)], owner));
    const other = await click(list, "Next", s.member("someone-else"));
    expect(answerOf(other)).toMatchObject({
      ephemeral: true,
      content: "Only the member who ran this list can page it. Run `/policies holder:` yourself to page your own.",
    });
    expect(shown(list).footer).toBe("Policies 1–10 of 25");
  });

  it("refuses a forged custom id privately: an unknown list, a bad address, an offset the bot never makes", async () => {
    const member = s.member("forger");
    const list = inChannel(await s.run("policies", [opt.str("holder", s.who.buyer.address)], member));
    for (const forged of [
      "page:everything:all:0",
      "page:holder:not-an-address:10",
      `page:holder:${s.who.buyer.address}:5`,
      "page:protocol:999:0",
      "page:claims:all:-10",
    ]) {
      const answer = answerOf(await clickId(list, forged, member));
      expect(answer, forged).toMatchObject({
        ephemeral: true,
        content: "That button is not one of my lists. Run the command again for a list you can page.",
      });
    }
    expect(shown(list).footer).toBe("Policies 1–10 of 25");
  });

  it("answers a click on an expired list privately, and takes its buttons away", async () => {
    const member = s.member("late");
    const list = inChannel(await s.run("policies", [opt.str("holder", s.who.buyer.address)], member));
    // The same list as if posted longer ago than a list pages: Discord dates a message by its id.
    const old = {
      ...list,
      id: DiscordSnowflake.generate({ timestamp: Date.now() - PAGE_LIFETIME_MS - 60_000 }).toString(),
      history: [],
      edits: 0,
    };
    s.discord.messages.get(list.channel_id)!.push(old);
    const answer = await click(old, "Next", member);
    expect(answer.callbacks.map((c) => c.type)).toEqual([7]);
    await s.discord.waitFor(() => answer.followUps[0], 5_000, "the private note");
    expect(answer.followUps[0]).toMatchObject({
      content:
        "This list has expired (its buttons work for 10 minutes). Run `/policies holder:` again for a fresh one.",
      flags: 64,
    });
    expect(buttonsOf(old)).toEqual([]);
    expect(shown(old).footer).toBe("Policies 1–10 of 25");
  });
});

describe("autocomplete, from the index", () => {
  const choices = async (command: string, option: string, value: string, member = s.member(), type = 4) => {
    const record = s.discord.slashCommand(
      command,
      [{ name: option, type, value, focused: true } as never],
      member,
      undefined,
      {
        focused: true,
      },
    );
    await s.discord.answered(record);
    expect(record.callbacks[0]!.type).toBe(8);
    return record.callbacks[0]!.data.choices as { name: string; value: number | string }[];
  };

  it("offers claim numbers with open claims first", async () => {
    expect(await choices("claim", "id", "")).toEqual([
      { name: "#1 · stackswap · 500 STX · Voting", value: 1 },
      { name: "#2 · stackswap · 500 STX · Denied (closed)", value: 2 },
    ]);
    expect((await choices("claim", "id", "2")).map((c) => c.value)).toEqual([2]);
  });

  it("offers the member's own policies first (their linked wallet's), at most 25", async () => {
    const stranger = await choices("policy", "id", "");
    expect(stranger).toHaveLength(25);
    expect(stranger[0]!.value).toBe(25);
    // Another holder's policy, newer than all of the buyer's: the buyer still sees theirs first.
    const quote = await s.p.quote(1, 1_000n * STX, 60);
    await s.p.call(s.who.provider, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(60),
      Cl.uint(quote.premium),
    ]);
    await s.indexed();
    const buyer = s.member("policy-holder");
    await s.bot.ctx.store.linkWallet(buyer, s.who.buyer.address);
    const own = await choices("claim-file", "policy", "", buyer);
    expect(own).toHaveLength(25);
    expect(own[0]).toEqual({ name: "#25 · yours · stackswap · 1,000 STX · Active", value: 25 });
    expect(own.map((c) => c.value)).not.toContain(26);
    expect((await choices("policy", "id", "", s.member()))[0]!.value).toBe(26);
    expect((await choices("policy", "id", "1", buyer)).map((c) => c.value)).toEqual([
      19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1,
    ]);
  });

  it("offers only active protocols for /buy and /quote, and every protocol for a lookup", async () => {
    expect(await choices("buy", "protocol", "stack", undefined, 3)).toEqual([
      { name: "stackswap (stacks, active)", value: "stackswap" },
    ]);
    expect((await choices("quote", "protocol", "", undefined, 3)).map((c) => c.value)).toEqual(["stackswap"]);
    expect((await choices("protocol", "name", "stack", undefined, 3)).map((c) => c.value)).toEqual([
      "stackbridge",
      "stackswap",
    ]);
  });
});
