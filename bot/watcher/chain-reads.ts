import { constants as http } from "node:http2";
import type { OperationResponse } from "@stacks/blockchain-api-client";
import type { StacksClient } from "../chain/stacks-client";
import { latestContractLogs } from "../chain/contract-logs";
import type { BlockRef, RawContractLog } from "./chain-events";

export type LogsPage = OperationResponse["get_smart_contract_logs"];
type LogResult = LogsPage["results"][number];

/** The microblock sequence the API gives a transaction of an anchored block (Nakamoto has no microblocks). */
const ANCHORED = 2_147_483_647;

/** A transaction the API does not know (any more), or not yet mined, while its event is being located. */
export class EventNotLocated extends Error {}

/**
 * The event watcher's reads of the Stacks API, each one request: the chain tip, whether a block is still
 * canonical, a page of a contract's log (a 404 for a cursor is an answer, not an error), and the blocks of a
 * run of events (all their transactions in one request).
 */
export class ChainReads {
  constructor(private readonly client: StacksClient) {}

  async tip(): Promise<BlockRef & { time: number }> {
    const { data, error } = await this.client.api.GET("/extended/v2/blocks/{height_or_hash}", {
      params: { path: { height_or_hash: "latest" } },
    });
    if (!data) throw new Error(`the chain tip: ${JSON.stringify(error)}`);
    return { height: data.height, hash: data.hash, time: data.block_time };
  }

  /** The API serves canonical blocks only: a hash it does not find was orphaned. */
  async isCanonical(hash: string): Promise<boolean> {
    const { data, response } = await this.client.api.GET("/extended/v2/blocks/{height_or_hash}", {
      params: { path: { height_or_hash: hash } },
    });
    if (data) return data.hash === hash || data.index_block_hash === hash;
    if (response.status === http.HTTP_STATUS_NOT_FOUND) return false;
    throw new Error(`block ${hash}: HTTP ${response.status}`);
  }

  async logs(
    contractId: string,
    query: { limit: number; cursor?: string },
  ): Promise<{ ok: true; page: LogsPage } | { ok: false; status: number }> {
    const { data, response } = await this.client.api.GET("/extended/v2/smart-contracts/{contract_id}/logs", {
      params: { path: { contract_id: contractId }, query },
    });
    if (data) return { ok: true, page: data };
    if (query.cursor !== undefined && response.status === http.HTTP_STATUS_NOT_FOUND)
      return { ok: false, status: response.status };
    throw new Error(`logs of ${contractId}: HTTP ${response.status}`);
  }

  /** The newest `count` events of a contract, oldest first (paged back by cursor). */
  async newest(contractId: string, count: number): Promise<LogResult[]> {
    return (await latestContractLogs(this.client, contractId, () => count)).logs;
  }

  /** The events with the block and cursor of each, from one request for all their transactions. */
  async locate(contractId: string, oldestFirst: LogResult[]): Promise<RawContractLog[]> {
    const ids = [...new Set(oldestFirst.map((r) => r.tx_id))];
    const { data, error } = await this.client.api.GET("/extended/v1/tx/multiple", {
      params: { query: { tx_id: ids } },
    });
    if (!data) throw new Error(`transactions of ${contractId}'s events: ${JSON.stringify(error)}`);
    return oldestFirst.map((r) => {
      const found = data[r.tx_id];
      const tx = found?.found ? found.result : undefined;
      if (!tx || !("block_hash" in tx))
        throw new EventNotLocated(`transaction ${r.tx_id} is not on the canonical chain (a re-org in progress?)`);
      return {
        contractId,
        txid: r.tx_id,
        eventIndex: r.event_index,
        hex: r.contract_log.value.hex,
        block: { height: tx.block_height, hash: tx.block_hash },
        time: tx.block_time,
        cursor: `${tx.block_height}:${tx.microblock_sequence ?? ANCHORED}:${tx.tx_index}:${r.event_index}`,
      };
    });
  }
}
