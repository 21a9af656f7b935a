import type { LocaleString } from "discord.js";
import { localiseCommand, replyIn, type Catalogue, type ReplyKey } from "./catalogue";
import { fr } from "./fr";

/**
 * The languages the bot speaks besides English, by Discord locale. Adding one is a file like fr.ts (a test checks
 * it names every command, subcommand and option) and a line here: docs/bot.md, "Languages".
 */
export const CATALOGUES: Partial<Record<LocaleString, Catalogue>> = { fr };

export const localised = (body: Parameters<typeof localiseCommand>[0]) => localiseCommand(body, CATALOGUES);
export const reply = (locale: string | undefined, key: ReplyKey, values?: Record<string, string>) =>
  replyIn(CATALOGUES, locale, key, values);
