import { createHash } from "node:crypto";
import {
  Cl,
  encodeStructuredDataBytes,
  publicKeyFromSignatureRsv,
  publicKeyToAddress,
  type ClarityValue,
} from "@stacks/transactions";
import type { Store } from "../storage/store";
import { MS_PER_SECOND } from "./html";
import { HTTP } from "./http-status";

/**
 * Linking a Discord account to a Stacks address by a SIP-018 signed message. The bot issues a one-time
 * nonce for a member with an expiry (`/link`); the member's wallet signs
 * { action: "link-wallet", discord-id, nonce, expires } under the protocol's domain; the bot rebuilds
 * that message from what it issued (never from what the page sends), recovers the signer's key and
 * accepts only if it is the claimed address. A nonce is used once, and a member has one at a time.
 * An address is linked to one account at a time: linking it to another moves it (`movedFrom`), so one
 * stake cannot earn the assessor role for several accounts.
 */

/** How long a link nonce is valid. */
const LINK_TTL_MINUTES = 15;
export const LINK_TTL_MS = LINK_TTL_MINUTES * 60 * MS_PER_SECOND;

/** The chain id in the SIP-018 domain: 1 on mainnet, 0x80000000 on testnet. */
const CHAIN_ID = { mainnet: 1, testnet: 2147483648 } as const;
export const chainId = (mainnet: boolean) => (mainnet ? CHAIN_ID.mainnet : CHAIN_ID.testnet);
/** A time in milliseconds as the whole Unix seconds a signed link message carries. */
export const unixSeconds = (ms: number) => Math.floor(ms / MS_PER_SECOND);

export function linkDomain(mainnet: boolean): ClarityValue {
  return Cl.tuple({
    name: Cl.stringAscii("Cyber-security cover for DeFi"),
    version: Cl.stringAscii("1"),
    "chain-id": Cl.uint(chainId(mainnet)),
  });
}

export function linkMessage(p: { discordId: string; nonce: string; expiresAt: number }): ClarityValue {
  return Cl.tuple({
    action: Cl.stringAscii("link-wallet"),
    "discord-id": Cl.stringAscii(p.discordId),
    nonce: Cl.stringAscii(p.nonce),
    expires: Cl.uint(unixSeconds(p.expiresAt)),
  });
}

export type LinkAttempt = { nonce: string; address: string; signature: string };
export type LinkResult =
  | { ok: true; discordId: string; address: string; movedFrom: string | null }
  | { ok: false; status: number; error: string };

export async function verifyLink(
  store: Store,
  attempt: LinkAttempt,
  mainnet: boolean,
  now = Date.now(),
): Promise<LinkResult> {
  const issued = await store.linkNonce(attempt.nonce);
  if (!issued || issued.usedAt !== null)
    return {
      ok: false,
      status: HTTP.conflict,
      error: "This link was already used or does not exist. Run /link in Discord for a new one.",
    };
  if (now > issued.expiresAt)
    return { ok: false, status: HTTP.gone, error: "This link has expired. Run /link in Discord for a new one." };
  let signer: string;
  try {
    const message = linkMessage({ discordId: issued.discordUserId, nonce: attempt.nonce, expiresAt: issued.expiresAt });
    const encoded = encodeStructuredDataBytes({ message, domain: linkDomain(mainnet) });
    const hash = createHash("sha256").update(encoded).digest("hex");
    signer = publicKeyToAddress(publicKeyFromSignatureRsv(hash, attempt.signature), mainnet ? "mainnet" : "testnet");
  } catch {
    return { ok: false, status: HTTP.badRequest, error: "The signature could not be read." };
  }
  if (signer !== attempt.address) {
    return {
      ok: false,
      status: HTTP.forbidden,
      error: "The signature was not made by that address for this link. Sign with the wallet you want to link.",
    };
  }
  if (!(await store.consumeLinkNonce(attempt.nonce, now)))
    return { ok: false, status: HTTP.conflict, error: "This link was already used. Run /link again." };
  const { movedFrom } = await store.linkWallet(issued.discordUserId, attempt.address);
  return { ok: true, discordId: issued.discordUserId, address: attempt.address, movedFrom };
}
