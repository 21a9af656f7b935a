import { z } from "zod";
import { privateKeyToPublic, validateStacksAddress } from "@stacks/transactions";
import { isBareOrigin, urlSecrets } from "./redact";
import { CHAINHOOKS_PATH } from "./watcher/chainhooks";

/**
 * The bot's configuration, read from the environment (a local `.env` is loaded by the entry points)
 * and validated at start-up. A missing or malformed value stops start-up with one line that names the
 * variable and says what is expected. Every variable is documented in `.env.example`.
 */

const NETWORK_URLS = {
  mainnet: "https://api.mainnet.hiro.so",
  testnet: "https://api.testnet.hiro.so",
  devnet: "http://127.0.0.1:3999",
} as const;
const EXPLORER_CHAINS = { mainnet: "mainnet", testnet: "testnet", devnet: "devnet" } as const;

/** The exit code for a configuration error (EX_CONFIG in sysexits.h). */
export const EX_CONFIG = 78;
// The defaults of the settings below; the parts of the bot that take these settings default to them too.
export const DEFAULT_CHAIN_TIMEOUT_MS = 8_000;
export const DEFAULT_STARTUP_ATTEMPTS = 8;
export const DEFAULT_EVENT_POLL_MS = 30_000;
export const DEFAULT_EDIT_WINDOW_MS = 2_000;
/** With EVENT_SOURCE=chainhooks the poller is only a safety net: it looks every ten minutes. */
export const DEFAULT_CHAINHOOKS_SAFETY_POLL_MS = 600_000;
const DEFAULT_WEB_PORT = 8787;
/** The most a keeper call may pay in fees by default: 0.1 STX, some hundred times a normal call's fee. */
const DEFAULT_KEEPER_MAX_FEE_USTX = 100_000n;
const MAX_STARTUP_ATTEMPTS = 20;
const PORT_MAX = 65_535;
/** Far below a real token's length: refuses only what cannot be one. */
const TOKEN_MIN_LENGTH = 20;
const API_KEY_MIN_LENGTH = 8;
/** A consumer secret shorter than this could be guessed. */
const CONSUMER_SECRET_MIN_LENGTH = 16;
/**
 * Request units a minute the bot spends on the Stacks API by default (bot/chain/request-budget.ts):
 * with its burst of 12 s, no minute carries more than 48, under Hiro's 50 without an API key. With
 * STACKS_API_KEY, 400 is the suggestion (480 at most in a minute, under Hiro's 500 with a key).
 */
export const DEFAULT_REQUESTS_PER_MINUTE = 40;
const MAX_REQUESTS_PER_MINUTE = 100_000;
/** Far more than any bot needs (a shard per 1,000 servers); a typo such as 40000 is refused. */
const MAX_SHARDS = 1_000;
const SHARD_COUNT_EXPECTED = `auto, or a whole number of shards from 1 to ${MAX_SHARDS}`;
/** The shortest timeout or interval accepted. */
const MIN_INTERVAL_MS = 100;

const snowflake = z.string().regex(/^\d{17,20}$/, "a Discord id (17 to 20 digits)");
const httpUrl = z.string().refine((v) => {
  try {
    return ["http:", "https:"].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, "an http(s) URL");
/** A URL that is published in every explorer link, so it must carry no credentials. */
const publicHttpUrl = httpUrl.refine((v) => {
  const u = new URL(v);
  return !u.username && !u.password && !u.search;
}, "a public http(s) URL (no user:password@ and no query: it is published in explorer links)");
/** The regex admits 2^256 values; only 1 to n-1 (the secp256k1 order) are keys, so zero or n itself are refused here, not when signing. */
const privateKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}(01)?$/, "a 64-character hex private key (optionally ending in 01)")
  .refine((v) => {
    try {
      privateKeyToPublic(v);
      return true;
    } catch {
      return false;
    }
  }, "a valid secp256k1 private key (not zero, and below the curve order)");
/** A URL with no user:password@ part: such a part is a credential, and fetch refuses it. */
const withoutUserInfo = (url: z.ZodType<string>, message: string) =>
  url.refine((v) => {
    try {
      const u = new URL(v);
      return !u.username && !u.password;
    } catch {
      return true; // said by the http(s) URL check
    }
  }, message);
/** The reminder marks by default: a day and an hour before a claim's vote closes. */
export const DEFAULT_REMINDER_HOURS = [24, 1];
/** A week: a mark further out than the longest vote would never fire. */
const MAX_REMINDER_HOURS = 168;
const REMINDER_HOURS_EXPECTED = `hours before a vote closes, whole numbers from 1 to ${MAX_REMINDER_HOURS} separated by commas (24,1)`;
const reminderHours = z
  .string()
  .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, REMINDER_HOURS_EXPECTED)
  .transform((v) => [...new Set(v.split(",").map((h) => Number(h.trim())))].sort((a, b) => b - a))
  .refine((hours) => hours.every((h) => h >= 1 && h <= MAX_REMINDER_HOURS), REMINDER_HOURS_EXPECTED)
  .optional();
const milliseconds = (fallback: number) =>
  z.coerce.number().int("a whole number of milliseconds").min(MIN_INTERVAL_MS, "at least 100 ms").default(fallback);

const schema = z.object({
  DISCORD_TOKEN: z.string().min(TOKEN_MIN_LENGTH, "the bot token from the Discord developer portal"),
  DISCORD_APPLICATION_ID: snowflake,
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: httpUrl.optional(),
  OPERATIONS_CHANNEL_ID: snowflake.optional(),
  // The network decides chain id, address version, wallets' network, the SIP-018 domain and explorer links;
  // never inferred from where the API is.
  STACKS_NETWORK: z
    .enum(["mainnet", "testnet", "devnet"], "mainnet, testnet or devnet (where to connect is STACKS_API_URL)")
    .default("devnet"),
  STACKS_API_URL: httpUrl
    // fetch refuses such a URL outright, and would put the password in its error message.
    .refine((v) => {
      try {
        const u = new URL(v);
        return !u.username && !u.password;
      } catch {
        return true; // said by the http(s) URL check above
      }
    }, "a URL without user:password@ (fetch cannot send it; use STACKS_API_KEY, or the provider's key in the path or query)")
    .optional(),
  STACKS_API_KEY: z.string().min(API_KEY_MIN_LENGTH, "a Hiro API key").optional(),
  STACKS_API_REQUESTS_PER_MINUTE: z.coerce
    .number("a whole number of requests a minute, from 1 to 100000")
    .int("a whole number of requests a minute, from 1 to 100000")
    .min(1, "a whole number of requests a minute, from 1 to 100000")
    .max(MAX_REQUESTS_PER_MINUTE, "a whole number of requests a minute, from 1 to 100000")
    .default(DEFAULT_REQUESTS_PER_MINUTE),
  CONTRACT_DEPLOYER: z
    .string()
    .refine((v) => validateStacksAddress(v), "the Stacks address that deployed the contracts"),
  WEB_BASE_URL: httpUrl.default("http://127.0.0.1:8787"),
  WEB_PORT: z.coerce
    .number()
    .int("a port number (0-65535)")
    .min(0, "a port number (0-65535)")
    .max(PORT_MAX, "a port number (0-65535)")
    .default(DEFAULT_WEB_PORT),
  EXPLORER_API_URL: publicHttpUrl.optional(),
  KEEPER_PRIVATE_KEY: privateKey.optional(),
  KEEPER_MAX_FEE_USTX: z.coerce
    .bigint("a whole number of micro-STX, at least 1")
    .min(1n, "a whole number of micro-STX, at least 1")
    .default(DEFAULT_KEEPER_MAX_FEE_USTX),
  DATABASE_PATH: z.string().min(1, "a file path").default("data/bot.sqlite"),
  DATABASE_URL: z
    .string()
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.pathname.length > 1;
      } catch {
        return false;
      }
    }, "a postgres:// URL with a database name (postgres://user:password@host:5432/name)")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CHAIN_TIMEOUT_MS: milliseconds(DEFAULT_CHAIN_TIMEOUT_MS),
  CHAIN_STARTUP_ATTEMPTS: z.coerce
    .number()
    .int("a whole number from 1 to 20")
    .min(1, "a whole number from 1 to 20")
    .max(MAX_STARTUP_ATTEMPTS, "a whole number from 1 to 20")
    .default(DEFAULT_STARTUP_ATTEMPTS),
  EVENT_POLL_MS: milliseconds(DEFAULT_EVENT_POLL_MS),
  EDIT_WINDOW_MS: milliseconds(DEFAULT_EDIT_WINDOW_MS),
  REMINDER_HOURS: reminderHours,
  EVENT_SOURCE: z.enum(["polling", "chainhooks"], "polling or chainhooks").default("polling"),
  CHAINHOOKS_CONSUMER_SECRET: z
    .string()
    .min(CONSUMER_SECRET_MIN_LENGTH, "the consumer secret from Hiro's Chainhooks (at least 16 characters)")
    .optional(),
  CHAINHOOKS_WEBHOOK_URL: withoutUserInfo(
    httpUrl,
    "an http(s) URL without user:password@ (deliveries are authenticated by CHAINHOOKS_CONSUMER_SECRET)",
  ).optional(),
  CHAINHOOKS_API_URL: withoutUserInfo(
    httpUrl,
    "an http(s) URL without user:password@ (use CHAINHOOKS_API_KEY)",
  ).optional(),
  CHAINHOOKS_API_KEY: z.string().min(API_KEY_MIN_LENGTH, "a Hiro API key").optional(),
  CHAINHOOKS_SAFETY_POLL_MS: milliseconds(DEFAULT_CHAINHOOKS_SAFETY_POLL_MS),
  SHARD_COUNT: z
    .union(
      [
        z.literal("auto"),
        z.coerce
          .number(SHARD_COUNT_EXPECTED)
          .int(SHARD_COUNT_EXPECTED)
          .min(1, SHARD_COUNT_EXPECTED)
          .max(MAX_SHARDS, SHARD_COUNT_EXPECTED),
      ],
      SHARD_COUNT_EXPECTED,
    )
    .default(1),
  // Set by discord.js's ShardingManager for each shard it starts: the shards that process runs.
  SHARDS: z
    .string()
    .regex(/^\d+$|^\[\d+(,\d+)*\]$/, "the shard ids discord.js's ShardingManager sets (do not set it yourself)")
    .optional(),
});

/** Every variable the bot reads (DOTENV_PATH is read before the others, by bot/env.ts). */
export const CONFIG_VARIABLES = [...Object.keys(schema.shape), "DOTENV_PATH"];

export type Config = {
  discord: {
    token: string;
    applicationId: string;
    guildId?: string;
    apiUrl?: string;
    /** Where the keeper tells operators what it cannot do by itself (funding, fees, a stuck mempool). */
    operationsChannelId?: string;
  };
  stacks: {
    network: "mainnet" | "testnet" | "devnet";
    apiUrl: string;
    apiKey?: string;
    deployer: string;
    explorerChain: "mainnet" | "testnet" | "devnet";
    timeoutMs: number;
    /** The API explorer links name (`api=`), or none: explorer links are public, the chain API URL may not be. */
    explorerApiUrl?: string;
    /** How many times start-up tries to reach the chain before giving up. */
    startupAttempts?: number;
    /** The request budget's units a minute (a read-only call weighs 2, a broadcast 3, a GET 1). */
    requestsPerMinute?: number;
  };
  web: { baseUrl: string; port: number };
  keeperKey?: string;
  /** Above this fee estimate (micro-STX) the keeper signs nothing. */
  keeperMaxFee: bigint;
  databasePath: string;
  /** Postgres instead of the SQLite file at databasePath, when set (docs/operations.md). */
  databaseUrl?: string;
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  events: { pollMs: number; editWindowMs: number; source: "polling" | "chainhooks" };
  /** How many hours before a claim's vote closes its reminders go out (REMINDER_HOURS), largest first. */
  reminders: { hours: number[] };
  /**
   * The push path (docs/architecture.md): the consumer secret deliveries must carry (required with
   * EVENT_SOURCE=chainhooks), the URL the hook posts to, the poller's safety-net interval in that mode, and
   * what `npm run chainhooks:register` needs (the Chainhooks API, unset on devnet, and a Hiro API key).
   */
  /**
   * How many shards the bot runs as (SHARD_COUNT: 1, a number, or "auto" for Discord's recommendation), and
   * which of them this process is (set by the sharding manager for the processes it starts).
   */
  sharding: { count: number | "auto"; ids?: number[] };
  chainhooks: {
    consumerSecret?: string;
    webhookUrl: string;
    safetyPollMs: number;
    apiUrl?: string;
    apiKey?: string;
  };
};

export class ConfigError extends Error {}

/** Empty strings count as unset, as in most .env files. */
function clean(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")) as Record<
    string,
    string
  >;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(clean(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const expected =
      issue.code === "invalid_type" && clean(env)[name] === undefined
        ? `is required: ${describe(name)}`
        : `must be ${issue.message}`;
    throw new ConfigError(`${name} ${expected}`);
  }
  const c = parsed.data;
  const network = c.STACKS_NETWORK;
  const apiUrl = (c.STACKS_API_URL ?? NETWORK_URLS[network]).replace(/\/$/, "");
  const deployerIsMainnet = c.CONTRACT_DEPLOYER.startsWith("SP") || c.CONTRACT_DEPLOYER.startsWith("SM");
  if (network === "mainnet" && !deployerIsMainnet)
    throw new ConfigError("CONTRACT_DEPLOYER must be a mainnet address (SP…) when STACKS_NETWORK is mainnet");
  if (network !== "mainnet" && deployerIsMainnet) {
    throw new ConfigError(`CONTRACT_DEPLOYER must be a testnet address (ST…) when STACKS_NETWORK is ${network}`);
  }
  return {
    discord: {
      token: c.DISCORD_TOKEN,
      applicationId: c.DISCORD_APPLICATION_ID,
      guildId: c.DISCORD_GUILD_ID,
      apiUrl: c.DISCORD_API_URL,
      operationsChannelId: c.OPERATIONS_CHANNEL_ID,
    },
    stacks: {
      network,
      apiUrl,
      apiKey: c.STACKS_API_KEY,
      deployer: c.CONTRACT_DEPLOYER,
      timeoutMs: c.CHAIN_TIMEOUT_MS,
      explorerChain: EXPLORER_CHAINS[network],
      explorerApiUrl: explorerApi(network, apiUrl, c.EXPLORER_API_URL),
      startupAttempts: c.CHAIN_STARTUP_ATTEMPTS,
      requestsPerMinute: c.STACKS_API_REQUESTS_PER_MINUTE,
    },
    web: { baseUrl: c.WEB_BASE_URL.replace(/\/$/, ""), port: c.WEB_PORT },
    keeperKey: c.KEEPER_PRIVATE_KEY,
    keeperMaxFee: c.KEEPER_MAX_FEE_USTX,
    databasePath: c.DATABASE_PATH,
    databaseUrl: c.DATABASE_URL,
    logLevel: c.LOG_LEVEL,
    events: { pollMs: c.EVENT_POLL_MS, editWindowMs: c.EDIT_WINDOW_MS, source: c.EVENT_SOURCE },
    reminders: { hours: c.REMINDER_HOURS ?? DEFAULT_REMINDER_HOURS },
    chainhooks: chainhooksSettings(c),
    sharding: shardingSettings(c),
  };
}

/** Shards share their state in Postgres and elect one process to read the chain; SQLite is one process's file. */
function shardingSettings(c: z.infer<typeof schema>): Config["sharding"] {
  const count = c.SHARD_COUNT;
  if (count !== 1 && !c.DATABASE_URL)
    throw new ConfigError(
      "SHARD_COUNT needs DATABASE_URL: shards share their state in Postgres (with the SQLite file at DATABASE_PATH the bot is one process; leave SHARD_COUNT at 1)",
    );
  if (count !== 1 && c.EVENT_SOURCE === "chainhooks")
    throw new ConfigError(
      "SHARD_COUNT above 1 needs EVENT_SOURCE=polling: Chainhooks delivers to one process, and a sharded bot's ingestion leader changes",
    );
  const ids = c.SHARDS === undefined ? undefined : [JSON.parse(c.SHARDS) as number | number[]].flat();
  return { count, ids };
}

function chainhooksSettings(c: z.infer<typeof schema>): Config["chainhooks"] {
  if (c.EVENT_SOURCE === "chainhooks" && !c.CHAINHOOKS_CONSUMER_SECRET) {
    throw new ConfigError(
      "CHAINHOOKS_CONSUMER_SECRET is required when EVENT_SOURCE is chainhooks: the consumer secret Chainhooks " +
        "sends as Authorization: Bearer <secret> (npm run chainhooks:register -- --rotate-secret makes one)",
    );
  }
  const network = c.STACKS_NETWORK;
  return {
    consumerSecret: c.CHAINHOOKS_CONSUMER_SECRET,
    webhookUrl: c.CHAINHOOKS_WEBHOOK_URL ?? `${c.WEB_BASE_URL.replace(/\/$/, "")}${CHAINHOOKS_PATH}`,
    safetyPollMs: c.CHAINHOOKS_SAFETY_POLL_MS,
    // Hiro's Chainhooks serves mainnet and testnet on the hosts of their APIs (the client package's
    // CHAINHOOKS_BASE_URL, not imported here: only registration loads the client); there is none for a devnet.
    apiUrl: (c.CHAINHOOKS_API_URL ?? (network === "devnet" ? undefined : NETWORK_URLS[network]))?.replace(/\/$/, ""),
    apiKey: c.CHAINHOOKS_API_KEY,
  };
}

function describe(name: string): string {
  return (
    (
      {
        DISCORD_TOKEN: "the bot token from the Discord developer portal",
        DISCORD_APPLICATION_ID: "the application id from the Discord developer portal",
        CONTRACT_DEPLOYER: "the Stacks address that deployed the contracts",
      } as Record<string, string>
    )[name] ?? "see .env.example"
  );
}

/**
 * The API named in explorer links. EXPLORER_API_URL when set. Otherwise only a local devnet chain (a bare
 * http://127.0.0.1:port, localhost or [::1] origin, as devnet is): any other chain URL may carry a key
 * (in its path, query, user name or even its host name) and is never published, so links show the
 * public network instead.
 */
function explorerApi(network: Config["stacks"]["network"], apiUrl: string, explicit?: string): string | undefined {
  if (explicit) return explicit.replace(/\/$/, "");
  if (network === "mainnet" || network === "testnet") return undefined;
  const host = new URL(apiUrl).hostname;
  return ["127.0.0.1", "localhost", "[::1]"].includes(host) && isBareOrigin(apiUrl) ? apiUrl : undefined;
}

/** Values that must never reach a log line: the token, the keys, the consumer secret, and whatever in an API URL may be a key. */
export function secretsOf(config: Config): string[] {
  return [
    config.discord.token,
    config.stacks.apiKey,
    config.keeperKey,
    config.chainhooks.consumerSecret,
    config.chainhooks.apiKey,
    ...urlSecrets(config.stacks.apiUrl),
    ...urlSecrets(config.discord.apiUrl),
    ...(config.databaseUrl ? urlSecrets(config.databaseUrl) : []),
  ].filter((s): s is string => Boolean(s));
}
