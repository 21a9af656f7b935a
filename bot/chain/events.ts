import { hexToCV } from "@stacks/transactions";
import { ContractShapeError, decodeEvent, type ContractEvent } from "../../stacks/contract-values";
import type { Logger } from "../logger";

/**
 * A contract event as the bot uses it: one of the generated bindings' typed events (docs/events.md lists
 * every topic), decoded and checked at the boundary (stacks/contract-values.ts), with the transaction that
 * emitted it and its position in the contract's log (0 = its first event ever), which makes it unique.
 */
export type ProtocolEvent = { contractId: string; index: number; txid: string } & ContractEvent;

type ContractLog = { tx_id: string; contract_log: { value: { hex: string } } };

/**
 * The log entry as a typed event, or null (logged) when its contract printed something the bindings do not
 * describe: a deployment the bot was not generated for. Skipping it keeps every later event flowing.
 */
export function decodeLog(contractId: string, index: number, entry: ContractLog, log?: Logger): ProtocolEvent | null {
  try {
    const event = decodeEvent(contractId.split(".")[1] ?? "", hexToCV(entry.contract_log.value.hex));
    return { contractId, index, txid: entry.tx_id, ...event };
  } catch (e) {
    if (!(e instanceof ContractShapeError)) throw e;
    log?.error(
      { err: e, contractId, index, txid: entry.tx_id },
      "skipped a contract event the bindings do not describe",
    );
    return null;
  }
}

export const eventKey = (e: ProtocolEvent) => `${e.contractId}:${e.index}`;
