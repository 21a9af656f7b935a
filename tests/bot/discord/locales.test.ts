import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { APIApplicationCommandOption, RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { commands } from "../../../bot/discord/commands";
import { CATALOGUES, localised } from "../../../bot/discord/locales";
import { ENGLISH_REPLIES } from "../../../bot/discord/locales/catalogue";
import { registrationErrors } from "../../../devnet/local-discord/command-rules";
import { startStack, answerOf, opt, type Stack } from "../harness";

/** Every command, subcommand and option by its path, as the catalogues name them ("setup.alerts.channel"). */
function paths(body: RESTPostAPIChatInputApplicationCommandsJSONBody): string[] {
  const walk = (o: { name: string; options?: APIApplicationCommandOption[] }, at: string): string[] => [
    at,
    ...((o.options ?? []) as { name: string }[]).flatMap((x) => walk(x, `${at}.${x.name}`)),
  ];
  return walk(body, body.name);
}

describe("the command catalogues", () => {
  const bodies = commands.map((c) => c.data.toJSON());
  const everyPath = bodies.flatMap(paths);

  for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
    it(`${locale} names and describes every command, subcommand and option, and nothing that does not exist`, () => {
      expect(everyPath.filter((p) => !catalogue!.commands[p])).toEqual([]);
      expect(Object.keys(catalogue!.commands).filter((p) => !everyPath.includes(p))).toEqual([]);
      expect(Object.keys(catalogue!.replies).sort()).toEqual(Object.keys(ENGLISH_REPLIES).sort());
    });
  }

  it("registers as Discord accepts it: valid lowercase names, unique per level in each language, known locales", () => {
    expect(registrationErrors(bodies.map(localised))).toEqual([]);
  });

  it("adds each language's name and description to the registration body, down to the options and choices", () => {
    const claims = localised(commands.find((c) => c.data.name === "claims")!.data.toJSON());
    expect(claims).toMatchObject({ name: "claims", name_localizations: { fr: "sinistres" } });
    const status = claims.options![0] as { name_localizations?: object; choices?: { name_localizations?: object }[] };
    expect(status.name_localizations).toEqual({ fr: "etat" });
    expect(status.choices![0]!.name_localizations).toEqual({ fr: "Vote en cours" });
  });
});

describe("the local Discord refuses a registration Discord would refuse", () => {
  const good = { name: "policy", description: "Show a policy", type: 1 };
  it.each([
    ["an uppercase name", { ...good, name: "Policy" }, "0.name"],
    ["a localised name with a space", { ...good, name_localizations: { fr: "ma police" } }, "0.name_localizations.fr"],
    ["an unknown locale", { ...good, name_localizations: { xx: "police" } }, "0.name_localizations.xx"],
    ["a description over 100 characters", { ...good, description: "d".repeat(101) }, "0.description"],
    [
      "two options with one French name",
      {
        ...good,
        options: [
          { type: 3, name: "a", description: "a", name_localizations: { fr: "x" } },
          { type: 3, name: "b", description: "b", name_localizations: { fr: "x" } },
        ],
      },
      "0.options",
    ],
    [
      "a required option after an optional one",
      {
        ...good,
        options: [
          { type: 3, name: "a", description: "a" },
          { type: 3, name: "b", description: "b", required: true },
        ],
      },
      "0.options.1.required",
    ],
  ])("%s", (_what, body, path) => {
    expect(registrationErrors([body]).map((e) => e.path)).toEqual([path]);
  });
});

describe("a member whose Discord is in French", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => s?.stop());

  it("sees /help in French, with the commands under their French names", async () => {
    const member = s.member("marie");
    s.discord.locales.set(member, "fr");
    const answer = answerOf(await s.run("help", [], member));
    expect(answer.embed.title).toBe("Couverture cyber-sécurité pour la DeFi sur Stacks");
    expect(answer.embed.description).toContain("`/police numero:` · Afficher une police de couverture");
    expect(answer.embed.description).toContain("votre propre portefeuille signe le vote");
  });

  it("is told in French that a server command does not work in a direct message; English stays English", async () => {
    const marie = s.member("marie2");
    s.discord.locales.set(marie, "fr");
    const french = answerOf(await s.run("setup", [opt.sub("show")], marie, { dm: true }));
    expect(french).toMatchObject({ ephemeral: true, content: expect.stringContaining("pas en message privé") });
    const english = answerOf(await s.run("setup", [opt.sub("show")], s.member("mary"), { dm: true }));
    expect(english.content).toContain("works in a server, not in direct messages");
  });

  it("has every command registered with its French name at the local Discord", () => {
    const registered = s.discord.commands.guild.get(s.discord.guild.id) ?? s.discord.commands.global;
    expect(registered.find((c) => c.name === "policy")?.name_localizations).toEqual({ fr: "police" });
  });
});
