import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints the slowest tests of the run with their share of their own timeout, so that a test drifting
 * towards its timeout shows in every CI log long before a busy machine makes it fail. Every test is
 * meant to finish in at most half its timeout (HEADROOM); the ones that do not are marked.
 */
export const HEADROOM = 0.5;
const SHOWN = 12;

export type TestTiming = { name: string; project: string; duration: number; timeout: number };

export function slowestTests(timings: TestTiming[], shown = SHOWN): string[] {
  if (timings.length === 0) return [];
  const share = (t: TestTiming) => t.duration / t.timeout;
  const byDuration = [...timings].sort((a, b) => b.duration - a.duration).slice(0, shown);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [`Slowest tests (duration / timeout, at most ${HEADROOM * 100}% expected):`];
  for (const t of byDuration) {
    const mark = share(t) > HEADROOM ? "  OVER HALF ITS TIMEOUT" : "";
    lines.push(
      `  ${seconds(t.duration).padStart(8)} / ${seconds(t.timeout).padStart(7)}  ${(100 * share(t)).toFixed(0).padStart(3)}%  ` +
        `[${t.project}] ${t.name}${mark}`,
    );
  }
  const worst = timings.reduce((a, b) => (share(b) > share(a) ? b : a));
  const over = timings.filter((t) => share(t) > HEADROOM).length;
  lines.push(
    `Slowest share of a timeout: ${(100 * share(worst)).toFixed(0)}% (${seconds(worst.duration)} of ${seconds(worst.timeout)}, ` +
      `${worst.name}); ${over} test(s) over ${HEADROOM * 100}%.`,
  );
  return lines;
}

export default class SlowTestReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const timings: TestTiming[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const diagnostic = test.diagnostic();
        if (!diagnostic || test.result().state === "skipped") continue;
        timings.push({
          name: `${module.relativeModuleId} > ${test.fullName}`,
          project: test.project.name,
          duration: diagnostic.duration,
          timeout: test.options.timeout ?? test.project.config.testTimeout,
        });
      }
    }
    const lines = slowestTests(timings);
    if (lines.length > 0) process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}
