import { Cl, type ClarityValue } from "@stacks/transactions";
import { okOf, readContract } from "../stacks/read-only";
import { signAndBroadcast } from "../stacks/contract-call";
import type { ContractName, PublicFunction, ReadOnlyFunction } from "../stacks/contracts.generated";
import type { StacksNetwork } from "@stacks/network";
import type { DevnetAccount } from "./accounts";
import { sendContractCall } from "./wallet";

/**
 * Scripted protocol activity through signed transactions against any Stacks API (the local one in
 * tests and the demo). Every step is a real transaction, so whatever watches the API sees it.
 */

export const STX = 1_000_000n;

export type Actors = {
  council: DevnetAccount;
  provider: DevnetAccount;
  assessors: DevnetAccount[];
  auditor: DevnetAccount;
  oracle: DevnetAccount;
  team: DevnetAccount;
  buyer: DevnetAccount;
};

/** Who plays which part in the scripted scenarios (devnet accounts of settings/Devnet.toml). */
export function actors(accounts: Map<string, DevnetAccount>): Actors {
  const a = (name: string) => accounts.get(name)!;
  return {
    council: a("deployer"),
    provider: a("wallet_1"),
    assessors: [a("wallet_2"), a("wallet_7"), a("wallet_8")],
    auditor: a("wallet_3"),
    oracle: a("wallet_4"),
    team: a("wallet_5"),
    buyer: a("wallet_6"),
  };
}

export class Protocol {
  constructor(
    readonly network: StacksNetwork,
    readonly deployer: string,
  ) {}

  id(contract: string) {
    return `${this.deployer}.${contract}`;
  }

  /** A public function the contract has (checked against the generated bindings at compile time). */
  call<C extends ContractName>(
    who: DevnetAccount,
    contract: C,
    functionName: PublicFunction<C> & string,
    functionArgs: ClarityValue[],
    postConditionMode: "allow" | "deny" = "allow",
  ) {
    return sendContractCall(this.network, {
      contractId: this.id(contract),
      functionName,
      functionArgs,
      senderKey: who.privateKey,
      postConditionMode,
    });
  }

  /** A read-only function, typed by the generated bindings (camelCase, checked), the same read the bot makes. */
  read<C extends ContractName, F extends ReadOnlyFunction<C> & string>(
    contract: C,
    functionName: F,
    functionArgs: ClarityValue[] = [],
  ) {
    return readContract(this.network, this.deployer, contract, functionName, functionArgs);
  }

  /** The premium purchase-coverage would charge now (the quote's ok side). */
  async quote(protocolId: bigint | number, amount: bigint, days: number) {
    const q = await this.read("cybersecurity-insurance-defi", "quote", [
      Cl.uint(protocolId),
      Cl.uint(amount),
      Cl.uint(days),
    ]);
    return okOf(q, "quote");
  }
}

/** Moves the local chain's clock forward (the local Stacks API's devnet endpoint; no real network has one). */
export async function advanceLocalChain(p: Protocol, seconds: number) {
  const r = await fetch(`${p.network.client.baseUrl}/devnet/advance`, {
    method: "POST",
    body: JSON.stringify({ seconds }),
  });
  if (!r.ok) throw new Error(`the local chain did not advance (${r.status}): seeding needs the local Stacks API`);
}

/**
 * Roles, a listed and audited protocol ("stackswap"), capital in the pool and a policy bought: the
 * starting point of every local scenario. Returns the ids.
 */
export async function seedCoverScenario(
  p: Protocol,
  who: Actors,
  options: { capital?: bigint; cover?: bigint; days?: number } = {},
) {
  const capital = options.capital ?? 1_000_000n * STX;
  const cover = options.cover ?? 250_000n * STX;
  const days = options.days ?? 90;
  const grants: bigint[] = [];
  for (const [role, holder] of [
    ["auditor", who.auditor],
    ["risk-oracle", who.oracle],
  ] as const) {
    await p.call(who.council, "insurance-council", "propose-role", [
      Cl.stringAscii(role),
      Cl.principal(holder.address),
      Cl.bool(true),
    ]);
    grants.push(await p.read("insurance-council", "get-last-proposal-id"));
  }
  // Role grants wait out the council's timelock (the withdrawal cooldown plus a day): the local chain's clock moves on.
  await advanceLocalChain(p, Number(await p.read("insurance-council", "get-timelock", [Cl.uint(2)])) + 60);
  for (const id of grants) await p.call(who.council, "insurance-council", "execute", [Cl.uint(id)]);
  await p.call(who.team, "protocol-registry", "list-protocol", [
    Cl.stringAscii("stackswap"),
    Cl.stringAscii("https://stackswap.example"),
    Cl.stringAscii("https://source.example/stackswap"),
    Cl.stringAscii("stacks"),
    Cl.uint(1),
    Cl.list([Cl.principal(who.team.address)]),
  ]);
  const protocolId: bigint = await p.read("protocol-registry", "get-last-protocol-id");
  await p.call(who.oracle, "protocol-registry", "approve-listing", [Cl.uint(protocolId)]);
  await p.call(who.auditor, "protocol-registry", "record-audit", [
    Cl.uint(protocolId),
    Cl.bufferFromHex("ab".repeat(32)),
    Cl.stringAscii("https://audits.example/stackswap-2026.pdf"),
    Cl.uint(0),
    Cl.uint(0),
    Cl.uint(2),
    Cl.uint(4),
    Cl.uint(1),
  ]);
  await p.call(who.provider, "capital-pool", "deposit", [Cl.uint(capital)]);
  const quote = await p.quote(protocolId, cover, days);
  await p.call(who.buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
    Cl.uint(protocolId),
    Cl.uint(cover),
    Cl.uint(days),
    Cl.uint(quote.premium),
  ]);
  const policyId: bigint = await p.read("cybersecurity-insurance-defi", "get-last-policy-id");
  return { protocolId, policyId, premium: quote.premium as bigint, capital, cover, days };
}

/** Funds each assessor with 2,000 STX from the local faucet and broadcasts a 1,000 STX stake (not awaited: they mine together). */
export async function stakeAssessors(p: Protocol, apiUrl: string, voters: { privateKey: string; address: string }[]) {
  for (const v of voters) {
    await fetch(`${apiUrl}/devnet/fund`, {
      method: "POST",
      body: JSON.stringify({ address: v.address, amount: String(2_000n * STX) }),
    });
    await signAndBroadcast(p.network, {
      contractId: p.id("assessor-staking"),
      functionName: "stake",
      functionArgs: [Cl.uint(1_000n * STX)],
      senderKey: v.privateKey,
    });
  }
}

/**
 * `count` new 60-day policies of 1,000 STX on protocol 1 (policy 1 is the seeded one), then, past the
 * waiting period, one claim of `amount` on each.
 */
export async function openClaims(
  p: Protocol,
  api: { url: string; chain: { time: number } },
  buyer: DevnetAccount,
  count: number,
  amount: bigint,
) {
  for (let i = 0; i < count; i++) {
    const quote = await p.quote(1, 1_000n * STX, 60);
    await p.call(buyer, "cybersecurity-insurance-defi", "purchase-coverage", [
      Cl.uint(1),
      Cl.uint(1_000n * STX),
      Cl.uint(60),
      Cl.uint(quote.premium),
    ]);
  }
  await fetch(`${api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds: 3 * 86_400 + 7_200 }) });
  for (let i = 0; i < count; i++) {
    await p.call(buyer, "claims-assessment", "submit-claim", [
      Cl.uint(i + 2),
      Cl.uint(amount),
      Cl.uint(api.chain.time - 600),
      Cl.stringUtf8(`Incident ${i + 1}`),
      Cl.bufferFromHex("ab".repeat(32)),
      Cl.stringAscii("https://evidence.example/x"),
    ]);
  }
}
