import { defineConfig } from "vitest/config";
import { getClarinetVitestsArgv, vitestSetupFilePath } from "@stacks/clarinet-sdk/vitest";

// Contract tests run in the Clarinet simnet (the real Clarity VM). The environment re-initialises the
// chain before each test. Cost tracking makes every simnet call several times slower, so only the
// project that measures costs turns it on (and writes costs-reports.json after the run).
// Measuring at the 1,000 scale builds thousands of cost-tracked transactions (about a minute alone on
// two cores), so that project gets a longer timeout: the same headroom, not a looser check.
const clarinet = (costs: boolean) => ({
  environment: "clarinet",
  pool: "forks" as const,
  maxWorkers: 1,
  isolate: false,
  setupFiles: [vitestSetupFilePath],
  testTimeout: costs ? 240_000 : 120_000,
  hookTimeout: costs ? 240_000 : 120_000,
  environmentOptions: {
    clarinet: { ...getClarinetVitestsArgv(), costs, includeBootContracts: false, bootContractsPath: "" },
  },
});

export default defineConfig({
  test: {
    // The simnet echoes every `print` to stdout; the tests assert on events directly.
    onConsoleLog: (log: string) => !/^\{.*\} \([\w-]+:\d+\)\s*$/s.test(log.trim()),
    // Every test should finish in half its timeout; the last reporter prints the slowest against theirs.
    slowTestThreshold: 10_000,
    reporters: ["default", "./tests/support/slow-test-reporter.ts"],
    projects: [
      {
        test: {
          name: "node",
          include: [
            "tests/bot/**/*.test.ts",
            "tests/scripts/**/*.test.ts",
            "tests/devnet/**/*.test.ts",
            "tests/support/**/*.test.ts",
            "tests/architecture/**/*.test.ts",
            "tests/stacks/**/*.test.ts",
            "tests/web/**/*.test.ts",
            "tests/security/**/*.test.ts",
          ],
          environment: "node",
          testTimeout: 120_000,
          // Hooks start local chains (a simnet each): a busy machine takes them past vitest's 10 s default.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "contracts",
          include: ["tests/contracts/**/*.test.ts"],
          exclude: ["tests/contracts/costs.test.ts"],
          ...clarinet(false),
        },
      },
      {
        test: {
          name: "contract-costs",
          include: ["tests/contracts/costs.test.ts"],
          ...clarinet(true),
        },
      },
    ],
  },
});
