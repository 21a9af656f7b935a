import { describe, it, expect } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

describe("npm run demo", () => {
  it("exits 0 and tells the story: roles, listing, audit, capital, quote, purchase, a refusal, a claim paid", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { timeout: 90_000 });
    const quoted = /Quote for 250,000 STX of cover on stackswap for 90 days: ([\d,.]+) STX/.exec(stdout);
    expect(quoted, stdout).not.toBeNull();
    expect(stdout).toMatch(/Local Stacks API on http:\/\/127\.0\.0\.1:\d+ .*local Discord on http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(stdout).toContain("granted wallet_3");
    expect(stdout).toContain('listed "stackswap" (protocol #1)');
    expect(stdout).toMatch(/Risk score \d+ .* tier 1, annual rate 2%/);
    expect(stdout).toContain("deposited 1,000,000 STX and received 1,000,000 shares");
    expect(stdout).toContain(`bought policy #1, paying ${quoted![1]} STX`);
    expect(stdout).toContain("(err u4005)");
    expect(stdout).toContain("filed claim #1 for 60,000 STX");
    expect(stdout).toContain("refused with (err u6014) (ERR-CONFLICT-OF-INTEREST)");
    expect(stdout).toContain("approved, 150,000 STX for and 30,000 STX against");
    expect(stdout).toContain("received 54,600 STX (payout and bond returned)");
    expect(stdout).toMatch(/wallet_8 settled: reward 0 STX, reputation now 0\.8×/);
    expect(stdout).toMatch(/Done: \d+ signed transactions in \d+ blocks; the claims contract printed 9 events/);
    // Contract prints are not echoed into the story.
    expect(stdout).not.toMatch(/\(cybersecurity-insurance-defi:\d+\)/);
  });
});
