import {
  PostConditionMode,
  broadcastTransaction,
  makeContractCall,
  type ClarityValue,
  type PostCondition,
} from "@stacks/transactions";
import type { StacksNetwork } from "@stacks/network";

/**
 * The one way the project signs and broadcasts a contract call (the keeper, the devnet scenarios and
 * the tests): built with @stacks/transactions, fee and nonce asked of the API as a wallet does. A call
 * the node refuses for its nonce (another sender's transaction still in the mempool) is built again with
 * a fresh nonce, up to `nonceRetries` times; any other refusal is returned as it is.
 */

export type ContractCall = {
  contractId: string;
  functionName: string;
  functionArgs: ClarityValue[];
  senderKey: string;
  postConditions?: PostCondition[];
  postConditionMode?: "allow" | "deny";
  /** Attempts after a nonce refusal (default 0). */
  nonceRetries?: number;
};
export type CallResult = { ok: true; txid: string } | { ok: false; reason: string; reasonData?: unknown };

const NONCE_REFUSALS = new Set(["BadNonce", "ConflictingNonceInMempool"]);
/** The pause before building a call again after a nonce refusal grows by this much each attempt. */
const NONCE_RETRY_STEP_MS = 250;

export async function signAndBroadcast(network: StacksNetwork, call: ContractCall): Promise<CallResult> {
  const [contractAddress, contractName] = call.contractId.split(".") as [string, string];
  for (let attempt = 0; ; attempt++) {
    const transaction = await makeContractCall({
      contractAddress,
      contractName,
      functionName: call.functionName,
      functionArgs: call.functionArgs,
      senderKey: call.senderKey,
      network,
      postConditions: call.postConditions ?? [],
      postConditionMode: call.postConditionMode === "deny" ? PostConditionMode.Deny : PostConditionMode.Allow,
    });
    const result = await broadcastTransaction({ transaction, network });
    if (!("error" in result)) return { ok: true, txid: result.txid };
    const reason = String(result.reason);
    if (!NONCE_REFUSALS.has(reason) || attempt >= (call.nonceRetries ?? 0)) {
      return { ok: false, reason, reasonData: "reason_data" in result ? result.reason_data : undefined };
    }
    await new Promise((r) => setTimeout(r, NONCE_RETRY_STEP_MS * (attempt + 1)));
  }
}
