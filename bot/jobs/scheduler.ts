import cron, { type ScheduledTask } from "node-cron";
import type { Client } from "discord.js";
import type { BotContext } from "../discord/context";
import { syncAssessorRoles } from "../discord/roles";
import type { Keeper } from "./keeper";
import { sendReminders } from "./reminders";
import { postPoolReport } from "./pool-report";
import { runIndexCheck } from "./index-check";
import { FeedOutbox } from "../sharding/feed-outbox";
import { discordMessenger, tellTransactionResults } from "./transaction-results";

/** When each job runs (UTC). Each job's own logic decides from chain time whether anything is due. */
export const SCHEDULES = {
  reminders: "*/5 * * * *",
  // Every 5 minutes: windows are days long, and a pass reads every open claim (the idle request budget).
  keeper: "*/5 * * * *",
  poolReport: "0 12 * * *",
  roleSync: "17 * * * *",
  // Link nonces live 15 minutes; used and expired ones are also purged whenever a member runs /link.
  linkNoncePurge: "*/30 * * * *",
  // The index against the chain's read-only functions (the newest 200 of each record), once a day.
  indexCheck: "41 3 * * *",
  // What time alone moves in the index: the pool's figures every 5 minutes, every protocol's risk once a day.
  poolRefresh: "*/5 * * * *",
  protocolRefresh: "23 4 * * *",
  // What every shard of a sharded bot has posted, once it is a day old.
  outboxPrune: "47 * * * *",
  // How what members signed on the pages ended, every 10 seconds (node-cron's seconds field): one API request a
  // pass, and only while something is followed.
  transactionResults: "*/10 * * * * *",
} as const;

/** Runs a job at most once at a time, logging failures instead of throwing. */
function guarded(name: string, ctx: BotContext, job: () => Promise<unknown>) {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      const result = await job();
      ctx.log.debug({ job: name, result }, "job done");
    } catch (e) {
      ctx.log.warn({ err: e, job: name }, "job failed; it will run again on schedule");
    } finally {
      running = false;
    }
  };
}

/**
 * One cron task per job, named as its schedule, each guarded (one run at a time, failures logged). In a sharded
 * bot every shard runs the jobs that post to its own servers, and only the ingestion leader (`leads`) those that
 * write the index, sign transactions or report to the operators: each of those runs once, not once per shard.
 */
export function startJobs(
  client: Client,
  ctx: BotContext,
  keeper?: Keeper,
  leads: () => boolean = () => true,
): ScheduledTask[] {
  const onLeader =
    (run: () => Promise<unknown>): (() => Promise<unknown>) =>
    async () =>
      leads() ? run() : "not the ingestion leader";
  const jobs: [name: string, schedule: string, run: () => Promise<unknown>][] = [
    ["reminders", SCHEDULES.reminders, () => sendReminders(ctx)],
    ["pool-report", SCHEDULES.poolReport, () => postPoolReport(ctx)],
    ["role-sync", SCHEDULES.roleSync, () => syncAssessorRoles(client, ctx)],
  ];
  const leaderJobs: typeof jobs = [
    ["index-check", SCHEDULES.indexCheck, () => runIndexCheck(ctx)],
    [
      "pool-refresh",
      SCHEDULES.poolRefresh,
      async () => {
        await ctx.snapshots?.markPoolStale();
        return ctx.snapshots?.refresh();
      },
    ],
    ["protocol-refresh", SCHEDULES.protocolRefresh, async () => ctx.snapshots?.refreshAll()],
    ["link-nonce-purge", SCHEDULES.linkNoncePurge, async () => ctx.store.purgeLinkNonces()],
    ["outbox-prune", SCHEDULES.outboxPrune, async () => new FeedOutbox(ctx.store.sql).prune()],
    ["transaction-results", SCHEDULES.transactionResults, () => tellTransactionResults(ctx, discordMessenger(client))],
  ];
  if (keeper) leaderJobs.push(["keeper", SCHEDULES.keeper, () => keeper.run()]);
  for (const [name, schedule, run] of leaderJobs) jobs.push([name, schedule, onLeader(run)]);
  return jobs.map(([name, schedule, run]) =>
    cron.schedule(schedule, guarded(name, ctx, run), { name, timezone: "UTC" }),
  );
}
