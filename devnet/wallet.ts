import {
  PostConditionMode, broadcastTransaction, makeContractCall, type ClarityValue, type PostCondition,
} from "@stacks/transactions";
import { createNetwork, type StacksNetwork } from "@stacks/network";

/** A testnet-style network whose every request goes to the given Stacks API (local or remote). */
export function networkFor(apiUrl: string): StacksNetwork {
  return createNetwork({ network: "testnet", client: { baseUrl: apiUrl } });
}

export type CallOptions = {
  contractId: string;
  functionName: string;
  functionArgs: ClarityValue[];
  senderKey: string;
  postConditions?: PostCondition[];
  postConditionMode?: "allow" | "deny";
};

/**
 * Builds, signs and broadcasts a contract call with @stacks/transactions (fee and nonce asked of the
 * API, as a wallet does). Returns the txid, or throws with the node's rejection.
 */
export async function sendContractCall(network: StacksNetwork, options: CallOptions): Promise<string> {
  const [contractAddress, contractName] = options.contractId.split(".") as [string, string];
  const transaction = await makeContractCall({
    contractAddress, contractName, functionName: options.functionName, functionArgs: options.functionArgs,
    senderKey: options.senderKey, network, postConditions: options.postConditions ?? [],
    postConditionMode: options.postConditionMode === "allow" ? PostConditionMode.Allow : PostConditionMode.Deny,
  });
  const result = await broadcastTransaction({ transaction, network });
  if ("error" in result) {
    const data = "reason_data" in result ? JSON.stringify(result.reason_data) : "";
    throw new Error(`${options.contractId}.${options.functionName} rejected: ${result.reason} ${data}`);
  }
  return result.txid;
}
