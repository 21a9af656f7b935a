import type { Sql } from "./sql";

/** What `/status` reads of the store's own record of the chain (the event ledger, migration 5). */
export type LastEvent = { blockHeight: number; handledAt: number; contractId: string; txid: string };

export class StatusFacts {
  constructor(private readonly sql: Sql) {}

  /** The newest event the ledger recorded (of any watched contract), or null before the first. */
  async lastEvent(): Promise<LastEvent | null> {
    const row = await this.sql.get<LastEvent>(
      'SELECT block_height AS "blockHeight", handled_at AS "handledAt", contract_id AS "contractId", txid FROM chain_events ORDER BY seq DESC LIMIT 1',
    );
    return row ? { ...row, blockHeight: Number(row.blockHeight), handledAt: Number(row.handledAt) } : null;
  }
}
