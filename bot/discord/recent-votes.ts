import { eventKey, type ProtocolEvent } from "../chain/events";
import type { Store } from "../storage/store";

/**
 * Keeps a vote the alert shows (in the store, not in memory: bounded per claim, and a restarted bot still shows
 * them), or forgets it when a re-organisation orphans its event. Whoever handles the ledger's events does it
 * once: the claim feed of a single process, the ingestion leader of a sharded bot.
 */
export async function recordVote(store: Store, event: ProtocolEvent, as: "handle" | "rollback"): Promise<void> {
  if (event.topic !== "vote-cast") return;
  if (as === "rollback") return store.forgetVote(eventKey(event));
  const d = event.data;
  await store.recordVote(Number(d.claimId), eventKey(event), event.seq, {
    voter: d.voter,
    approve: d.approve,
    weight: d.weight,
    txid: event.txid,
  });
}
