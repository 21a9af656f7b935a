import type { ProtocolReader } from "../chain/protocol-reader";
import type { Logger } from "../logger";
import type { Sql } from "../storage/sql";
import { toJson } from "./json-values";
import { POOL_STALE } from "./index-writer";
import { POOL_STATE, TIP_STATE, type IndexReader } from "./index-reader";
import type { IndexTip } from "./records";

/**
 * The parts of the index that are the chain's own answers rather than sums of events: a protocol's risk and
 * whether cover can be bought (they move with time, with audits and with the council's rate table), and the
 * pool's figures (its share price accrues premiums second by second). An event that changes one marks it
 * stale; `refresh` reads the stale ones again (one read per protocol changed, one for the pool), never on a
 * request path. The flag is cleared before the read, so an event that lands during the read marks it again.
 * `refreshAll` (the daily job) reads every protocol, for what time alone changes (the age credit of risk).
 */
export class IndexSnapshots {
  constructor(
    private readonly sql: Sql,
    private readonly index: IndexReader,
    private readonly reader: Pick<ProtocolReader, "protocolDetails" | "pool">,
    private readonly log?: Logger,
  ) {}

  /** Reads again what events marked stale; returns how many records it read. */
  async refresh(): Promise<number> {
    const ids = await this.index.staleProtocolIds();
    let read = 0;
    for (const id of ids) read += await this.refreshProtocol(id);
    const pool = await this.sql.get<{ data: string }>("SELECT data FROM ix_state WHERE name = ?", [POOL_STALE]);
    if (pool?.data === "1" || (await this.index.pool()) === null) read += await this.refreshPool();
    return read;
  }

  /** The pool's figures accrue with time alone: the scheduled refresh reads them again even without an event. */
  markPoolStale(): Promise<void> {
    return this.setState(POOL_STALE, "1");
  }

  /** Reads every protocol and the pool again. */
  async refreshAll(): Promise<number> {
    await this.sql.run("UPDATE ix_protocols SET stale = 1");
    await this.markPoolStale();
    return this.refresh();
  }

  private async refreshProtocol(id: bigint): Promise<number> {
    await this.sql.run("UPDATE ix_protocols SET stale = 0 WHERE id = ?", [id]);
    try {
      const details = await this.reader.protocolDetails(id);
      if (details)
        await this.sql.run("UPDATE ix_protocols SET name = ?, status = ?, data = ? WHERE id = ?", [
          details.name,
          details.status,
          toJson(details),
          id,
        ]);
      return 1;
    } catch (e) {
      await this.sql.run("UPDATE ix_protocols SET stale = 1 WHERE id = ?", [id]);
      throw e;
    }
  }

  private async refreshPool(): Promise<number> {
    await this.setState(POOL_STALE, "0");
    try {
      await this.setState(POOL_STATE, toJson(await this.reader.pool()));
      return 1;
    } catch (e) {
      await this.setState(POOL_STALE, "1");
      throw e;
    }
  }

  /** The tip the index has been brought up to (its time is "now" for what it answers). */
  setTip(tip: IndexTip): Promise<void> {
    return this.setState(TIP_STATE, toJson(tip));
  }

  private async setState(name: string, data: string) {
    await this.sql.run(
      "INSERT INTO ix_state (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
      [name, data],
    );
  }

  /** Refreshes, logging rather than throwing: what failed stays stale and is read again next time. */
  async refreshQuietly() {
    try {
      await this.refresh();
    } catch (e) {
      this.log?.warn({ err: e }, "could not read a protocol or the pool for the index; will retry");
    }
  }
}
