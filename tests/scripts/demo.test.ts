import { describe, it, expect } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import { commands } from "../../bot/discord/commands/index";

const run = promisify(execFile);

describe("npm run demo", () => {
  it("exits 0 and shows a claim's whole life in the channel, printed and as a page", async () => {
    rmSync("demo-output/claims-channel.html", { force: true });
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { timeout: 150_000 });
    expect(stdout).toMatch(
      /Local Stacks API on http:\/\/127\.0\.0\.1:\d+, local Discord on http:\/\/127\.0\.0\.1:\d+\/api/,
    );
    // Every command the bot defines is registered, however many there are.
    expect(stdout).toContain(`The bot is online with ${commands.length} slash commands`);
    expect(stdout).toMatch(/\/quote protocol:stackswap amount:50000 days:30 → premium [\d.,]+ STX/);
    expect(stdout).toContain("The bot posted the alert in #claims");
    expect(stdout).toContain(
      "The alert was edited as the votes arrived: ████████░░ 83.3% approve · 16.7% deny · 3 votes, 180,000 weight",
    );
    expect(stdout).toContain("the reminder job mentioned carol, the one linked assessor who had not voted");
    expect(stdout).toContain("the bot's keeper finalized claim #1");
    expect(stdout).toContain("The keeper executed payout #1: wallet_6 received 54,600 STX");
    // The transcript: the alert (edited, final state), the reminder, the result and the payout, in that order.
    const transcript = stdout.slice(stdout.indexOf("──── #claims"));
    const order = [
      "@assessors New claim #1",
      ": 54,000 STX paid to the claimant",
      "[Approve (closed)] [Deny (closed)] [Evidence]",
      "⏰ Voting on claim #1 closes",
      "✅ Claim #1 approved by vote",
      "💸 Claim #1 paid: 54,000 STX",
    ];
    const positions = order.map((text) => transcript.indexOf(text));
    expect(
      positions.every((p) => p >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(transcript).toMatch(/Cover Bot \(edited \d+×\)/);
    expect(existsSync("demo-output/claims-channel.html")).toBe(true);
    const html = readFileSync("demo-output/claims-channel.html", "utf8");
    expect(html).toContain("Claim #1 · stackswap");
    expect(html).toContain("💸 Claim #1 paid: 54,000 STX");
  });
});
