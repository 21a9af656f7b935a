import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startStack, type Stack } from "../harness";
import { runIndexCheck } from "../../../bot/jobs/index-check";
import { indexCheckText, DIFFERENCES_SHOWN } from "../../../bot/discord/presentation/index-check";

let s: Stack;
beforeAll(async () => {
  s = await startStack();
  await s.indexed();
});
afterAll(async () => s?.stop());

describe("the daily index check", () => {
  it("says nothing when the index matches the chain, and tells the operators' channel once a day when it does not", async () => {
    const ops = s.discord.channel("general").id;
    const ctx = {
      ...s.bot.ctx,
      config: { ...s.bot.ctx.config, discord: { ...s.bot.ctx.config.discord, operationsChannelId: ops } },
    };
    const posted = () => s.discord.channelMessages(ops).filter((m) => m.content.startsWith("🔎"));
    expect(await runIndexCheck(ctx, "2026-12-01")).toBe(0);
    expect(posted()).toEqual([]);
    // The index loses a payout the chain has: the policy's remaining cover differs.
    await s.bot.ctx.store.sql.run(
      'UPDATE ix_policies SET data = replace(data, \'"totalPaid":{"$bigint":"0"}\', \'"totalPaid":{"$bigint":"7"}\')',
    );
    expect(await runIndexCheck(ctx, "2026-12-02")).toBe(1);
    expect(await runIndexCheck(ctx, "2026-12-02")).toBe(1);
    await s.discord.waitFor(() => posted()[0], 10_000, "the operators' message");
    expect(posted().map((m) => m.content)).toEqual([
      "🔎 The index differs from the chain in 1 field: pages and the API may show stale figures. Run `npm run reindex` with the bot stopped to rebuild it.\n- policy 1 · totalPaid: index 7, chain 0",
    ]);
    expect(s.logs.some((l) => l.includes("the index differs from the chain"))).toBe(true);
  });

  it("shows at most ten differences, with every value from the chain escaped", () => {
    const differences = Array.from({ length: 12 }, (_v, i) => ({
      record: `protocol ${i + 1}`,
      field: "name",
      index: '"@everyone"',
      chain: '"[click](https://phish.example) **<@&1>**"',
    }));
    const text = indexCheckText(differences);
    expect(text.split("\n").filter((l) => l.startsWith("- "))).toHaveLength(DIFFERENCES_SHOWN);
    expect(text).toContain("…and 2 more (see the log).");
    expect(text).not.toContain("@everyone");
    expect(text).not.toContain("https://phish");
    expect(text).not.toContain("<@&1>");
    expect(text).not.toMatch(/(?<!\\)\[click\]\(/); // the link's bracket is escaped: no masked link
    expect(text).toContain("\\[click]");
  });
});
