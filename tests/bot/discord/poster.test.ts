import { describe, it, expect, afterEach } from "vitest";
import type { Client, Message, TextChannel } from "discord.js";
import pino from "pino";
import { Poster } from "../../../bot/discord/poster";
import { ChannelPacer } from "../../../bot/discord/channel-pacer";
import type { Store } from "../../../bot/storage/store";
import { openTestStore } from "../../support/test-store";

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** A client with one channel that records sends and edits, and a pacer that records which channel each write waited on. */
async function setup() {
  const writes: { kind: string; payload: unknown }[] = [];
  const channel = {
    id: "c1",
    client: { user: { id: "bot" } },
    send: async (payload: unknown) => {
      writes.push({ kind: "send", payload });
      return { id: `m${writes.length}`, channelId: "c1" } as Message;
    },
    messages: {
      edit: async (_id: string, payload: unknown) => {
        writes.push({ kind: "edit", payload });
      },
      fetch: async () => ({ find: () => undefined }),
    },
  } as unknown as TextChannel;
  const client = {
    channels: {
      fetch: async (id: string) => {
        if (id !== "c1") throw new Error("Unknown Channel");
        return channel;
      },
    },
  } as unknown as Client;
  const paced: string[] = [];
  const pacer = new ChannelPacer();
  const run = pacer.run.bind(pacer);
  pacer.run = <T>(id: string, task: () => Promise<T>) => {
    paced.push(id);
    return run(id, task);
  };
  const store = await openTestStore();
  stores.push(store);
  return { poster: new Poster(client, store, pino({ level: "silent" }), pacer), store, writes, paced };
}

describe("the poster", () => {
  it("posts a key once and records it, pinging nobody unless the post names whom", async () => {
    const { poster, store, writes } = await setup();
    expect(await poster.postTextOnce("k", "c1", "hello")).not.toBeNull();
    expect(await poster.postTextOnce("k", "c1", "hello")).toBeNull();
    expect(await store.wasPosted("k")).toBe(true);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.payload).toMatchObject({ content: "hello", allowedMentions: { parse: [] }, enforceNonce: true });
    await poster.postTextOnce("k2", "c1", "<@&9> hi", { allowedMentions: { roles: ["9"] } });
    expect(writes[1]!.payload).toMatchObject({ allowedMentions: { roles: ["9"] } });
  });

  it("paces posts and edits of one channel through the same pacer", async () => {
    const { poster, paced } = await setup();
    await poster.postTextOnce("a", "c1", "one");
    await poster.edit("c1", "m1", { content: "one, edited" });
    await poster.postOnce("b", "c1", { content: "two" }, () => false);
    expect(paced).toEqual(["c1", "c1", "c1"]);
  });

  it("skips a channel Discord does not know without recording the post", async () => {
    const { poster, store, writes } = await setup();
    expect(await poster.postTextOnce("k", "gone", "hello")).toBeNull();
    expect(await store.wasPosted("k")).toBe(false);
    expect(writes).toHaveLength(0);
  });
});
