import { validateStacksAddress } from "@stacks/transactions";
import { UserError } from "./errors";
import { formatStx, MAX_AMOUNT_MICRO, readStx } from "../format/stx";

/** The largest amount a member may type, in STX. */

/**
 * Parses an amount of STX as a member types it ("250000", "250,000", "0.5") into micro-STX. Refuses
 * zero, negatives, more than 6 decimals and absurd sizes with a message saying what to type.
 */
export function parseStxAmount(text: string, what = "amount"): bigint {
  const micro = readStx(text);
  if (micro === null)
    throw new UserError(
      `The ${what} "${text}" is not an amount of STX. Type a number such as \`250000\` or \`1500.5\` (up to 6 decimals).`,
    );
  if (micro === 0n) throw new UserError(`The ${what} must be more than 0 STX.`);
  if (micro > MAX_AMOUNT_MICRO) throw new UserError(`The ${what} must be at most ${formatStx(MAX_AMOUNT_MICRO)}.`);
  return micro;
}

/** A Stacks address (standard or contract) of the bot's network. */
export function parseAddress(text: string, mainnet: boolean): string {
  const address = text.trim();
  const [principal] = address.split(".");
  if (
    !validateStacksAddress(principal!) ||
    (address.includes(".") && !/^[a-zA-Z][\w-]{0,39}$/.test(address.split(".")[1]!))
  ) {
    throw new UserError(
      `"${text}" is not a Stacks address. Paste one such as \`${mainnet ? "SP" : "ST"}1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM\`.`,
    );
  }
  const isMainnet = /^S[PM]/.test(principal!);
  if (isMainnet !== mainnet)
    throw new UserError(
      `"${text}" is a ${isMainnet ? "mainnet" : "testnet"} address; this server follows ${mainnet ? "mainnet" : "testnet"}, whose addresses start with ${mainnet ? "SP" : "ST"}.`,
    );
  return address;
}
