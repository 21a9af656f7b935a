import { describe, it, expect, inject } from "vitest";
import { spawn } from "node:child_process";
import pg from "pg";
import { startLocalStacksApi } from "../../../devnet/server";
import { startLocalDiscord } from "../../../devnet/local-discord";
import { freshDatabase } from "../../../devnet/local-postgres";
import { localBotEnv } from "../../../scripts/lib/local-env";
import { INGESTION_LOCK } from "../../../bot/sharding/ingestion-leader";
import { until } from "../../support/until";

const TOKEN = "local-bot-token-for-tests-0123456789";

describe("npm start with SHARD_COUNT=2", () => {
  it("starts two shard processes through discord.js's ShardingManager, one of which leads ingestion, and stops them on SIGTERM", async () => {
    const databaseUrl = await freshDatabase(inject("postgresUrl")!);
    const api = await startLocalStacksApi();
    const discord = await startLocalDiscord({ token: TOKEN, guilds: 4 });
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        DOTENV_PATH: "/nonexistent/.env",
        ...localBotEnv({ api, discord }, { DISCORD_TOKEN: TOKEN, DATABASE_URL: databaseUrl, SHARD_COUNT: "2" }),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += String(d);
    });
    child.stderr.on("data", (d) => {
      output += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await discord.waitFor(() => discord.gatewaySessions() === 2, 60_000, `two shards on the gateway\n${output}`);
      const leader = await until(
        "an ingestion leader",
        async () =>
          (await db.query<{ holder: string }>("SELECT holder FROM ingestion_leader WHERE id = 1")).rows[0]?.holder,
        20_000,
        200,
      );
      expect(leader).toMatch(/^shard [01] of 2 \(pid \d+\)$/);
      const pid = Number(/pid (\d+)/.exec(leader)![1]);
      expect(pid).not.toBe(child.pid);
      expect(output).toContain('"msg":"shard started"');
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    // The shards stop too: the lock is free again once the leader's process has gone.
    await until(
      "the leader's lock to be released",
      async () => (await db.query("SELECT pg_try_advisory_lock($1) AS got", [INGESTION_LOCK])).rows[0].got === true,
      20_000,
      200,
    );
    await db.end();
    await discord.stop();
    await api.close();
  });
});
