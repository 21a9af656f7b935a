import type { Assessor, ProtocolReader } from "./protocol-reader";
import { formatStx } from "../format/stx";

/**
 * What an assessor can do with their stake now, and why assessor-staking would refuse what they cannot:
 * the rules of stake, request-unstake and withdraw-stake applied to facts read from the chain when asked.
 */

export type StakeFacts = {
  minStake: bigint;
  cooldown: bigint;
  chainTime: bigint;
  /** The connected wallet's stake and spendable STX (null: no wallet connected yet). */
  assessor: Assessor | null;
  balance: bigint | null;
};

const MS_PER_SECOND = 1_000;
const when = (seconds: bigint) => new Date(Number(seconds) * MS_PER_SECOND).toUTCString();

export async function readStakeFacts(reader: ProtocolReader, address: string | null): Promise<StakeFacts> {
  const [minStake, cooldown, chainTime, assessor, balance] = await Promise.all([
    reader.parameter("min-stake"),
    reader.parameter("unstake-cooldown"),
    reader.chainTime(),
    address ? reader.assessor(address) : null,
    address ? reader.stxBalance(address) : null,
  ]);
  return { minStake, cooldown, chainTime, assessor, balance };
}

/** Why stake(amount) would be refused. */
export function stakeRefusals(facts: StakeFacts, amount: bigint | null): string[] {
  if (amount === null || amount === 0n) return ["Type the amount to stake, in STX (more than 0)."];
  const refusals: string[] = [];
  const active = (facts.assessor?.active ?? 0n) + amount;
  if (active < facts.minStake) refusals.push(`A stake must come to at least ${formatStx(facts.minStake)}.`);
  if (facts.balance !== null && facts.balance < amount)
    refusals.push(`Your wallet can spend ${formatStx(facts.balance)}; the stake is ${formatStx(amount)}.`);
  return refusals;
}

/** Why request-unstake(amount) would be refused. */
export function unstakeRefusals(facts: StakeFacts, amount: bigint | null): string[] {
  if (amount === null || amount === 0n) return ["Type the amount to unstake, in STX (more than 0)."];
  const a = facts.assessor;
  if (!a) return [];
  if (amount > a.active) return [`You have ${formatStx(a.active)} staked.`];
  if (amount > a.available)
    return [
      `${formatStx(a.locked)} of your stake is locked by votes on claims not yet settled; you can unstake ${formatStx(a.available)} now. Settling those votes unlocks it.`,
    ];
  return [];
}

/** Why withdraw-stake() would be refused. */
export function withdrawStakeRefusals(facts: StakeFacts): string[] {
  const a = facts.assessor;
  if (!a || a.unstaking === 0n) return ["Nothing is unstaking: ask to unstake first."];
  if (facts.chainTime < a.unstakeAt) return [`Your unstaked ${formatStx(a.unstaking)} is free ${when(a.unstakeAt)}.`];
  return [];
}
