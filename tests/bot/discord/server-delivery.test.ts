import { describe, it, expect } from "vitest";
import { DiscordAPIError } from "discord.js";
import { deliverToEach } from "../../../bot/discord/server-delivery";
import type { Logger } from "../../../bot/logger";

const refusal = (code: number, status: number) =>
  new DiscordAPIError({ code, message: "Missing Permissions" }, code, status, "POST", "/channels/1/messages", {
    files: undefined,
    body: undefined,
  });
const logger = () => {
  const warnings: unknown[] = [];
  return { warnings, log: { warn: (o: unknown) => warnings.push(o) } as unknown as Logger };
};

describe("delivery to each server", () => {
  it("skips a server that refuses for good, reports it once, and delivers to the others", async () => {
    const { warnings, log } = logger();
    const delivered: string[] = [];
    const targets = [{ guildId: "a" }, { guildId: "refusing" }, { guildId: "b" }];
    const deliver = async (t: { guildId: string }) => {
      if (t.guildId === "refusing") throw refusal(50013, 403);
      delivered.push(t.guildId);
    };
    await deliverToEach(log, targets, "alert", deliver);
    await deliverToEach(log, targets, "another alert", deliver);
    expect(delivered).toEqual(["a", "b", "a", "b"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ guildId: "refusing", code: 50013, status: 403 });
  });

  it("throws a passing failure only after every other server had its delivery, so the event is retried", async () => {
    const { log } = logger();
    const delivered: string[] = [];
    const outage = new Error("connect ECONNREFUSED");
    await expect(
      deliverToEach(log, [{ guildId: "down" }, { guildId: "up" }], "alert", async (t) => {
        if (t.guildId === "down") throw outage;
        delivered.push(t.guildId);
      }),
    ).rejects.toBe(outage);
    expect(delivered).toEqual(["up"]);
  });

  it("treats a server error (5xx) as passing, never as a refusal", async () => {
    const { warnings, log } = logger();
    await expect(
      deliverToEach(log, [{ guildId: "g" }], "alert", async () => {
        throw refusal(0, 500);
      }),
    ).rejects.toBeInstanceOf(DiscordAPIError);
    expect(warnings).toEqual([]);
  });
});
