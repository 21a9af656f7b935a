import type {
  APIApplicationCommandOption,
  LocaleString,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";

/** The bot's shared replies, in English; each catalogue says them in its language ({name} is filled in). */
export const ENGLISH_REPLIES = {
  unknownCommand: "I don't know `/{command}` (any more). See `/help`.",
  guildOnly: "`/{command}` works in a server, not in direct messages. Use it in your server's channel.",
  chainUnavailable:
    "The Stacks chain can't be read right now (the API did not answer). Nothing was changed; please try again in a minute.",
  unexpected: "Something went wrong on our side. If it keeps happening, tell the team this reference: **{reference}**.",
  helpTitle: "Cyber-security cover for DeFi on Stacks",
  helpVoting:
    "Claims are voted on from the alert: **Approve** and **Deny** open a page where your own wallet signs the vote.",
};
export type ReplyKey = keyof typeof ENGLISH_REPLIES;

/**
 * One language: every command, subcommand and option by its path ("setup.alerts.channel") with its name and
 * description there, the choices' names by their English name, and the shared replies.
 */
export type Catalogue = {
  commands: Record<string, [name: string, description: string]>;
  choices: Record<string, Record<string, string>>;
  replies: Record<ReplyKey, string>;
};

type Localisable = {
  name: string;
  name_localizations?: Partial<Record<LocaleString, string | null>> | null;
  description_localizations?: Partial<Record<LocaleString, string | null>> | null;
  options?: APIApplicationCommandOption[];
  choices?: { name: string; name_localizations?: Partial<Record<LocaleString, string | null>> | null }[];
};

/** A command's registration body with each catalogue's names and descriptions added (Discord shows them by locale). */
export function localiseCommand(
  body: RESTPostAPIChatInputApplicationCommandsJSONBody,
  catalogues: Partial<Record<LocaleString, Catalogue>>,
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const walk = <T extends Localisable>(item: T, path: string): T => {
    const names: Partial<Record<LocaleString, string>> = {};
    const descriptions: Partial<Record<LocaleString, string>> = {};
    for (const [locale, catalogue] of Object.entries(catalogues) as [LocaleString, Catalogue][]) {
      const entry = catalogue.commands[path];
      if (!entry) continue;
      names[locale] = entry[0];
      descriptions[locale] = entry[1];
    }
    const options = item.options?.map(
      (o) => walk(o as Localisable, `${path}.${o.name}`) as APIApplicationCommandOption,
    );
    const choices = item.choices?.map((c) => {
      const localised: Partial<Record<LocaleString, string>> = {};
      for (const [locale, catalogue] of Object.entries(catalogues) as [LocaleString, Catalogue][]) {
        const name = catalogue.choices[path]?.[c.name];
        if (name) localised[locale] = name;
      }
      return Object.keys(localised).length ? { ...c, name_localizations: localised } : c;
    });
    return {
      ...item,
      ...(Object.keys(names).length ? { name_localizations: names, description_localizations: descriptions } : {}),
      ...(options ? { options } : {}),
      ...(choices ? { choices } : {}),
    };
  };
  return walk(body as Localisable, body.name) as RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/** A shared reply in the member's language (Discord's locale of their client), English when there is none. */
export function replyIn(
  catalogues: Partial<Record<LocaleString, Catalogue>>,
  locale: string | undefined,
  key: ReplyKey,
  values: Record<string, string> = {},
): string {
  const catalogue =
    catalogues[locale as LocaleString] ?? catalogues[locale?.split("-")[0] as LocaleString] ?? undefined;
  const text = catalogue?.replies[key] ?? ENGLISH_REPLIES[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m);
}
