import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Cl } from "@stacks/transactions";
import type { APIApplicationCommandInteractionDataOption } from "discord-api-types/v10";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { Protocol, actors, openClaims, seedCoverScenario, STX } from "../../devnet/scenario";
import { startLocalDiscord } from "../../devnet/local-discord";
import { DEFAULT_REQUESTS_PER_MINUTE, loadConfig } from "../../bot/config";
import { createLogger } from "../../bot/logger";
import { createBot, type BotOptions } from "../../bot/app";
import { registerCommands } from "../../bot/discord/register-commands";
import { buildWebApp } from "../../bot/web/server";
import { localBotEnv } from "./local-env";

/**
 * How many requests the bot makes to the Stacks API (`npm run bench`, "Stacks API requests"), counted by the
 * local API (`api.requests`, by route; its /devnet/ controls left out): idle, and per page view and command.
 */

export type RouteCounts = Map<string, number>;
const TOKEN = "bench-bot-token-0123456789";
/** A chain with some history: the seeded protocol and policy, and this many claims open for votes. */
export const HISTORY_CLAIMS = 5;

const silent = () =>
  createLogger({
    level: "silent",
    destination: new Writable({
      write(_c, _e, done) {
        done();
      },
    }) as never,
  });

function chainRequests(api: LocalStacksApi): RouteCounts {
  return new Map([...api.requests].filter(([route]) => !route.includes(" /devnet/")));
}

/** What was requested since `before`, by route. */
function since(api: LocalStacksApi, before: RouteCounts): RouteCounts {
  const delta = new Map<string, number>();
  for (const [route, n] of chainRequests(api)) {
    const d = n - (before.get(route) ?? 0);
    if (d > 0) delta.set(route, d);
  }
  return delta;
}

export const total = (counts: RouteCounts) => [...counts.values()].reduce((a, n) => a + n, 0);

/** The local stack with some history, and the bot (its settings as `env` and `bot` say) connected to it. */
async function historyStack(options: { env?: Record<string, string>; bot?: BotOptions }) {
  const api = await startLocalStacksApi();
  const discord = await startLocalDiscord({ token: TOKEN });
  const p = new Protocol(networkFor(api.url), api.chain.deployer);
  const who = actors(api.chain.accounts);
  await seedCoverScenario(p, who, { capital: 10_000_000n * STX });
  for (const [i, stake] of [100_000n, 800_000n, 100_000n].entries())
    await p.call(who.assessors[i]!, "assessor-staking", "stake", [Cl.uint(stake * STX)]);
  await openClaims(p, api, who.buyer, HISTORY_CLAIMS, 100n * STX);
  const config = loadConfig(
    localBotEnv(
      { api, discord },
      { DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "bench-requests-")), "bot.sqlite"), ...options.env },
    ),
  );
  await registerCommands(config);
  const bot = await createBot(config, { logger: silent(), ...options.bot });
  await bot.start();
  for (const g of discord.guilds)
    await bot.ctx.store.updateSettings(g.id, { alertChannelId: discord.channel("claims", g).id });
  return {
    api,
    discord,
    p,
    who,
    bot,
    config,
    stop: async () => {
      await bot.stop();
      await discord.stop();
      await api.close();
    },
  };
}

export type IdleResult = {
  windowMs: number;
  emptyBlockEveryMs: number | null;
  perMinute: number;
  byRoute: RouteCounts;
  pollMs: number;
  budget: { requestsPerMinute: number; delayed: number; rateLimited: number };
};

/**
 * The whole bot with its default settings (poll interval, jobs and keeper on, socket on, the default request
 * budget) on a chain where nothing happens for `windowMs`, or where only empty blocks are mined.
 */
export async function idleRequestRate(windowMs: number, emptyBlockEveryMs: number | null): Promise<IdleResult> {
  const keeperKey = `${"7".repeat(64)}01`; // the bot's own key; it signs nothing while nothing is due
  const s = await historyStack({
    env: { STACKS_API_REQUESTS_PER_MINUTE: String(DEFAULT_REQUESTS_PER_MINUTE), KEEPER_PRIVATE_KEY: keeperKey },
    bot: { jobs: true },
  });
  // Start-up's own reads (the chain check, each contract's position) are not idle traffic.
  await new Promise((r) => setTimeout(r, 2_000));
  const before = chainRequests(s.api);
  const delayedBefore = s.bot.ctx.reader.client.budget.stats().delayed;
  const miner =
    emptyBlockEveryMs === null
      ? undefined
      : setInterval(() => void fetch(`${s.api.url}/devnet/mine`, { method: "POST", body: "{}" }), emptyBlockEveryMs);
  await new Promise((r) => setTimeout(r, windowMs));
  if (miner) clearInterval(miner);
  const byRoute = since(s.api, before);
  const stats = s.bot.ctx.reader.client.budget.stats();
  const result = {
    windowMs,
    emptyBlockEveryMs,
    perMinute: (total(byRoute) * 60_000) / windowMs,
    byRoute,
    pollMs: s.config.events.pollMs,
    budget: {
      requestsPerMinute: s.bot.ctx.reader.client.budget.requestsPerMinute,
      delayed: stats.delayed - delayedBefore,
      rateLimited: Object.values(stats.rateLimited).reduce((a, n) => a + n, 0),
    },
  };
  await s.stop();
  return result;
}

/** Cold: a fresh web server; warm: at once again; kept: another fresh web server. */
export type ViewCount = { what: string; cold: RouteCounts; warm: RouteCounts; kept?: RouteCounts };

const str = (name: string, value: string) => ({ name, type: 3, value }) as APIApplicationCommandInteractionDataOption;
const int = (name: string, value: number) => ({ name, type: 4, value }) as APIApplicationCommandInteractionDataOption;

/**
 * Requests per view of each web page (a fresh web server for the cold view; the same one again at once for
 * the warm view; another fresh one for "kept") and per slash command (twice in a row), with nothing else
 * reading the chain meanwhile (no socket, no polling, no jobs) once the index has followed the chain.
 */
export async function requestsPerView(): Promise<{ pages: ViewCount[]; commands: ViewCount[]; claims: number }> {
  const s = await historyStack({ bot: { jobs: false, socket: false, pollMs: 3_600_000 } });
  await s.bot.watcher.poll();
  const count = async (act: () => Promise<unknown>) => {
    const before = chainRequests(s.api);
    await act();
    return since(s.api, before);
  };
  const pages: ViewCount[] = [];
  for (const path of [
    "/",
    "/protocols/stackswap",
    "/pool",
    "/vote/1",
    "/badge/stackswap.svg",
    "/api/v1/protocols",
    "/api/v1/claims/1",
  ]) {
    const apps = [await buildWebApp(s.bot.ctx, {}), await buildWebApp(s.bot.ctx, {})];
    const view = (app: (typeof apps)[number]) => async () => {
      const r = await app.inject({ url: path });
      if (r.statusCode !== 200) throw new Error(`${path} answered ${r.statusCode}`);
    };
    pages.push({
      what: `GET ${path}`,
      cold: await count(view(apps[0]!)),
      warm: await count(view(apps[0]!)),
      kept: await count(view(apps[1]!)),
    });
    for (const app of apps) await app.close();
  }
  const member = s.discord.addUser("bench-member", s.discord.guild).id;
  const run = (name: string, options: APIApplicationCommandInteractionDataOption[]) => async () => {
    const record = s.discord.slashCommand(name, options, member);
    await s.discord.answered(record, 60_000);
  };
  const commands: ViewCount[] = [];
  for (const [name, options, shown] of [
    ["pool", [], "/pool"],
    ["protocol", [], "/protocol"],
    ["protocol", [str("name", "stackswap")], "/protocol name:stackswap"],
    ["quote", [str("protocol", "stackswap"), str("amount", "1000"), int("days", 30)], "/quote"],
    ["claims", [], "/claims"],
    ["claim", [int("id", 1)], "/claim id:1"],
    ["policies", [str("protocol", "stackswap")], "/policies protocol:stackswap"],
    ["policy", [int("id", 1)], "/policy id:1"],
    ["assessor", [str("address", s.who.assessors[0]!.address)], "/assessor address:…"],
  ] as [string, APIApplicationCommandInteractionDataOption[], string][]) {
    commands.push({ what: shown, cold: await count(run(name, options)), warm: await count(run(name, options)) });
  }
  await s.stop();
  return { pages, commands, claims: HISTORY_CLAIMS };
}

/** `12 (call-read 10, logs 2)`: the total and its routes, the largest first. */
export function describeCounts(counts: RouteCounts): string {
  const parts = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${n} ${route.replace(/^(GET|POST) /, "").replace(/\/\{[^}]+\}/g, "/…")}`);
  return parts.length === 0 ? "0" : `${total(counts)} (${parts.join(", ")})`;
}

export type RequestFigures = {
  idle: IdleResult;
  idleBlocks: IdleResult;
  views: Awaited<ReturnType<typeof requestsPerView>>;
};

/** Every figure of the section, measured one after the other (each on its own local stack). */
export async function measureRequests(windowMs: number, emptyBlockEveryMs: number): Promise<RequestFigures> {
  const views = await requestsPerView();
  const idle = await idleRequestRate(windowMs, null);
  const idleBlocks = await idleRequestRate(windowMs, emptyBlockEveryMs);
  return { idle, idleBlocks, views };
}

/** The IDLE_TARGET a minute the idle bot should stay within. */
export const IDLE_TARGET = 20;

/** The section of docs/performance.md. */
export function requestsSection(f: RequestFigures): string {
  const idleRow = (r: IdleResult, label: string) =>
    `| ${label} | ${r.perMinute.toFixed(1)} | ${r.perMinute <= IDLE_TARGET ? "within" : "**over**"} | ${describeCounts(r.byRoute)} |`;
  const viewRow = (v: ViewCount) =>
    `| \`${v.what}\` | ${describeCounts(v.cold)} | ${describeCounts(v.warm)} | ${v.kept ? describeCounts(v.kept) : "–"} |`;
  return `## Stacks API requests

Counted by the local Stacks API (its \`requests\` by route; the local /devnet/ controls left out). The chain
holds the seeded protocol and policy and ${f.views.claims} claims open for votes.

**Idle.** The whole bot with its default settings (the poll interval of ${f.idle.pollMs / 1000} s, the socket, the
scheduled jobs and the keeper on, the request budget of ${f.idle.budget.requestsPerMinute} units a minute) for
${(f.idle.windowMs / 1000).toFixed(0)} s of wall-clock time on a chain where nothing happens, then with an empty block
mined every ${(f.idleBlocks.emptyBlockEveryMs ?? 0) / 1000} s (a real chain keeps producing blocks while the
protocol is idle). Target: at most ${IDLE_TARGET} requests a minute. A window may hold a keeper pass and a reminder pass (both every 5 minutes,
so whether one falls in a 60 s window is chance: the first row is the worse case when it holds both).

| chain | requests a minute | target ≤ ${IDLE_TARGET} | requests in the window, by route |
|---|---|---|---|
${idleRow(f.idle, "nothing happens")}
${idleRow(f.idleBlocks, `an empty block every ${(f.idleBlocks.emptyBlockEveryMs ?? 0) / 1000} s`)}

Requests that waited for the budget: ${f.idle.budget.delayed} and ${f.idleBlocks.budget.delayed}; 429s: ${f.idle.budget.rateLimited + f.idleBlocks.budget.rateLimited}.

**Per page view and per slash command**, once the index has followed the chain. Cold: a fresh web server.
Warm: the same page again at once. Kept: the page on another fresh web server. For a command, the same
command twice.

| page or command | cold | warm | kept |
|---|---|---|---|
${[...f.views.pages, ...f.views.commands].map(viewRow).join("\n")}

Pages, the badge, the JSON API and the lookup commands answer from the index (bot/index/) and read nothing
from the chain. What still reads it is what decides money or needs this moment's answer: the vote page (the
member's eligibility), \`/quote\` and \`/assessor\`. The keeper finds what is due in the index and reads
only those claims and policies again, each pass (every 5 minutes).
`;
}
