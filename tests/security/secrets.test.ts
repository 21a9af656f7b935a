import { describe, it, expect } from "vitest";
import { Writable } from "node:stream";
import { createLogger } from "../../bot/logger";
import { loadConfig, secretsOf } from "../../bot/config";
import { Links } from "../../bot/discord/presentation/links";
import { ChainUnavailableError } from "../../bot/chain/stacks-client";
import { publicUrl, urlSecrets } from "../../bot/redact";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.0123456789abcdefghij";
const VALID = {
  DISCORD_TOKEN: TOKEN,
  DISCORD_APPLICATION_ID: "123456789012345678",
  CONTRACT_DEPLOYER: "ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM",
};
const KEEPER = `${"3c".repeat(32)}01`;
const PATH_KEY = "pk9f3a2b7c4d1e8f6a5b";
const QUERY_KEY = "qk1122334455667788";
/** A provider URL with its key in the path and in the query, as some Stacks API providers hand them out. */
const KEYED_URL = `https://stacks.provider.example/v1/${PATH_KEY}?apikey=${QUERY_KEY}`;

/** A logger writing to memory, and everything it wrote as one string (after its writes have landed). */
function capture(secrets: (string | undefined)[]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: "trace", secrets, destination: destination as never });
  return { log, lines, text: () => lines.join("") };
}

describe("the logger keeps secrets out of every line", () => {
  it("redacts a secret nested deeper than any depth limit", () => {
    const { log, text, lines } = capture([TOKEN]);
    let deep: unknown = { token: TOKEN };
    for (let i = 0; i < 200; i++) deep = { next: deep, list: [i] };
    log.info({ deep }, "deep");
    log.info({ wide: Array.from({ length: 300 }, (_v, i) => (i === 299 ? { token: TOKEN } : i)) }, "wide");
    expect(lines).toHaveLength(2);
    expect(text()).not.toContain(TOKEN);
  });

  it("redacts a hex key in upper case, and with or without its 01 suffix", () => {
    const core = KEEPER.slice(0, 64);
    const { log, text } = capture([KEEPER]);
    log.info({ key: KEEPER.toUpperCase() }, "upper");
    log.info({ key: core }, "without the suffix");
    log.info(`message with ${core.toUpperCase()}01 inside`);
    const bare = capture([core]);
    bare.log.info({ key: `${core}01` }, "with the suffix");
    expect(text()).not.toMatch(new RegExp(core, "i"));
    expect(bare.text()).not.toMatch(new RegExp(core, "i"));
    expect(bare.text()).toContain('"key":"[redacted]"');
  });

  it("redacts secrets in child-logger bindings, at every level of children", () => {
    const { log, text } = capture([TOKEN]);
    const child = log.child({ auth: `Bot ${TOKEN}`, nested: { deeper: TOKEN } });
    child.info("from a child");
    child.child({ again: TOKEN }).warn("from a grandchild");
    expect(text()).not.toContain(TOKEN);
    expect(text()).toContain('"auth":"Bot [redacted]"');
  });

  it("keeps an error's type, code, status and cause, redacted", () => {
    const { log, lines } = capture([TOKEN]);
    const root = Object.assign(new Error(`connect refused with ${TOKEN}`), { code: "ECONNREFUSED" });
    const failure = Object.assign(new ChainUnavailableError(`HTTP 503 for ${TOKEN}`), {
      status: 503,
      code: "CHAIN_DOWN",
    });
    (failure as Error).cause = root;
    log.warn({ err: failure }, "could not read");
    const err = JSON.parse(lines[0]!).err;
    expect(err).toMatchObject({
      type: "ChainUnavailableError",
      code: "CHAIN_DOWN",
      status: 503,
      message: "the Stacks API could not be reached: HTTP 503 for [redacted]",
      cause: { type: "Error", code: "ECONNREFUSED", message: "connect refused with [redacted]" },
    });
    expect(lines[0]).not.toContain(TOKEN);
  });

  it("survives cycles in values and in error causes, without repeating or leaking", () => {
    const { log, lines } = capture([TOKEN]);
    const loop: Record<string, unknown> = { token: TOKEN };
    loop.self = loop;
    const looping = new Error("looping");
    looping.cause = looping;
    log.info({ loop, err: looping }, "cycles");
    const line = JSON.parse(lines[0]!);
    expect(line.loop).toEqual({ token: "[redacted]", self: "[circular]" });
    expect(line.err.cause).toBe("[circular]");
  });

  it("redacts interpolated arguments and an error logged on its own", () => {
    const { log, lines, text } = capture([TOKEN]);
    log.info("sent %o then %s", { header: `Bot ${TOKEN}` }, TOKEN);
    log.error(new Error(`token ${TOKEN} refused`));
    expect(text()).not.toContain(TOKEN);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      msg: "token [redacted] refused",
      err: { message: "token [redacted] refused" },
    });
  });

  it("treats the key-bearing parts of a custom API URL as secrets, and any URL's user:password@", () => {
    const config = loadConfig({ ...VALID, STACKS_API_URL: KEYED_URL, KEEPER_PRIVATE_KEY: KEEPER });
    const { log, text } = capture(secretsOf(config));
    log.info({ api: config.stacks.apiUrl }, "the whole URL");
    log.info({ path: `/v1/${PATH_KEY}/extended/v2/smart-contracts`, query: `apikey=${QUERY_KEY}` }, "its parts");
    log.info({ encoded: encodeURIComponent(KEYED_URL) }, "percent-encoded");
    log.warn(
      {
        err: new TypeError(
          "Request cannot be constructed from a URL that includes credentials: https://bob:hunter2@node.example/",
        ),
      },
      "fetch",
    );
    for (const secret of [PATH_KEY, QUERY_KEY, "hunter2", KEEPER.slice(0, 64)]) expect(text()).not.toContain(secret);
    expect(text()).toContain("https://[redacted]@node.example/");
  });
});

describe("API URLs stay out of what is published and printed", () => {
  it("publishes no API in explorer links when STACKS_API_URL is a remote URL, keyed or not", () => {
    for (const url of [KEYED_URL, "https://token123.stacks.provider.example", "http://10.1.2.3:3999"]) {
      const config = loadConfig({ ...VALID, STACKS_API_URL: url });
      const links = new Links(config.stacks, "https://bot.example");
      const shown = [links.tx("ab".repeat(32)), links.address(VALID.CONTRACT_DEPLOYER)].join(" ");
      expect(shown).not.toContain("api=");
      expect(shown).not.toContain(new URL(url).host);
      expect(links.tx("ab".repeat(32))).toBe(`https://explorer.hiro.so/txid/0x${"ab".repeat(32)}?chain=testnet`);
    }
  });

  it("names EXPLORER_API_URL in explorer links when it is set, and never the chain URL", () => {
    const config = loadConfig({
      ...VALID,
      STACKS_API_URL: KEYED_URL,
      EXPLORER_API_URL: "https://explorer-api.example/",
    });
    const link = new Links(config.stacks, "https://bot.example").address(VALID.CONTRACT_DEPLOYER);
    expect(link).toBe(
      `https://explorer.hiro.so/address/${VALID.CONTRACT_DEPLOYER}?chain=testnet&api=${encodeURIComponent("https://explorer-api.example")}`,
    );
    expect(link).not.toContain(PATH_KEY);
  });

  it("names a local chain by default only when its URL is a bare local origin", () => {
    const named = (apiUrl?: string) =>
      new Links(
        loadConfig({ ...VALID, ...(apiUrl ? { STACKS_API_URL: apiUrl } : {}) }).stacks,
        "https://bot.example",
      ).tx("00");
    expect(named()).toContain(`api=${encodeURIComponent("http://127.0.0.1:3999")}`);
    expect(named("http://127.0.0.1:4100")).toContain(`api=${encodeURIComponent("http://127.0.0.1:4100")}`);
    expect(named(`http://127.0.0.1:4100/${PATH_KEY}`)).not.toContain("api=");
    expect(named(`http://localhost:4100/?key=${QUERY_KEY}`)).not.toContain("api=");
    // Mainnet on a custom API: the public mainnet explorer.
    expect(
      new Links(
        loadConfig({
          ...VALID,
          STACKS_NETWORK: "mainnet",
          STACKS_API_URL: KEYED_URL,
          CONTRACT_DEPLOYER: "SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7",
        }).stacks,
        "https://bot.example",
      ).tx("00"),
    ).toBe("https://explorer.hiro.so/txid/0x00?chain=mainnet");
  });

  it("refuses an EXPLORER_API_URL or a STACKS_API_URL that carries user:password@, naming the setting", () => {
    expect(() => loadConfig({ ...VALID, EXPLORER_API_URL: "https://bob:hunter2@explorer-api.example" })).toThrow(
      /^EXPLORER_API_URL must be a public http\(s\) URL/,
    );
    expect(() => loadConfig({ ...VALID, EXPLORER_API_URL: `https://explorer-api.example/?key=${QUERY_KEY}` })).toThrow(
      /^EXPLORER_API_URL must be/,
    );
    expect(() => loadConfig({ ...VALID, STACKS_API_URL: "https://bob:hunter2@node.example" })).toThrow(
      /^STACKS_API_URL must be a URL without user:password@/,
    );
  });

  it("prints an API URL by its origin alone", () => {
    expect(publicUrl(KEYED_URL)).toBe("https://stacks.provider.example/[redacted]?[redacted]");
    expect(publicUrl("https://api.testnet.hiro.so")).toBe("https://api.testnet.hiro.so");
    expect(publicUrl("https://bob:hunter2@node.example:8443/")).toBe("https://[redacted]@node.example:8443");
    expect(urlSecrets("https://api.mainnet.hiro.so/")).toEqual([]);
    expect(urlSecrets(KEYED_URL)).toEqual(expect.arrayContaining([PATH_KEY, QUERY_KEY]));
  });
});
