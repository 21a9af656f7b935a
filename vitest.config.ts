import { defineConfig } from "vitest/config";
import { getClarinetVitestsArgv, vitestSetupFilePath } from "@stacks/clarinet-sdk/vitest";

// Contract tests run in the Clarinet simnet (the real Clarity VM). The environment re-initialises the
// chain before each test and, with `costs`, writes costs-reports.json after the run.
export default defineConfig({
  test: {
    // The simnet echoes every `print` to stdout; the tests assert on events directly.
    onConsoleLog: (log: string) => !/^\{.*\} \([\w-]+:\d+\)\s*$/s.test(log.trim()),
    projects: [
      {
        test: {
          name: "node",
          include: ["tests/bot/**/*.test.ts", "tests/scripts/**/*.test.ts", "tests/devnet/**/*.test.ts", "tests/support/**/*.test.ts",
            "tests/web/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: "contracts",
          include: ["tests/contracts/**/*.test.ts"],
          environment: "clarinet",
          pool: "forks",
          maxWorkers: 1,
          isolate: false,
          setupFiles: [vitestSetupFilePath],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          environmentOptions: {
            clarinet: {
              ...getClarinetVitestsArgv(),
              costs: true,
              includeBootContracts: false,
              bootContractsPath: "",
            },
          },
        },
      },
    ],
  },
});
