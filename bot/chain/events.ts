import { decodeClarityValue } from "../../stacks/clarity-wire";
import { ContractShapeError, decodeEvent, type ContractEvent } from "../../stacks/contract-values";
import type { Logger } from "../logger";
import { logKey, type BlockRef } from "../watcher/chain-events";

/**
 * A contract event as the bot uses it: one of the generated bindings' typed events (docs/events.md lists
 * every topic), decoded and checked at the boundary (stacks/contract-values.ts), with the transaction that
 * emitted it and its index there (together, its identity: see eventKey) and `seq`, the order in which the bot
 * handled it (chain order; it only sorts, it identifies nothing).
 */
export type ProtocolEvent = {
  contractId: string;
  txid: string;
  eventIndex: number;
  seq: number;
  /** The block that holds it, when the bot handles it (not for history read for a page). */
  block?: BlockRef;
} & ContractEvent;

type ContractLog = { tx_id: string; event_index: number; contract_log: { value: { hex: string } } };

/** How much of a value that is not hex an error shows. */
const SHOWN = 16;

/** A serialized value's bytes, decoded natively; anything but whole bytes of hex is refused. */
function bytesOf(hex: string): Buffer {
  const digits = hex.startsWith("0x") ? hex.slice(2) : hex;
  // Buffer.from stops at the first pair that is not hex (no pattern match over the whole value, which cost
  // more than the decoding): all of it decoded means it was hex throughout, in whole bytes.
  const bytes = Buffer.from(digits, "hex");
  if (bytes.length * 2 !== digits.length) throw new Error(`not a serialized Clarity value: ${hex.slice(0, SHOWN)}…`);
  return bytes;
}

/**
 * The log entry as a typed event, or null (logged) when its contract printed something the bindings do not
 * describe: a deployment the bot was not generated for. Skipping it keeps every later event flowing.
 */
export function decodeLog(contractId: string, entry: ContractLog, seq: number, log?: Logger): ProtocolEvent | null {
  const where = { contractId, txid: entry.tx_id, eventIndex: entry.event_index };
  try {
    const event = decodeEvent(
      contractId.split(".")[1] ?? "",
      decodeClarityValue(bytesOf(entry.contract_log.value.hex)),
    );
    return { ...where, seq, ...event };
  } catch (e) {
    if (!(e instanceof ContractShapeError)) throw e;
    log?.error({ err: e, ...where }, "skipped a contract event the bindings do not describe");
    return null;
  }
}

/** An event's identity: contract, transaction and event index (it stays the same if the transaction is mined again). */
export const eventKey = (e: ProtocolEvent) => logKey(e);

/**
 * What a post for an event is keyed by: the event and its block. The same event mined again in another block
 * after a re-organisation is a new post (its first was marked dropped), with a new nonce, which Discord would
 * otherwise answer with the first message.
 */
export const postKeyOf = (e: ProtocolEvent) => `${eventKey(e)}:${e.block?.hash ?? "unmined"}`;
