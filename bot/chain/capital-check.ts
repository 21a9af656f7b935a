import type { PoolStats, Provider, ProtocolReader } from "./protocol-reader";
import { formatStx } from "../format/stx";

/**
 * What a capital provider can do now, and why the pool would refuse what they cannot: the rules of
 * capital-pool's deposit, request-withdrawal and withdraw, applied to facts read from the chain when asked
 * (the share price and free capital move with every claim and purchase).
 */

export type CapitalFacts = {
  pool: PoolStats;
  minDeposit: bigint;
  cooldown: bigint;
  window: bigint;
  chainTime: bigint;
  /** The connected wallet's position and spendable STX (null: no wallet connected yet). */
  provider: Provider | null;
  balance: bigint | null;
};

/** Where a provider's withdrawal stands: none asked, cooling down, open to withdraw, or lapsed. */
export type WithdrawalStage = "none" | "cooling" | "open" | "expired";

/** The shares of a position a withdrawal request may name, as parts of it (the page offers these). */
const TENTH = 10;
const QUARTER = 25;
const HALF = 50;
/** All of the position: what the page offers first. */
export const WHOLE_PERCENT = 100;
export const WITHDRAW_PERCENTS = [TENTH, QUARTER, HALF, WHOLE_PERCENT] as const;
const PERCENT = BigInt(WHOLE_PERCENT);

const MS_PER_SECOND = 1_000;
const when = (seconds: bigint) => new Date(Number(seconds) * MS_PER_SECOND).toUTCString();

export async function readCapitalFacts(reader: ProtocolReader, address: string | null): Promise<CapitalFacts> {
  const [pool, minDeposit, cooldown, window, chainTime, provider, balance] = await Promise.all([
    reader.pool(),
    reader.parameter("min-deposit"),
    reader.parameter("withdrawal-cooldown"),
    reader.parameter("withdrawal-window"),
    reader.chainTime(),
    address ? reader.provider(address) : null,
    address ? reader.stxBalance(address) : null,
  ]);
  return { pool, minDeposit, cooldown, window, chainTime, provider, balance };
}

export function withdrawalStage(facts: CapitalFacts): WithdrawalStage {
  const p = facts.provider;
  if (!p || p.pendingShares === 0n) return "none";
  if (facts.chainTime < p.unlocksAt) return "cooling";
  return facts.chainTime < p.expiresAt ? "open" : "expired";
}

/** Why deposit(amount) would be refused now (`shares` is what it would mint). */
export function depositRefusals(facts: CapitalFacts, amount: bigint | null, shares: bigint): string[] {
  const refusals: string[] = [];
  if (amount === null) return ["Type the amount to deposit, in STX."];
  if (amount < facts.minDeposit) refusals.push(`The pool takes deposits of at least ${formatStx(facts.minDeposit)}.`);
  if (facts.pool.claimsOwed > 0n)
    refusals.push(
      `Deposits wait while approved claims are owed (${formatStx(facts.pool.claimsOwed)}): a deposit now would buy shares at a price a veto could raise.`,
    );
  else if (shares === 0n && amount >= facts.minDeposit)
    refusals.push("That deposit is too small to mint a share unit.");
  if (facts.balance !== null && facts.balance < amount)
    refusals.push(`Your wallet can spend ${formatStx(facts.balance)}; the deposit is ${formatStx(amount)}.`);
  return refusals;
}

/** The shares a request for `percent` of the position names (all of them at 100). */
export const sharesForPercent = (provider: Provider, percent: number) => (provider.shares * BigInt(percent)) / PERCENT;

/** Why request-withdrawal(shares) would be refused. */
export function requestRefusals(facts: CapitalFacts, shares: bigint): string[] {
  const p = facts.provider;
  if (!p || p.shares === 0n) return ["This wallet holds no shares in the pool."];
  if (shares === 0n) return ["That part of your position is less than one share unit; ask for more."];
  return shares > p.shares ? ["You can ask to withdraw at most the shares you hold."] : [];
}

/** Why withdraw() would be refused now (the amount it pays is the request's value at today's price). */
export function withdrawRefusals(facts: CapitalFacts): string[] {
  const p = facts.provider;
  switch (withdrawalStage(facts)) {
    case "none":
      return ["Ask to withdraw first: shares are paid after a cooldown."];
    case "cooling":
      return [`Your request unlocks ${when(p!.unlocksAt)}; the cooldown keeps capital behind cover already sold.`];
    case "expired":
      return [`Your request lapsed ${when(p!.expiresAt)}, unused; ask again (the cooldown starts over).`];
    default:
  }
  if (p!.pendingValue === 0n) return ["The shares you asked for are worth nothing now."];
  if (p!.pendingValue > facts.pool.freeCapital)
    return [
      `Only ${formatStx(facts.pool.freeCapital)} of the pool's capital is free now (the rest backs cover sold and claims); your request is worth ${formatStx(p!.pendingValue)}.`,
    ];
  return [];
}
