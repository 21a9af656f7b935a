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

// The bot's tests, on SQLite (node) and on a real Postgres server (node-postgres).
const node = {
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
  // A sharded bot needs Postgres: its tests run in the node-postgres project only.
  exclude: ["tests/bot/sharding/**"],
  environment: "node" as const,
  // Both cores (vitest's default leaves one idle): most of a bot test is waiting on timers and sockets. The
  // node projects run as one group after the contracts' (which keep to one worker, one simnet).
  maxWorkers: 2,
  sequence: { groupOrder: 1 },
  testTimeout: 120_000,
  // Hooks start local chains (a simnet each): a busy machine takes them past vitest's 10 s default.
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // The simnet echoes every `print` to stdout; the tests assert on events directly.
    onConsoleLog: (log: string) => !/^\{.*\} \([\w-]+:\d+\)\s*$/s.test(log.trim()),
    // Every test should finish in half its timeout; the last reporter prints the slowest against theirs.
    slowTestThreshold: 10_000,
    reporters: ["default", "./tests/support/slow-test-reporter.ts"],
    projects: [
      { test: { name: "node", ...node } },
      // The whole node project again with every store on a real Postgres server (tests/support/test-store.ts),
      // and the sharded bot's tests (Postgres only).
      {
        test: {
          name: "node-postgres",
          ...node,
          include: [...node.include, "tests/bot/sharding/**/*.test.ts"],
          exclude: [],
          globalSetup: ["tests/support/postgres-setup.ts"],
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
