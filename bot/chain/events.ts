import { hexToCV } from "@stacks/transactions";
import { toPlain } from "../../stacks/clarity-values";
import { camelize } from "./protocol-reader";

/**
 * A contract event as the bot uses it: decoded from the log's Clarity value in this one place, with
 * camelCase fields (see docs/events.md for every topic), the transaction that emitted it, and its
 * position in the contract's log (0 = its first event ever), which makes it unique.
 */
export type ProtocolEvent = { contractId: string; index: number; txid: string; topic: string; data: Record<string, any> };

export function decodeLog(contractId: string, index: number, log: { tx_id: string; contract_log: { value: { hex: string } } }): ProtocolEvent {
  const plain = camelize(toPlain(hexToCV(log.contract_log.value.hex)));
  const { topic, ...data } = plain as { topic: string };
  return { contractId, index, txid: log.tx_id, topic, data };
}

export const eventKey = (e: ProtocolEvent) => `${e.contractId}:${e.index}`;
