import type {
  ChainhookEvent,
  ChainhookNetwork,
  StacksBlock,
  StacksOperation,
  StacksTransaction,
} from "@hirosystems/chainhooks-client";
import { FUNCTIONS } from "../stacks/contracts.generated";
import { cvHex, cvRepr, type ChainBlock, type ChainTx, type LocalChain } from "./chain";

/**
 * A local Chainhooks 2.0: follows a LocalChain's blocks ("block") and re-organisations ("reorg") and POSTs them
 * to a URL as Chainhooks does, so the bot's receiver (bot/web/routes/chainhooks.ts) is tested against the
 * payload shape the real service sends, typed with @hirosystems/chainhooks-client's own types (a payload that
 * drifts from the package's schema fails to compile).
 *
 * As Chainhooks: `Authorization: Bearer <consumer secret>` on every delivery; only blocks with a transaction
 * that matches a `contract_log` filter (a log of one of `contracts`), with only those transactions, whole
 * (every operation: the fee, the call, each event in the node's order, a transfer as its debit and its
 * credit); contract-log values as hex (decode_clarity_values off); a re-organisation as one delivery that
 * rolls back the blocks it had delivered (their transactions as they were), newest first, and applies the
 * fork's; deliveries in order, each retried on failure (any answer but 2xx) with a doubling back-off, a bounded
 * number of times. See docs/local-stack.md for what it does not reproduce.
 */

export type ChainhooksSenderOptions = {
  /** Where deliveries go (the hook's `action.url`). */
  url: string;
  /** The consumer secret, sent as `Authorization: Bearer <secret>`. */
  secret: string;
  /** The contract_log filters: contract ids. Unset: a log of any contract matches. */
  contracts?: string[];
  /** The network payloads say (a local devnet is a testnet). */
  network?: ChainhookNetwork;
  /** The hook, as payloads name it. */
  hook?: { uuid: string; name?: string };
  /** Attempts per delivery (default 5); the first retry waits `backoffMs` (default 100), then twice as long each time, at most `maxBackoffMs` (default 2000). */
  attempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
};

/** One delivery as it went: its payload, how many attempts it took, and the last answer's status (0: no answer). */
export type DeliveryRecord = { payload: ChainhookEvent; attempts: number; status: number; ok: boolean };

const STX = { symbol: "STX", decimals: 6 };
const ZERO_COST = { read_count: 0, read_length: 0, runtime: 0, write_count: 0, write_length: 0 };
/** What LocalChain's "reorg" event carries. */
type Reorg = { orphaned: ChainBlock[]; orphanedTxs: ChainTx[]; replacements: ChainBlock[] };

type FunctionTable = Record<string, Record<string, { args: readonly (readonly [string, string])[] }>>;
/** A contract call's arguments with their names and types (from the generated bindings), hex and repr. */
function callArgs(tx: ChainTx) {
  const call = tx.contractCall!;
  const declared = (FUNCTIONS as unknown as FunctionTable)[call.contractId.split(".")[1] ?? ""]?.[call.functionName];
  return call.args.map((cv, i) => {
    const [name, type] = declared?.args[i] ?? [`arg${i}`, "unknown"];
    return { hex: cvHex(cv), repr: cvRepr(cv), name, type };
  });
}

/** A transaction's operations, indexed in order: the fee, the call, then each event (a transfer: debit, credit). */
export function operationsOf(tx: ChainTx): StacksOperation[] {
  const ops: StacksOperation[] = [];
  const status = tx.status;
  const id = () => ({ index: ops.length });
  ops.push({
    type: "fee",
    operation_identifier: id(),
    status,
    account: { address: tx.sender },
    amount: { value: `-${tx.fee}`, currency: STX },
    metadata: { sponsored: false },
  });
  if (tx.contractCall) {
    ops.push({
      type: "contract_call",
      operation_identifier: id(),
      status,
      account: { address: tx.sender },
      metadata: {
        contract_identifier: tx.contractCall.contractId,
        function_name: tx.contractCall.functionName,
        args: callArgs(tx),
      },
    });
  }
  for (const event of tx.events) {
    if (event.kind === "log") {
      ops.push({
        type: "contract_log",
        operation_identifier: id(),
        status,
        metadata: { contract_identifier: event.contractId, topic: event.topic, value: cvHex(event.value) },
      });
      continue;
    }
    for (const [address, value] of [
      [event.sender, `-${event.amount}`],
      [event.recipient, `${event.amount}`],
    ] as const) {
      ops.push({
        type: "token_transfer",
        operation_identifier: id(),
        status,
        account: { address },
        amount: { value, currency: STX },
        metadata: { memo: event.memo || null },
      });
    }
  }
  return ops;
}

/** A transaction as Chainhooks sends it. */
export function transactionOf(tx: ChainTx): StacksTransaction {
  return {
    transaction_identifier: { hash: tx.txid },
    operations: operationsOf(tx),
    metadata: {
      canonical: true,
      microblock_canonical: true,
      execution_cost: ZERO_COST,
      fee_rate: tx.fee.toString(),
      nonce: tx.nonce,
      type: tx.type,
      position: { index: tx.txIndex ?? 0, microblock_identifier: null },
      result: tx.result ? cvHex(tx.result) : "0x",
      sender_address: tx.sender,
      sponsor_address: null,
      sponsored: false,
      status: tx.status,
      vm_error: tx.vmError ?? null,
    },
  };
}

/** A block as Chainhooks sends it, with the given (matching) transactions. */
export function blockOf(block: ChainBlock, txs: ChainTx[]): StacksBlock {
  return {
    block_identifier: { index: block.height, hash: `0x${block.hash}` },
    parent_block_identifier: { index: block.height - 1, hash: `0x${block.parentHash}` },
    timestamp: block.time,
    transactions: txs.map(transactionOf),
  };
}

export class LocalChainhooksSender {
  /** Every delivery, in the order they were made. */
  readonly deliveries: DeliveryRecord[] = [];
  /** Where deliveries go; a retry goes where this says then (a restarted bot may listen elsewhere). */
  url: string;
  private queue: Promise<void> = Promise.resolve();
  /** Blocks delivered (applied): a re-organisation rolls these back. */
  private readonly delivered = new Set<string>();
  /** The fork's blocks, already applied with their re-organisation, whose "block" events come after it. */
  private readonly applied = new Set<string>();
  private stopped = false;
  private readonly onBlock = (block: ChainBlock, txs: ChainTx[]) => this.block(block, txs);
  private readonly onReorg = (reorg: Reorg) => this.reorg(reorg);

  constructor(
    private readonly chain: LocalChain,
    private readonly options: ChainhooksSenderOptions,
  ) {
    this.url = options.url;
    chain.on("block", this.onBlock);
    chain.on("reorg", this.onReorg);
  }

  /** Resolves once every delivery so far has been made (or given up). */
  async idle(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.queue;
      await tail;
    } while (tail !== this.queue);
  }

  /** Stops following the chain; a delivery under way finishes, no retry starts after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.chain.off("block", this.onBlock);
    this.chain.off("reorg", this.onReorg);
    await this.queue;
  }

  private matches(tx: ChainTx): boolean {
    const filter = this.options.contracts;
    return tx.events.some((e) => e.kind === "log" && (!filter || filter.includes(e.contractId)));
  }

  private block(block: ChainBlock, txs: ChainTx[]) {
    if (this.applied.delete(block.hash)) return;
    const matching = txs.filter((tx) => this.matches(tx));
    if (matching.length === 0) return;
    this.delivered.add(block.hash);
    this.send([], [blockOf(block, matching)]);
  }

  private reorg({ orphaned, orphanedTxs, replacements }: Reorg) {
    const asTheyWere = new Map(orphanedTxs.map((tx) => [tx.txid, tx]));
    const rollback = orphaned
      .filter((b) => this.delivered.delete(b.hash))
      .map((b) =>
        blockOf(
          b,
          b.txids.flatMap((id) => asTheyWere.get(id) ?? []).filter((tx) => this.matches(tx)),
        ),
      )
      .reverse();
    const apply: StacksBlock[] = [];
    for (const b of replacements) {
      this.applied.add(b.hash);
      const txs = b.txids.flatMap((id) => this.chain.txs.get(id) ?? []).filter((tx) => this.matches(tx));
      if (txs.length === 0) continue;
      this.delivered.add(b.hash);
      apply.push(blockOf(b, txs));
    }
    if (rollback.length + apply.length > 0) this.send(rollback, apply);
  }

  /** Builds the payload now (the chain moves on) and queues its delivery after the ones before it. */
  private send(rollback: StacksBlock[], apply: StacksBlock[]) {
    const payload: ChainhookEvent = {
      chainhook: this.options.hook ?? { uuid: "00000000-0000-4000-8000-000000000000", name: "local" },
      event: { chain: "stacks", network: this.options.network ?? "testnet", apply, rollback },
    };
    const body = JSON.stringify(payload);
    this.queue = this.queue.then(() => this.post(payload, body));
  }

  private async post(payload: ChainhookEvent, body: string) {
    const attempts = this.options.attempts ?? 5;
    let status = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.options.secret}` },
          body,
        });
        status = res.status;
        await res.arrayBuffer();
        if (res.ok) return void this.deliveries.push({ payload, attempts: attempt, status, ok: true });
      } catch {
        status = 0;
      }
      if (attempt >= attempts || this.stopped)
        return void this.deliveries.push({ payload, attempts: attempt, status, ok: false });
      const wait = Math.min((this.options.backoffMs ?? 100) * 2 ** (attempt - 1), this.options.maxBackoffMs ?? 2_000);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Starts sending the chain's blocks from now on (earlier blocks are not sent, as a hook registered now). */
export const startChainhooksSender = (chain: LocalChain, options: ChainhooksSenderOptions) =>
  new LocalChainhooksSender(chain, options);
