import { describe, it, expect } from "vitest";
import { CHOICES_MAX, choiceName } from "../../../bot/discord/autocomplete";

describe("an autocomplete choice's name", () => {
  it("is one line without control, direction or invisible characters", () => {
    expect(choiceName("evil\nname\u202e\u200bgnp.exe\t(stacks, active)")).toBe("evil name gnp.exe (stacks, active)");
  });

  it("is cut to Discord's 100 characters with an ellipsis", () => {
    const name = choiceName(`${"x".repeat(150)} (stacks, active)`);
    expect(name).toHaveLength(100);
    expect(name.endsWith("…")).toBe(true);
  });

  it("keeps markdown as typed: the picker shows plain text, so escaping would show backslashes", () => {
    expect(choiceName("**bold** @everyone")).toBe("**bold** @everyone");
    expect(CHOICES_MAX).toBe(25);
  });
});
