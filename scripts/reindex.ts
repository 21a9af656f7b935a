/**
 * npm run reindex: rebuilds the bot's index of the protocol's history from the chain (bot/index/reindex.ts),
 * with the bot's own settings (.env), then compares it with the chain's read-only functions and prints any
 * difference. Run it with the bot stopped: the watcher and this must not write the index at once.
 */
import { loadDotEnv } from "../bot/env";
import { loadConfig, secretsOf } from "../bot/config";
import { createLogger } from "../bot/logger";
import { openStore } from "../bot/storage/open-store";
import { ProtocolReader } from "../bot/chain/protocol-reader";
import { IndexSnapshots } from "../bot/index/index-snapshots";
import { reindex } from "../bot/index/reindex";
import { checkIndex } from "../bot/index/index-check";
import { WATCHED_CONTRACTS, chainClient } from "../bot/app";

loadDotEnv();
const config = loadConfig();
const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
const store = await openStore({ path: config.databasePath, url: config.databaseUrl });
const client = chainClient(config, log);
const reader = new ProtocolReader(client, config.stacks.deployer);
const contracts = WATCHED_CONTRACTS.map((c) => reader.contractId(c));
const applied = await reindex({
  store,
  client,
  contracts,
  snapshots: new IndexSnapshots(store.sql, store.index, reader, log),
  log,
});
const differences = await checkIndex(store.index, reader);
console.log(
  `indexed ${applied} events: ${JSON.stringify(await store.index.counts())}; ${differences.length} differences from the chain`,
);
for (const d of differences) console.log(`  ${d.record} ${d.field}: index ${d.index}, chain ${d.chain}`);
await store.close();
process.exit(differences.length === 0 ? 0 : 1);
