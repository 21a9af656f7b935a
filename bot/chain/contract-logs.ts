import type { StacksClient } from "./stacks-client";

/** Contract-log events asked for in one request, unless a caller says otherwise. */
export const LOG_PAGE_SIZE = 50;

/**
 * The newest `count(total)` events of a contract, oldest first, read from the API's contract-log pages.
 * The API pages newest first; each older page is asked for by the cursor the page before gave
 * (`prev_cursor`), never by an offset: the real API refuses offsets past 1,000, and cursors keep events
 * that arrive meanwhile from shifting the pages. However far behind, every event is read once. Used by
 * the event watcher (what it has not handled yet) and the registry (recent history).
 */
export async function latestContractLogs(
  client: StacksClient,
  contractId: string,
  count: (total: number) => number,
  pageSize = LOG_PAGE_SIZE,
) {
  const path = "/extended/v2/smart-contracts/{contract_id}/logs" as const;
  const first = await client.api.GET(path, {
    params: { path: { contract_id: contractId }, query: { limit: pageSize } },
  });
  if (!first.data) throw new Error(`logs of ${contractId}: ${JSON.stringify(first.error)}`);
  const total = first.data.total;
  const wanted = Math.max(0, Math.min(total, count(total)));
  const newestFirst = [...first.data.results];
  let older = first.data.prev_cursor;
  while (newestFirst.length < wanted && older) {
    const page = await client.api.GET(path, {
      params: { path: { contract_id: contractId }, query: { limit: pageSize, cursor: older } },
    });
    if (!page.data) throw new Error(`logs of ${contractId} before ${older}: ${JSON.stringify(page.error)}`);
    if (page.data.results.length === 0) break;
    newestFirst.push(...page.data.results);
    older = page.data.prev_cursor;
  }
  return { total, logs: newestFirst.slice(0, wanted).reverse() };
}
