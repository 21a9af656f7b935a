/**
 * npm run demo: the whole protocol on one machine. It starts the local Stacks API (the project's
 * contracts in the Clarinet simnet) and the local Discord in this process, then plays a scenario
 * through signed transactions, exactly as wallets would send them, and tells what happened.
 */
import { Cl } from "@stacks/transactions";
import { startLocalStacksApi } from "../devnet/server";
import { networkFor } from "../devnet/wallet";
import { Protocol, actors, seedCoverScenario, STX } from "../devnet/scenario";
import { startLocalDiscord } from "../tests/support/local-discord";
import { formatStx, formatBps, formatShares } from "../bot/format/stx";

const say = (line: string) => console.log(line);
const api = await startLocalStacksApi();
const discord = await startLocalDiscord();
const p = new Protocol(networkFor(api.url), api.chain.deployer);
const who = actors(api.chain.accounts);
const names = new Map([...api.chain.accounts.values()].map((a) => [a.address, a.name]));
const label = (address: string) => `${names.get(address) ?? address} (${address.slice(0, 6)}…${address.slice(-4)})`;
const iso = (t: bigint | number) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");
const advance = async (seconds: number) => {
  const r = await fetch(`${api.url}/devnet/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
  return (await r.json()) as { block_time: number };
};

say("Cyber-security cover for DeFi on Stacks, on one machine\n");
say(`• Local Stacks API on ${api.url} (contracts by ${label(api.chain.deployer)}), local Discord on ${discord.api}`);
say(`  with the server "${discord.guild.name}" and its #claims channel. Every step below is a signed transaction.`);

// Roles, a listed and audited protocol, capital, and cover bought at the quoted price.
const seeded = await seedCoverScenario(p, who);
say(`• The council (threshold ${await p.read("insurance-council", "get-threshold")}) granted ${label(who.auditor.address)} the auditor role`);
say(`  and ${label(who.oracle.address)} the risk-oracle role.`);
say(`• ${label(who.team.address)} listed "stackswap" (protocol #${seeded.protocolId}), a DEX on Stacks with public source code;`);
say(`  the risk oracle approved it and the auditor recorded an audit: 0 critical, 0 high, 2 medium, 4 low, verdict pass.`);
const risk = await p.read("protocol-registry", "get-risk-breakdown", [Cl.uint(seeded.protocolId)]);
say(`  Risk score ${risk.score} (category ${risk["category-points"]} + findings ${risk["finding-points"]}) → tier ${risk.tier}, annual rate ${formatBps(risk["rate-bps"])}.`);
const provider = await p.read("capital-pool", "get-provider", [Cl.principal(who.provider.address)]);
say(`• ${label(who.provider.address)} deposited ${formatStx(seeded.capital)} and received ${formatShares(provider.shares)} shares.`);
const quote = await p.read("cybersecurity-insurance-defi", "quote", [Cl.uint(seeded.protocolId), Cl.uint(seeded.cover), Cl.uint(seeded.days)]);
say(`• Quote for ${formatStx(seeded.cover)} of cover on stackswap for ${seeded.days} days: ${formatStx(seeded.premium)}`);
say(`  (base ${formatStx(quote["base-premium"])} at ${formatBps(quote["rate-bps"])} a year).`);
const policy = await p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(seeded.policyId)]);
say(`• ${label(who.buyer.address)} bought policy #${seeded.policyId}, paying ${formatStx(policy.premium)} (the quoted premium, to the micro-STX).`);
say(`  Cover starts after the 3-day waiting period, ${iso(policy["active-from"])}, and ends ${iso(policy["ends-at"])}.`);
const pool = await p.read("capital-pool", "get-pool-stats");
say(`• Pool now: capital ${formatStx(pool["total-capital"])}, active cover ${formatStx(pool["active-cover"])}, utilization ${formatBps(pool["utilization-bps"])},`);
say(`  free capacity ${formatStx(pool["free-capacity"])}, share price ${formatStx(pool["share-price"])} (the premium raised it).`);

// A guard rail, shown by the contract's own refusal as the API reports it.
const refusedTx = await p.call(who.buyer, "cybersecurity-insurance-defi", "purchase-coverage",
  [Cl.uint(seeded.protocolId), Cl.uint(400_000n * STX), Cl.uint(seeded.days), Cl.uint(10n ** 12n)]);
const refused = await (await fetch(`${api.url}/extended/v1/tx/0x${refusedTx}`)).json() as { tx_status: string; tx_result: { repr: string } };
say(`• Buying another 400,000 STX of cover on stackswap ended ${refused.tx_status} with ${refused.tx_result.repr} (ERR-PROTOCOL-CAP-EXCEEDED):`);
say(`  one protocol may not take more than half of the pool's capital.`);

// Assessors stake; the waiting period passes; the protocol is hacked; a claim is filed, voted, paid.
const stakes = [100_000n, 50_000n, 30_000n];
for (const [i, a] of who.assessors.entries()) await p.call(a, "assessor-staking", "stake", [Cl.uint(stakes[i]! * STX)]);
say(`• Three assessors staked ${who.assessors.map((a, i) => `${a.name} ${formatStx(stakes[i]! * STX)}`).join(", ")}.`);
const afterWait = await advance(3 * 86_400 + 7_200);
const hackedAt = afterWait.block_time - 1_800;
say(`• The waiting period is over. At ${iso(hackedAt)} an attacker drains 60,000 STX through a reentrancy bug.`);
await p.call(who.buyer, "claims-assessment", "submit-claim", [Cl.uint(seeded.policyId), Cl.uint(60_000n * STX), Cl.uint(hackedAt),
  Cl.stringUtf8("Reentrancy in the swap router drained the STX/USDA pool"), Cl.bufferFromHex("5e".repeat(32)),
  Cl.stringAscii("https://evidence.example/stackswap-incident.tar.gz")]);
const claimId: bigint = await p.read("claims-assessment", "get-last-claim-id");
const claim = () => p.read("claims-assessment", "get-claim", [Cl.uint(claimId)]);
const opened = await claim();
say(`• ${label(who.buyer.address)} filed claim #${claimId} for 60,000 STX with the SHA-256 of the evidence bundle, posting a bond of ${formatStx(opened.bond)}.`);
say(`  Voting closes ${iso(opened["voting-ends-at"])}; quorum is ${formatStx(opened["quorum-stake"])} of stake; approval must exceed 60 %.`);
for (const [i, approve] of [true, true, false].entries()) {
  const a = who.assessors[i]!;
  await p.call(a, "claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(approve)], "deny");
  const ballot = await p.read("claims-assessment", "get-vote", [Cl.uint(claimId), Cl.principal(a.address)]);
  say(`  ${a.name} voted ${approve ? "approve" : "deny"} with weight ${formatStx(ballot.weight)} (signed in deny mode: a vote moves no STX).`);
}
const teamTx = await p.call(who.team, "claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(true)]);
const teamVote = await (await fetch(`${api.url}/extended/v1/tx/0x${teamTx}`)).json() as { tx_result: { repr: string } };
say(`• The protocol's own team tried to vote: refused with ${teamVote.tx_result.repr} (ERR-CONFLICT-OF-INTEREST).`);
await advance(3 * 86_400);
await p.call(who.oracle, "claims-assessment", "finalize-claim", [Cl.uint(claimId)]);
const finalized = await claim();
say(`• After the window a keeper finalized: approved, ${formatStx(finalized["approve-weight"])} for and ${formatStx(finalized["deny-weight"])} against.`);
say(`  ${formatStx(finalized.payable)} (the claim less the 10 % deductible) is now owed; the share price fell to ${formatStx(await p.read("capital-pool", "get-share-price"))}.`);
say(`  The council has until ${iso(finalized["veto-ends-at"])} to veto it.`);
await advance(86_400);
const before = api.chain.balance(who.buyer.address);
await p.call(who.oracle, "claims-assessment", "execute-payout", [Cl.uint(claimId)]);
say(`• No veto. The payout was executed: ${label(who.buyer.address)} received ${formatStx(api.chain.balance(who.buyer.address) - before)} (payout and bond returned).`);
const paidPolicy = await p.read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(seeded.policyId)]);
say(`  Policy #${seeded.policyId} has ${formatStx(paidPolicy["remaining-cover"])} of cover left.`);
for (const a of who.assessors) {
  const balance = api.chain.balance(a.address);
  await p.call(a, "claims-assessment", "settle-vote", [Cl.uint(claimId)]);
  const reputation = await p.read("assessor-staking", "get-reputation", [Cl.principal(a.address)]);
  say(`  ${a.name} settled: reward ${formatStx(api.chain.balance(a.address) - balance)}, reputation now ${Number(reputation) / 10_000}×.`);
}
const logs = api.chain.logsOf(`${api.chain.deployer}.claims-assessment`).length;
say(`\nDone: ${api.chain.txs.size} signed transactions in ${api.chain.tipHeight} blocks; the claims contract printed ${logs} events that the bot will read.`);
await discord.stop();
await api.close();
