import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ChainhookDefinition, ChainhookNetwork } from "@hirosystems/chainhooks-client";
import type { BlockRef, EventSink, RawContractLog } from "./chain-events";

/**
 * The push path: Hiro Chainhooks 2.0 POSTs each block that holds a matching event to the bot (the route is
 * bot/web/routes/chainhooks.ts). This module is what the route does with a delivery, apart from HTTP: the
 * consumer secret's check, the payload's validation (the fields the bot reads), its conversion into the
 * contract-log events every event source hands to the sink (chain-events.ts), and the hook's definition
 * that `npm run chainhooks:register` registers.
 *
 * A delivery is `{ chainhook, event: { chain, network, apply: [block…], rollback: [block…] } }`. Each block has
 * `block_identifier: { index (height), hash (the index block hash) }` and the matching transactions, each with
 * `operations` indexed in order: the fee, the transaction's own operation (contract_call, …), then one per
 * event the transaction emitted, in the node's order, except a transfer, which is two (the debit, then the
 * credit). The Stacks API numbers the same events `event_index` 0, 1, …; the payload does not carry that
 * number, so it is counted back from the operations (eventIndexes), and an event has the same key whether the
 * poller or Chainhooks delivered it.
 */

/** The route Chainhooks posts to, under the bot's public URL (WEB_BASE_URL). */
export const CHAINHOOKS_PATH = "/chainhooks/events";

// ---------------------------------------------------------------------------------------------------------
// The consumer secret
// ---------------------------------------------------------------------------------------------------------

/**
 * Whether a delivery carries the consumer secret, as Chainhooks sends it: `Authorization: Bearer <secret>`.
 * Both sides are hashed first, so the comparison takes the same time whatever the header's length or content.
 */
export function isAuthorized(header: string | undefined, secret: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(header ?? ""), digest(`Bearer ${secret}`));
}

// ---------------------------------------------------------------------------------------------------------
// The payload: what the bot reads of it, checked (the rest of Chainhooks' payload passes through unread)
// ---------------------------------------------------------------------------------------------------------

const HASH_32 = /^(0x)?[0-9a-fA-F]{64}$/;
const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;
const index = z.number().int().nonnegative();
const hash32 = z.string().regex(HASH_32, "a 32-byte hex hash");
const clarityHex = z.string().regex(HEX, "a serialized Clarity value in hex");

/** A contract_log operation's metadata: `value` is hex, or `{ hex, repr }` with the option decode_clarity_values. */
const contractLogMetadata = z.object({
  contract_identifier: z.string().min(1),
  topic: z.string(),
  value: z.union([clarityHex, z.object({ hex: clarityHex })]),
});
const amount = z.object({
  value: z.string(),
  currency: z.object({ symbol: z.string(), metadata: z.object({ asset_identifier: z.string().nullish() }).nullish() }),
});
const operation = z
  .object({
    operation_identifier: z.object({ index }),
    type: z.string(),
    status: z.string().optional(),
    account: z.object({ address: z.string() }).optional(),
    amount: amount.optional(),
    metadata: z.unknown().optional(),
  })
  .superRefine((op, ctx) => {
    if (op.type !== "contract_log") return;
    const meta = contractLogMetadata.safeParse(op.metadata);
    for (const issue of meta.success ? [] : meta.error.issues)
      ctx.addIssue({ code: "custom", message: issue.message, path: ["metadata", ...issue.path] });
  });
const transaction = z.object({
  transaction_identifier: z.object({ hash: hash32 }),
  metadata: z.object({ status: z.string(), position: z.object({ index }) }),
  operations: z.array(operation),
});
const block = z.object({
  block_identifier: z.object({ index, hash: hash32 }),
  // The block's time (Unix seconds): what the index dates records by.
  timestamp: z.number().int().nonnegative().optional(),
  transactions: z.array(transaction),
});

/** A Chainhooks 2.0 delivery, as far as the bot reads it (the package's `ChainhookEvent` satisfies it). */
export const chainhooksPayload = z.object({
  chainhook: z.object({ uuid: z.string(), name: z.string().optional() }),
  event: z.object({
    // The package's type allows bitcoin deliveries too; the bot's hook is a Stacks one.
    chain: z.enum(["stacks", "bitcoin"]).refine((chain) => chain === "stacks", "stacks (the bot follows Stacks)"),
    network: z.enum(["mainnet", "testnet"]),
    apply: z.array(block),
    // A rolled-back block is named by its identifier; its transactions are not read.
    rollback: z.array(block.partial({ transactions: true })),
  }),
});
export type ChainhooksPayload = z.output<typeof chainhooksPayload>;
type Operation = z.output<typeof operation>;
type Transaction = z.output<typeof transaction>;

/** The payload checked, or what is wrong with it first (its path and message). */
export function parsePayload(body: unknown): { ok: true; payload: ChainhooksPayload } | { ok: false; error: string } {
  const parsed = chainhooksPayload.safeParse(body);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, error: `${issue.path.join(".") || "body"}: ${issue.message}` };
}

// ---------------------------------------------------------------------------------------------------------
// Conversion
// ---------------------------------------------------------------------------------------------------------

/** Operations of the transaction itself, not of an event it emitted. */
const TRANSACTION_OPERATIONS = new Set([
  "fee",
  "contract_call",
  "contract_deploy",
  "coinbase",
  "tenure_change",
  "poison_microblock",
]);

const with0x = (hex: string) => (hex.startsWith("0x") ? hex : `0x${hex}`).toLowerCase();
const isDebit = (op: Operation) => op.type === "token_transfer" && op.amount?.value.startsWith("-") === true;
/** The credit that completes a transfer's debit: the next operation, same asset, the same amount positive. */
const isCreditOf = (debit: Operation, next: Operation | undefined) =>
  next?.type === "token_transfer" &&
  next.amount?.value === debit.amount?.value.slice(1) &&
  next.amount?.currency.symbol === debit.amount?.currency.symbol &&
  (next.amount?.currency.metadata?.asset_identifier ?? null) ===
    (debit.amount?.currency.metadata?.asset_identifier ?? null);

/**
 * Each event-operation of a transaction with its event's index as the Stacks API numbers it: operations in
 * their order, the transaction's own (fee, call, …) skipped, a transfer's debit and credit counted once.
 */
export function eventIndexes(operations: readonly Operation[]): { operation: Operation; eventIndex: number }[] {
  const ordered = [...operations].sort((a, b) => a.operation_identifier.index - b.operation_identifier.index);
  const out: { operation: Operation; eventIndex: number }[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const op = ordered[i]!;
    if (TRANSACTION_OPERATIONS.has(op.type)) continue;
    if (isDebit(op) && isCreditOf(op, ordered[i + 1])) i++;
    out.push({ operation: op, eventIndex: out.length });
  }
  return out;
}

const blockRef = (b: { block_identifier: { index: number; hash: string } }): BlockRef => ({
  height: b.block_identifier.index,
  hash: with0x(b.block_identifier.hash),
});

function logsOfTransaction(
  tx: Transaction,
  block: BlockRef,
  time: number | undefined,
  contracts: ReadonlySet<string>,
): RawContractLog[] {
  // Events of a transaction that failed never happened (the Stacks API lists none for it either).
  if (tx.metadata.status !== "success") return [];
  const txid = with0x(tx.transaction_identifier.hash);
  return eventIndexes(tx.operations).flatMap(({ operation, eventIndex }) => {
    if (operation.type !== "contract_log") return [];
    const meta = contractLogMetadata.parse(operation.metadata);
    if (!contracts.has(meta.contract_identifier)) return [];
    const hex = with0x(typeof meta.value === "string" ? meta.value : meta.value.hex);
    return [
      { contractId: meta.contract_identifier, txid, eventIndex, hex, block, ...(time === undefined ? {} : { time }) },
    ];
  });
}

/** What a delivery asks of the sink: blocks to roll back (newest first), then events to apply (chain order). */
export type Delivery = { rollback: BlockRef[]; apply: RawContractLog[] };

/** A delivery's blocks as the sink takes them: only contract-log events of `contracts`, in chain order. */
export function deliveryOf(payload: ChainhooksPayload, contracts: Iterable<string>): Delivery {
  const watched = new Set(contracts);
  const rollback = payload.event.rollback.map(blockRef).sort((a, b) => b.height - a.height);
  const apply = [...payload.event.apply]
    .sort((a, b) => a.block_identifier.index - b.block_identifier.index)
    .flatMap((b) => {
      const ref = blockRef(b);
      return [...b.transactions]
        .sort((x, y) => x.metadata.position.index - y.metadata.position.index)
        .flatMap((tx) => logsOfTransaction(tx, ref, b.timestamp, watched));
    });
  return { rollback, apply };
}

/** Rollback first, then apply, as Chainhooks orders them; resolves only once the sink has finished both. */
export async function deliver(sink: EventSink, delivery: Delivery): Promise<void> {
  if (delivery.rollback.length > 0) await sink.rollback(delivery.rollback);
  if (delivery.apply.length > 0) await sink.apply(delivery.apply);
}

/**
 * The sink, taking one call at a time in the order they come: the receiver and the poller (the safety net
 * and the start-up backfill) share one ledger, which checks "handled already?" before handling, so two
 * calls at once could both handle an event. A call that fails does not stop the ones after it.
 */
export function oneAtATime(sink: EventSink): EventSink {
  let queue: Promise<unknown> = Promise.resolve();
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    apply: (logs) => run(() => sink.apply(logs)),
    rollback: (blocks) => run(() => sink.rollback(blocks)),
    backfill: (logs) => run(async () => sink.backfill?.(logs)),
    resume: () => run(async () => sink.resume?.()),
    reached: (tip) => sink.reached?.(tip),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The hook's definition (npm run chainhooks:register)
// ---------------------------------------------------------------------------------------------------------

/** Chainhooks serves mainnet and testnet; a local devnet's hooks (devnet/chainhooks-sender.ts) say testnet. */
export const chainhooksNetwork = (network: "mainnet" | "testnet" | "devnet"): ChainhookNetwork =>
  network === "mainnet" ? "mainnet" : "testnet";

/** The hook's name, by which registration finds it again: one per deployment of the contracts and network. */
export const hookName = (network: ChainhookNetwork, deployer: string) => `cover-bot ${network} ${deployer}`;

/**
 * The hook the bot needs: one contract_log filter per watched contract (their ids), posted to the bot's
 * receiver. Values stay hex (the bot decodes and checks them itself), and it is enabled when registered.
 */
export function chainhookDefinition(options: {
  network: ChainhookNetwork;
  deployer: string;
  contracts: readonly string[];
  webhookUrl: string;
}): ChainhookDefinition {
  return {
    name: hookName(options.network, options.deployer),
    version: "1",
    chain: "stacks",
    network: options.network,
    filters: {
      events: options.contracts.map((id) => ({ type: "contract_log" as const, contract_identifier: id })),
    },
    action: { type: "http_post", url: options.webhookUrl },
    options: { decode_clarity_values: false, enable_on_registration: true },
  };
}
