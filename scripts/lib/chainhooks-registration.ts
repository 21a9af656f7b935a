import type { Chainhook, ChainhookDefinition, ChainhooksClient } from "@hirosystems/chainhooks-client";
import { WATCHED_CONTRACTS } from "../../bot/app";
import type { Config } from "../../bot/config";
import { ConfigError } from "../../bot/config";
import { chainhookDefinition, chainhooksNetwork, isAuthorized } from "../../bot/watcher/chainhooks";

/** What registration uses of the Chainhooks client (a fake one in tests). */
export type HooksApi = Pick<
  ChainhooksClient,
  "getChainhooks" | "registerChainhook" | "updateChainhook" | "enableChainhook" | "getConsumerSecret"
>;

/** The Chainhooks API's largest page of hooks. */
const PAGE = 60;

/** The hook this bot's configuration asks for: its network, its watched contracts, its receiver's URL. */
export function definitionFor(config: Config): ChainhookDefinition {
  const { deployer, network } = config.stacks;
  return chainhookDefinition({
    network: chainhooksNetwork(network),
    deployer,
    contracts: WATCHED_CONTRACTS.map((name) => `${deployer}.${name}`),
    webhookUrl: config.chainhooks.webhookUrl,
  });
}

/** Where to register and with which key; refused (naming the variable) when registration cannot work. */
export function registrationTarget(config: Config): { apiUrl: string; apiKey: string } {
  const { apiUrl } = config.chainhooks;
  if (!apiUrl)
    throw new ConfigError(
      "CHAINHOOKS_API_URL is required on devnet: Hiro's Chainhooks serves mainnet and testnet (the local stack has devnet/chainhooks-sender.ts)",
    );
  const apiKey = config.chainhooks.apiKey ?? config.stacks.apiKey;
  if (!apiKey) throw new ConfigError("CHAINHOOKS_API_KEY (or STACKS_API_KEY) is required to register: a Hiro API key");
  return { apiUrl, apiKey };
}

/** Every hook of the account with this name (pages through them all). */
export async function hooksNamed(api: HooksApi, name: string): Promise<Chainhook[]> {
  const found: Chainhook[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api.getChainhooks({ offset, limit: PAGE });
    found.push(...page.results.filter((h) => h.definition.name === name));
    if (page.results.length === 0 || offset + page.results.length >= page.total) return found;
  }
}

/** What a hook does, compared field by field (the order of filters does not matter). */
const shape = (d: ChainhookDefinition) =>
  JSON.stringify({
    network: d.network,
    chain: d.chain,
    action: d.action,
    filters: d.filters.events.map((e) => JSON.stringify(e)).sort(),
    decode: d.options?.decode_clarity_values ?? false,
  });

export type Registration = { action: "registered" | "updated" | "unchanged"; uuid: string; enabled: boolean };

/**
 * Idempotent: finds the hook by name; registers it if there is none, updates it if it differs from the
 * definition (another URL, other contracts), enables it if it was disabled, and otherwise leaves it be.
 */
export async function ensureChainhook(api: HooksApi, definition: ChainhookDefinition): Promise<Registration> {
  const [existing] = await hooksNamed(api, definition.name);
  if (!existing) {
    const created = await api.registerChainhook(definition);
    return { action: "registered", uuid: created.uuid, enabled: created.status.enabled };
  }
  const differs = shape(existing.definition) !== shape(definition);
  if (differs) await api.updateChainhook(existing.uuid, definition);
  if (!existing.status.enabled) await api.enableChainhook(existing.uuid, true);
  return { action: differs ? "updated" : "unchanged", uuid: existing.uuid, enabled: true };
}

/** Whether the account's consumer secret is the one the bot checks deliveries against (neither is printed). */
export async function secretStatus(
  api: HooksApi,
  configured: string | undefined,
): Promise<"matches" | "differs" | "none on the account" | "not configured"> {
  const { secret } = await api.getConsumerSecret();
  if (!secret) return "none on the account";
  if (!configured) return "not configured";
  return isAuthorized(`Bearer ${secret}`, configured) ? "matches" : "differs";
}
