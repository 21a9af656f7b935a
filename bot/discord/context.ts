import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandSubcommandsOnlyBuilder,
} from "discord.js";
import type { Config } from "../config";
import type { Logger } from "../logger";
import type { ProtocolReader, Protocol } from "../chain/protocol-reader";
import type { Store } from "../storage/store";
import type { Links } from "./presentation/links";
import type { Poster } from "./poster";
import { UserError } from "./errors";

export type BotContext = {
  config: Config;
  reader: ProtocolReader;
  store: Store;
  log: Logger;
  links: Links;
  directory: ProtocolDirectory;
  commands: BotCommand[];
  /** Every channel post and edit goes through it (pacing, once-only, mentions). */
  poster: Poster;
};

export type BotCommand = {
  data: SlashCommandOptionsOnlyBuilder | SlashCommandSubcommandsOnlyBuilder;
  /** Only in a server (not in DMs). */
  guildOnly?: boolean;
  /** Reads the chain: acknowledge first, within Discord's 3 seconds, then answer. */
  defer?: boolean;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
};

/**
 * The listed protocols' names, kept for autocomplete and for finding a protocol by name without a
 * chain read per keystroke. Refreshed at most every 30 s, and at once when a name is not found.
 */
export class ProtocolDirectory {
  private protocols: Protocol[] = [];
  private loadedAt = 0;
  constructor(
    private readonly reader: ProtocolReader,
    private readonly maxAgeMs = 30_000,
  ) {}

  async all(force = false): Promise<Protocol[]> {
    if (force || Date.now() - this.loadedAt > this.maxAgeMs) {
      this.protocols = await this.reader.protocols();
      this.loadedAt = Date.now();
    }
    return this.protocols;
  }

  async search(text: string): Promise<Protocol[]> {
    const needle = text.trim().toLowerCase();
    const all = await this.all();
    return all
      .filter((p) => p.name.toLowerCase().includes(needle))
      .sort(
        (a, b) =>
          Number(b.name.toLowerCase().startsWith(needle)) - Number(a.name.toLowerCase().startsWith(needle)) ||
          a.name.localeCompare(b.name),
      );
  }

  /** The protocol a member named (exact, then case-insensitive); a UserError saying what to type if none. */
  async resolve(name: string): Promise<Protocol> {
    const find = (list: Protocol[]) =>
      list.find((p) => p.name === name.trim()) ?? list.find((p) => p.name.toLowerCase() === name.trim().toLowerCase());
    const found = find(await this.all()) ?? find(await this.all(true));
    if (!found)
      throw new UserError(
        `There is no protocol named "${name}". Start typing its name and pick it from the list, or list them with \`/protocol\`.`,
      );
    return found;
  }
}
