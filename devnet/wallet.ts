import { createNetwork, type StacksNetwork } from "@stacks/network";
import { signAndBroadcast, type ContractCall } from "../stacks/contract-call";

/** A testnet-style network whose every request goes to the given Stacks API (local or remote). */
export function networkFor(apiUrl: string): StacksNetwork {
  return createNetwork({ network: "testnet", client: { baseUrl: apiUrl } });
}

export type CallOptions = Omit<ContractCall, "nonceRetries">;

/** Signs and broadcasts a contract call (stacks/contract-call). Returns the txid, or throws with the node's rejection. */
export async function sendContractCall(network: StacksNetwork, options: CallOptions): Promise<string> {
  const result = await signAndBroadcast(network, {
    ...options,
    postConditionMode: options.postConditionMode ?? "deny",
  });
  if (!result.ok) {
    const data = result.reasonData === undefined ? "" : JSON.stringify(result.reasonData);
    throw new Error(`${options.contractId}.${options.functionName} rejected: ${result.reason} ${data}`);
  }
  return result.txid;
}
