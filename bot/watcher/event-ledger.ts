import type { Logger } from "../logger";
import type { Store } from "../storage/store";
import { decodeLog, type ProtocolEvent } from "../chain/events";
import { handledRecord, logKey, type BlockRef, type EventSink, type RawContractLog } from "./chain-events";

/** What is done with each event: handled when it is applied, undone when a re-organisation orphans it. */
export type EventHandlers = {
  handle(event: ProtocolEvent): Promise<void>;
  rollback(event: ProtocolEvent): Promise<void>;
};

/**
 * The bot's record of which events it has handled, by identity (transaction and event index) and block.
 * Every event source hands events here (the poller and the Chainhooks receiver), so each is handled once
 * whichever delivered it, in the order given, and recorded only after its handler succeeded: a crash or a
 * failed post means it is delivered again, never skipped. A rollback undoes the handled events of blocks
 * that are no longer canonical, newest first, and forgets them, so if their transaction is mined again the
 * event is handled (announced) again.
 */
export class EventLedger implements EventSink {
  constructor(private readonly opts: { store: Store; log: Logger; contracts: string[]; handlers: EventHandlers }) {}

  async apply(logs: RawContractLog[]): Promise<void> {
    const { store } = this.opts;
    for (const raw of logs) {
      if (!this.opts.contracts.includes(raw.contractId)) continue;
      const key = logKey(raw);
      const known = store.chainEvent(key);
      const seq = known?.seq ?? store.nextEventSeq();
      if (!known) {
        const event = this.decode(raw, seq);
        if (event) await this.opts.handlers.handle({ ...event, block: raw.block });
      }
      // Already handled: only its block (and cursor) may have changed, when it was mined again.
      store.recordChainEvent(handledRecord(raw, seq, raw.cursor ?? known?.cursor ?? null));
    }
    for (const contractId of new Set(logs.map((l) => l.contractId))) store.pruneChainEvents(contractId);
  }

  async rollback(blocks: BlockRef[]): Promise<void> {
    const { store, log } = this.opts;
    const orphaned = store.chainEventsIn(blocks);
    for (const row of orphaned) {
      const event = this.decode(
        { contractId: row.contractId, txid: row.txid, eventIndex: row.eventIndex, hex: row.hex },
        row.seq,
      );
      if (event)
        await this.opts.handlers.rollback({ ...event, block: { height: row.blockHeight, hash: row.blockHash } });
      store.forgetChainEvent(row.key);
      log.warn(
        { txid: row.txid, eventIndex: row.eventIndex, block: row.blockHeight, topic: event?.topic },
        "a chain re-organisation orphaned a handled event: undone",
      );
    }
  }

  private decode(raw: Pick<RawContractLog, "contractId" | "txid" | "eventIndex" | "hex">, seq: number) {
    return decodeLog(
      raw.contractId,
      { tx_id: raw.txid, event_index: raw.eventIndex, contract_log: { value: { hex: raw.hex } } },
      seq,
      this.opts.log,
    );
  }
}
