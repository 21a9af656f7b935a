import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as SocketServer } from "socket.io";
import { hexToCV, validateStacksAddress, type ClarityValue } from "@stacks/transactions";
import type { ClientToServerMessages, ServerToClientMessages, Topic } from "@stacks/blockchain-api-client";
import { LocalChain, MalformedTransaction, cvHex, type ChainBlock, type ChainTx, type ChainOptions } from "./chain";
import {
  BadRequest,
  NotFound,
  addressTransactionJson,
  blockJson,
  blocksPage,
  blockV2Json,
  eventsPageV1,
  logsPage,
  noncesJson,
  principalNoncesJson,
  principalsOf,
  statusJson,
  transactionJson,
  txListJson,
  transactionV3Json,
} from "./api-shapes";

/**
 * The local Stacks API: the subset of the Stacks node RPC and the Hiro Stacks Blockchain API that the
 * bot and its tools use, answered from a LocalChain, plus socket.io notifications and local-only
 * controls under /devnet/. See docs/local-stack.md for what it does and does not implement.
 */

export type LocalStacksApi = {
  url: string;
  port: number;
  chain: LocalChain;
  /**
   * What Hiro's switch for deprecated endpoints does when on: the v1 routes deprecated in API v9 answer
   * 410 Gone instead of their answer with a `Warning: 299` header (see docs/local-stack.md).
   */
  deprecatedGone: boolean;
  /** Requests answered, by route as written in the API's documents (`GET /extended/v3/principals/{principal}/nonces`). */
  requests: Map<string, number>;
  /** The fee rate (micro-STX per byte) the node's fee estimate starts from: raise it to play a busy mempool. */
  feeRate: number;
  /**
   * Hiro's rate limit, played: the next `remaining429` requests (any route but the local /devnet/ controls)
   * answer 429 with `Retry-After` (seconds, or an HTTP-date with `retryAfterAs: "date"`), Hiro's rate-limit
   * headers and an error body; the count goes down with each, and null or 0 switches it off.
   */
  rateLimit: RateLimit | null;
  /** Every 429 answered: when (ms since the epoch), the route, and the Retry-After sent. */
  limited: { at: number; route: string; retryAfter: string }[];
  close: () => Promise<void>;
  server: Server;
};

type Handler = (
  req: IncomingMessage,
  params: Record<string, string>,
  url: URL,
  body: string,
) => unknown | Promise<unknown>;
/** `replacedBy`: a route deprecated in API v9, and the route that replaces it. */
type Route = {
  method: string;
  path: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  replacedBy?: string;
};

/** A reply with a status other than 200, or a non-JSON body. */
class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = "application/json",
  ) {}
}

function route(method: string, path: string, handler: Handler, replacedBy?: string): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_m, k: string) => {
      keys.push(k);
      return "([^/]+)";
    })}$`,
  );
  return { method, path, pattern, keys, handler, replacedBy };
}

// biome-ignore lint/suspicious/noExplicitAny: decoding boundary, request bodies as @stacks/transactions sends them, read by each route
const jsonBody = (body: string): any => {
  try {
    return JSON.parse(body || "{}");
  } catch {
    throw new Reply(400, "Failed to parse body", "text/plain");
  }
};
const int = (value: string | null, name: string) => {
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new BadRequest(`'${name}' must be a non-negative integer`);
  return n;
};
const u128Hex = (n: bigint) => `0x${n.toString(16).padStart(32, "0")}`;

export type RateLimit = { remaining429: number; retryAfterSeconds: number; retryAfterAs?: "seconds" | "date" };
type Switches = { deprecatedGone: boolean; feeRate: number; rateLimit: RateLimit | null };

/** A 429 as Hiro's gateway sends it (headers from Hiro's docs; the body's exact words are not published). */
function tooManyRequests(limit: RateLimit): { headers: Record<string, string>; body: unknown } {
  const until = new Date(Date.now() + limit.retryAfterSeconds * 1000);
  const retryAfter = limit.retryAfterAs === "date" ? until.toUTCString() : String(limit.retryAfterSeconds);
  return {
    headers: {
      "retry-after": retryAfter,
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(Math.ceil(until.getTime() / 1000)),
      "x-ratelimit-remaining-stacks-minute": "0",
    },
    body: { error: "Too Many Requests", message: `API rate limit exceeded: retry after ${retryAfter}` },
  };
}

function routes(chain: LocalChain, switches: Switches): Route[] {
  const findTx = (id: string): ChainTx => {
    const tx = chain.txs.get(id.startsWith("0x") ? id : `0x${id}`);
    if (!tx) throw new NotFound(`could not find transaction by ID ${id}`);
    return tx;
  };
  const contractLogs = (id: string) => {
    if (!chain.contractExists(id)) throw new NotFound(`cannot find contract by ID ${id}`);
    return chain.logsOf(id);
  };
  return [
    route("GET", "/v2/info", () => ({
      peer_version: 4207599113,
      pox_consensus: chain.tip.hash,
      burn_block_height: chain.simnet.burnBlockHeight,
      stable_pox_consensus: chain.tip.hash,
      stable_burn_block_height: chain.simnet.burnBlockHeight,
      server_version: "cover-protocol local stacks api",
      network_id: 2147483648,
      parent_network_id: 3669344250,
      stacks_tip_height: chain.tipHeight,
      stacks_tip: chain.tip.hash,
      stacks_tip_consensus_hash: chain.tip.hash,
      genesis_chainstate_hash: "0".repeat(64),
      unanchored_tip: null,
      unanchored_seq: null,
      tenure_height: chain.tipHeight,
      exit_at_block_height: null,
      is_fully_synced: true,
    })),
    route("GET", "/extended", () => statusJson(chain)),
    route("GET", "/extended/v2/blocks/?", (_r, _p, url) =>
      blocksPage(chain, {
        limit: int(url.searchParams.get("limit"), "limit"),
        offset: int(url.searchParams.get("offset"), "offset"),
      }),
    ),
    route("GET", "/extended/v2/blocks/{height_or_hash}", (_r, p) => {
      const id = p.height_or_hash!;
      const hash = id.replace(/^0x/, "");
      const block =
        id === "latest"
          ? chain.tip
          : /^[0-9]+$/.test(id)
            ? chain.blocks.find((b) => b.height === Number(id))
            : chain.blocks.find((b) => b.hash === hash);
      // Canonical blocks only, as Hiro's: an orphaned block's hash is not found.
      if (!block) throw new NotFound("Block not found");
      return blockV2Json(chain, block);
    }),
    route("GET", "/extended/v1/tx/multiple", (_r, _p, url) => txListJson(chain, url.searchParams.getAll("tx_id"))),
    route("GET", "/extended/v1/block/by_height/{height}", (_r, p) => {
      const block = chain.blocks.find((b) => b.height === Number(p.height));
      if (!block) throw new NotFound(`cannot find block by height ${p.height}`);
      return blockJson(chain, block);
    }),
    route("GET", "/v2/accounts/{principal}", (_r, p) => ({
      balance: u128Hex(chain.balance(p.principal!)),
      locked: u128Hex(0n),
      unlock_height: 0,
      nonce: chain.nextNonce(p.principal!),
    })),
    route(
      "GET",
      "/extended/v1/address/{principal}/nonces",
      (_r, p) => noncesJson(chain, p.principal!),
      "/extended/v3/principals/{principal}/nonces",
    ),
    route("GET", "/extended/v3/principals/{principal}/nonces", (_r, p) => principalNoncesJson(chain, p.principal!)),
    route("POST", "/v2/contracts/call-read/{address}/{name}/{fn}", (_r, p, _u, body) => {
      const { sender, arguments: args } = jsonBody(body) as { sender?: string; arguments?: string[] };
      const contractId = `${p.address}.${p.name}`;
      if (!chain.contractExists(contractId))
        return { okay: false, cause: `Unchecked(NoSuchContract("${contractId}"))` };
      let cvs: ClarityValue[];
      try {
        cvs = (args ?? []).map((a) => hexToCV(a));
      } catch (e) {
        throw new Reply(400, `Failed to parse arguments: ${(e as Error).message}`, "text/plain");
      }
      try {
        const result = chain.callReadOnly(contractId, decodeURIComponent(p.fn!), cvs, sender ?? chain.deployer);
        return { okay: true, result: cvHex(result) };
      } catch (e) {
        return { okay: false, cause: (e as Error).message };
      }
    }),
    route("POST", "/v2/transactions", (_r, _p, _u, body) => {
      const { tx } = jsonBody(body) as { tx?: string };
      if (typeof tx !== "string" || !/^(0x)?[0-9a-fA-F]*$/.test(tx))
        throw new Reply(400, "Failed to parse tx", "text/plain");
      try {
        const result = chain.submit(tx);
        if ("error" in result) throw new Reply(400, result);
        return result.txid;
      } catch (e) {
        if (e instanceof MalformedTransaction) throw new Reply(400, e.message, "text/plain");
        throw e;
      }
    }),
    route("POST", "/v2/fees/transaction", (_r, _p, _u, body) => {
      const { estimated_len } = jsonBody(body) as { estimated_len?: number };
      const length = Math.max(Number(estimated_len) || 0, 180);
      return {
        estimated_cost: { read_count: 1, read_length: 1, runtime: 1, write_count: 1, write_length: 1 },
        estimated_cost_scalar: 1,
        cost_scalar_change_by_byte: 0,
        estimations: [1, 2, 3].map((step) => ({
          fee_rate: step * switches.feeRate,
          fee: length * step * switches.feeRate,
        })),
      };
    }),
    route("GET", "/v2/fees/transfer", () => new Reply(200, "1", "text/plain")),
    route(
      "GET",
      "/extended/v1/tx/{id}",
      (_r, p) => transactionJson(chain, findTx(p.id!)),
      "/extended/v3/transactions/{tx_id}",
    ),
    route("GET", "/extended/v3/transactions/{id}", (_r, p) => transactionV3Json(chain, findTx(p.id!))),
    // As Hiro's: a contract that is not deployed (or has printed nothing) answers 200 with total 0.
    route("GET", "/extended/v2/smart-contracts/{id}/logs", (_r, p, url) =>
      logsPage(chain.contractExists(decodeURIComponent(p.id!)) ? contractLogs(decodeURIComponent(p.id!)) : [], {
        limit: int(url.searchParams.get("limit"), "limit"),
        offset: int(url.searchParams.get("offset"), "offset"),
        cursor: url.searchParams.get("cursor") ?? undefined,
      }),
    ),
    route("GET", "/extended/v1/contract/{id}/events", (_r, p, url) =>
      eventsPageV1(contractLogs(decodeURIComponent(p.id!)), {
        limit: int(url.searchParams.get("limit"), "limit"),
        offset: int(url.searchParams.get("offset"), "offset"),
      }),
    ),
    // Local-only controls: not part of any real API.
    route("POST", "/devnet/mine", (_r, _p, _u, body) => {
      const { count = 1 } = jsonBody(body) as { count?: number };
      if (!Number.isInteger(count) || count < 1 || count > 10_000)
        throw new BadRequest("'count' must be an integer from 1 to 10000");
      const tip = chain.mineEmpty(count);
      return { block_height: tip.height, block_time: tip.time };
    }),
    route("POST", "/devnet/reorg", (_r, _p, _u, body) => {
      const { depth, remine = 0 } = jsonBody(body) as { depth?: number; remine?: number };
      const most = chain.blocks.length - 1;
      if (!Number.isInteger(depth) || depth! < 1 || depth! > most)
        throw new BadRequest(`'depth' must be an integer from 1 to ${most}`);
      if (!Number.isInteger(remine) || remine < 0) throw new BadRequest("'remine' must be a whole number");
      const { orphaned, replacements } = chain.reorg(depth!, { remine });
      return {
        orphaned: orphaned.map((b) => ({ height: b.height, hash: `0x${b.hash}` })),
        fork: replacements.map((b) => ({ height: b.height, hash: `0x${b.hash}` })),
      };
    }),
    route("POST", "/devnet/advance", (_r, _p, _u, body) => {
      const { seconds } = jsonBody(body) as { seconds?: number };
      if (!Number.isInteger(seconds) || seconds! < 1 || seconds! > 400 * 86_400)
        throw new BadRequest("'seconds' must be an integer from 1 to 34560000");
      const tip = chain.advance(seconds!);
      return { block_height: tip.height, block_time: tip.time };
    }),
    route("POST", "/devnet/fund", (_r, _p, _u, body) => {
      const { address, amount } = jsonBody(body) as { address?: string; amount?: string | number };
      if (typeof address !== "string" || !validateStacksAddress(address))
        throw new BadRequest("'address' must be a Stacks address");
      let micro: bigint;
      try {
        micro = BigInt(amount ?? -1);
      } catch {
        throw new BadRequest("'amount' must be an integer number of micro-STX");
      }
      if (micro <= 0n) throw new BadRequest("'amount' must be positive");
      return { address, balance: chain.fund(address, micro).toString() };
    }),
  ];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = "application/json",
  headers: Record<string, string> = {},
) {
  const text =
    typeof body === "string" && contentType !== "application/json"
      ? body
      : JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  res.writeHead(status, { "content-type": contentType, "access-control-allow-origin": "*", ...headers });
  res.end(text);
}

export async function startLocalStacksApi(
  options: ChainOptions & { port?: number; host?: string; chain?: LocalChain; deprecatedGone?: boolean } = {},
): Promise<LocalStacksApi> {
  const chain = options.chain ?? (await LocalChain.start(options));
  const switches: Switches = { deprecatedGone: options.deprecatedGone ?? false, feeRate: 1, rateLimit: null };
  const limited: LocalStacksApi["limited"] = [];
  const table = routes(chain, switches);
  const requests = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "*",
        "access-control-allow-methods": "GET, POST",
      });
      return res.end();
    }
    const match = table
      .map((r) => ({ r, m: req.method === r.method ? r.pattern.exec(url.pathname) : null }))
      .find((x) => x.m);
    if (!match) return send(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
    const params = Object.fromEntries(match.r.keys.map((k, i) => [k, match.m![i + 1]!]));
    const name = `${match.r.method} ${match.r.path}`;
    requests.set(name, (requests.get(name) ?? 0) + 1);
    const limit = switches.rateLimit;
    if (limit && limit.remaining429 > 0 && !match.r.path.startsWith("/devnet/")) {
      limit.remaining429--;
      const answer = tooManyRequests(limit);
      limited.push({ at: Date.now(), route: name, retryAfter: answer.headers["retry-after"]! });
      return send(res, 429, answer.body, "application/json", answer.headers);
    }
    const { replacedBy } = match.r;
    if (replacedBy && switches.deprecatedGone) {
      return send(res, 410, { error: `this endpoint is deprecated and switched off: use ${replacedBy}` });
    }
    const warning: Record<string, string> = replacedBy ? { warning: `299 - "Deprecated: use ${replacedBy}"` } : {};
    try {
      const result = await match.r.handler(req, params, url, await readBody(req));
      if (result instanceof Reply) return send(res, result.status, result.body, result.contentType, warning);
      send(res, 200, result, "application/json", warning);
    } catch (e) {
      if (e instanceof Reply) return send(res, e.status, e.body, e.contentType);
      if (e instanceof NotFound) return send(res, 404, { error: e.message });
      if (e instanceof BadRequest) return send(res, 400, { error: e.message });
      send(res, 500, { error: "internal error", message: (e as Error).message });
    }
  });
  const io = new SocketServer<ClientToServerMessages, ServerToClientMessages>(server, { cors: { origin: "*" } });
  io.on("connection", (socket) => {
    const initial = String(socket.handshake.query.subscriptions ?? "")
      .split(",")
      .filter(Boolean);
    for (const topic of initial) void socket.join(topic);
    socket.on("subscribe", (topic, callback) => {
      for (const t of Array.isArray(topic) ? topic : [topic]) void socket.join(t);
      callback?.(null);
    });
    socket.on("unsubscribe", (...topics: Topic[]) => {
      for (const t of topics) void socket.leave(t);
    });
  });
  chain.on("mempool", (tx: ChainTx) => {
    io.to("mempool").emit("mempool", transactionJson(chain, tx) as never);
  });
  chain.on("block", (block: ChainBlock, txs: ChainTx[]) => {
    io.to("block").emit("block", blockJson(chain, block));
    for (const tx of txs) {
      const json = transactionJson(chain, tx);
      io.to(`transaction:${tx.txid}`).emit(`transaction:${tx.txid}`, json);
      for (const principal of principalsOf(tx)) {
        io.to(`address-transaction:${principal}`).emit(
          `address-transaction:${principal}`,
          principal,
          addressTransactionJson(chain, tx, principal),
        );
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    chain,
    server,
    requests,
    get deprecatedGone() {
      return switches.deprecatedGone;
    },
    set deprecatedGone(gone: boolean) {
      switches.deprecatedGone = gone;
    },
    get feeRate() {
      return switches.feeRate;
    },
    set feeRate(rate: number) {
      switches.feeRate = rate;
    },
    get rateLimit() {
      return switches.rateLimit;
    },
    set rateLimit(limit: RateLimit | null) {
      switches.rateLimit = limit;
    },
    limited,
    close: async () => {
      chain.stop();
      io.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
