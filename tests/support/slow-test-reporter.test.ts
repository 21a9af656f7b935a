import { describe, it, expect } from "vitest";
import { slowestTests } from "./slow-test-reporter";

describe("the slowest-tests report", () => {
  const timings = [
    { name: "a > quick", project: "node", duration: 1_000, timeout: 120_000 },
    { name: "b > near its timeout", project: "contracts", duration: 70_000, timeout: 120_000 },
    { name: "c > slow but with headroom", project: "contract-costs", duration: 90_000, timeout: 240_000 },
  ];

  it("lists tests longest first, each with its share of its own timeout, and marks those over half of it", () => {
    const lines = slowestTests(timings);
    expect(lines[1]).toMatch(/90\.0 s \/ 240\.0 s\s+38%\s+\[contract-costs\] c > slow but with headroom$/);
    expect(lines[2]).toMatch(/70\.0 s \/ 120\.0 s\s+58%\s+\[contracts\] b > near its timeout\s+OVER HALF ITS TIMEOUT$/);
    expect(lines[3]).toMatch(/1\.0 s \/ 120\.0 s\s+1%\s+\[node\] a > quick$/);
  });

  it("closes with the largest share of a timeout, which is not always the longest test, and how many are over half", () => {
    expect(slowestTests(timings).at(-1)).toBe(
      "Slowest share of a timeout: 58% (70.0 s of 120.0 s, b > near its timeout); 1 test(s) over 50%.",
    );
    expect(slowestTests(timings.slice(0, 1)).at(-1)).toMatch(/; 0 test\(s\) over 50%\.$/);
  });

  it("shows at most the requested number of tests and prints nothing for an empty run", () => {
    expect(slowestTests(timings, 2)).toHaveLength(4);
    expect(slowestTests([])).toEqual([]);
  });
});
