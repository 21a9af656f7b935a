import { describe, it, expect } from "vitest";
import { EditCoalescer } from "../../../bot/discord/edit-coalescer";

describe("the edit coalescer", () => {
  it("turns a burst of touches on one claim into one edit, and edits each claim of a burst once", async () => {
    const edited: number[] = [];
    const c = new EditCoalescer(
      100,
      async (id) => {
        edited.push(id);
      },
      () => undefined,
      10,
    );
    for (let i = 0; i < 50; i++) c.touch(i % 3);
    await new Promise((r) => setTimeout(r, 30));
    await c.idle();
    expect(edited.sort()).toEqual([0, 1, 2]);
  });

  it("waits out the window before a claim's next edit", async () => {
    const at: number[] = [];
    const c = new EditCoalescer(
      200,
      async () => {
        at.push(Date.now());
      },
      () => undefined,
      10,
    );
    c.touch(1);
    await new Promise((r) => setTimeout(r, 30));
    await c.idle();
    c.touch(1);
    await new Promise((r) => setTimeout(r, 250));
    await c.idle();
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
  });

  it("keeps its edit log bounded however many claims it edits", async () => {
    const c = new EditCoalescer(
      0,
      async () => undefined,
      () => undefined,
      0,
    );
    const claims = EditCoalescer.EDIT_LOG + 50;
    for (let id = 0; id < claims; id++) c.touch(id);
    await new Promise((r) => setTimeout(r, 50));
    await c.idle();
    expect(c.edits).toHaveLength(EditCoalescer.EDIT_LOG);
    expect(c.edits.at(-1)!.claimId).toBe(claims - 1);
  });

  it("reports a failed edit and goes on", async () => {
    const failures: number[] = [];
    const c = new EditCoalescer(
      0,
      async (id) => {
        if (id === 1) throw new Error("refused");
      },
      (_e, id) => failures.push(id),
      0,
    );
    c.touch(1);
    c.touch(2);
    await new Promise((r) => setTimeout(r, 30));
    await c.idle();
    expect(failures).toEqual([1]);
    expect(c.edits.map((e) => e.claimId).sort()).toEqual([1, 2]);
  });
});
