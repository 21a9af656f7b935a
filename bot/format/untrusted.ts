import { escapeMarkdown } from "discord.js";

/**
 * The one path by which a string chosen on-chain by a stranger (a protocol's name or URLs, a claim's
 * description or evidence URI) reaches a Discord message or embed: markdown escaped, masked links and
 * mentions impossible, direction overrides and invisible characters removed, and cut to a length.
 */

// Bidirectional overrides and isolates, and zero-width characters: they reorder or hide what a reader sees.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Direction overrides and isolates: dropped from chain text everywhere (HTML keeps other invisible characters, such as emoji joiners). */
export const DIRECTION_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
const ZWSP = "\u200b";
/** Discord's longest embed field value, the cut unless a caller asks for less. */
const DISCORD_FIELD_MAX = 1_024;
/** How much of a short chain-chosen label (a link's text, a chain or category name) is shown. */
export const LABEL_MAX = 64;
/** How much of a URI that may not be a link is shown, as inert text. */
const INERT_URI_MAX = 200;
const HEX_RADIX = 16;

export function discordText(text: string, max = DISCORD_FIELD_MAX): string {
  const clean = text.replace(INVISIBLE, "");
  const cut = clean.length > max - 1 ? `${clean.slice(0, max - 1)}…` : clean;
  return (
    escapeMarkdown(cut, { maskedLink: true })
      // Mentions: never parsed from chain text, whatever allowedMentions a send carries.
      .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
      .replace(/<(@[!&]?|#)(\d+)>/g, `<${ZWSP}$1$2>`)
      // A bare URL could still be auto-linked; links are built only by discordLink.
      .replace(/:\/\//g, `:${ZWSP}//`)
  );
}

/**
 * Where a chain-chosen URI may point: https as it is, ipfs:// through the configured gateway, nothing
 * else (javascript:, data:, http:, … are never links).
 */
export function safeLinkTarget(uri: string, ipfsGateway = "https://ipfs.io/ipfs/"): string | null {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    return null;
  }
  if (url.protocol === "https:" && url.hostname !== "") return url.href;
  if (url.protocol === "ipfs:") return `${ipfsGateway}${encodeURIComponent(uri.trim().slice("ipfs://".length))}`;
  return null;
}

/**
 * A masked link whose label and target cannot break out of the markdown: the label is inert text, the
 * target a safe https URL with its parentheses, brackets and angle brackets encoded. A URI that may not be a link
 * is shown as inert text instead.
 */
export function discordLink(label: string, uri: string): string {
  const target = safeLinkTarget(uri);
  if (!target) return `${discordText(label, LABEL_MAX)} (not a link: ${discordText(uri, INERT_URI_MAX)})`;
  const encoded = target.replace(
    /[()<>[\]\s]/g,
    (c) => `%${c.charCodeAt(0).toString(HEX_RADIX).toUpperCase().padStart(2, "0")}`,
  );
  return `[${discordText(label, LABEL_MAX)}](${encoded})`;
}
