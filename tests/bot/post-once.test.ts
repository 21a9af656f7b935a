import { describe, it, expect, beforeEach, afterEach, vi } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Cl } from "@stacks/transactions";
import { startLocalStacksApi, type LocalStacksApi } from "../../devnet/server";
import { networkFor } from "../../devnet/wallet";
import { Protocol, actors, seedCoverScenario, STX } from "../../devnet/scenario";
import { startLocalDiscord, type LocalDiscord } from "../../devnet/local-discord";
import { BOT_TOKEN, configFor } from "./harness";
import type { Config } from "../../bot/config";
import { createLogger } from "../../bot/logger";
import { createBot, type Bot } from "../../bot/app";
import { registerCommands } from "../../bot/discord/register-commands";
import { sendOnce } from "../../bot/discord/post-once";
import type { Store } from "../../bot/storage/store";
import { openTestStore, testDatabase } from "../support/test-store";
import { DiscordAPIError, type Message, type TextChannel } from "discord.js";

// Discord forgets an enforce_nonce nonce after a few minutes; here after 200 ms, and the outage lasts
// five times that. Only the bot's own records can keep the alert single.
const NONCE_WINDOW_MS = 200;
const OUTAGE_MS = 1_000;

/**
 * Between the bot and the local Discord: passes requests through, except that it can let one request
 * reach Discord and then lose its answer (the socket dies, as in a crash or a network cut), and stay
 * down for a while after (every request meanwhile fails the same way).
 */
class FlakyLink {
  private server!: Server;
  private downUntil = 0;
  private loseNext?: (req: IncomingMessage) => boolean;
  lost = 0;

  constructor(private readonly target: () => string) {}

  get api() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  /** The next request matching `which` reaches Discord; its answer is lost, and the link is down for `ms`. */
  loseAnswer(which: (req: IncomingMessage) => boolean, ms: number, onLost: () => void) {
    this.loseNext = (req) => {
      if (!which(req)) return false;
      this.loseNext = undefined;
      this.downUntil = Date.now() + ms;
      this.lost += 1;
      onLost();
      return true;
    };
  }

  async start() {
    this.server = createServer(async (req, res) => {
      if (Date.now() < this.downUntil) return req.socket.destroy();
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)),
      ) as Record<string, string>;
      const upstream = await fetch(`${this.target()}${req.url}`, {
        method: req.method,
        headers,
        body: ["GET", "HEAD"].includes(req.method ?? "GET") ? undefined : Buffer.concat(chunks),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (this.loseNext?.(req)) return req.socket.destroy();
      const out = Object.fromEntries(
        [...upstream.headers].filter(([k]) => !["content-length", "transfer-encoding", "connection"].includes(k)),
      );
      res.writeHead(upstream.status, out).end(body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let api: LocalStacksApi;
let discord: LocalDiscord;
let link: FlakyLink;
let p: Protocol;
let config: Config;
let claims: string;
const bots: Bot[] = [];

/** A bot connected through the flaky link; each call is a new process's worth of bot on the same database. */
async function startBot() {
  const bot = await createBot(config, {
    logger: createLogger({ level: "silent" }),
    editWindowMs: 300,
    pollMs: 300,
    jobs: false,
  });
  bots.push(bot);
  await bot.start();
  await discord.waitFor(() => bot.client.isReady(), 10_000, "the bot to be ready");
  return bot;
}

const alertPosts = () =>
  discord.requests.filter((r) => r.method === "POST" && r.path === `/channels/${claims}/messages`);

async function fileClaim() {
  const who = actors(api.chain.accounts);
  await fetch(`${api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 3 * 86_400 + 7_200 }) });
  await p.call(who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(1),
    Cl.uint(60_000n * STX),
    Cl.uint(api.chain.time - 600),
    Cl.stringUtf8("Reentrancy in the swap router"),
    Cl.bufferFromHex("cd".repeat(32)),
    Cl.stringAscii("https://evidence.example/x"),
  ]);
}

describe("an alert whose answer was lost, then an outage longer than Discord's nonce window", () => {
  beforeEach(async () => {
    api = await startLocalStacksApi();
    discord = await startLocalDiscord({ token: BOT_TOKEN, nonceWindowMs: NONCE_WINDOW_MS });
    link = await new FlakyLink(() => `http://127.0.0.1:${discord.port}`).start();
    p = new Protocol(networkFor(api.url), api.chain.deployer);
    await seedCoverScenario(p, actors(api.chain.accounts));
    config = configFor(api.url, discord, api.chain.deployer, { DISCORD_API_URL: link.api, ...(await testDatabase()) });
    await registerCommands(config);
    claims = discord.channel("claims").id;
    // The alert's post reaches Discord; its answer is lost; Discord stays unreachable past the nonce window.
    link.loseAnswer(
      (req) => req.method === "POST" && req.url === `/api/v10/channels/${claims}/messages`,
      OUTAGE_MS,
      () => discord.dropConnections(),
    );
  }, 120_000);

  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop().catch(() => undefined);
    await link?.stop();
    await discord?.stop();
    await api?.close();
  });

  it("is posted once when the same bot retries after the outage (and its gateway resumed)", async () => {
    const bot = await startBot();
    await bot.ctx.store.updateSettings(discord.guild.id, { alertChannelId: claims });
    await fileClaim();
    await discord.waitFor(() => link.lost === 1, 15_000, "the alert's answer to be lost");
    expect(discord.channelMessages(claims)).toHaveLength(1); // it did reach Discord
    // The bot finds and records its alert (vi.waitUntil: discord.waitFor cannot wait on the store's promises).
    await vi.waitUntil(() => bot.ctx.store.claimMessage(discord.guild.id, 1), { timeout: 15_000, interval: 50 });
    await discord.waitFor(() => discord.threads.length === 1, 10_000, "the alert's thread");
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a few more polls: nothing else is posted
    expect(discord.resumes).toBeGreaterThan(0);
    expect(discord.channelMessages(claims)).toHaveLength(1);
    expect((await bot.ctx.store.claimMessage(discord.guild.id, 1))!.messageId).toBe(
      discord.channelMessages(claims)[0]!.id,
    );
    expect(alertPosts()).toHaveLength(1);
  });

  it("is posted once when a restarted bot replays the claim after the outage", async () => {
    const first = await startBot();
    await first.ctx.store.updateSettings(discord.guild.id, { alertChannelId: claims });
    await fileClaim();
    await discord.waitFor(() => link.lost === 1, 15_000, "the alert's answer to be lost");
    await first.stop(); // as if the process died with the post unrecorded
    bots.splice(bots.indexOf(first), 1);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS + 100));
    const second = await startBot();
    // The restarted bot records the alert.
    await vi.waitUntil(() => second.ctx.store.claimMessage(discord.guild.id, 1), { timeout: 15_000, interval: 50 });
    await discord.waitFor(() => discord.threads.length === 1, 10_000, "the alert's thread");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(discord.channelMessages(claims)).toHaveLength(1);
    expect(discord.channelMessages(claims)[0]!.content).toMatch(/^New claim #1 on \*\*stackswap\*\*/);
    expect(alertPosts()).toHaveLength(1);
  });
});

describe("sendOnce, on its own", () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  /** A new store on this run's engine, closed after the test. */
  const newStore = async () => {
    const store = await openTestStore();
    stores.push(store);
    return store;
  };
  /** A channel that records what is sent and answers history as given. */
  function fakeChannel(history: () => Promise<Message[]>) {
    const sent: unknown[] = [];
    const channel = {
      client: { user: { id: "bot" } },
      messages: {
        fetch: async () => {
          const list = await history();
          return { find: (f: (m: Message) => boolean) => list.find(f) };
        },
      },
      send: async (payload: unknown) => {
        sent.push(payload);
        return { id: `m${sent.length}` } as Message;
      },
    } as unknown as TextChannel;
    return { channel, sent };
  }
  const mine = (content: string) => ({ author: { id: "bot" }, content }) as Message;

  it("posts a first attempt without reading history, with the nonce, and marks the attempt first", async () => {
    const store = await newStore();
    const { channel, sent } = fakeChannel(async () => {
      throw new Error("history must not be read");
    });
    await sendOnce(store, channel, "k", { content: "hello" }, () => true);
    expect(sent).toEqual([{ content: "hello", nonce: expect.stringMatching(/^[0-9a-f]{25}$/), enforceNonce: true }]);
    expect(await store.wasPosted("attempt:k")).toBe(true);
  });

  it("returns the earlier message instead of posting when a retry finds it, and posts when it does not", async () => {
    const store = await newStore();
    await store.markPosted("attempt:k");
    const found = fakeChannel(async () => [
      mine("other"),
      { author: { id: "someone" }, content: "hello" } as Message,
      mine("hello"),
    ]);
    expect(
      (await sendOnce(store, found.channel, "k", { content: "hello" }, (m) => m.content === "hello")).author.id,
    ).toBe("bot");
    expect(found.sent).toHaveLength(0);
    const missing = fakeChannel(async () => [mine("other")]);
    await sendOnce(store, missing.channel, "k", { content: "hello" }, (m) => m.content === "hello");
    expect(missing.sent).toHaveLength(1);
  });

  it("throws when history cannot be read in an outage, but posts when the bot may not read history at all", async () => {
    const store = await newStore();
    await store.markPosted("attempt:k");
    const down = fakeChannel(async () => {
      throw new Error("other side closed");
    });
    await expect(sendOnce(store, down.channel, "k", { content: "hello" }, () => true)).rejects.toThrow(
      "other side closed",
    );
    expect(down.sent).toHaveLength(0);
    const forbidden = fakeChannel(async () => {
      throw new DiscordAPIError(
        { code: 50001, message: "Missing Access" },
        50001,
        403,
        "GET",
        "/channels/1/messages",
        {},
      );
    });
    await sendOnce(store, forbidden.channel, "k", { content: "hello" }, () => true);
    expect(forbidden.sent).toHaveLength(1);
  });
});
