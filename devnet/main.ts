/**
 * npm run devnet: the local Stacks API on 127.0.0.1 (default port 3999, like the Stacks API's own),
 * serving the project's contracts from the Clarinet simnet.
 *   --port N            listen on N (or STACKS_DEVNET_PORT)
 *   --block-interval MS collect transactions and mine them every MS milliseconds instead of one block each
 *   --seed              play the standard scenario through signed transactions (roles, a listed and
 *                       audited protocol, capital, a policy), so the bot has something to show
 */
import { parseArgs } from "node:util";
import { startLocalStacksApi } from "./server";
import { networkFor } from "./wallet";
import { Protocol, actors, seedCoverScenario } from "./scenario";

const { values } = parseArgs({
  options: { port: { type: "string" }, "block-interval": { type: "string" }, seed: { type: "boolean" } },
});
const port = Number(values.port ?? process.env.STACKS_DEVNET_PORT ?? 3999);
const blockIntervalMs = Number(values["block-interval"] ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number (0-65535), got "${values.port ?? process.env.STACKS_DEVNET_PORT}"`);
  process.exit(2);
}
if (!Number.isInteger(blockIntervalMs) || blockIntervalMs < 0) {
  console.error(`--block-interval must be a whole number of milliseconds, got "${values["block-interval"]}"`);
  process.exit(2);
}

const api = await startLocalStacksApi({ port, blockIntervalMs });
console.log(
  `local Stacks API on ${api.url} (contracts deployed by ${api.chain.deployer}; ${blockIntervalMs ? `a block every ${blockIntervalMs} ms` : "one block per transaction"})`,
);
console.log(
  `local controls: POST ${api.url}/devnet/mine {count}, /devnet/advance {seconds}, /devnet/fund {address, amount}`,
);
if (values.seed) {
  const seeded = await seedCoverScenario(
    new Protocol(networkFor(api.url), api.chain.deployer),
    actors(api.chain.accounts),
  );
  console.log(
    `seeded: protocol #${seeded.protocolId} "stackswap" listed and audited, ${seeded.capital / 1_000_000n} STX of capital, policy #${seeded.policyId}`,
  );
}
const stop = async () => {
  await api.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
