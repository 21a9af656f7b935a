import type { AutocompleteInteraction } from "discord.js";
import type { BotContext } from "./context";
import { CLAIM_STATE_LABELS, policyState } from "./presentation/embeds";
import { formatStx } from "../format/stx";
import { OPEN_CLAIM_STATUSES } from "../index/index-reader";

/**
 * Autocomplete answers, from the index only (one query a keystroke, no chain request): at most 25 choices,
 * each name at most 100 characters. A choice's name is plain text in Discord's picker (no markdown), so a
 * name chosen on-chain is cleaned of control and invisible characters and cut, never escaped.
 */

/** The most choices Discord shows. */
export const CHOICES_MAX = 25;
/** The longest choice name Discord takes. */
const CHOICE_NAME_MAX = 100;
// Control characters and format characters (bidirectional overrides and isolates, zero-width characters).
const UNSHOWN = /[\p{Cc}\p{Cf}]/gu;

/** A choice's name: one line, nothing hidden, at most 100 characters. */
export function choiceName(text: string): string {
  const clean = text.replace(UNSHOWN, " ").replace(/\s+/g, " ").trim();
  return clean.length > CHOICE_NAME_MAX ? `${clean.slice(0, CHOICE_NAME_MAX - 1)}…` : clean;
}

const typed = (interaction: AutocompleteInteraction) => String(interaction.options.getFocused() ?? "");
const stateOf = (status: keyof typeof CLAIM_STATE_LABELS) => CLAIM_STATE_LABELS[status].split(":")[0]!;

/** Claim numbers: open claims first, then the newest. */
export async function autocompleteClaims(interaction: AutocompleteInteraction, { store }: BotContext) {
  const found = await store.index.claimChoices(typed(interaction), CHOICES_MAX);
  const open = new Set<string>(OPEN_CLAIM_STATUSES);
  await interaction.respond(
    found.map(({ claim, protocolName }) => ({
      name: choiceName(
        `#${claim.id} · ${protocolName ?? `protocol #${claim.protocolId}`} · ${formatStx(claim.amount)} · ${stateOf(claim.status)}${open.has(claim.status) ? "" : " (closed)"}`,
      ),
      value: Number(claim.id),
    })),
  );
}

/** Policy numbers: the member's own (their linked wallet's) first, then the newest. */
export async function autocompletePolicies(interaction: AutocompleteInteraction, { store }: BotContext) {
  const wallet = await store.linkedWallet(interaction.user.id);
  const [found, now] = [
    await store.index.policyChoices(typed(interaction), wallet, CHOICES_MAX),
    await store.index.now(),
  ];
  await interaction.respond(
    found.map(({ policy, protocolName }) => ({
      name: choiceName(
        `#${policy.id}${policy.holder === wallet ? " · yours" : ""} · ${protocolName ?? `protocol #${policy.protocolId}`} · ${formatStx(policy.coverageAmount)} · ${policyState(policy, now).label.split(":")[0]}`,
      ),
      value: Number(policy.id),
    })),
  );
}

/** Protocol names matching what was typed; with `onlyActive`, only those cover can be bought on now. */
function protocolAutocomplete(onlyActive: boolean) {
  return async (interaction: AutocompleteInteraction, { directory }: BotContext) => {
    const matches = (await directory.search(typed(interaction))).filter((p) => !onlyActive || p.status === "active");
    await interaction.respond(
      matches
        .slice(0, CHOICES_MAX)
        .map((p) => ({ name: choiceName(`${p.name} (${p.chain}, ${p.status})`), value: p.name })),
    );
  };
}

/** For looking a protocol up: every protocol the registry has, whatever its status. */
export const autocompleteAnyProtocol = protocolAutocomplete(false);
/** For buying or quoting cover: active protocols only (a paused, pending or delisted one sells none). */
export const autocompleteActiveProtocol = protocolAutocomplete(true);
