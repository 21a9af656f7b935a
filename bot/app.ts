import { Client, DiscordjsError, DiscordjsErrorCodes, Events, GatewayIntentBits } from "discord.js";
import type { Config } from "./config";
import { ConfigError, DEFAULT_STARTUP_ATTEMPTS, secretsOf } from "./config";
import { createLogger, type Logger } from "./logger";
import { openStore } from "./storage/open-store";
import { StacksClient, resilientFetch } from "./chain/stacks-client";
import { waitForChain } from "./chain/wait-for-chain";
import { publicUrl } from "./redact";
import { ProtocolReader } from "./chain/protocol-reader";
import { Links } from "./discord/presentation/links";
import { ProtocolDirectory, type BotContext } from "./discord/context";
import { commands } from "./discord/commands";
import { registerEvents } from "./discord/events";
import { ClaimFeed } from "./discord/claim-feed";
import { withNotifications } from "./notifications/handlers";
import { Poster } from "./discord/poster";
import { EventWatcher } from "./watcher/event-watcher";
import { EventLedger } from "./watcher/event-ledger";
import { IndexSnapshots } from "./index/index-snapshots";
import { buildIndexIfMissing } from "./index/reindex";
import { chainhooksNetwork, oneAtATime } from "./watcher/chainhooks";
import { startWebServer, type WebServer, type WebOptions } from "./web/server";
import { syncAssessorRoles } from "./discord/roles";
import { Keeper } from "./jobs/keeper";
import { startJobs } from "./jobs/scheduler";
import type { ScheduledTask } from "node-cron";
import { EVERY_SERVER, shardScope, type GuildScope } from "./sharding/guild-scope";
import { FeedOutbox, OutboxPublisher } from "./sharding/feed-outbox";
import { ShardFeed } from "./sharding/shard-feed";
import { IngestionLeader } from "./sharding/ingestion-leader";

/** The contracts whose events the bot follows: all of them, for the index (bot/index/). */
export const WATCHED_CONTRACTS = [
  "protocol-registry",
  "insurance-council",
  "capital-pool",
  "cybersecurity-insurance-defi",
  "policy-ledger",
  "assessor-staking",
  "claims-assessment",
] as const;

export type Bot = {
  ctx: BotContext;
  client: Client;
  feed: ClaimFeed;
  ledger: EventLedger;
  watcher: EventWatcher;
  keeper?: Keeper;
  web?: WebServer;
  /** The servers this process posts to. */
  scope: GuildScope;
  /** A shard of a sharded bot: the election of the process that reads the chain, and this shard's feed. */
  leader?: IngestionLeader;
  shardFeed?: ShardFeed;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type BotOptions = {
  logger?: Logger;
  /** Edits of one claim's alert are at most one per window (default 2 s). */
  editWindowMs?: number;
  /** Polling interval when socket notifications are missed (default 5 s). */
  pollMs?: number;
  /** Replay the contracts' whole history on first start instead of starting from now. */
  fromStart?: boolean;
  /** Run the scheduled jobs (default true; tests call the jobs directly). */
  jobs?: boolean;
  /** Listen for the API's socket notifications (default true); without, the watcher only polls. */
  socket?: boolean;
  /** The web server's request budget, cache and slow-client limits. */
  web?: WebOptions;
  /** Run as these shards of `count` (default: SHARDS and SHARD_COUNT from the configuration, else one process). */
  shard?: { ids: number[]; count: number };
  /** How often a shard tries the ingestion lock (default 2 s). */
  leaderCheckMs?: number;
};

/** The one client of the Stacks API a process uses, from the settings (its request budget included). */
export function chainClient(config: Config, log: Logger): StacksClient {
  return new StacksClient({
    apiUrl: config.stacks.apiUrl,
    apiKey: config.stacks.apiKey,
    timeoutMs: config.stacks.timeoutMs,
    network: config.stacks.network === "mainnet" ? "mainnet" : "testnet",
    requestsPerMinute: config.stacks.requestsPerMinute,
    onRateLimited: ({ route, waitMs }) =>
      log.warn({ route, waitMs }, "the Stacks API answered 429: no chain request is sent until its Retry-After"),
  });
}

/** What commands, the feed, jobs and pages share, for one process. */
export function contextFor(
  parts: Pick<BotContext, "config" | "store" | "reader" | "log" | "scope"> & { client: Client },
) {
  const { config, store, log, client } = parts;
  const ctx: BotContext = {
    config,
    reader: parts.reader,
    store,
    log,
    links: new Links(config.stacks, config.web.baseUrl),
    directory: new ProtocolDirectory(store.index),
    commands,
    poster: new Poster(client, store, log),
    scope: parts.scope,
  };
  return ctx;
}

/** Everything the bot is, wired from its configuration; nothing connects until start(). */
export async function createBot(config: Config, options: BotOptions = {}): Promise<Bot> {
  const log = options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const store = await openStore({ path: config.databasePath, url: config.databaseUrl });
  const chain = chainClient(config, log);
  const reader = new ProtocolReader(chain, config.stacks.deployer);
  // Only the Guilds intent: slash commands and buttons need nothing more (no message content).
  // allowedMentions: nothing pings unless a send names the role it means to (the assessor role in reminders).
  const shard =
    options.shard ??
    (config.sharding.ids && typeof config.sharding.count === "number"
      ? { ids: config.sharding.ids, count: config.sharding.count }
      : undefined);
  const sharded = shard !== undefined && shard.count > 1;
  if (sharded && !config.databaseUrl)
    throw new ConfigError("SHARD_COUNT needs DATABASE_URL: shards share their state in Postgres");
  const scope = sharded ? shardScope(shard.ids, shard.count) : EVERY_SERVER;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    ...(sharded ? { shards: shard.ids, shardCount: shard.count } : {}),
    ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}),
  });
  const ctx = contextFor({ config, store, reader, log, client, scope });
  registerEvents(client, ctx);
  const feed = new ClaimFeed(ctx, {
    editWindowMs: options.editWindowMs ?? config.events.editWindowMs,
    recordsVotes: !sharded,
  });
  // The feed, then the council pings and the members' DMs (bot/notifications/), for each event.
  const handlers = withNotifications(ctx, client, feed);
  const contracts = WATCHED_CONTRACTS.map((c) => reader.contractId(c));
  const snapshots = new IndexSnapshots(store.sql, store.index, reader, log);
  // Sharded: the leader's ledger only writes the outbox, and every shard (the leader too) posts from it.
  const outbox = new FeedOutbox(store.sql);
  const ledger = new EventLedger({
    store,
    log,
    contracts,
    handlers: sharded ? new OutboxPublisher(outbox, store) : handlers,
    snapshots,
  });
  // EVENT_SOURCE=chainhooks: Chainhooks pushes blocks to the web server; the poller catches up at start-up and
  // then only looks every CHAINHOOKS_SAFETY_POLL_MS (no socket). Both hand events to the ledger, one call at a time.
  const pushed = config.events.source === "chainhooks";
  const sink = pushed ? oneAtATime(ledger) : ledger;
  let accepting = false;
  const watcher = new EventWatcher({
    client: chain,
    store,
    log,
    sink,
    pollMs: options.pollMs ?? (pushed ? config.chainhooks.safetyPollMs : config.events.pollMs),
    fromStart: options.fromStart,
    contracts,
    socketUrl: options.socket === false || pushed ? undefined : config.stacks.apiUrl,
  });
  const shardFeed = sharded
    ? new ShardFeed({
        outbox,
        shardId: shard.ids[0]!,
        handlers,
        log,
        url: config.databaseUrl,
        onLinked: async (discordUserId) => {
          await syncAssessorRoles(client, ctx, discordUserId);
        },
      })
    : undefined;
  const leader = sharded
    ? new IngestionLeader({
        url: config.databaseUrl!,
        holder: `shard ${shard.ids.join(",")} of ${shard.count} (pid ${process.pid})`,
        log,
        checkMs: options.leaderCheckMs,
        onLead: async () => {
          await buildIndexIfMissing({ store, client: chain, contracts, snapshots, log });
          await watcher.start();
        },
        onLose: () => watcher.stop(),
      })
    : undefined;
  // Jobs find what is due in the index: each pass first brings it to the tip (one request when nothing is new).
  // On a shard that does not lead, the leader keeps the index at the tip.
  ctx.catchUp = () => (leader && !leader.isLeader ? Promise.resolve() : watcher.poll());
  ctx.snapshots = snapshots;
  const keeper = config.keeperKey ? new Keeper(ctx, chain, config.keeperKey) : undefined;
  let tasks: ScheduledTask[] = [];
  const bot: Bot = {
    ctx,
    client,
    feed,
    ledger,
    watcher,
    keeper,
    scope,
    leader,
    shardFeed,
    async start() {
      log.info(
        { network: config.stacks.network, api: publicUrl(config.stacks.apiUrl), deployer: config.stacks.deployer },
        "starting",
      );
      // Before anything listens or logs in: an unreachable chain is a configuration error, said in one line.
      await waitForChain({
        apiUrl: config.stacks.apiUrl,
        attempts: config.stacks.startupAttempts ?? DEFAULT_STARTUP_ATTEMPTS,
        fetch: resilientFetch({
          apiUrl: config.stacks.apiUrl,
          apiKey: config.stacks.apiKey,
          timeoutMs: config.stacks.timeoutMs,
          retries: 0,
          budget: chain.budget,
        }),
        onRetry: ({ attempt, detail, delayMs }) =>
          log.warn({ attempt, detail, delayMs }, "the Stacks API is not reachable yet; retrying"),
      });
      // A sharded bot's web server is a process of its own (npm run start:web), so shards never share a port.
      if (!sharded)
        bot.web = await startWebServer(ctx, {
          port: config.web.port,
          web: options.web,
          onLinked: async (linked) => {
            await syncAssessorRoles(client, ctx, linked.discordId);
          },
          chainhooks: pushed
            ? {
                sink,
                secret: config.chainhooks.consumerSecret!,
                contracts,
                network: chainhooksNetwork(config.stacks.network),
                accepting: () => accepting,
              }
            : undefined,
        });
      // With WEB_PORT=0 the port is known only now; links must use the one actually bound.
      if (config.web.port === 0 && bot.web) ctx.links.webBaseUrl = bot.web.url;
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.discord.token).catch((e: unknown) => {
        throw loginError(e);
      });
      await ready;
      if (leader && shardFeed) {
        await shardFeed.start();
        await leader.start();
        log.info({ shards: shard?.ids, of: shard?.count, leader: leader.isLeader }, "shard ready");
        if (options.jobs !== false) tasks = startJobs(client, ctx, keeper, () => leader.isLeader);
        return;
      }
      // The catch-up from the stored position comes first: a delivery applied before it would move the position
      // past the events missed while the bot was down. Until then deliveries are answered 503 (and redelivered).
      await buildIndexIfMissing({ store, client: chain, contracts, snapshots, log });
      await watcher.start();
      accepting = true;
      log.info({ contracts: contracts.length, source: config.events.source }, "watching contract events");
      if (options.jobs !== false) tasks = startJobs(client, ctx, keeper);
      if (keeper) log.info({ keeper: keeper.address }, "keeper enabled");
    },
    async stop() {
      accepting = false;
      for (const task of tasks) await task.stop();
      await leader?.stop();
      await shardFeed?.stop();
      await watcher.stop();
      feed.coalescer.stop();
      await bot.web?.close();
      await client.destroy();
      await store.close();
    },
  };
  return bot;
}

/** Discord refusing the token is a setting to fix, said in one line naming the variable (never the token). */
function loginError(e: unknown): unknown {
  if (e instanceof DiscordjsError && e.code === DiscordjsErrorCodes.TokenInvalid) {
    return new ConfigError(
      "DISCORD_TOKEN was refused by Discord (401 Unauthorized): copy the bot's token again from the " +
        "Developer Portal (Bot, Reset Token)",
    );
  }
  return e;
}
