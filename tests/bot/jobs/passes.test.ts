import { describe, it, expect } from "vitest";
import { Passes } from "../../../bot/jobs/passes";

describe("passes run one at a time", () => {
  it("turns any number of calls during a pass into one more pass, and every caller waits for it", async () => {
    let running = 0;
    let most = 0;
    let count = 0;
    let release = () => {};
    const passes = new Passes(
      async () => {
        count++;
        running++;
        most = Math.max(most, running);
        if (count === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
      () => true,
    );
    const first = passes.run();
    const later = [passes.run(), passes.run(), passes.run()];
    release();
    await Promise.all([first, ...later]);
    expect(count).toBe(2);
    expect(most).toBe(1);
    await passes.run();
    expect(count).toBe(3);
  });

  it("runs again when a pass asks for more, until its owner stops", async () => {
    let count = 0;
    let going = true;
    const passes = new Passes(
      async () => {
        count++;
        if (count === 3) going = false;
        passes.more();
      },
      () => going,
    );
    await passes.run();
    expect(count).toBe(3);
  });

  it("lets a failed pass reach its callers, and runs the next call afresh", async () => {
    let fail = true;
    const passes = new Passes(
      async () => {
        if (fail) throw new Error("down");
      },
      () => true,
    );
    await expect(passes.run()).rejects.toThrow("down");
    await passes.settled();
    fail = false;
    await expect(passes.run()).resolves.toBeUndefined();
  });
});
