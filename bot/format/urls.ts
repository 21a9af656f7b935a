import { safeLinkTarget } from "./untrusted";

/**
 * A link target built from the evidence URI a claimant chose on-chain: https as it is, ipfs:// through
 * the gateway, and none for anything else (javascript:, data:, http:, …), which is then shown as inert
 * text and never linked. Callers still escape the result for their output.
 */
export function evidenceUrl(uri: string): string | null {
  return safeLinkTarget(uri);
}
