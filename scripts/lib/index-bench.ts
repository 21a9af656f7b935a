import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Cl, serializeCV, type ClarityValue } from "@stacks/transactions";
import { loadConfig } from "../../bot/config";
import { createBot } from "../../bot/app";
import type { Logger } from "../../bot/logger";
import { EventLedger } from "../../bot/watcher/event-ledger";
import type { RawContractLog } from "../../bot/watcher/chain-events";
import { IndexSnapshots } from "../../bot/index/index-snapshots";
import type { PoolStats } from "../../bot/chain/protocol-reader";
import { startWebServer } from "../../bot/web/server";
import { localBotEnv } from "./local-env";

/**
 * The index at the scale of a protocol with history (1,000 protocols, 10,000 policies, 10,000 claims): how
 * fast events are ingested and indexed (decoded, applied to the index and recorded, in one transaction
 * each, through the event ledger with handlers that post nothing), and how fast the registry's pages, the
 * badge and the JSON API answer from it, with every chain request counted at a local server that answers
 * none (the figure must stay 0).
 */

const DEPLOYER = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM";
const HOLDER = "ST2CY5V39NHDPWSXMW9QDT3HC3GD6Q6XX4CFRK9AG";
const STX = 1_000_000n;
const START = 1_800_000_000;
const SAMPLES = 50;

type Scale = { protocols: number; policies: number; claims: number };

const tuple = (topic: string, fields: Record<string, ClarityValue>) =>
  `0x${serializeCV(Cl.tuple({ topic: Cl.stringAscii(topic), ...fields }))}`;

/** The events of `scale`'s history, in chain order, one transaction each, a block per 100 events. */
export function history(scale: Scale): RawContractLog[] {
  const logs: RawContractLog[] = [];
  const add = (contract: string, hex: string) => {
    const n = logs.length;
    const height = 1 + Math.floor(n / 100);
    logs.push({
      contractId: `${DEPLOYER}.${contract}`,
      txid: `0x${n.toString(16).padStart(64, "0")}`,
      eventIndex: 0,
      hex,
      block: { height, hash: `0x${height.toString(16).padStart(64, "0")}` },
      time: START + n,
    });
  };
  for (let id = 1; id <= scale.protocols; id++) {
    add(
      "protocol-registry",
      tuple("protocol-submitted", {
        "protocol-id": Cl.uint(id),
        name: Cl.stringAscii(`protocol-${id}`),
        website: Cl.stringAscii(`https://protocol-${id}.example`),
        chain: Cl.stringAscii("stacks"),
        category: Cl.uint(1 + (id % 9)),
        "source-url": Cl.stringAscii(`https://source.example/${id}`),
        submitter: Cl.principal(HOLDER),
        team: Cl.list([Cl.principal(HOLDER)]),
      }),
    );
    const listed = { "protocol-id": Cl.uint(id), name: Cl.stringAscii(`protocol-${id}`), status: Cl.uint(2) };
    add("protocol-registry", tuple("protocol-listed", { ...listed, by: Cl.principal(DEPLOYER) }));
  }
  for (let id = 1; id <= scale.policies; id++) {
    add(
      "cybersecurity-insurance-defi",
      tuple("policy-purchased", {
        "policy-id": Cl.uint(id),
        "protocol-id": Cl.uint(1 + (id % scale.protocols)),
        holder: Cl.principal(HOLDER),
        "coverage-amount": Cl.uint(10_000n * STX),
        premium: Cl.uint(50n * STX),
        "rate-bps": Cl.uint(200),
        tier: Cl.uint(1),
        "duration-days": Cl.uint(90),
        "active-from": Cl.uint(START),
        "ends-at": Cl.uint(START + 90 * 86_400),
        "protocol-coverage": Cl.uint(10_000n * STX),
        "utilization-bps": Cl.uint(1_000),
      }),
    );
  }
  for (let id = 1; id <= scale.claims; id++) {
    add(
      "claims-assessment",
      tuple("claim-submitted", {
        "claim-id": Cl.uint(id),
        "policy-id": Cl.uint(id),
        "protocol-id": Cl.uint(1 + (id % scale.protocols)),
        claimant: Cl.principal(HOLDER),
        amount: Cl.uint(1_000n * STX),
        deductible: Cl.uint(100n * STX),
        payable: Cl.uint(900n * STX),
        "incident-time": Cl.uint(START),
        description: Cl.stringUtf8("Reentrancy in the router"),
        "evidence-hash": Cl.bufferFromHex("ab".repeat(32)),
        "evidence-uri": Cl.stringAscii("https://evidence.example/x"),
        bond: Cl.uint(10n * STX),
        "voting-ends-at": Cl.uint(START + 3 * 86_400),
        "total-stake": Cl.uint(180_000n * STX),
        "quorum-stake": Cl.uint(18_000n * STX),
        "approval-bps": Cl.uint(6_000),
        large: Cl.bool(false),
        "min-voters": Cl.uint(0),
      }),
    );
  }
  return logs;
}

/** A server on 127.0.0.1 standing in for the Stacks API, answering nothing, counting every request. */
async function countingApi() {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests: () => requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const POOL: PoolStats = Object.fromEntries(
  [
    "poolBalance",
    "totalAssets",
    "totalCapital",
    "totalShares",
    "sharePrice",
    "activeCover",
    "capacity",
    "freeCapacity",
    "utilizationBps",
    "lockedCapital",
    "freeCapital",
    "claimsOwed",
    "claimsPending",
    "premiumsEarned",
    "totalPaidOut",
    "unearnedPremiums",
    "protocolCapMark",
    "rewardReserve",
    "rewardsOwed",
    "bondsHeld",
  ].map((k) => [k, 1_000_000n * STX]),
) as PoolStats;

export async function indexBench(
  logger: Logger,
  scale: Scale = { protocols: 1_000, policies: 10_000, claims: 10_000 },
  /** More settings of the bot (DATABASE_URL, to measure on Postgres). */
  extra: Record<string, string> = {},
) {
  const api = await countingApi();
  const env = localBotEnv(
    {
      api: { url: api.url, chain: { deployer: DEPLOYER } },
      discord: {
        token: "bench-bot-token-0123456789",
        applicationId: "100000000000000001",
        api: api.url,
        guild: { id: "100000000000000002" },
      },
    },
    extra,
  );
  const bot = await createBot(loadConfig(env), { logger, jobs: false });
  const { store } = bot.ctx;
  const contracts = [...new Set(history(scale).map((l) => l.contractId))];
  const ledger = new EventLedger({
    store,
    log: logger,
    contracts,
    handlers: { handle: async () => undefined, rollback: async () => undefined },
  });
  // As the watcher receives them: parsed from the API's JSON (flat strings, where history() builds joined ones).
  const logs = JSON.parse(JSON.stringify(history(scale))) as RawContractLog[];
  const t = process.hrtime.bigint();
  for (let i = 0; i < logs.length; i += 50) await ledger.apply(logs.slice(i, i + 50));
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  // The snapshots a running bot reads after ingestion, here from the index itself (risk filled in), and the tip.
  const snapshots = new IndexSnapshots(store.sql, store.index, {
    protocolDetails: async (id) => {
      const p = await store.index.protocol(id);
      return p && { ...p, risk: { score: 20n, tier: 2n, rateBps: 300n } };
    },
    pool: async () => POOL,
  });
  await snapshots.refresh();
  await snapshots.setTip({ height: 1_000, hash: "0x01", time: START + 86_400 });
  const web = await startWebServer(bot.ctx, { port: 0, web: { rateLimit: { max: 1_000_000, windowMs: 60_000 } } });
  const paths = [
    "/",
    "/pool",
    "/protocols/protocol-500",
    "/badge/protocol-500.svg",
    "/api/v1/protocols",
    "/api/v1/protocols/protocol-500",
    "/api/v1/claims/5000",
    "/api/v1/pool",
  ];
  const before = api.requests();
  const pages = [];
  for (const path of paths) {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const start = performance.now();
      const r = await fetch(`${web.url}${path}`);
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
      times.push(performance.now() - start);
    }
    pages.push({ path, median: median(times) });
  }
  const chainRequests = api.requests() - before;
  await web.close();
  await store.close();
  await api.close();
  return {
    scale,
    samples: SAMPLES,
    events: logs.length,
    perSecond: Math.round(logs.length / seconds),
    pages,
    chainRequests,
  };
}
