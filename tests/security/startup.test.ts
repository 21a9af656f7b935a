import { describe, it, expect } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, ConfigError } from "../../bot/config";
import { openStore } from "../../bot/storage/open-store";
import { waitForChain } from "../../bot/chain/wait-for-chain";
import { ChainUnavailableError } from "../../bot/chain/stacks-client";
import { startLocalStacksApi } from "../../devnet/server";
import { startLocalDiscord } from "../../devnet/local-discord";

const VALID = {
  DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.0123456789abcdefghij",
  DISCORD_APPLICATION_ID: "123456789012345678",
  CONTRACT_DEPLOYER: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM",
};
/** The order of secp256k1: valid private keys are 1 to N - 1. */
const N = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";
const KEY_MESSAGE = "KEEPER_PRIVATE_KEY must be a valid secp256k1 private key (not zero, and below the curve order)";

const scratch = () => mkdtempSync(join(tmpdir(), "startup-"));

/** `npm start`'s entry point with only these variables (no .env); its exit code, stderr and how long it ran. */
function start(
  env: Record<string, string>,
  killAfterMs = 30_000,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      // Never the real Discord, whatever goes wrong: nothing listens on port 9.
      env: {
        PATH: process.env.PATH ?? "",
        DOTENV_PATH: "/nonexistent/.env",
        DISCORD_API_URL: "http://127.0.0.1:9/api",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("a keeper key that matches the pattern but is no key", () => {
  it.each([
    ["zero", "0".repeat(64)],
    ["the curve order", N],
    ["above the curve order", "f".repeat(64)],
    ["zero, compressed", `${"0".repeat(64)}01`],
  ])("refuses %s, naming KEEPER_PRIVATE_KEY", (_name, key) => {
    expect(() => loadConfig({ ...VALID, KEEPER_PRIVATE_KEY: key })).toThrow(new ConfigError(KEY_MESSAGE));
  });

  it("accepts the largest key, one below the curve order, with or without the 01 suffix", () => {
    const largest = `${N.slice(0, -2)}40`;
    expect(loadConfig({ ...VALID, KEEPER_PRIVATE_KEY: largest }).keeperKey).toBe(largest);
    expect(loadConfig({ ...VALID, KEEPER_PRIVATE_KEY: `${"0".repeat(63)}101` }).keeperKey).toBe(`${"0".repeat(63)}101`);
  });

  it("stops npm start with exit 78 and one line, without the key", async () => {
    const { code, stderr } = await start({ ...VALID, KEEPER_PRIVATE_KEY: "0".repeat(64) });
    expect(code).toBe(78);
    expect(stderr.trim().split("\n")).toEqual([`Configuration error: ${KEY_MESSAGE}. See .env.example.`]);
  });
});

describe("a database path the bot cannot write", () => {
  it("is refused before anything connects: a path under a regular file, or a folder", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "file"), "not a folder");
    await expect(openStore({ path: join(dir, "file", "bot.sqlite") })).rejects.toThrow(
      /^DATABASE_PATH cannot be opened for writing: .*bot\.sqlite \(a folder on its path is a file: E(EXIST|NOTDIR)/,
    );
    await expect(openStore({ path: dir })).rejects.toThrow(
      /^DATABASE_PATH cannot be opened for writing: .* \(SQLITE_CANTOPEN: unable to open database file\)$/,
    );
    const store = await openStore({ path: join(dir, "ok", "bot.sqlite") });
    expect(await store.version()).toBeGreaterThan(0);
    await store.close();
  });

  it("stops npm start with exit 78 and one line naming DATABASE_PATH", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "file"), "not a folder");
    const { code, stderr } = await start({ ...VALID, DATABASE_PATH: join(dir, "file", "bot.sqlite") });
    expect(code).toBe(78);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Configuration error: DATABASE_PATH cannot be opened for writing: .*bot\.sqlite \(a folder on its path is a file: .*\)\. See \.env\.example\.$/,
    );
  });
});

describe("a chain that does not answer at start-up", () => {
  it("is tried the given number of times with doubling pauses, then named in one error", async () => {
    const pauses: number[] = [];
    let calls = 0;
    const refuse = (async () => {
      calls += 1;
      throw new ChainUnavailableError("connect ECONNREFUSED 127.0.0.1:9");
    }) as unknown as typeof fetch;
    await expect(
      waitForChain({
        fetch: refuse,
        apiUrl: "http://127.0.0.1:9",
        attempts: 4,
        baseDelayMs: 5,
        maxDelayMs: 12,
        onRetry: ({ delayMs }) => pauses.push(delayMs),
      }),
    ).rejects.toThrow(
      new ConfigError(
        "STACKS_API_URL is unreachable: http://127.0.0.1:9 did not answer 4 attempts (connect ECONNREFUSED 127.0.0.1:9)",
      ),
    );
    expect(calls).toBe(4);
    expect(pauses).toEqual([5, 10, 12]);
  });

  it("is waited for when it comes up late, and any answer (even 404) counts as up", async () => {
    let calls = 0;
    const late = (async () => {
      calls += 1;
      if (calls < 3) throw new ChainUnavailableError("HTTP 503");
      return new Response("not here", { status: 404 });
    }) as unknown as typeof fetch;
    await waitForChain({ fetch: late, apiUrl: "http://127.0.0.1:9", attempts: 5, baseDelayMs: 1 });
    expect(calls).toBe(3);
  });

  it("names the URL without the key it carries", async () => {
    const refuse = (async () => {
      throw new ChainUnavailableError("no answer within 100 ms");
    }) as unknown as typeof fetch;
    const error = await waitForChain({
      fetch: refuse,
      apiUrl: "https://node.example/v1/pk9f3a2b7c4d1e8f6a5b",
      attempts: 1,
    }).catch((e: Error) => e);
    expect(String(error)).toContain(
      "STACKS_API_URL is unreachable: https://node.example/[redacted] did not answer 1 attempt",
    );
    expect(String(error)).not.toContain("pk9f3a2b7c4d1e8f6a5b");
  });

  it("stops npm start after a few quick attempts with exit 78 and one line naming STACKS_API_URL", async () => {
    const port = await closedPort();
    const { code, stderr, stdout } = await start({
      ...VALID,
      STACKS_API_URL: `http://127.0.0.1:${port}`,
      CHAIN_STARTUP_ATTEMPTS: "3",
      CHAIN_TIMEOUT_MS: "500",
      DATABASE_PATH: join(scratch(), "bot.sqlite"),
      WEB_PORT: "0",
    });
    expect(code).toBe(78);
    expect(stderr.trim().split("\n")).toEqual([
      `Configuration error: STACKS_API_URL is unreachable: http://127.0.0.1:${port} did not answer 3 attempts` +
        ` (connect ECONNREFUSED 127.0.0.1:${port}). See .env.example.`,
    ]);
    // Three attempts, two pauses between them, then it stops: bounded by attempts, not by a clock.
    expect(stdout.match(/not reachable yet; retrying/g)).toHaveLength(2);
  });

  it("prints a keyed STACKS_API_URL by its origin alone, in the start-up log and in the error line", async () => {
    const port = await closedPort();
    const [pathKey, queryKey] = ["pk9f3a2b7c4d1e8f6a5b", "qk1122334455667788"];
    const { code, stderr, stdout } = await start({
      ...VALID,
      STACKS_API_URL: `http://127.0.0.1:${port}/v1/${pathKey}?apikey=${queryKey}`,
      CHAIN_STARTUP_ATTEMPTS: "1",
      DATABASE_PATH: join(scratch(), "bot.sqlite"),
      WEB_PORT: "0",
    });
    expect(code).toBe(78);
    expect(JSON.parse(stdout.split("\n")[0]!)).toMatchObject({
      msg: "starting",
      api: `http://127.0.0.1:${port}/[redacted]?[redacted]`,
    });
    expect(stderr).toContain(
      `STACKS_API_URL is unreachable: http://127.0.0.1:${port}/[redacted]?[redacted] did not answer 1 attempt`,
    );
    for (const key of [pathKey, queryKey]) expect(stdout + stderr).not.toContain(key);
  });
});

describe("a Discord token that Discord refuses", () => {
  it("stops npm start with exit 78 and one line naming DISCORD_TOKEN, without the token", async () => {
    const api = await startLocalStacksApi();
    const discord = await startLocalDiscord({ token: "MTExMTExMTExMTExMTExMTEx.right.0123456789abcdefghijklmn" });
    try {
      const { code, stderr, stdout } = await start({
        ...VALID,
        STACKS_API_URL: api.url,
        DISCORD_API_URL: discord.api,
        DISCORD_APPLICATION_ID: discord.applicationId,
        CONTRACT_DEPLOYER: api.chain.deployer,
        DATABASE_PATH: join(scratch(), "bot.sqlite"),
        WEB_PORT: "0",
      });
      expect(code).toBe(78);
      expect(stderr.trim().split("\n")).toEqual([
        "Configuration error: DISCORD_TOKEN was refused by Discord (401 Unauthorized): copy the " +
          "bot's token again from the Developer Portal (Bot, Reset Token). See .env.example.",
      ]);
      expect(stdout + stderr).not.toContain(VALID.DISCORD_TOKEN.split(".")[2]);
    } finally {
      await discord.stop();
      await api.close();
    }
  });
});
