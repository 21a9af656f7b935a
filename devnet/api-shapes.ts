import type {
  AddressTransactionWithTransfers,
  Block,
  MempoolTransaction,
  OperationResponse,
  Transaction,
} from "@stacks/blockchain-api-client";
import { cvHex, cvRepr, type ChainBlock, type ChainEvent, type ChainTx, type LocalChain, type LogEntry } from "./chain";

/**
 * The local chain's records in the JSON shapes of the Hiro Stacks Blockchain API, typed with the API
 * client's own types: a shape that drifts from what the real API serves fails to compile.
 */

type ContractCallTx = Extract<Transaction, { tx_type: "contract_call" }>;
type TokenTransferTx = Extract<Transaction, { tx_type: "token_transfer" }>;
type ContractCallMempoolTx = Extract<MempoolTransaction, { tx_type: "contract_call" }>;
type TokenTransferMempoolTx = Extract<MempoolTransaction, { tx_type: "token_transfer" }>;
export type LogsPage = OperationResponse["get_smart_contract_logs"];
export type EventsPageV1 = OperationResponse["get_contract_events_by_id"];
export type TxV3 = OperationResponse["get_transaction"];
export type Nonces = OperationResponse["get_account_nonces"];
export type PrincipalNonces = OperationResponse["get_principal_nonces"];
export type ApiStatus = OperationResponse["get_status"];
export type BlocksPage = OperationResponse["get_blocks"];
type BlockV2 = OperationResponse["get_block"];
export type TxList = OperationResponse["get_tx_list_details"];
type LogResult = LogsPage["results"][number];

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function eventJson(tx: ChainTx, event: ChainEvent, index: number): ContractCallTx["events"][number] {
  if (event.kind === "log") {
    return {
      event_index: index,
      event_type: "smart_contract_log",
      tx_id: tx.txid,
      contract_log: {
        contract_id: event.contractId,
        topic: event.topic,
        value: { hex: cvHex(event.value), repr: cvRepr(event.value) },
      },
    };
  }
  return {
    event_index: index,
    event_type: "stx_asset",
    tx_id: tx.txid,
    asset: {
      asset_event_type: "transfer",
      sender: event.sender,
      recipient: event.recipient,
      amount: event.amount.toString(),
    },
  };
}

function base(tx: ChainTx) {
  return {
    tx_id: tx.txid,
    nonce: tx.nonce,
    fee_rate: tx.fee.toString(),
    sender_address: tx.sender,
    sponsored: false,
    post_condition_mode: tx.postConditionMode,
    post_conditions: [],
    anchor_mode: "any" as const,
  };
}

function contractCallPayload(tx: ChainTx) {
  const call = tx.contractCall!;
  return {
    tx_type: "contract_call" as const,
    contract_call: {
      contract_id: call.contractId,
      function_name: call.functionName,
      function_signature: "",
      function_args: call.args.map((a, i) => ({ hex: cvHex(a), repr: cvRepr(a), name: `arg${i}`, type: "" })),
    },
  };
}

function tokenTransferPayload(tx: ChainTx) {
  const t = tx.transfer!;
  return {
    tx_type: "token_transfer" as const,
    token_transfer: {
      recipient_address: t.recipient,
      amount: t.amount.toString(),
      memo: `0x${Buffer.from(t.memo).toString("hex")}`,
    },
  };
}

export function transactionJson(chain: LocalChain, tx: ChainTx): Transaction | MempoolTransaction {
  if (tx.status === "pending" || tx.status === "dropped_replace_by_fee") {
    const pending = {
      ...base(tx),
      tx_status: tx.status,
      receipt_time: tx.receivedAt,
      receipt_time_iso: iso(tx.receivedAt),
      replaced_by_tx_id: tx.replacedBy ?? null,
    };
    if (tx.type === "contract_call") return { ...pending, ...contractCallPayload(tx) } satisfies ContractCallMempoolTx;
    return { ...pending, ...tokenTransferPayload(tx) } satisfies TokenTransferMempoolTx;
  }
  const block = chain.blocks.find((b) => b.height === tx.blockHeight)!;
  const parent = chain.blocks.find((b) => b.height === tx.blockHeight! - 1);
  const mined = {
    ...base(tx),
    block_hash: `0x${block.hash}`,
    block_height: block.height,
    block_time: block.time,
    block_time_iso: iso(block.time),
    burn_block_time: block.time,
    burn_block_height: chain.simnet.burnBlockHeight,
    burn_block_time_iso: iso(block.time),
    parent_burn_block_time: parent?.time ?? block.time,
    parent_burn_block_time_iso: iso(parent?.time ?? block.time),
    canonical: true,
    tx_index: tx.txIndex!,
    tx_status: tx.status as Exclude<ChainTx["status"], "pending" | "dropped_replace_by_fee">,
    tx_result: { hex: cvHex(tx.result!), repr: cvRepr(tx.result!) },
    event_count: tx.events.length,
    parent_block_hash: `0x${block.parentHash}`,
    is_unanchored: false,
    microblock_hash: "0x",
    microblock_sequence: 2147483647,
    microblock_canonical: true,
    execution_cost_read_count: 0,
    execution_cost_read_length: 0,
    execution_cost_runtime: 0,
    execution_cost_write_count: 0,
    execution_cost_write_length: 0,
    vm_error: tx.vmError ?? null,
    events: tx.events.map((e, i) => eventJson(tx, e, i)),
  };
  if (tx.type === "contract_call") return { ...mined, ...contractCallPayload(tx) } satisfies ContractCallTx;
  return { ...mined, ...tokenTransferPayload(tx) } satisfies TokenTransferTx;
}

/**
 * /extended/v1/tx/multiple: each asked-for id, found (mined on the canonical chain, or in the mempool) or not,
 * as Hiro's; a transaction orphaned by a re-org and not mined again is not found.
 */
export function txListJson(chain: LocalChain, ids: string[]): TxList {
  const list: TxList = {};
  for (const id of ids) {
    const txid = id.startsWith("0x") ? id : `0x${id}`;
    const tx = chain.txs.get(txid);
    list[txid] = tx ? { found: true, result: transactionJson(chain, tx) } : { found: false, result: { tx_id: txid } };
  }
  return list;
}

/** The newer transaction route (/extended/v3/transactions/{tx_id}). */
export function transactionV3Json(chain: LocalChain, tx: ChainTx): TxV3 {
  const common = {
    tx_id: tx.txid,
    sender: { address: tx.sender, nonce: tx.nonce },
    sponsor: null,
    fee_rate: tx.fee.toString(),
    post_condition_mode: tx.postConditionMode,
    event_count: tx.events.length,
  };
  const kind =
    tx.type === "contract_call"
      ? {
          type: "contract_call" as const,
          contract_call: {
            contract_id: tx.contractCall!.contractId,
            function_name: tx.contractCall!.functionName,
            function_args: tx.contractCall!.args.map((a) => ({ hex: cvHex(a), repr: cvRepr(a) })),
          },
        }
      : {
          type: "token_transfer" as const,
          token_transfer: {
            recipient: tx.transfer!.recipient,
            amount: tx.transfer!.amount.toString(),
            memo: tx.transfer!.memo
              ? { hex: `0x${Buffer.from(tx.transfer!.memo).toString("hex")}`, repr: tx.transfer!.memo }
              : null,
          },
        };
  if (tx.status === "pending" || tx.status === "dropped_replace_by_fee") {
    return {
      ...common,
      ...kind,
      status: tx.status,
      receipt_time: tx.receivedAt,
      receipt_block_height: chain.tipHeight,
      replaced_by_tx_id: tx.replacedBy ?? null,
    } satisfies TxV3;
  }
  const block = chain.blocks.find((b) => b.height === tx.blockHeight)!;
  return {
    ...common,
    ...kind,
    status: tx.status,
    block: {
      height: block.height,
      hash: `0x${block.hash}`,
      index_hash: `0x${block.hash}`,
      time: block.time,
      tx_index: tx.txIndex!,
    },
    bitcoin_block: { height: chain.simnet.burnBlockHeight, time: block.time },
    parent_block: { hash: `0x${block.parentHash}`, index_hash: `0x${block.parentHash}` },
    execution_cost: { read_count: 0, read_length: 0, runtime: 0, write_count: 0, write_length: 0 },
    vm_error: tx.vmError ?? null,
    result: { hex: cvHex(tx.result!), repr: cvRepr(tx.result!) },
  } satisfies TxV3;
}

export function blockJson(chain: LocalChain, block: ChainBlock): Block {
  const parent = chain.blocks.find((b) => b.height === block.height - 1);
  return {
    canonical: true,
    height: block.height,
    hash: `0x${block.hash}`,
    block_time: block.time,
    block_time_iso: iso(block.time),
    tenure_height: block.height,
    index_block_hash: `0x${block.hash}`,
    parent_block_hash: `0x${parent?.hash ?? "0".repeat(64)}`,
    burn_block_time: block.time,
    burn_block_time_iso: iso(block.time),
    burn_block_hash: `0x${block.hash}`,
    burn_block_height: chain.simnet.burnBlockHeight,
    miner_txid: "0x",
    execution_cost_read_count: 0,
    execution_cost_read_length: 0,
    execution_cost_runtime: 0,
    execution_cost_write_count: 0,
    execution_cost_write_length: 0,
    txs: block.txids,
    parent_microblock_hash: "0x",
    parent_microblock_sequence: 0,
    microblocks_accepted: [],
    microblocks_streamed: [],
    microblock_tx_count: {},
  };
}

export function addressTransactionJson(
  chain: LocalChain,
  tx: ChainTx,
  address: string,
): AddressTransactionWithTransfers {
  const transfers = tx.events.flatMap((e) => (e.kind === "stx-transfer" ? [e] : []));
  const sent = transfers.filter((t) => t.sender === address).reduce((a, t) => a + t.amount, 0n);
  const received = transfers.filter((t) => t.recipient === address).reduce((a, t) => a + t.amount, 0n);
  return {
    tx: transactionJson(chain, tx) as Transaction,
    stx_sent: sent.toString(),
    stx_received: received.toString(),
    stx_transfers: transfers.map((t) => ({ amount: t.amount.toString(), sender: t.sender, recipient: t.recipient })),
  };
}

/** Every principal a transaction touches, for `address-transaction:` subscriptions. */
export function principalsOf(tx: ChainTx): Set<string> {
  const out = new Set<string>([tx.sender]);
  if (tx.contractCall) out.add(tx.contractCall.contractId);
  if (tx.transfer) out.add(tx.transfer.recipient);
  // Asset parties; a contract that only printed an event is not involved (Hiro notifies it of nothing).
  for (const e of tx.events) {
    if (e.kind === "stx-transfer") {
      out.add(e.sender);
      out.add(e.recipient);
    }
  }
  return out;
}

function logJson(entry: LogEntry): LogResult {
  return {
    event_index: entry.eventIndex,
    event_type: "smart_contract_log",
    tx_id: entry.txid,
    contract_log: {
      contract_id: entry.contractId,
      topic: "print",
      value: { hex: cvHex(entry.value), repr: cvRepr(entry.value) },
    },
  };
}

/** Hiro's cursor: `<block height>:<microblock sequence, 2147483647 on an anchored block>:<tx index>:<event index>`. */
const ANCHORED_MICROBLOCK_SEQUENCE = 2_147_483_647;
export const cursorOf = (entry: LogEntry) =>
  `${entry.position[0]}:${ANCHORED_MICROBLOCK_SEQUENCE}:${entry.position[1]}:${entry.position[2]}`;
const positionOf = (cursor: string): [number, number, number] => {
  const [h, , t, e] = cursor.split(":").map(Number);
  return [h!, t!, e!];
};
const compare = (a: [number, number, number], b: [number, number, number]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

export class BadRequest extends Error {}
export class NotFound extends Error {}

/**
 * /extended/v2/smart-contracts/{id}/logs: newest first; a page holds the events at or below `cursor`
 * (after skipping `offset`); `prev_cursor` points at the next older page, `next_cursor` at the newer
 * page when a whole page of newer events exists, as the Hiro API does.
 */
/** The page size of the contract-log route when none (or 0) is asked for. */
const LOGS_LIMIT_DEFAULT = 20;
/** The largest offset the contract-log route accepts. */
export const LOGS_OFFSET_MAX = 1_000;

export function logsPage(entries: LogEntry[], query: { limit?: number; offset?: number; cursor?: string }): LogsPage {
  // limit=0 means the default, as in Hiro's pagination.
  const limit = query.limit || LOGS_LIMIT_DEFAULT;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1) throw new BadRequest("'limit' must be a positive integer");
  if (limit > 100) throw new BadRequest("'limit' must be equal to or less than 100");
  // As Hiro's API (src/api/pagination.ts): past 1,000 an offset is refused, so deep pages need cursors.
  if (offset > LOGS_OFFSET_MAX) throw new BadRequest(`'offset' must be equal to or less than ${LOGS_OFFSET_MAX}`);
  // Newest first without copying the log: the k-th newest is entries[n - 1 - k] (entries are in chain order).
  const n = entries.length;
  const newest = (k: number) => (k >= 0 && k < n ? entries[n - 1 - k] : undefined);
  let start = 0;
  if (query.cursor !== undefined) {
    if (!/^[0-9]+:[0-9]+:[0-9]+:[0-9]+$/.test(query.cursor)) throw new BadRequest("invalid cursor");
    const at = positionOf(query.cursor);
    // The newest entry at or before the cursor: the last one in chain order not after it (binary search).
    let low = 0;
    let high = n - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (compare(entries[mid]!.position, at) <= 0) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    start = found < 0 ? n : n - 1 - found;
  }
  const from = start + offset;
  const page = Array.from({ length: Math.max(0, Math.min(limit, n - from)) }, (_v, i) => newest(from + i)!);
  // As Hiro's: a cursor with nothing at or below it (after the offset) is not found.
  if (query.cursor !== undefined && page.length === 0) throw new NotFound("Cursor not found");
  const older = newest(from + limit);
  const newer = from - limit >= 0 ? newest(from - limit) : undefined;
  return {
    limit,
    offset,
    total: n,
    cursor: page[0] ? cursorOf(page[0]) : null,
    prev_cursor: older ? cursorOf(older) : null,
    next_cursor: newer ? cursorOf(newer) : null,
    results: page.map(logJson),
  };
}

/** /extended/v1/contract/{id}/events: newest first, limit (max 50) and offset. */
export function eventsPageV1(entries: LogEntry[], query: { limit?: number; offset?: number }): EventsPageV1 {
  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new BadRequest("'limit' must be between 1 and 50");
  const newestFirst = [...entries].reverse();
  return { limit, offset, results: newestFirst.slice(offset, offset + limit).map(logJson) };
}

/**
 * An account's nonces as Hiro computes them: the next one follows the highest in the mempool (or the last
 * confirmed), and the nonces skipped between the confirmed one and the mempool's highest are missing.
 */
function nonceView(chain: LocalChain, principal: string) {
  const next = chain.nextNonce(principal);
  const pending = chain.pendingNonces(principal);
  const last = pending.length ? Math.max(...pending) : null;
  const missing: number[] = [];
  if (last !== null) for (let n = last - 1; n >= next; n--) if (!pending.includes(n)) missing.push(n);
  return { next, pending, last, missing, possibleNext: last === null ? next : Math.max(next, last + 1) };
}

export function noncesJson(chain: LocalChain, address: string): Nonces {
  const { next, pending, last, missing, possibleNext } = nonceView(chain, address);
  return {
    last_mempool_tx_nonce: last,
    last_executed_tx_nonce: next > 0 ? next - 1 : null,
    possible_next_nonce: possibleNext,
    detected_missing_nonces: missing,
    detected_mempool_nonces: pending,
  };
}

/** `/extended/v3/principals/{principal}/nonces`: the next nonce from the chain's and the mempool's. */
export function principalNoncesJson(chain: LocalChain, principal: string): PrincipalNonces {
  const { next, pending, last, missing, possibleNext } = nonceView(chain, principal);
  return {
    next_nonce: possibleNext,
    last_confirmed_nonce: next > 0 ? next - 1 : null,
    mempool: { last_nonce: last, pending_nonces: pending, missing_nonces: missing },
  };
}

export function statusJson(chain: LocalChain): ApiStatus {
  const tip = chain.tip;
  return {
    server_version: "cover-protocol local stacks api",
    status: "ready",
    chain_tip: {
      block_height: tip.height,
      block_hash: `0x${tip.hash}`,
      index_block_hash: `0x${tip.hash}`,
      burn_block_height: chain.simnet.burnBlockHeight,
    },
  };
}

/** /extended/v2/blocks: newest first, by offset. */
export function blocksPage(chain: LocalChain, query: { limit?: number; offset?: number }): BlocksPage {
  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 30) throw new BadRequest("'limit' must be between 1 and 30");
  const newestFirst = [...chain.blocks].reverse().slice(offset, offset + limit);
  return {
    limit,
    offset,
    total: chain.blocks.length,
    next_cursor: null,
    prev_cursor: null,
    cursor: newestFirst[0] ? String(newestFirst[0].height) : null,
    results: newestFirst.map((b) => blockV2Json(chain, b)),
  };
}

/** One block as /extended/v2/blocks/{height_or_hash} serves it (canonical blocks only, as Hiro's). */
export function blockV2Json(chain: LocalChain, b: ChainBlock): BlockV2 {
  const parent = chain.blocks[chain.blocks.indexOf(b) - 1];
  return {
    canonical: true,
    height: b.height,
    hash: `0x${b.hash}`,
    block_time: b.time,
    block_time_iso: iso(b.time),
    tenure_height: b.height,
    index_block_hash: `0x${b.hash}`,
    parent_block_hash: `0x${parent?.hash ?? "0".repeat(64)}`,
    parent_index_block_hash: `0x${parent?.hash ?? "0".repeat(64)}`,
    burn_block_time: b.time,
    burn_block_time_iso: iso(b.time),
    burn_block_hash: `0x${b.hash}`,
    burn_block_height: chain.simnet.burnBlockHeight,
    miner_txid: "0x",
    tx_count: b.txids.length,
    execution_cost_read_count: 0,
    execution_cost_read_length: 0,
    execution_cost_runtime: 0,
    execution_cost_write_count: 0,
    execution_cost_write_length: 0,
  };
}
