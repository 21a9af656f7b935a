import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandSubcommandsOnlyBuilder,
} from "discord.js";
import type { Config } from "../config";
import type { Logger } from "../logger";
import type { ProtocolReader } from "../chain/protocol-reader";
import type { Store } from "../storage/store";
import type { IndexReader } from "../index/index-reader";
import type { IndexedProtocol } from "../index/records";
import type { IndexSnapshots } from "../index/index-snapshots";
import type { Links } from "./presentation/links";
import type { Poster } from "./poster";
import type { GuildScope } from "../sharding/guild-scope";
import { UserError } from "./errors";

export type BotContext = {
  /** Brings the index up to the chain's tip (the watcher's pass); jobs call it before finding what is due. */
  catchUp?: () => Promise<void>;
  /** Reads again the index's snapshots (protocols' risk, the pool's figures); the scheduled refresh uses it. */
  snapshots?: IndexSnapshots;
  config: Config;
  reader: ProtocolReader;
  store: Store;
  log: Logger;
  links: Links;
  directory: ProtocolDirectory;
  commands: BotCommand[];
  /** Every channel post and edit goes through it (pacing, once-only, mentions). */
  poster: Poster;
  /** The servers this process posts to: all of them, or a shard's (bot/sharding/). */
  scope: GuildScope;
};

export type BotCommand = {
  data: SlashCommandOptionsOnlyBuilder | SlashCommandSubcommandsOnlyBuilder;
  /** Only in a server (not in DMs). */
  guildOnly?: boolean;
  /** Reads the chain: acknowledge first, within Discord's 3 seconds, then answer. */
  defer?: boolean;
  /** The deferred answer is the member's alone (a personal offer, not a public lookup). */
  ephemeral?: boolean;
  /**
   * Answers with a page where the member's wallet signs: the interaction is kept (15 minutes), so that the
   * result of what they sign reaches them privately under it (bot/jobs/transaction-results.ts).
   */
  opensSigningPage?: boolean;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
};

/**
 * The protocols by name, for autocomplete and for finding a protocol a member named: read from the index
 * (bot/index/), so a keystroke costs one query and no chain request.
 */
export class ProtocolDirectory {
  constructor(private readonly index: Pick<IndexReader, "protocols">) {}

  async all(): Promise<IndexedProtocol[]> {
    return this.index.protocols();
  }

  async search(text: string): Promise<IndexedProtocol[]> {
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
  async resolve(name: string): Promise<IndexedProtocol> {
    const find = (list: IndexedProtocol[]) =>
      list.find((p) => p.name === name.trim()) ?? list.find((p) => p.name.toLowerCase() === name.trim().toLowerCase());
    const found = find(await this.all());
    if (!found)
      throw new UserError(
        `There is no protocol named "${name}". Start typing its name and pick it from the list, or list them with \`/protocol\`.`,
      );
    return found;
  }
}
