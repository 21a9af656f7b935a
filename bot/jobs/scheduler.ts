import cron, { type ScheduledTask } from "node-cron";
import type { Client } from "discord.js";
import type { BotContext } from "../discord/context";
import { syncAssessorRoles } from "../discord/roles";
import type { Keeper } from "./keeper";
import { sendReminders } from "./reminders";
import { postPoolReport } from "./pool-report";

/** When each job runs (UTC). Each job's own logic decides from chain time whether anything is due. */
export const SCHEDULES = {
  reminders: "*/5 * * * *",
  // Every 5 minutes: windows are days long, and a pass reads every open claim (the idle request budget).
  keeper: "*/5 * * * *",
  poolReport: "0 12 * * *",
  roleSync: "17 * * * *",
  // Link nonces live 15 minutes; used and expired ones are also purged whenever a member runs /link.
  linkNoncePurge: "*/30 * * * *",
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

export function startJobs(client: Client, ctx: BotContext, keeper?: Keeper): ScheduledTask[] {
  const tasks = [
    cron.schedule(
      SCHEDULES.reminders,
      guarded("reminders", ctx, () => sendReminders(ctx)),
      { name: "reminders", timezone: "UTC" },
    ),
    cron.schedule(
      SCHEDULES.poolReport,
      guarded("pool-report", ctx, () => postPoolReport(ctx)),
      { name: "pool-report", timezone: "UTC" },
    ),
    cron.schedule(
      SCHEDULES.roleSync,
      guarded("role-sync", ctx, () => syncAssessorRoles(client, ctx)),
      { name: "role-sync", timezone: "UTC" },
    ),
    cron.schedule(
      SCHEDULES.linkNoncePurge,
      guarded("link-nonce-purge", ctx, async () => ctx.store.purgeLinkNonces()),
      { name: "link-nonce-purge", timezone: "UTC" },
    ),
  ];
  if (keeper)
    tasks.push(
      cron.schedule(
        SCHEDULES.keeper,
        guarded("keeper", ctx, () => keeper.run()),
        { name: "keeper", timezone: "UTC" },
      ),
    );
  return tasks;
}
