import {
  PostConditionMode,
  TransactionSigner,
  broadcastTransaction,
  makeUnsignedContractCall,
  privateKeyToPublic,
  publicKeyToAddress,
  type ClarityValue,
  type PostCondition,
} from "@stacks/transactions";
import type { StacksNetwork } from "@stacks/network";

/**
 * The one way the project signs and broadcasts a contract call (the keeper, the devnet scenarios and
 * the tests): built with @stacks/transactions, the fee estimated by the node as a wallet does (or given),
 * the nonce given by the caller or read from the API's current nonce route. A fee above the caller's cap
 * refuses the call before anything is signed. A call the node refuses for its nonce (another sender's
 * transaction still in the mempool) is built again with a fresh nonce, up to `nonceRetries` times; any
 * other refusal is returned as it is.
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
  /** The nonce to sign with; read from the API when not given (and after a nonce refusal). */
  nonce?: bigint;
  /** The most the call may pay in fees, in micro-STX: above it nothing is signed. */
  maxFee?: bigint;
  /** The fee to pay, in micro-STX; the node's estimate when not given. */
  fee?: bigint;
};
export type CallResult =
  | { ok: true; txid: string; nonce: bigint; fee: bigint }
  | { ok: false; reason: string; reasonData?: unknown; fee?: bigint };

/** What the node answers for a nonce the mempool or the chain already has (stacks-core `mempool.rs`). */
export const NONCE_REFUSALS = new Set(["BadNonce", "ConflictingNonceInMempool"]);
/** Our own refusal: the fee the node estimates is above the caller's cap. */
export const FEE_ABOVE_CAP = "FeeAboveCap";
/** The pause before building a call again after a nonce refusal grows by this much each attempt. */
const NONCE_RETRY_STEP_MS = 250;

/**
 * The principal's next nonce from `/extended/v3/principals/{principal}/nonces`, the route that replaced the
 * deprecated `/extended/v1/address/{principal}/nonces` (which @stacks/transactions' fetchNonce still reads).
 */
export async function fetchNextNonce(network: StacksNetwork, principal: string): Promise<bigint> {
  const url = `${network.client.baseUrl}/extended/v3/principals/${principal}/nonces`;
  const response = await (network.client.fetch ?? fetch)(url);
  if (!response.ok) throw new Error(`nonces of ${principal}: HTTP ${response.status}`);
  const body = (await response.json()) as { next_nonce?: unknown };
  if (typeof body.next_nonce !== "number") throw new Error(`nonces of ${principal}: no next_nonce in the answer`);
  return BigInt(body.next_nonce);
}

export async function signAndBroadcast(network: StacksNetwork, call: ContractCall): Promise<CallResult> {
  const [contractAddress, contractName] = call.contractId.split(".") as [string, string];
  const publicKey = privateKeyToPublic(call.senderKey);
  const sender = publicKeyToAddress(publicKey, network);
  let nonce = call.nonce;
  for (let attempt = 0; ; attempt++) {
    const transaction = await makeUnsignedContractCall({
      contractAddress,
      contractName,
      functionName: call.functionName,
      functionArgs: call.functionArgs,
      publicKey,
      network,
      nonce: nonce ?? (await fetchNextNonce(network, sender)),
      // Left out, not undefined: the builder asks the node for an estimate only when the key is absent.
      ...(call.fee !== undefined ? { fee: call.fee } : {}),
      postConditions: call.postConditions ?? [],
      postConditionMode: call.postConditionMode === "deny" ? PostConditionMode.Deny : PostConditionMode.Allow,
    });
    const fee = transaction.auth.spendingCondition.fee;
    if (call.maxFee !== undefined && fee > call.maxFee) return { ok: false, reason: FEE_ABOVE_CAP, fee };
    new TransactionSigner(transaction).signOrigin(call.senderKey);
    const result = await broadcastTransaction({ transaction, network });
    const used = transaction.auth.spendingCondition.nonce;
    if (!("error" in result)) return { ok: true, txid: result.txid, nonce: used, fee };
    const reason = String(result.reason);
    if (!NONCE_REFUSALS.has(reason) || attempt >= (call.nonceRetries ?? 0)) {
      return { ok: false, reason, reasonData: "reason_data" in result ? result.reason_data : undefined, fee };
    }
    nonce = undefined;
    await new Promise((r) => setTimeout(r, NONCE_RETRY_STEP_MS * (attempt + 1)));
  }
}
