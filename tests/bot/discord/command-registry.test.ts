import { describe, it, expect } from "vitest";
import { readdirSync } from "node:fs";
import { commands } from "../../../bot/discord/commands";
import type { BotCommand } from "../../../bot/discord/context";

const folder = new URL("../../../bot/discord/commands/", import.meta.url);

describe("the command set", () => {
  it("is exactly the files in the commands folder, each with a handler, named after its file", async () => {
    const files = readdirSync(folder)
      .filter((f) => f.endsWith(".ts") && f !== "index.ts")
      .sort();
    const fromFiles: BotCommand[] = [];
    for (const file of files) {
      const module = (await import(new URL(file, folder).href)) as { command?: BotCommand };
      expect(module.command, `${file} exports a command`).toBeDefined();
      expect(typeof module.command!.execute, `${file} has a handler`).toBe("function");
      expect(module.command!.data.name).toBe(file.replace(/\.ts$/, ""));
      fromFiles.push(module.command!);
    }
    expect(commands.map((c) => c.data.name).sort()).toEqual(fromFiles.map((c) => c.data.name).sort());
    expect(new Set(commands)).toEqual(new Set(fromFiles));
  });

  it("has valid Discord definitions, with autocomplete handled wherever an option asks for it", () => {
    for (const command of commands) {
      const json = command.data.toJSON();
      expect(json.name).toMatch(/^[a-z-]{1,32}$/);
      expect(json.description.length).toBeLessThanOrEqual(100);
      const autocompletes = JSON.stringify(json.options ?? []).includes('"autocomplete":true');
      expect({ name: json.name, handled: Boolean(command.autocomplete) }).toEqual({
        name: json.name,
        handled: autocompletes,
      });
    }
  });
});
