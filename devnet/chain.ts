import { EventEmitter } from "node:events";
import { createHash } from "node:crypto";
import {
  type AddressVersion,
  Cl,
  ClarityType,
  PostConditionMode,
  StacksWireType,
  addressHashModeToVersion,
  addressToString,
  cvToString,
  deserializeTransaction,
  isContractCallPayload,
  serializeCV,
  wireToPostCondition,
  type ClarityValue,
  type PostCondition,
  type PostConditionWire,
  type StacksTransactionWire,
} from "@stacks/transactions";
import { TransactionVersion } from "@stacks/network";
import { postConditionViolation } from "./post-conditions";
import { badAsciiByte } from "./clarity-strings";
import type { Simnet, ParsedTransactionResult } from "@stacks/clarinet-sdk";
import { tx as simnetTx } from "@stacks/clarinet-sdk";
import { startSimnet } from "./simnet";
import { loadDevnetAccounts, type DevnetAccount } from "./accounts";

/**
 * A local Stacks chain: the project's contracts in the Clarinet simnet (the real Clarity VM), fed only
 * by signed transactions that are checked the way a Stacks node checks them (bytes, signature, chain,
 * nonce, contract and function), executed as their signer, and indexed the way the Hiro API serves
 * them (blocks, transactions, contract logs with cursors).
 */

export type Rejection = {
  txid: string;
  error: "transaction rejected";
  reason:
    | "BadNonce"
    | "SignatureValidation"
    | "BadTransactionVersion"
    | "NoSuchContract"
    | "NoSuchPublicFunction"
    | "BadFunctionArgument"
    | "NotEnoughFunds"
    | "FeeTooLow"
    | "TooMuchChaining"
    | "ConflictingNonceInMempool"
    | "ServerFailureOther";
  reason_data?: Record<string, unknown>;
};
/** Bytes that are not a transaction: the node answers 400 with a plain-text body. */
export class MalformedTransaction extends Error {}

// The node's mempool admission rules (stacks-core `chainstate/stacks/db/blocks.rs` `can_include_tx`, `core/mempool.rs`).
/** The smallest fee, and the smallest fee per byte of the serialized transaction, a node relays. */
export const MINIMUM_TX_FEE = 1;
export const MINIMUM_TX_FEE_RATE_PER_BYTE = 1;
/** A nonce may run this far past the account's confirmed nonce plus one (`MAXIMUM_MEMPOOL_TX_CHAINING`). */
export const MAXIMUM_MEMPOOL_TX_CHAINING = 25;
/**
 * Where mined transactions' fees go: the testnet burn address. On a real chain they go to the block's miner;
 * the simnet has no miner account, and what matters here is that the sender pays.
 */
export const FEE_RECIPIENT = "ST000000000000000000002AMW42H";

export type ChainEvent =
  | { kind: "log"; contractId: string; topic: string; value: ClarityValue }
  | { kind: "stx-transfer"; sender: string; recipient: string; amount: bigint; memo: string };

export type ChainTx = {
  txid: string; // 0x-prefixed, as the API serves it
  sender: string;
  nonce: number;
  fee: bigint;
  type: "contract_call" | "token_transfer";
  contractCall?: { contractId: string; functionName: string; args: ClarityValue[] };
  transfer?: { recipient: string; amount: bigint; memo: string };
  postConditionMode: "allow" | "deny";
  postConditions: PostCondition[];
  receivedAt: number;
  // filled in when mined
  status: "pending" | "dropped_replace_by_fee" | "success" | "abort_by_response" | "abort_by_post_condition";
  /** The transaction with the same nonce and a higher fee that took this one's place in the mempool. */
  replacedBy?: string;
  result?: ClarityValue;
  vmError?: string | null;
  events: ChainEvent[];
  blockHeight?: number;
  blockTime?: number;
  txIndex?: number;
};

export type ChainBlock = { height: number; hash: string; parentHash: string; time: number; txids: string[] };

export type LogEntry = {
  position: [number, number, number];
  txid: string;
  eventIndex: number;
  contractId: string;
  value: ClarityValue;
};

export type ChainOptions = {
  /** Mine each accepted transaction in its own block (default), or collect them and mine every N ms. */
  blockIntervalMs?: number;
  manifest?: string;
};

const hex = (bytes: Uint8Array | string) => (typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("hex"));
const hash = (text: string) => createHash("sha256").update(text).digest("hex");
/** An amount as the node writes it in NotEnoughFunds: a u128 in 0x-prefixed hex. */
const u128Hex = (n: bigint) => `0x${n.toString(16).padStart(32, "0")}`;

export class LocalChain extends EventEmitter {
  readonly simnet: Simnet;
  readonly accounts: Map<string, DevnetAccount>;
  readonly deployer: string;
  private nonces = new Map<string, number>();
  private mempool: { tx: ChainTx; run: () => void }[] = [];
  readonly txs = new Map<string, ChainTx>();
  readonly blocks: ChainBlock[] = [];
  readonly logs = new Map<string, LogEntry[]>();
  private timer?: NodeJS.Timeout;
  readonly blockIntervalMs: number;
  /** When false, accepted transactions wait in the mempool until mineMempool() (for bursts in one block). */
  autoMine = true;

  private constructor(simnet: Simnet, accounts: Map<string, DevnetAccount>, options: ChainOptions) {
    super();
    this.simnet = simnet;
    this.accounts = accounts;
    this.deployer = accounts.get("deployer")!.address;
    this.blockIntervalMs = options.blockIntervalMs ?? 0;
    this.recordBlock([]);
    if (this.blockIntervalMs > 0) {
      this.timer = setInterval(() => this.mineMempool(), this.blockIntervalMs);
      this.timer.unref();
    }
  }

  static async start(options: ChainOptions = {}): Promise<LocalChain> {
    const [simnet, accounts] = await Promise.all([startSimnet({ manifest: options.manifest }), loadDevnetAccounts()]);
    return new LocalChain(simnet, accounts, options);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  // -------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------
  get tipHeight() {
    return this.blocks[this.blocks.length - 1]!.height;
  }
  get tip() {
    return this.blocks[this.blocks.length - 1]!;
  }
  get time() {
    return Number(this.simnet.getBlockTime());
  }

  nextNonce(address: string): number {
    return this.nonces.get(address) ?? 0;
  }

  pendingNonces(address: string): number[] {
    return this.mempool.filter((m) => m.tx.sender === address).map((m) => m.tx.nonce);
  }

  balance(principal: string): bigint {
    return this.simnet.getAssetsMap().get("STX")?.get(principal) ?? 0n;
  }

  contractExists(contractId: string): boolean {
    return this.simnet.getContractsInterfaces().has(contractId);
  }

  callReadOnly(contractId: string, functionName: string, args: ClarityValue[], sender: string): ClarityValue {
    return this.simnet.callReadOnlyFn(contractId, functionName, args, sender).result;
  }

  /** Contract logs of one contract, oldest first. */
  logsOf(contractId: string): LogEntry[] {
    return this.logs.get(contractId) ?? [];
  }

  // -------------------------------------------------------------------------------------------
  // Transactions
  // -------------------------------------------------------------------------------------------
  /** Checks a signed transaction as a node's mempool does; returns its txid or a rejection. */
  submit(rawHex: string): { txid: string } | Rejection {
    let wire: StacksTransactionWire;
    try {
      wire = deserializeTransaction(rawHex.replace(/^0x/, ""));
    } catch (e) {
      throw new MalformedTransaction(`Failed to deserialize posted transaction: ${(e as Error).message}`);
    }
    if (isContractCallPayload(wire.payload)) {
      // A node decodes every argument before any other check, and refuses a string-ascii with a byte
      // Clarity does not allow; left to the simnet, it panics and leaves the chain half-changed.
      const { functionName, functionArgs } = wire.payload;
      for (const [i, arg] of functionArgs.entries()) {
        const bad = badAsciiByte(arg);
        if (bad) {
          throw new MalformedTransaction(
            'Failed to deserialize posted transaction: Failed to decode clarity value: DeserializationError("Bad string")' +
              `: a string-ascii argument contains a non-ASCII character (argument ${i + 1} of ${functionName.content},` +
              ` byte 0x${bad.byte.toString(16).padStart(2, "0")} at index ${bad.index})`,
          );
        }
      }
    }
    const txid = wire.txid();
    // A transaction the mempool already holds is answered with its txid and not added again (posttransaction.rs).
    if (this.txs.get(`0x${txid}`)?.status === "pending") return { txid };
    const reject = (reason: Rejection["reason"], reason_data?: Record<string, unknown>): Rejection => ({
      txid,
      error: "transaction rejected",
      reason,
      ...(reason_data ? { reason_data } : {}),
    });
    if (wire.transactionVersion !== TransactionVersion.Testnet) {
      return reject("BadTransactionVersion");
    }
    try {
      wire.verifyOrigin();
    } catch (e) {
      return reject("SignatureValidation", { message: (e as Error).message });
    }
    const condition = wire.auth.spendingCondition;
    const sender = addressToString({
      type: StacksWireType.Address,
      version: addressHashModeToVersion(condition.hashMode, "testnet") as AddressVersion,
      hash160: condition.signer,
    });
    // In the order a node checks (blocks.rs can_include_tx, then mempool.rs try_add_tx): fee, nonce, funds,
    // payload, and last a transaction already pending with the same nonce.
    const fee = condition.fee;
    const size = rawHex.replace(/^0x/, "").length / 2;
    const minimumFee = BigInt(Math.max(MINIMUM_TX_FEE, size * MINIMUM_TX_FEE_RATE_PER_BYTE));
    if (fee < minimumFee) return reject("FeeTooLow", { expected: Number(minimumFee), actual: Number(fee) });
    const nonce = Number(condition.nonce);
    const confirmed = this.nextNonce(sender);
    if (nonce < confirmed) {
      return reject("BadNonce", { expected: confirmed, actual: nonce, principal: sender, is_origin: true });
    }
    // A nonce ahead of the confirmed one is admitted (it waits in the mempool until the nonces before it are
    // mined), up to the chaining limit.
    const maxNonce = confirmed + 1 + MAXIMUM_MEMPOOL_TX_CHAINING;
    if (nonce > maxNonce) {
      return reject("TooMuchChaining", {
        message: "Nonce would exceed chaining limit in mempool",
        expected: maxNonce,
        actual: nonce,
        principal: sender,
        is_origin: true,
      });
    }
    const balance = this.balance(sender);
    const notEnough = (spent: bigint) =>
      reject("NotEnoughFunds", { expected: u128Hex(spent), actual: u128Hex(balance) });
    const chainTx: ChainTx = {
      txid: `0x${txid}`,
      sender,
      nonce,
      fee,
      type: "token_transfer",
      postConditionMode: wire.postConditionMode === PostConditionMode.Deny ? "deny" : "allow",
      postConditions: wire.postConditions.values.map((pc) => wireToPostCondition(pc as PostConditionWire)),
      receivedAt: Math.floor(Date.now() / 1000),
      status: "pending",
      events: [],
    };
    let run: () => void;
    if (isContractCallPayload(wire.payload)) {
      if (balance < fee) return notEnough(fee);
      const contractId = `${addressToString(wire.payload.contractAddress)}.${wire.payload.contractName.content}`;
      const functionName = wire.payload.functionName.content;
      const iface = this.simnet.getContractsInterfaces().get(contractId);
      if (!iface) return reject("NoSuchContract");
      const fn = iface.functions.find((f) => f.name === functionName && f.access === "public");
      if (!fn) return reject("NoSuchPublicFunction");
      if (fn.args.length !== wire.payload.functionArgs.length) {
        return reject("BadFunctionArgument", {
          message: `expected ${fn.args.length} arguments, got ${wire.payload.functionArgs.length}`,
        });
      }
      const args = wire.payload.functionArgs;
      chainTx.type = "contract_call";
      chainTx.contractCall = { contractId, functionName, args };
      run = () => this.execute(chainTx, simnetTx.callPublicFn(contractId, functionName, args, sender));
    } else if (wire.payload.payloadType === 0 /* token transfer */) {
      const payload = wire.payload as unknown as {
        recipient: { value: string };
        amount: bigint;
        memo: { content: string };
      };
      const recipient = cvToString(payload.recipient as unknown as ClarityValue);
      const amount = BigInt(payload.amount);
      // The sender pays the amount and the fee.
      if (balance < amount + fee) return notEnough(amount + fee);
      chainTx.transfer = { recipient, amount, memo: payload.memo.content.replace(/\0+$/, "") };
      run = () => this.execute(chainTx, simnetTx.transferSTX(Number(amount), recipient, sender));
    } else {
      return reject("ServerFailureOther", {
        message: "this local chain accepts contract calls and STX transfers only",
      });
    }
    // Another transaction of this sender with this nonce: refused unless this one pays more (replace-by-fee).
    const prior = this.mempool.find((m) => m.tx.sender === sender && m.tx.nonce === nonce);
    if (prior && prior.tx.fee >= fee) return reject("ConflictingNonceInMempool");
    if (prior) {
      this.mempool.splice(this.mempool.indexOf(prior), 1);
      prior.tx.status = "dropped_replace_by_fee";
      prior.tx.replacedBy = chainTx.txid;
    }
    this.txs.set(chainTx.txid, chainTx);
    this.mempool.push({ tx: chainTx, run: () => run() });
    this.emit("mempool", chainTx);
    if (this.blockIntervalMs === 0 && this.autoMine) this.mineMempool();
    return { txid };
  }

  /**
   * The mempool's transactions that can be mined now: each sender's run of nonces from its confirmed one, in
   * order. A nonce after a gap waits until the gap is filled, as on a node.
   */
  private minable(): { tx: ChainTx; run: () => void }[] {
    const next = new Map<string, number>();
    const ready: { tx: ChainTx; run: () => void }[] = [];
    for (let found = true; found; ) {
      found = false;
      for (const m of this.mempool) {
        const expected = next.get(m.tx.sender) ?? this.nextNonce(m.tx.sender);
        if (m.tx.nonce !== expected) continue;
        ready.push(m);
        next.set(m.tx.sender, expected + 1);
        found = true;
      }
    }
    return ready;
  }

  private pendingResults: { tx: ChainTx; simnet: ReturnType<typeof simnetTx.callPublicFn> }[] = [];

  private execute(tx: ChainTx, simnetCall: ReturnType<typeof simnetTx.callPublicFn>) {
    this.pendingResults.push({ tx, simnet: simnetCall });
  }

  /** Mines everything in the mempool into one block (nothing if it is empty). */
  mineMempool(): ChainBlock | undefined {
    const batch = this.minable();
    if (batch.length === 0) return undefined;
    this.mempool = this.mempool.filter((m) => !batch.includes(m));
    for (const m of batch) {
      this.nonces.set(m.tx.sender, m.tx.nonce + 1);
      m.run();
    }
    const calls = this.pendingResults.splice(0);
    // Each transaction's fee leaves its sender before it runs, as a node debits it (to FEE_RECIPIENT here).
    const fees = calls.map((c) =>
      c.tx.fee > 0n ? [simnetTx.transferSTX(Number(c.tx.fee), FEE_RECIPIENT, c.tx.sender)] : [],
    );
    let results: ParsedTransactionResult[];
    try {
      const all = this.simnet.mineBlock(calls.flatMap((c, i) => [...fees[i]!, c.simnet]));
      let at = 0;
      results = calls.map((_c, i) => {
        at += fees[i]!.length;
        return all[at++]!;
      });
    } catch {
      // A runtime error aborts the whole simnet block; retry one by one so the others still land.
      results = calls.map((c, i) => {
        try {
          return this.simnet.mineBlock([...fees[i]!, c.simnet]).at(-1)!;
        } catch (err) {
          // A transaction that fails at run time is still mined, and its fee paid.
          if (fees[i]!.length > 0) this.simnet.mineBlock(fees[i]!);
          return {
            result: Cl.error(Cl.none()),
            events: [],
            costs: null,
            performance: undefined,
            vmError: (err as Error).message,
          } as ParsedTransactionResult & { vmError: string };
        }
      });
    }
    const time = this.time;
    const height = this.simnet.blockHeight - 1;
    for (const [index, c] of calls.entries()) this.settle(c.tx, results[index]!, height, time, index);
    return this.recordBlock(
      calls.map((c) => c.tx),
      height,
      time,
    );
  }

  private settle(
    tx: ChainTx,
    result: ParsedTransactionResult & { vmError?: string },
    height: number,
    time: number,
    txIndex: number,
  ) {
    tx.blockHeight = height;
    tx.blockTime = time;
    tx.txIndex = txIndex;
    tx.result = result.result;
    tx.vmError = result.vmError ?? null;
    tx.events = result.events.flatMap((e): ChainEvent[] => {
      if (e.event === "print_event" && e.data.value) {
        return [{ kind: "log", contractId: e.data.contract_identifier, topic: "print", value: e.data.value }];
      }
      if (e.event === "stx_transfer_event") {
        return [
          {
            kind: "stx-transfer",
            sender: e.data.sender,
            recipient: e.data.recipient,
            amount: BigInt(e.data.amount),
            memo: e.data.memo ?? "",
          },
        ];
      }
      return [];
    });
    const isOk = result.result.type === ClarityType.ResponseOk || (tx.type === "token_transfer" && !result.vmError);
    tx.status = isOk ? "success" : "abort_by_response";
    // Post-conditions are checked after execution: the simnet cannot roll a block back, so a violating
    // transaction is reported aborted but its effects stay (see docs/local-stack.md). A node checks them for
    // contract calls only: an STX transfer's amount is in its payload (it may carry no post-conditions).
    if (isOk && tx.type === "contract_call") {
      const transfers = tx.events.flatMap((e) =>
        e.kind === "stx-transfer" ? [{ sender: e.sender, amount: e.amount }] : [],
      );
      const violation = postConditionViolation(tx.postConditionMode, tx.postConditions, tx.sender, transfers);
      if (violation) {
        tx.status = "abort_by_post_condition";
        tx.vmError = violation;
      }
    }
    if (tx.status === "success") this.indexLogs(tx, height, txIndex);
  }

  private recordBlock(txs: ChainTx[], height = this.simnet.blockHeight - 1, time = this.time): ChainBlock {
    const parent = this.blocks[this.blocks.length - 1];
    const block: ChainBlock = {
      height,
      hash: hash(`block-${height}-${time}`),
      parentHash: parent?.hash ?? "0".repeat(64),
      time,
      txids: txs.map((t) => t.txid),
    };
    this.blocks.push(block);
    if (parent) this.emit("block", block, txs);
    return block;
  }

  // -------------------------------------------------------------------------------------------
  // Local-only controls
  // -------------------------------------------------------------------------------------------
  /** Mines `count` empty blocks (each moves chain time forward, as on a real chain). */
  mineEmpty(count = 1): ChainBlock {
    this.mineMempool();
    for (let i = 0; i < count; i++) {
      this.simnet.mineEmptyBlock();
      this.recordBlock([]);
    }
    return this.tip;
  }

  /** Moves chain time forward by at least `seconds` by mining empty blocks. */
  advance(seconds: number): ChainBlock {
    const target = this.time + seconds;
    while (this.time < target) {
      const blocks = Math.max(1, Math.ceil((target - this.time) / 600));
      this.simnet.mineEmptyBlocks(blocks);
    }
    return this.recordBlock([]);
  }

  private forks = 0;

  /**
   * Re-organises the last `depth` blocks as a fork does: they leave the canonical chain, their events leave
   * the contract logs (so `total` shrinks), and a longer fork of `depth + 1` blocks takes their heights, its
   * first block holding the first `remine` of their transactions again (same txid and events, new block and
   * position). Emits "reorg" (the orphaned blocks with their transactions as they were, and the fork's blocks),
   * then "block" for each of the fork's blocks. The simnet cannot rewind: a transaction that is not mined
   * again keeps its effect on contract state; only the API's view (blocks, transactions, logs) re-organises.
   */
  reorg(depth: number, options: { remine?: number } = {}): { orphaned: ChainBlock[]; replacements: ChainBlock[] } {
    if (!Number.isInteger(depth) || depth < 1 || depth >= this.blocks.length)
      throw new RangeError(`a re-org depth must be between 1 and ${this.blocks.length - 1} blocks`);
    const orphaned = this.blocks.splice(this.blocks.length - depth);
    const forkHeight = orphaned[0]!.height;
    const orphanedTxs = orphaned.flatMap((b) => b.txids.map((id) => this.txs.get(id)!)).filter(Boolean);
    const asTheyWere = orphanedTxs.map((tx) => ({ ...tx, events: [...tx.events] }));
    for (const [id, list] of this.logs)
      this.logs.set(
        id,
        list.filter((e) => e.position[0] < forkHeight),
      );
    const remined = orphanedTxs.slice(0, Math.max(0, options.remine ?? 0));
    for (const tx of orphanedTxs.slice(remined.length)) this.txs.delete(tx.txid);
    // The fork is one block longer, so it wins; the simnet mines one block so its height is the fork's tip.
    this.simnet.mineEmptyBlock();
    const fork = ++this.forks;
    const heights = [...orphaned.map((b) => b.height), this.simnet.blockHeight - 1];
    // The simnet cannot execute a transaction again, so its state keeps the time it was first mined at: the fork
    // mines it again at the same height and time (as a real fork would, consistently with what it wrote), and the
    // blocks that replace orphaned ones keep their times.
    const replacements: ChainBlock[] = [];
    for (const [i, height] of heights.entries()) {
      const time = orphaned[i]?.time ?? this.time;
      const txs = remined.filter((tx) => orphaned[i]?.txids.includes(tx.txid));
      for (const [txIndex, tx] of txs.entries()) this.reindex(tx, height, time, txIndex);
      const parent = replacements[i - 1] ?? this.blocks[this.blocks.length - 1];
      replacements.push({
        height,
        hash: hash(`fork-${fork}-block-${height}`),
        parentHash: parent?.hash ?? "0".repeat(64),
        time,
        txids: txs.map((t) => t.txid),
      });
    }
    this.blocks.push(...replacements);
    this.emit("reorg", { orphaned, orphanedTxs: asTheyWere, replacements });
    for (const block of replacements)
      this.emit(
        "block",
        block,
        block.txids.map((id) => this.txs.get(id)!),
      );
    return { orphaned, replacements };
  }

  /** A transaction mined again in another block: same events, new position in the logs. */
  private reindex(tx: ChainTx, height: number, time: number, txIndex: number) {
    tx.blockHeight = height;
    tx.blockTime = time;
    tx.txIndex = txIndex;
    if (tx.status === "success") this.indexLogs(tx, height, txIndex);
  }

  /** A successful transaction's prints, appended to their contracts' logs at their position. */
  private indexLogs(tx: ChainTx, height: number, txIndex: number) {
    tx.events.forEach((event, eventIndex) => {
      if (event.kind !== "log") return;
      const list = this.logs.get(event.contractId) ?? [];
      list.push({
        position: [height, txIndex, eventIndex],
        txid: tx.txid,
        eventIndex,
        contractId: event.contractId,
        value: event.value,
      });
      this.logs.set(event.contractId, list);
    });
  }

  /** Sends STX from the devnet faucet. */
  fund(address: string, amount: bigint): bigint {
    const faucet = this.accounts.get("faucet")!.address;
    const r = this.simnet.transferSTX(amount, address, faucet);
    if (r.result.type !== ClarityType.ResponseOk) throw new Error(`faucet transfer failed: ${cvToString(r.result)}`);
    this.recordBlock([]);
    return this.balance(address);
  }
}

export const cvHex = (cv: ClarityValue) => `0x${hex(serializeCV(cv))}`;
export const cvRepr = (cv: ClarityValue) => cvToString(cv);
