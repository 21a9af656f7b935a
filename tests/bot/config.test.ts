import { describe, it, expect } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadConfig, ConfigError, secretsOf, CONFIG_VARIABLES } from "../../bot/config";

const VALID = {
  DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.0123456789abcdefghij",
  DISCORD_APPLICATION_ID: "123456789012345678",
  CONTRACT_DEPLOYER: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM",
};

describe("configuration", () => {
  it("accepts the three required variables and fills in the defaults", () => {
    const config = loadConfig(VALID);
    expect(config.stacks).toMatchObject({
      network: "devnet",
      apiUrl: "http://127.0.0.1:3999",
      deployer: VALID.CONTRACT_DEPLOYER,
      explorerChain: "devnet",
      timeoutMs: 8000,
      requestsPerMinute: 40, // Hiro's keyless budget is 50 a minute
    });
    expect(loadConfig({ ...VALID, STACKS_API_REQUESTS_PER_MINUTE: "400" }).stacks.requestsPerMinute).toBe(400);
    expect(config.web).toEqual({ baseUrl: "http://127.0.0.1:8787", port: 8787 });
    expect(config.databasePath).toBe("data/bot.sqlite");
    expect(config.keeperKey).toBeUndefined();
  });

  it("maps networks to their APIs, or connects where STACKS_API_URL says, keeping the network", () => {
    expect(loadConfig({ ...VALID, STACKS_NETWORK: "testnet" }).stacks.apiUrl).toBe("https://api.testnet.hiro.so");
    expect(
      loadConfig({
        ...VALID,
        STACKS_NETWORK: "mainnet",
        CONTRACT_DEPLOYER: "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7",
      }).stacks.apiUrl,
    ).toBe("https://api.mainnet.hiro.so");
    expect(loadConfig({ ...VALID, STACKS_API_URL: "http://10.1.2.3:3999/" }).stacks).toMatchObject({
      network: "devnet",
      apiUrl: "http://10.1.2.3:3999",
    });
    expect(
      loadConfig({ ...VALID, STACKS_NETWORK: "testnet", STACKS_API_URL: "https://node.example" }).stacks,
    ).toMatchObject({
      network: "testnet",
      apiUrl: "https://node.example",
    });
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ ...VALID, DISCORD_GUILD_ID: "", KEEPER_PRIVATE_KEY: "" }).discord.guildId).toBeUndefined();
  });

  it.each(["DISCORD_TOKEN", "DISCORD_APPLICATION_ID", "CONTRACT_DEPLOYER"])(
    "refuses to start without %s, naming it",
    (name) => {
      const env: Record<string, string> = { ...VALID };
      delete env[name];
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(new RegExp(`^${name} is required`));
    },
  );

  it.each([
    ["DISCORD_APPLICATION_ID", "my-bot", "DISCORD_APPLICATION_ID must be a Discord id (17 to 20 digits)"],
    ["DISCORD_GUILD_ID", "42", "DISCORD_GUILD_ID must be a Discord id (17 to 20 digits)"],
    ["DISCORD_TOKEN", "short", "DISCORD_TOKEN must be the bot token from the Discord developer portal"],
    [
      "STACKS_NETWORK",
      "moonnet",
      "STACKS_NETWORK must be mainnet, testnet or devnet (where to connect is STACKS_API_URL)",
    ],
    [
      "STACKS_NETWORK",
      "https://api.mainnet.hiro.so",
      "STACKS_NETWORK must be mainnet, testnet or devnet (where to connect is STACKS_API_URL)",
    ],
    ["STACKS_API_URL", "mainnet", "STACKS_API_URL must be an http(s) URL"],
    ["CONTRACT_DEPLOYER", "ST123", "CONTRACT_DEPLOYER must be the Stacks address that deployed the contracts"],
    ["WEB_BASE_URL", "ftp://example.com", "WEB_BASE_URL must be an http(s) URL"],
    ["WEB_PORT", "99999", "WEB_PORT must be a port number (0-65535)"],
    [
      "KEEPER_PRIVATE_KEY",
      "not-a-key",
      "KEEPER_PRIVATE_KEY must be a 64-character hex private key (optionally ending in 01)",
    ],
    ["LOG_LEVEL", "loud", "LOG_LEVEL must be"],
    ["CHAIN_TIMEOUT_MS", "fast", "CHAIN_TIMEOUT_MS must be"],
    ...["0", "-5", "2.5", "100001", "fast"].map((v) => [
      "STACKS_API_REQUESTS_PER_MINUTE",
      v,
      "STACKS_API_REQUESTS_PER_MINUTE must be a whole number of requests a minute, from 1 to 100000",
    ]),
    ["DISCORD_API_URL", "localhost", "DISCORD_API_URL must be an http(s) URL"],
    ...["24h", "24;1", "0,1", "1,200", "1.5", ","].map((v) => [
      "REMINDER_HOURS",
      v,
      "REMINDER_HOURS must be hours before a vote closes, whole numbers from 1 to 168 separated by commas (24,1)",
    ]),
  ])("refuses a malformed %s", (name, value, message) => {
    expect(() => loadConfig({ ...VALID, [name]: value })).toThrow(message);
  });

  it("reminds 24 and 1 hours before a vote closes unless REMINDER_HOURS says otherwise", () => {
    expect(loadConfig(VALID).reminders).toEqual({ hours: [24, 1] });
    expect(loadConfig({ ...VALID, REMINDER_HOURS: "2, 48,12,48" }).reminders).toEqual({ hours: [48, 12, 2] });
  });

  it("refuses a deployer address of the other network", () => {
    expect(() => loadConfig({ ...VALID, STACKS_NETWORK: "mainnet" })).toThrow(
      "CONTRACT_DEPLOYER must be a mainnet address (SP…) when STACKS_NETWORK is mainnet",
    );
    expect(() => loadConfig({ ...VALID, CONTRACT_DEPLOYER: "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7" })).toThrow(
      "CONTRACT_DEPLOYER must be a testnet address (ST…) when STACKS_NETWORK is devnet",
    );
  });

  it("are all documented in .env.example, and nothing else is", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("follows events by polling unless EVENT_SOURCE=chainhooks, which needs the consumer secret", () => {
    const polling = loadConfig(VALID);
    expect(polling.events.source).toBe("polling");
    expect(polling.chainhooks).toEqual({
      consumerSecret: undefined,
      webhookUrl: "http://127.0.0.1:8787/chainhooks/events",
      safetyPollMs: 600_000,
      apiUrl: undefined,
      apiKey: undefined,
    });
    expect(() => loadConfig({ ...VALID, EVENT_SOURCE: "chainhooks" })).toThrow(
      new ConfigError(
        "CHAINHOOKS_CONSUMER_SECRET is required when EVENT_SOURCE is chainhooks: the consumer secret Chainhooks " +
          "sends as Authorization: Bearer <secret> (npm run chainhooks:register -- --rotate-secret makes one)",
      ),
    );
    const pushed = loadConfig({
      ...VALID,
      STACKS_NETWORK: "testnet",
      EVENT_SOURCE: "chainhooks",
      CHAINHOOKS_CONSUMER_SECRET: "consumer-secret-0123456789",
      WEB_BASE_URL: "https://bot.example/",
      CHAINHOOKS_SAFETY_POLL_MS: "900000",
    });
    expect([pushed.events.source, pushed.chainhooks]).toEqual([
      "chainhooks",
      {
        consumerSecret: "consumer-secret-0123456789",
        webhookUrl: "https://bot.example/chainhooks/events",
        safetyPollMs: 900_000,
        apiUrl: "https://api.testnet.hiro.so",
        apiKey: undefined,
      },
    ]);
  });

  it.each([
    ["EVENT_SOURCE", "webhooks", "EVENT_SOURCE must be polling or chainhooks"],
    [
      "CHAINHOOKS_CONSUMER_SECRET",
      "short",
      "CHAINHOOKS_CONSUMER_SECRET must be the consumer secret from Hiro's Chainhooks (at least 16 characters)",
    ],
    ["CHAINHOOKS_WEBHOOK_URL", "bot.example/hook", "CHAINHOOKS_WEBHOOK_URL must be an http(s) URL"],
    [
      "CHAINHOOKS_WEBHOOK_URL",
      "https://user:pass@bot.example/hook",
      "CHAINHOOKS_WEBHOOK_URL must be an http(s) URL without user:password@",
    ],
    ["CHAINHOOKS_API_URL", "hiro", "CHAINHOOKS_API_URL must be an http(s) URL"],
    ["CHAINHOOKS_API_KEY", "key", "CHAINHOOKS_API_KEY must be a Hiro API key"],
    ["CHAINHOOKS_SAFETY_POLL_MS", "10", "CHAINHOOKS_SAFETY_POLL_MS must be at least 100 ms"],
  ])("refuses a malformed %s (%s)", (name, value, message) => {
    expect(() => loadConfig({ ...VALID, [name]: value })).toThrow(message);
  });

  it("counts the consumer secret and the Chainhooks API key as secrets", () => {
    const config = loadConfig({
      ...VALID,
      EVENT_SOURCE: "chainhooks",
      CHAINHOOKS_CONSUMER_SECRET: "consumer-secret-0123456789",
      CHAINHOOKS_API_KEY: "chainhooks-key-1",
    });
    expect(secretsOf(config)).toEqual([VALID.DISCORD_TOKEN, "consumer-secret-0123456789", "chainhooks-key-1"]);
  });

  it.each([["mysql://u:p@db/name"], ["postgres://u:p@db"], ["not a url"]])(
    "refuses a DATABASE_URL that is not a postgres:// URL with a database (%s)",
    (value) => {
      expect(() => loadConfig({ ...VALID, DATABASE_URL: value })).toThrow(
        "DATABASE_URL must be a postgres:// URL with a database name",
      );
    },
  );

  it("takes Postgres from DATABASE_URL and counts its password as a secret", () => {
    const config = loadConfig({ ...VALID, DATABASE_URL: "postgresql://bot:pg-pass-9876@db.internal:5432/cover" });
    expect(config.databaseUrl).toBe("postgresql://bot:pg-pass-9876@db.internal:5432/cover");
    expect(secretsOf(config)).toContain("pg-pass-9876");
    expect(loadConfig({ ...VALID, DATABASE_URL: "" }).databaseUrl).toBeUndefined();
  });

  it("runs as one process unless SHARD_COUNT says otherwise, which needs Postgres and polling", () => {
    expect(loadConfig(VALID).sharding).toEqual({ count: 1, ids: undefined });
    const pg = { ...VALID, DATABASE_URL: "postgres://bot:pw@db.internal:5432/cover" };
    expect(loadConfig({ ...pg, SHARD_COUNT: "4" }).sharding).toEqual({ count: 4, ids: undefined });
    expect(loadConfig({ ...pg, SHARD_COUNT: "auto" }).sharding.count).toBe("auto");
    // What discord.js's ShardingManager sets for a shard it starts.
    expect(loadConfig({ ...pg, SHARD_COUNT: "4", SHARDS: "2" }).sharding).toEqual({ count: 4, ids: [2] });
    expect(loadConfig({ ...pg, SHARD_COUNT: "4", SHARDS: "[1,3]" }).sharding.ids).toEqual([1, 3]);
    expect(() => loadConfig({ ...VALID, SHARD_COUNT: "4" })).toThrow(/^SHARD_COUNT needs DATABASE_URL/);
    expect(() =>
      loadConfig({ ...pg, SHARD_COUNT: "2", EVENT_SOURCE: "chainhooks", CHAINHOOKS_CONSUMER_SECRET: "s".repeat(32) }),
    ).toThrow(/^SHARD_COUNT above 1 needs EVENT_SOURCE=polling/);
    for (const bad of ["0", "-1", "1.5", "many", "1001"])
      expect(() => loadConfig({ ...pg, SHARD_COUNT: bad })).toThrow(
        "SHARD_COUNT must be auto, or a whole number of shards from 1 to 1000",
      );
    expect(() => loadConfig({ ...pg, SHARDS: "zero" })).toThrow(/^SHARDS must be the shard ids/);
  });

  it("knows which values are secrets", () => {
    const config = loadConfig({ ...VALID, STACKS_API_KEY: "hiro-key-123456", KEEPER_PRIVATE_KEY: "a".repeat(64) });
    expect(secretsOf(config)).toEqual([VALID.DISCORD_TOKEN, "hiro-key-123456", "a".repeat(64)]);
  });
});

/** Starts `npm start`'s entry point with only the given variables (and no .env), and collects its output. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: { PATH: process.env.PATH ?? "", DOTENV_PATH: "/nonexistent/.env", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("start-up with bad settings", () => {
  it.each([
    [
      { DISCORD_APPLICATION_ID: VALID.DISCORD_APPLICATION_ID, CONTRACT_DEPLOYER: VALID.CONTRACT_DEPLOYER },
      "DISCORD_TOKEN is required: the bot token from the Discord developer portal",
    ],
    [
      { DISCORD_TOKEN: VALID.DISCORD_TOKEN, CONTRACT_DEPLOYER: VALID.CONTRACT_DEPLOYER },
      "DISCORD_APPLICATION_ID is required: the application id from the Discord developer portal",
    ],
    [
      { DISCORD_TOKEN: VALID.DISCORD_TOKEN, DISCORD_APPLICATION_ID: VALID.DISCORD_APPLICATION_ID },
      "CONTRACT_DEPLOYER is required: the Stacks address that deployed the contracts",
    ],
    [
      { ...VALID, STACKS_NETWORK: "moonnet" },
      "STACKS_NETWORK must be mainnet, testnet or devnet (where to connect is STACKS_API_URL)",
    ],
    [
      { ...VALID, EVENT_SOURCE: "chainhooks" },
      "CHAINHOOKS_CONSUMER_SECRET is required when EVENT_SOURCE is chainhooks: the consumer secret Chainhooks " +
        "sends as Authorization: Bearer <secret> (npm run chainhooks:register -- --rotate-secret makes one)",
    ],
    [
      { ...VALID, STACKS_API_REQUESTS_PER_MINUTE: "none" },
      "STACKS_API_REQUESTS_PER_MINUTE must be a whole number of requests a minute, from 1 to 100000",
    ],
  ])("exits non-zero with one line naming the variable (%#)", async (env, message) => {
    const { code, stderr } = await start(env);
    expect(code).toBe(78);
    expect(stderr.trim().split("\n")).toEqual([`Configuration error: ${message}. See .env.example.`]);
    expect(stderr).not.toContain(VALID.DISCORD_TOKEN);
  });
});
