/**
 * npm run demo: the protocol's cover side, start to finish, on the Clarinet simnet (the real Clarity
 * VM), told in plain words. Set-up needs nothing but `npm ci`.
 */
import { Cl, ClarityType, cvToValue, type ClarityValue } from "@stacks/transactions";
import type { ParsedTransactionResult } from "@stacks/clarinet-sdk";
import { startSimnet } from "./lib/simnet";
import { formatStx, formatBps, formatShares } from "../bot/format/stx";

const simnet = await startSimnet();
const accounts = simnet.getAccounts();
const who = (name: string) => accounts.get(name)!;
const names = new Map([...accounts].map(([name, address]) => [address, name]));
const label = (address: string) => `${names.get(address) ?? address} (${address.slice(0, 6)}…${address.slice(-4)})`;

const council = who("deployer");
const auditor = who("wallet_3");
const oracle = who("wallet_4");
const team = who("wallet_5");
const provider = who("wallet_1");
const buyer = who("wallet_6");

function plain(v: ClarityValue): any {
  if (v.type === ClarityType.UInt) return BigInt(v.value);
  if (v.type === ClarityType.ResponseOk || v.type === ClarityType.OptionalSome) return plain(v.value);
  if (v.type === ClarityType.Tuple) return Object.fromEntries(Object.entries(v.value).map(([k, x]) => [k, plain(x)]));
  return cvToValue(v);
}
function send(contract: string, fn: string, args: ClarityValue[], sender: string): any {
  const r: ParsedTransactionResult = simnet.callPublicFn(contract, fn, args, sender);
  if (r.result.type !== ClarityType.ResponseOk) throw new Error(`${contract}.${fn} refused: ${Cl.prettyPrint(r.result)}`);
  return plain(r.result);
}
const read = (contract: string, fn: string, args: ClarityValue[] = []) => plain(simnet.callReadOnlyFn(contract, fn, args, council).result);
const say = (line: string) => console.log(line);

say("Cyber-security cover for DeFi on Stacks: the cover side, on a local simnet\n");

// The founding council grants the working roles.
for (const [role, address] of [["auditor", auditor], ["risk-oracle", oracle]] as const) {
  const id = send("insurance-council", "propose-role", [Cl.stringAscii(role), Cl.principal(address), Cl.bool(true)], council);
  send("insurance-council", "execute", [Cl.uint(id)], council);
  say(`• The council (threshold ${read("insurance-council", "get-threshold")}) granted ${label(address)} the ${role} role.`);
}

// A protocol team lists its protocol; the risk oracle approves; an auditor records an audit.
const protocolId = send("protocol-registry", "list-protocol", [Cl.stringAscii("stackswap"), Cl.stringAscii("https://stackswap.example"),
  Cl.stringAscii("https://source.example/stackswap"), Cl.stringAscii("stacks"), Cl.uint(1), Cl.list([Cl.principal(team)])], team);
say(`• ${label(team)} listed "stackswap" (protocol #${protocolId}), a DEX on Stacks with public source code.`);
send("protocol-registry", "approve-listing", [Cl.uint(protocolId)], oracle);
say(`• The risk oracle approved the listing.`);
send("protocol-registry", "record-audit", [Cl.uint(protocolId), Cl.bufferFromHex("ab".repeat(32)),
  Cl.stringAscii("https://audits.example/stackswap-2026.pdf"), Cl.uint(0), Cl.uint(0), Cl.uint(2), Cl.uint(4), Cl.uint(1)], auditor);
const risk = read("protocol-registry", "get-risk-breakdown", [Cl.uint(protocolId)]);
say(`• An audit was recorded: 0 critical, 0 high, 2 medium, 4 low findings, verdict pass.`);
say(`  Risk score ${risk.score} (category ${risk["category-points"]} + findings ${risk["finding-points"]}) → tier ${risk.tier}, annual rate ${formatBps(risk["rate-bps"])}.`);

// A capital provider underwrites.
const deposit = 1_000_000n * 1_000_000n;
const shares = send("capital-pool", "deposit", [Cl.uint(deposit)], provider);
const pool = read("capital-pool", "get-pool-stats");
say(`• ${label(provider)} deposited ${formatStx(deposit)} and received ${formatShares(shares)} shares.`);
say(`  Pool: capital ${formatStx(pool["total-capital"])}, capacity ${formatStx(pool.capacity)} (2× capital), share price ${formatStx(pool["share-price"])}.`);

// The buyer asks for a quote, then buys within it.
const amount = 250_000n * 1_000_000n;
const days = 90;
const quote = read("cybersecurity-insurance-defi", "quote", [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days)]);
say(`• Quote for ${formatStx(amount)} of cover on stackswap for ${days} days: ${formatStx(quote.premium)}`);
say(`  (base ${formatStx(quote["base-premium"])} at ${formatBps(quote["rate-bps"])} a year, utilization after purchase ${formatBps(quote["utilization-bps"])}).`);
const policyId = send("cybersecurity-insurance-defi", "purchase-coverage", [Cl.uint(protocolId), Cl.uint(amount), Cl.uint(days), Cl.uint(quote.premium)], buyer);
const policy = read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]);
const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");
say(`• ${label(buyer)} bought policy #${policyId}, paying ${formatStx(policy.premium)} (the quoted premium, to the micro-STX).`);
say(`  Cover starts after the 3-day waiting period, ${iso(policy["active-from"])}, and ends ${iso(policy["ends-at"])}.`);

const after = read("capital-pool", "get-pool-stats");
say(`• Pool now: capital ${formatStx(after["total-capital"])}, active cover ${formatStx(after["active-cover"])}, utilization ${formatBps(after["utilization-bps"])},`);
say(`  free capacity ${formatStx(after["free-capacity"])}, share price ${formatStx(after["share-price"])} (the premium raised it).`);
say(`  stackswap's active cover: ${formatStx(read("cybersecurity-insurance-defi", "get-protocol-coverage", [Cl.uint(protocolId)]))}.`);

// Guard rails, shown by the contracts' own refusals.
const refused = simnet.callPublicFn("cybersecurity-insurance-defi", "purchase-coverage",
  [Cl.uint(protocolId), Cl.uint(400_000n * 1_000_000n), Cl.uint(days), Cl.uint(10n ** 12n)], buyer);
say(`• Buying another 400,000 STX of cover on stackswap is refused with ${Cl.prettyPrint(refused.result)} (ERR-PROTOCOL-CAP-EXCEEDED):`);
say(`  one protocol may not take more than half of the pool's capital.`);
// Assessors stake; the waiting period passes; the protocol is hacked.
const assessors = [["wallet_2", 100_000n], ["wallet_7", 50_000n], ["wallet_8", 30_000n]] as const;
for (const [name, amount] of assessors) send("assessor-staking", "stake", [Cl.uint(amount * 1_000_000n)], who(name));
say(`• Three assessors staked ${assessors.map(([n, a]) => `${n} ${formatStx(a * 1_000_000n)}`).join(", ")}.`);
const blocksFor = (seconds: number) => Math.ceil(seconds / 570) + 1;
simnet.mineEmptyBlocks(blocksFor(3 * 86_400 + 7_200));
const hackedAt = BigInt(simnet.getBlockTime()) - 1_800n;
say(`• The waiting period is over. At ${iso(hackedAt)} an attacker drains 60,000 STX through a reentrancy bug.`);
const claimId = send("claims-assessment", "submit-claim", [Cl.uint(policyId), Cl.uint(60_000n * 1_000_000n), Cl.uint(hackedAt),
  Cl.stringUtf8("Reentrancy in the swap router drained the STX/USDA pool"), Cl.bufferFromHex("5e".repeat(32)),
  Cl.stringAscii("https://evidence.example/stackswap-incident.tar.gz")], buyer);
const claim = () => read("claims-assessment", "get-claim", [Cl.uint(claimId)]);
say(`• ${label(buyer)} filed claim #${claimId} for 60,000 STX with the SHA-256 of the evidence bundle, posting a bond of ${formatStx(claim().bond)}.`);
say(`  Voting closes ${iso(claim()["voting-ends-at"])}; quorum is ${formatStx(claim()["quorum-stake"])} of stake; approval must exceed 60 %.`);
for (const [name, approve] of [["wallet_2", true], ["wallet_7", true], ["wallet_8", false]] as const) {
  const weight = send("claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(approve)], who(name));
  say(`  ${name} voted ${approve ? "approve" : "deny"} with weight ${formatStx(weight)}.`);
}
const teamVote = simnet.callPublicFn("claims-assessment", "vote", [Cl.uint(claimId), Cl.bool(true)], team);
say(`• The protocol's own team tried to vote: refused with ${Cl.prettyPrint(teamVote.result)} (ERR-CONFLICT-OF-INTEREST).`);
simnet.mineEmptyBlocks(blocksFor(3 * 86_400));
send("claims-assessment", "finalize-claim", [Cl.uint(claimId)], oracle);
say(`• After the window a keeper finalized: approved, ${formatStx(claim()["approve-weight"])} for and ${formatStx(claim()["deny-weight"])} against.`);
say(`  ${formatStx(claim().payable)} (the claim less the 10 % deductible) is now owed; the share price fell to ${formatStx(read("capital-pool", "get-share-price"))}.`);
say(`  The council has until ${iso(claim()["veto-ends-at"])} to veto it.`);
simnet.mineEmptyBlocks(blocksFor(86_400));
const before = simnet.getAssetsMap().get("STX")!.get(buyer)!;
send("claims-assessment", "execute-payout", [Cl.uint(claimId)], oracle);
const afterPayout = simnet.getAssetsMap().get("STX")!.get(buyer)!;
say(`• No veto. The payout was executed: ${label(buyer)} received ${formatStx(afterPayout - before)} (payout and bond returned).`);
const paidPolicy = read("cybersecurity-insurance-defi", "get-policy", [Cl.uint(policyId)]);
say(`  Policy #${policyId} has ${formatStx(paidPolicy["remaining-cover"])} of cover left.`);
for (const [name] of assessors) {
  const reward = send("claims-assessment", "settle-vote", [Cl.uint(claimId)], who(name));
  const reputation = read("assessor-staking", "get-reputation", [Cl.principal(who(name))]);
  say(`  ${name} settled: reward ${formatStx(reward)}, reputation now ${Number(reputation) / 10_000}×.`);
}
say("\nDone: cover bought at the quoted price, a hack claimed with evidence, assessed by stake, paid out, and every vote settled.");
