import { ALL_CONTRACTS } from "../support/contracts";
import { describe, it, expect } from "vitest";
import { CHAINHOOKS_BASE_URL, type Chainhook, type ChainhookDefinition } from "@hirosystems/chainhooks-client";
import { ConfigError, loadConfig } from "../../bot/config";
import {
  definitionFor,
  ensureChainhook,
  registrationTarget,
  secretStatus,
  type HooksApi,
} from "../../scripts/lib/chainhooks-registration";

const D = "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM";
const VALID = {
  DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.0123456789abcdefghij",
  DISCORD_APPLICATION_ID: "123456789012345678",
  CONTRACT_DEPLOYER: D,
  STACKS_NETWORK: "testnet",
  WEB_BASE_URL: "https://bot.example/",
};

/** A Chainhooks account in memory: its hooks (paged as the API pages them) and what was asked of it. */
function fakeHooks(existing: Chainhook[] = [], secret: string | null = null) {
  const calls: string[] = [];
  const hooks = [...existing];
  const api: HooksApi = {
    async getChainhooks({ offset = 0, limit = 20 } = {}) {
      calls.push(`list ${offset}`);
      return { offset, limit, total: hooks.length, results: hooks.slice(offset, offset + limit) };
    },
    async registerChainhook(definition) {
      calls.push(`register ${definition.name}`);
      const hook = hookOf(`uuid-${hooks.length}`, definition, true);
      hooks.push(hook);
      return hook;
    },
    async updateChainhook(uuid, definition) {
      calls.push(`update ${uuid} ${definition.action?.url}`);
      return hooks.find((h) => h.uuid === uuid)!;
    },
    async enableChainhook(uuid, enabled) {
      calls.push(`enable ${uuid} ${enabled}`);
    },
    async getConsumerSecret() {
      return { secret };
    },
  };
  return { api, calls };
}

const hookOf = (uuid: string, definition: ChainhookDefinition, enabled: boolean): Chainhook => ({
  uuid,
  definition,
  status: {
    status: "streaming",
    enabled,
    created_at: 0,
    last_evaluated_at: null,
    last_evaluated_block_height: null,
    last_occurrence_at: null,
    last_occurrence_block_height: null,
    evaluated_block_count: 0,
    occurrence_count: 0,
  },
});
const others = (n: number) =>
  Array.from({ length: n }, (_v, i) =>
    hookOf(`other-${i}`, { ...definitionFor(loadConfig(VALID)), name: `someone else's ${i}` }, true),
  );

describe("npm run chainhooks:register", () => {
  it("defines the hook from the bot's settings: the watched contracts, WEB_BASE_URL's receiver, the network", () => {
    const definition = definitionFor(loadConfig(VALID));
    expect(definition.name).toBe(`cover-bot testnet ${D}`);
    expect(definition.network).toBe("testnet");
    expect(definition.action).toEqual({ type: "http_post", url: "https://bot.example/chainhooks/events" });
    expect(definition.filters.events).toEqual(
      ALL_CONTRACTS.map((c) => ({
        type: "contract_log",
        contract_identifier: `${D}.${c}`,
      })),
    );
    expect(definitionFor(loadConfig({ ...VALID, CHAINHOOKS_WEBHOOK_URL: "https://hooks.example/in" })).action.url).toBe(
      "https://hooks.example/in",
    );
  });

  it("registers the hook when the account has none of that name (looking through every page first)", async () => {
    const { api, calls } = fakeHooks(others(61));
    const done = await ensureChainhook(api, definitionFor(loadConfig(VALID)));
    expect(done).toEqual({ action: "registered", uuid: "uuid-61", enabled: true });
    expect(calls).toEqual(["list 0", "list 60", `register cover-bot testnet ${D}`]);
  });

  it("leaves an identical hook alone, updates one that posts elsewhere, and enables a disabled one", async () => {
    const definition = definitionFor(loadConfig(VALID));
    const same = fakeHooks([...others(2), hookOf("mine", definition, true)]);
    expect(await ensureChainhook(same.api, definition)).toEqual({ action: "unchanged", uuid: "mine", enabled: true });
    expect(same.calls).toEqual(["list 0"]);

    const moved = fakeHooks([
      hookOf("mine", { ...definition, action: { type: "http_post", url: "https://old.example" } }, false),
    ]);
    expect(await ensureChainhook(moved.api, definition)).toEqual({ action: "updated", uuid: "mine", enabled: true });
    expect(moved.calls).toEqual(["list 0", "update mine https://bot.example/chainhooks/events", "enable mine true"]);

    // The same filters in another order are the same hook.
    const reordered = { ...definition, filters: { events: [...definition.filters.events].reverse() } };
    const again = fakeHooks([hookOf("mine", reordered, true)]);
    expect((await ensureChainhook(again.api, definition)).action).toBe("unchanged");
  });

  it("says whether the account's consumer secret is the bot's, without needing to print either", async () => {
    const secret = "consumer-secret-0123456789abcdef";
    expect(await secretStatus(fakeHooks([], secret).api, secret)).toBe("matches");
    expect(await secretStatus(fakeHooks([], secret).api, `${secret}x`)).toBe("differs");
    expect(await secretStatus(fakeHooks([], null).api, secret)).toBe("none on the account");
    expect(await secretStatus(fakeHooks([], secret).api, undefined)).toBe("not configured");
  });

  it("needs a Chainhooks API (none on devnet) and a Hiro API key, naming the variables", () => {
    expect(() => registrationTarget(loadConfig({ ...VALID, STACKS_NETWORK: "devnet" }))).toThrow(
      new ConfigError(
        "CHAINHOOKS_API_URL is required on devnet: Hiro's Chainhooks serves mainnet and testnet (the local stack has devnet/chainhooks-sender.ts)",
      ),
    );
    expect(() => registrationTarget(loadConfig(VALID))).toThrow(
      /^CHAINHOOKS_API_KEY \(or STACKS_API_KEY\) is required/,
    );
    expect(registrationTarget(loadConfig({ ...VALID, STACKS_API_KEY: "hiro-key-123456" }))).toEqual({
      apiUrl: CHAINHOOKS_BASE_URL.testnet,
      apiKey: "hiro-key-123456",
    });
    const mainnet = {
      ...VALID,
      STACKS_NETWORK: "mainnet",
      CONTRACT_DEPLOYER: "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7",
    };
    expect(loadConfig(mainnet).chainhooks.apiUrl).toBe(CHAINHOOKS_BASE_URL.mainnet);
    expect(
      registrationTarget(
        loadConfig({ ...VALID, CHAINHOOKS_API_KEY: "chainhooks-key-1", CHAINHOOKS_API_URL: "https://hooks.example/" }),
      ),
    ).toEqual({ apiUrl: "https://hooks.example", apiKey: "chainhooks-key-1" });
  });
});
