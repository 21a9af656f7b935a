import { fetchCallReadOnlyFunction, type ClarityValue } from "@stacks/transactions";
import type { StacksNetwork } from "@stacks/network";
import { decodeReadResult } from "./contract-values";
import type { ContractName, ReadOnlyFunction, ReadResult } from "./contracts.generated";

/** A read-only call through the node's RPC (`/v2/contracts/call-read/…`), as the raw Clarity value. */
export function callReadOnly(
  network: StacksNetwork,
  contractId: string,
  functionName: string,
  functionArgs: ClarityValue[] = [],
  sender?: string,
): Promise<ClarityValue> {
  const [contractAddress, contractName] = contractId.split(".") as [string, string];
  return fetchCallReadOnlyFunction({
    contractAddress,
    contractName,
    functionName,
    functionArgs,
    network,
    senderAddress: sender ?? contractAddress,
  });
}

/** A read-only function of one of the protocol's contracts, its result typed and checked by the generated bindings. */
export async function readContract<C extends ContractName, F extends ReadOnlyFunction<C> & string>(
  network: StacksNetwork,
  deployer: string,
  contract: C,
  functionName: F,
  functionArgs: ClarityValue[] = [],
): Promise<ReadResult<C, F>> {
  return decodeReadResult(
    contract,
    functionName,
    await callReadOnly(network, `${deployer}.${contract}`, functionName, functionArgs),
  );
}

/** The ok side of a read that answers (response ok err), or an error naming the code. */
export function okOf<T>(result: T | { error: bigint }, what: string): T {
  if (result !== null && typeof result === "object" && "error" in result)
    throw new Error(`${what} answered (err u${result.error})`);
  return result as T;
}
