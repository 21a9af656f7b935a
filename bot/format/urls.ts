/**
 * A link target built from a URI that a stranger chose on-chain (a claim's evidence). Only http(s) is
 * linked as it is; an ipfs:// (or bare) reference goes through a public gateway, and anything else
 * (javascript:, data:, file:, …) never becomes a link of its own: it lands on the gateway as a path,
 * or on the explorer when it is not a URL at all. Callers still escape the result for their output.
 */
export function evidenceUrl(uri: string): string {
  try {
    const url = new URL(uri);
    return ["http:", "https:"].includes(url.protocol) ? url.href : `https://ipfs.io/ipfs/${uri.replace(/^ipfs:\/\//, "")}`;
  } catch {
    return "https://explorer.hiro.so";
  }
}
