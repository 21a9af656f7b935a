import type { Config } from "../../config";

/**
 * Links into the Hiro explorer for the configured network, and Discord's own markup for addresses and
 * times. A chain other than mainnet or testnet is shown through the explorer's custom-API mode (`api=`)
 * only with the API URL the configuration allows to publish (EXPLORER_API_URL, or a local chain): the
 * chain API URL itself may carry a key, and these links are posted for everyone to read.
 */
export class Links {
  /** The web base can change once the web server has bound its port (WEB_PORT=0). */
  constructor(
    private readonly stacks: Config["stacks"],
    public webBaseUrl: string,
  ) {}

  private query() {
    const chain = this.stacks.network === "mainnet" || this.stacks.explorerChain === "mainnet" ? "mainnet" : "testnet";
    const api = this.stacks.explorerApiUrl;
    return `?chain=${chain}${api ? `&api=${encodeURIComponent(api)}` : ""}`;
  }

  address(address: string) {
    return `https://explorer.hiro.so/address/${address}${this.query()}`;
  }
  tx(txid: string) {
    return `https://explorer.hiro.so/txid/${txid.startsWith("0x") ? txid : `0x${txid}`}${this.query()}`;
  }

  /** ST1PQH…GZGM linked to the explorer. */
  addressLink(address: string) {
    return `[${shortAddress(address)}](${this.address(address)})`;
  }
  txLink(txid: string, label = "transaction") {
    return `[${label}](${this.tx(txid)})`;
  }

  votePage(claimId: bigint | number, choice: "approve" | "deny") {
    return `${this.webBaseUrl}/vote/${claimId}?choice=${choice}`;
  }

  /** The buy-cover page with its terms filled in (the amount in micro-STX). */
  buyPage(protocolId: bigint | number, amount: bigint, days: bigint | number) {
    return `${this.webBaseUrl}/buy/${protocolId}?amount=${amount}&days=${days}`;
  }

  /** The capital pages: a deposit of `amount` micro-STX filled in, or the withdrawal's steps. */
  capitalPage(action: "deposit" | "withdraw", amount?: bigint) {
    return `${this.webBaseUrl}/capital/${action}${amount === undefined ? "" : `?amount=${amount}`}`;
  }

  /** The staking pages, the amount in micro-STX filled in. */
  stakePage(action: "stake" | "unstake", amount?: bigint) {
    return `${this.webBaseUrl}/${action}${amount === undefined ? "" : `?amount=${amount}`}`;
  }

  /** The settle page, from the outcome of a claim (the list shows every vote of the member's ready to settle). */
  settlePage(claimId?: bigint | number) {
    return `${this.webBaseUrl}/settle${claimId === undefined ? "" : `?claim=${claimId}`}`;
  }

  /** The council page with a claim and what to sign on it filled in. */
  councilPage(claimId: bigint | number, action: "approve-claim" | "veto") {
    return `${this.webBaseUrl}/council?claim=${claimId}&action=${action}`;
  }

  /** The claim-filing page of a policy (for its holder). */
  claimFilePage(policyId: bigint | number) {
    return `${this.webBaseUrl}/claim-file/${policyId}`;
  }
}

/** An address longer than this is shown by its first 6 and last 4 characters. */
const ADDRESS_SHOWN_MAX = 12;
const ADDRESS_HEAD = 6;
const ADDRESS_TAIL = 4;
/** A hash is shown by its 0x and first 16 hex digits. */
const HASH_SHOWN = 18;

export function shortAddress(address: string): string {
  const [principal, contract] = address.split(".");
  const short =
    principal!.length > ADDRESS_SHOWN_MAX
      ? `${principal!.slice(0, ADDRESS_HEAD)}…${principal!.slice(-ADDRESS_TAIL)}`
      : principal!;
  return contract ? `${short}.${contract}` : short;
}

/** 0x1a2b3c4d5e6f7a8b (the rest of the hash is left out). */
export const shortHash = (hash: string) => hash.slice(0, HASH_SHOWN);

/** Discord renders these in each reader's own time zone. */
export const relativeTime = (seconds: bigint | number) => `<t:${seconds}:R>`;
export const dateTime = (seconds: bigint | number) => `<t:${seconds}:f>`;
