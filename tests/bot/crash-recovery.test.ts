import { localBotEnv } from "../../scripts/lib/local-env";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Cl,
  PostConditionMode,
  broadcastTransaction,
  makeContractCall,
  privateKeyToAddress,
} from "@stacks/transactions";
import type { APIEmbed } from "discord-api-types/v10";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { Protocol, actors, seedCoverScenario, STX } from "../../devnet/scenario";
import { startLocalDiscord, type LocalDiscord } from "../../devnet/local-discord";
import { BOT_TOKEN } from "./harness";
import { testDatabase } from "../support/test-store";

// Ten alerts, so that catching up (one paced edit per alert) stays short; most events are votes.
const CLAIMS = 10;
const VOTERS = 48; // 10 purchases + 10 claims + 10 x 48 votes = 500 events
const KILLS = 10;
let api: LocalStacksApi;
let discord: LocalDiscord;
let p: Protocol;
let env: Record<string, string>;
let bot: ChildProcess | undefined;
let starts = 0;

const voters = Array.from({ length: VOTERS }, (_v, i) => {
  const privateKey = `${(i + 5000).toString(16).padStart(64, "0")}01`;
  return { privateKey, address: privateKeyToAddress(privateKey, "testnet") };
});

/** The bot as its own process, as `npm start` runs it. Resolves once it is watching events. */
function startBot(waitReady: boolean): Promise<void> {
  starts += 1;
  const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  bot = child;
  if (!waitReady) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += String(d);
      if (out.includes("watching contract events")) resolve();
    });
    child.on("exit", (code, signal) => reject(new Error(`bot exited (${code ?? signal}) before it was ready: ${out}`)));
  });
}

function kill() {
  bot?.kill("SIGKILL");
  bot = undefined;
}

/** A small seeded PRNG so the kill points are random but the same on every run. */
function rng(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const tally = (embed: APIEmbed | undefined) => embed?.fields?.find((f) => f.name === "Tally")?.value;

beforeAll(async () => {
  api = await startLocalStacksApi();
  discord = await startLocalDiscord({ token: BOT_TOKEN });
  p = new Protocol(networkFor(api.url), api.chain.deployer);
  await seedCoverScenario(p, actors(api.chain.accounts));
  for (const v of voters) {
    await fetch(`${api.url}/devnet/fund`, {
      method: "POST",
      body: JSON.stringify({ address: v.address, amount: String(2_000n * STX) }),
    });
    await broadcastTransaction({
      network: p.network,
      transaction: await makeContractCall({
        contractAddress: api.chain.deployer,
        contractName: "assessor-staking",
        functionName: "stake",
        functionArgs: [Cl.uint(1_000n * STX)],
        senderKey: v.privateKey,
        network: p.network,
        postConditionMode: PostConditionMode.Allow,
      }),
    });
  }
  env = localBotEnv(
    { api, discord },
    {
      DOTENV_PATH: "/nonexistent/.env",
      DISCORD_TOKEN: BOT_TOKEN,
      LOG_LEVEL: "info",
      DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "crash-")), "bot.sqlite"),
      EVENT_POLL_MS: "300",
      EDIT_WINDOW_MS: "300",
      ...(await testDatabase()),
    },
  );
  const { registerCommands } = await import("../../bot/discord/register-commands");
  const { loadConfig } = await import("../../bot/config");
  await registerCommands(loadConfig(env));
  await startBot(true);
  const admin = discord.addUser("admin", discord.guild, [discord.role("admins").id]);
  const setup = discord.slashCommand(
    "setup",
    [
      { name: "alerts", type: 1, options: [{ name: "channel", type: 7, value: discord.channel("claims").id }] },
    ] as never,
    admin.id,
  );
  await discord.answered(setup);
}, 180_000);
afterAll(async () => {
  kill();
  await discord?.stop();
  await api?.close();
});

describe("a bot killed and restarted during a stream of 500 events", () => {
  it("ends with every alert exactly once and every tally correct", async () => {
    const random = rng(2026);
    const killAt = new Set<number>();
    while (killAt.size < KILLS) killAt.add(Math.floor(random() * 480) + 10);
    let position = 0;
    const step = async (send: () => Promise<unknown>) => {
      await send();
      position += 1;
      if (killAt.has(position)) {
        kill();
        void startBot(false);
      }
    };
    // 10 purchases, then (after the waiting period) 10 claims each followed by its 48 votes.
    for (let i = 0; i < CLAIMS; i++) {
      const quote = await p.quote(1, 1_000n * STX, 60);
      await step(() =>
        p.call(actors(api.chain.accounts).buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
          Cl.uint(1),
          Cl.uint(1_000n * STX),
          Cl.uint(60),
          Cl.uint(quote.premium),
        ]),
      );
    }
    await fetch(`${api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 3 * 86_400 + 7_200 }) });
    for (let c = 1; c <= CLAIMS; c++) {
      await step(() =>
        p.call(actors(api.chain.accounts).buyer, "claims-assessment", "submit-claim", [
          Cl.uint(c + 1),
          Cl.uint(500n * STX),
          Cl.uint(api.chain.time - 600),
          Cl.stringUtf8(`Incident ${c}`),
          Cl.bufferFromHex("ab".repeat(32)),
          Cl.stringAscii("https://evidence.example/x"),
        ]),
      );
      for (const [i, v] of voters.entries()) {
        await step(async () =>
          broadcastTransaction({
            network: p.network,
            transaction: await makeContractCall({
              contractAddress: api.chain.deployer,
              contractName: "claims-assessment",
              functionName: "vote",
              functionArgs: [Cl.uint(c), Cl.bool(i % 3 !== 0)],
              senderKey: v.privateKey,
              network: p.network,
              postConditionMode: PostConditionMode.Deny,
              // Each voter's stake was its nonce 0 and it votes on claims in order: no nonce or fee look-up per vote.
              nonce: BigInt(c),
              fee: 10_000n,
            }),
          }),
        );
      }
    }
    expect(position).toBe(500);
    expect(starts).toBe(KILLS + 1);
    // The last bot catches up: 32 of 48 voters approve with 1,000 STX each.
    const expected = "`███████░░░` 66.7% approve · 33.3% deny\n48 votes, 48,000 weight · approval needs over 60%";
    const claimsChannel = discord.channel("claims").id;
    await discord.waitFor(
      () => {
        const shown = discord.channelMessages(claimsChannel);
        return shown.length === CLAIMS && shown.every((m) => tally(m.embeds[0]) === expected);
      },
      120_000,
      "ten alerts with their final tallies",
    );
    const alerts = discord.channelMessages(claimsChannel);
    expect(alerts.map((m) => m.embeds[0]!.title!.split(" · ")[0]).sort()).toEqual(
      Array.from({ length: CLAIMS }, (_v, i) => `Claim #${i + 1}`).sort(),
    );
    expect(new Set(discord.threads.map((t) => t.id)).size).toBe(discord.threads.length);
    for (let c = 1; c <= CLAIMS; c++) {
      const claim = await p.read("claims-assessment", "get-claim", [Cl.uint(c)]);
      expect([claim!.approveWeight, claim!.denyWeight]).toEqual([32_000n * STX, 16_000n * STX]);
    }
    // Ten restarts and 500 events: about a minute on 2 cores, so twice the default timeout keeps the half-timeout headroom.
  }, 240_000);
});
