import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { Cl } from "@stacks/transactions";
import { startStack, opt, type Stack } from "../harness";
import { STX } from "../../../devnet/scenario";
import { WATCHED_CONTRACTS } from "../../../bot/app";
import type { ProtocolEvent } from "../../../bot/chain/events";
import { eventKey } from "../../../bot/chain/events";
import type { ChainReads } from "../../../bot/watcher/chain-reads";

/**
 * Chain re-organisations, on the local chain's fork control (POST /devnet/reorg): the last blocks leave the
 * canonical chain with their events (the API's totals shrink), a longer fork takes their place, and some of
 * their transactions may be mined again. Whatever the fork holds, the bot ends with every canonical event
 * handled exactly once and every post it made for an orphaned event marked as dropped.
 */

let s: Stack;
let claims: string;
let feed: string;
/** Per event key: times handled minus times rolled back, since the bot started. */
let net: Map<string, number>;
let baseline: Set<string>;

const DROPPED = "⚠️ **Dropped by a chain re-organisation.**";
const waitFor = <T>(what: string, f: () => T | undefined | false) => s.discord.waitFor(f, 20_000, what);

/** The canonical events of the watched contracts, as the local API serves them. */
function canonicalKeys(): string[] {
  return WATCHED_CONTRACTS.flatMap((name) => {
    const contractId = `${s.api.chain.deployer}.${name}`;
    return s.api.chain.logsOf(contractId).map((e) => `${contractId}:${e.txid}:${e.eventIndex}`);
  });
}
const newCanonical = () => canonicalKeys().filter((k) => !baseline.has(k));

beforeEach(async () => {
  s = await startStack();
  claims = s.discord.channel("claims").id;
  feed = s.discord.channel("pool-reports").id;
  const admin = s.member("admin", [s.discord.role("admins").id]);
  await s.run("setup", [opt.sub("alerts", [opt.channel("channel", claims)])], admin);
  await s.run("setup", [opt.sub("feed", [opt.channel("channel", feed)])], admin);
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(100_000n * STX)]);
  // Past the policy's waiting period and the stake's warm-up, as in the claim lifecycle.
  await fetch(`${s.api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 3 * 86_400 + 7_200 }) });
  // Everything so far handled before counting starts (the stake's event among them).
  await s.indexed();
  baseline = new Set(canonicalKeys());
  net = new Map();
  const feedHandlers = s.bot.feed;
  const handle = feedHandlers.handle.bind(feedHandlers);
  const rollback = feedHandlers.rollback.bind(feedHandlers);
  const count = (e: ProtocolEvent, by: number) => net.set(eventKey(e), (net.get(eventKey(e)) ?? 0) + by);
  feedHandlers.handle = async (e) => {
    await handle(e);
    count(e, 1);
  };
  feedHandlers.rollback = async (e) => {
    await rollback(e);
    count(e, -1);
  };
}, 90_000);
afterEach(async () => s?.stop());

function fileClaim() {
  return s.p.call(s.who.buyer, "claims-assessment", "submit-claim", [
    Cl.uint(s.seeded.policyId),
    Cl.uint(10_000n * STX),
    Cl.uint(s.api.chain.time - 600),
    Cl.stringUtf8("Oracle manipulation"),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://evidence.example/oracle.tar.gz"),
  ]);
}
const deposit = () => s.p.call(s.who.provider, "capital-pool", "deposit", [Cl.uint(10n * STX)]);
const vote = () => s.p.call(s.who.assessors[0]!, "claims-assessment", "vote", [Cl.uint(1), Cl.bool(true)], "deny");

/** Waits until the bot has handled exactly the canonical events (each once) and rolled back everything else. */
async function settled() {
  const mismatch = () => {
    const canonical = new Set(newCanonical());
    const wrong = [...net].filter(([k, n]) => n !== (canonical.has(k) ? 1 : 0)).map(([k, n]) => `${k}=${n}`);
    const missing = [...canonical].filter((k) => !net.has(k));
    return [...wrong, ...missing.map((k) => `${k} never handled`)];
  };
  try {
    await waitFor("every canonical event handled exactly once", () => mismatch().length === 0);
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${mismatch().join(", ")}`);
  }
  await s.bot.feed.coalescer.idle();
}

async function reorg(depth: number, remine: number) {
  const r = await fetch(`${s.api.url}/devnet/reorg`, { method: "POST", body: JSON.stringify({ depth, remine }) });
  expect(r.status).toBe(200);
}

/** Events (watched contracts) that are canonical now and were not before `before` was taken. */
const since = (before: string[]) => newCanonical().filter((k) => !before.includes(k));

describe("a chain re-organisation", () => {
  it("of 1 block with fewer replacement events: the orphaned claim's alert is marked dropped", async () => {
    await deposit();
    await fileClaim();
    await waitFor("claim #1's alert", () => s.discord.channelMessages(claims)[0]);
    await settled();
    const before = newCanonical();
    await reorg(1, 0);
    const orphaned = before.filter((k) => !canonicalKeys().includes(k));
    expect(orphaned.length).toBeGreaterThan(0);
    await settled();
    expect(since(before)).toHaveLength(0);
    const alerts = s.discord.channelMessages(claims);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.content.startsWith(DROPPED)).toBe(true);
    expect(alerts[0]!.content).toContain("Claim #1 told of a [transaction]");
    expect(alerts[0]!.embeds).toEqual([]);
    expect(alerts[0]!.components).toEqual([]);
    // The block before the fork stays: its deposit's post is untouched.
    expect(s.discord.channelMessages(feed).map((m) => m.content.startsWith("🏦"))).toEqual([true]);
  });

  it("of 3 blocks with as many replacement events: the new ones are delivered, the orphaned posts marked", async () => {
    for (let i = 0; i < 3; i++) await deposit();
    await waitFor("three feed posts", () => s.discord.channelMessages(feed).length === 3);
    await settled();
    const before = newCanonical();
    await reorg(3, 0);
    const orphaned = before.filter((k) => !canonicalKeys().includes(k));
    for (let i = 0; i < 3; i++) await deposit();
    await settled();
    // The count-based position this replaces delivered none of these: the total was the same as before.
    expect(since(before)).toHaveLength(orphaned.length);
    const posts = s.discord.channelMessages(feed);
    expect(posts).toHaveLength(6);
    expect(posts.slice(0, 3).every((m) => m.content.startsWith(DROPPED))).toBe(true);
    expect(posts.slice(3).every((m) => m.content.startsWith("🏦"))).toBe(true);
  });

  it("during a pass, after its search for orphaned blocks: the new fork's events do not hide the orphaned ones", async () => {
    for (let i = 0; i < 3; i++) await deposit();
    await waitFor("three feed posts", () => s.discord.channelMessages(feed).length === 3);
    await settled();
    const before = newCanonical();
    // The next pass finds nothing orphaned; before it reads the log, the chain re-organises (the three deposits
    // and the empty block that started the pass leave it) and three deposits are mined on the fork.
    const reads = (s.bot.watcher as unknown as { reads: ChainReads }).reads;
    const logs = reads.logs.bind(reads);
    let forked = false;
    reads.logs = async (...args) => {
      if (!forked) {
        forked = true;
        await reorg(4, 0);
        for (let i = 0; i < 3; i++) await deposit();
      }
      return logs(...args);
    };
    await fetch(`${s.api.url}/devnet/mine`, { method: "POST", body: JSON.stringify({ count: 1 }) });
    await s.indexed();
    expect(forked).toBe(true);
    await settled();
    expect(since(before)).toHaveLength(3);
    const posts = s.discord.channelMessages(feed);
    expect(posts).toHaveLength(6);
    expect(posts.slice(0, 3).every((m) => m.content.startsWith(DROPPED))).toBe(true);
    expect(posts.slice(3).every((m) => m.content.startsWith("🏦"))).toBe(true);
  });

  it("of 7 blocks with more replacement events: mined again, each is announced again, once", async () => {
    await fileClaim();
    await vote();
    for (let i = 0; i < 5; i++) await deposit();
    await waitFor("five feed posts", () => s.discord.channelMessages(feed).length === 5);
    await settled();
    const before = newCanonical();
    await reorg(7, 7);
    for (let i = 0; i < 2; i++) await deposit();
    await settled();
    expect(since(before)).toHaveLength(2);
    // The claim: its first alert marked dropped, and announced again in a new one.
    const alerts = s.discord.channelMessages(claims);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]!.content.startsWith(DROPPED)).toBe(true);
    expect(alerts[1]!.content).toMatch(/^New claim #1 on /);
    const posts = s.discord.channelMessages(feed);
    expect(posts.filter((m) => m.content.startsWith(DROPPED))).toHaveLength(5);
    expect(posts.filter((m) => !m.content.startsWith(DROPPED))).toHaveLength(7);
    // Nothing the bot still records is orphaned.
    expect((await s.bot.ctx.store.handledBlocks(100)).length).toBeGreaterThan(0);
  });
});
