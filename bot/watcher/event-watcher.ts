import { StacksApiSocketClient } from "@stacks/blockchain-api-client";
import type { Logger } from "../logger";
import type { Store } from "../storage/store";
import type { StacksClient } from "../chain/stacks-client";
import { decodeLog, type ProtocolEvent } from "../chain/events";
import { LOG_PAGE_SIZE, latestContractLogs } from "../chain/contract-logs";
import { DEFAULT_EVENT_POLL_MS } from "../config";

export type EventHandler = (event: ProtocolEvent) => Promise<void>;

/**
 * Follows the contracts' events incrementally and hands each to the handler, in order, at least once.
 * Its position in each contract's log (how many events it has handled) is kept in SQLite and moved
 * only after the handler succeeds, so a crash or a restart resumes exactly where it stopped; handlers
 * make posting idempotent. New transactions are noticed through the API's socket.io notifications;
 * polling every `pollMs` is the fallback when the socket is down.
 */
export class EventWatcher {
  private running = false;
  private pending: Promise<void> | null = null;
  private again = false;
  private timer?: NodeJS.Timeout;
  private socket?: StacksApiSocketClient;

  constructor(
    private readonly opts: {
      client: StacksClient;
      store: Store;
      log: Logger;
      contracts: string[];
      handler: EventHandler;
      pollMs?: number;
      pageSize?: number;
      fromStart?: boolean;
      socketUrl?: string;
    },
  ) {}

  async start() {
    this.running = true;
    for (const contractId of this.opts.contracts) {
      // A bot joining a chain with history starts from now rather than replaying it into the channel.
      if (this.opts.store.cursor(contractId) === null && !this.opts.fromStart) {
        this.opts.store.setCursor(contractId, String(await this.total(contractId)));
      }
    }
    if (this.opts.socketUrl !== undefined) {
      this.socket = new StacksApiSocketClient({ url: this.opts.socketUrl });
      for (const contractId of this.opts.contracts)
        this.socket.subscribeAddressTransactions(contractId, () => void this.poll());
    }
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? DEFAULT_EVENT_POLL_MS);
    await this.poll();
  }

  async stop() {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.socket?.socket.close();
    await this.pending;
  }

  /** Handles everything new; concurrent calls coalesce into one more pass. */
  poll(): Promise<void> {
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    this.pending = (async () => {
      do {
        this.again = false;
        for (const contractId of this.opts.contracts) {
          if (!this.running) return;
          try {
            await this.catchUp(contractId);
          } catch (e) {
            this.opts.log.warn({ err: e, contractId }, "could not read contract events; will retry");
          }
        }
      } while (this.again && this.running);
    })().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async total(contractId: string): Promise<number> {
    const { data, error } = await this.opts.client.api.GET("/extended/v2/smart-contracts/{contract_id}/logs", {
      params: { path: { contract_id: contractId }, query: { limit: 1 } },
    });
    if (!data) throw new Error(`logs of ${contractId}: ${JSON.stringify(error)}`);
    return data.total;
  }

  private async catchUp(contractId: string) {
    const handled = Number(this.opts.store.cursor(contractId) ?? "0");
    const { logs: events } = await latestContractLogs(
      this.opts.client,
      contractId,
      (total) => total - handled,
      this.opts.pageSize ?? LOG_PAGE_SIZE,
    );
    for (const [i, log] of events.entries()) {
      if (!this.running) return;
      const index = handled + i;
      const event = decodeLog(contractId, index, log, this.opts.log);
      if (event) await this.opts.handler(event);
      this.opts.store.setCursor(contractId, String(index + 1));
    }
  }
}
