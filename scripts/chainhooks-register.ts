/**
 * npm run chainhooks:register: registers (or updates) the bot's Chainhook on Hiro, from the bot's own settings
 * (.env): one contract_log filter per watched contract of CONTRACT_DEPLOYER, posting to CHAINHOOKS_WEBHOOK_URL
 * (default WEB_BASE_URL/chainhooks/events). Idempotent: the hook is found by its name first. Then it says
 * whether the account's consumer secret is CHAINHOOKS_CONSUMER_SECRET, without printing either.
 *   --dry-run        print the definition and do nothing
 *   --rotate-secret  make a new consumer secret for the account and print it once (every hook of the
 *                    account then sends it: set CHAINHOOKS_CONSUMER_SECRET to it and restart the bot)
 * See docs/operations.md, "Registering the Chainhook".
 */
import { parseArgs } from "node:util";
import { ChainhooksClient } from "@hirosystems/chainhooks-client";
import { loadDotEnv } from "../bot/env";
import { ConfigError, EX_CONFIG, loadConfig } from "../bot/config";
import { definitionFor, ensureChainhook, registrationTarget, secretStatus } from "./lib/chainhooks-registration";

const { values } = parseArgs({ options: { "dry-run": { type: "boolean" }, "rotate-secret": { type: "boolean" } } });
loadDotEnv();
try {
  const config = loadConfig();
  const definition = definitionFor(config);
  if (values["dry-run"]) {
    console.log(JSON.stringify(definition, null, 2));
    process.exit(0);
  }
  const url = new URL(definition.action.url);
  if (url.protocol !== "https:")
    console.warn(`warning: the hook posts to ${url.origin} over plain http; Chainhooks delivers over the internet`);
  const target = registrationTarget(config);
  const client = new ChainhooksClient({ baseUrl: target.apiUrl, apiKey: target.apiKey });
  const done = await ensureChainhook(client, definition);
  const filters = definition.filters.events.map((e) => ("contract_identifier" in e ? e.contract_identifier : e.type));
  console.log(
    `hook "${definition.name}" ${done.action} (uuid ${done.uuid}, ${done.enabled ? "enabled" : "disabled"}) on ` +
      `${definition.network}: contract_log of ${filters.join(", ")} → POST ${definition.action.url}`,
  );
  if (values["rotate-secret"]) {
    const { secret } = await client.rotateConsumerSecret();
    console.log(`new consumer secret (set CHAINHOOKS_CONSUMER_SECRET to it, then restart the bot): ${secret}`);
  } else {
    const status = await secretStatus(client, config.chainhooks.consumerSecret);
    const said = {
      matches: "the account's consumer secret is CHAINHOOKS_CONSUMER_SECRET",
      differs:
        "warning: the account's consumer secret is not CHAINHOOKS_CONSUMER_SECRET: deliveries will be refused (401)",
      "none on the account": "warning: the account has no consumer secret yet: run again with --rotate-secret",
      "not configured": "warning: CHAINHOOKS_CONSUMER_SECRET is not set: the bot cannot check deliveries",
    }[status];
    console.log(said);
  }
} catch (e) {
  console.error(
    e instanceof ConfigError
      ? `Configuration error: ${e.message}. See .env.example.`
      : `Registration failed: ${(e as Error).message}`,
  );
  process.exit(e instanceof ConfigError ? EX_CONFIG : 1);
}
