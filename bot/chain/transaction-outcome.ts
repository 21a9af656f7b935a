import { describeContractError } from "./contract-errors";

/**
 * How a transaction a member signed ended, in plain words, from what the chain says of it: the one wording the
 * page that signed it and the member's Discord follow-up both show.
 */
export type OutcomeKind = "pending" | "done" | "refused" | "dropped";
export type Outcome = { kind: OutcomeKind; title: string; text: string };

/** What the network says when it drops a transaction from the mempool (the API's `dropped_…` statuses). */
const DROPPED: Record<string, string> = {
  dropped_replace_by_fee: "another transaction with the same nonce and a higher fee replaced it",
  dropped_replace_across_fork: "a transaction with the same nonce was mined on another fork",
  dropped_too_expensive: "its fee was too low for the mempool to keep it",
  dropped_stale_garbage_collect: "it waited in the mempool too long",
  dropped_problematic: "the node could not process it",
  not_found: "the network never heard of it in the 10 minutes after it was signed",
};

/** The contract's error code in a result such as `(err u2004)`, or null for any other result. */
export function errorCodeOf(result: string | null): number | null {
  const m = /^\(err u(\d{1,10})\)$/.exec(result ?? "");
  return m ? Number(m[1]) : null;
}

export function outcomeOf(t: {
  status: string;
  functionName: string | null;
  result: string | null;
  blockHeight: number | null;
}): Outcome {
  const call = t.functionName ?? "the call";
  const block = t.blockHeight === null ? "" : ` in block ${t.blockHeight}`;
  if (t.status === "pending")
    return { kind: "pending", title: `Waiting: ${call}`, text: "Waiting for the network to mine it." };
  if (t.status === "success")
    return { kind: "done", title: `Done: ${call}`, text: `Mined${block}: the contract did what you signed.` };
  if (t.status === "abort_by_response") {
    const code = errorCodeOf(t.result);
    const why = code === null ? "the contract refused it" : `the contract refused it: ${describeContractError(code)}`;
    return {
      kind: "refused",
      title: `Refused: ${call}`,
      text: `Mined${block}, but ${why}. Nothing moved; the fee was paid.`,
    };
  }
  if (t.status === "abort_by_post_condition")
    return {
      kind: "refused",
      title: `Stopped: ${call}`,
      text: `Mined${block}, but its post-conditions stopped it: it would have moved STX other than what you signed for. Nothing moved; the fee was paid.`,
    };
  const why = DROPPED[t.status] ?? "the network dropped it";
  return {
    kind: "dropped",
    title: `Not mined: ${call}`,
    text: `Not mined: ${why}. Nothing happened and no fee was paid; sign again from the page if it still applies.`,
  };
}
