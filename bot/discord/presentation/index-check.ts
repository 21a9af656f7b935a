import type { IndexDifference } from "../../index/index-check";
import { discordText } from "../../format/untrusted";

/** How many differences the operators' message lists (the log has them all). */
export const DIFFERENCES_SHOWN = 10;
const VALUE_MAX = 64;

/**
 * What the daily index check tells the operators' channel when the index and the chain disagree. Pure: the
 * differences in, the message out. Values came from the chain (names, URLs), so each goes through discordText.
 */
export function indexCheckText(differences: readonly IndexDifference[]): string {
  const lines = differences
    .slice(0, DIFFERENCES_SHOWN)
    .map(
      (d) =>
        `- ${discordText(d.record)} · ${discordText(d.field)}: index ${discordText(d.index, VALUE_MAX)}, chain ${discordText(d.chain, VALUE_MAX)}`,
    );
  const more =
    differences.length > DIFFERENCES_SHOWN
      ? `\n…and ${differences.length - DIFFERENCES_SHOWN} more (see the log).`
      : "";
  return (
    `🔎 The index differs from the chain in ${differences.length} ${differences.length === 1 ? "field" : "fields"}: ` +
    `pages and the API may show stale figures. Run \`npm run reindex\` with the bot stopped to rebuild it.\n` +
    `${lines.join("\n")}${more}`
  );
}
