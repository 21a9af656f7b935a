import { EmbedBuilder } from "discord.js";
import type { Assessor, PoolStats, ProtocolDetails, Quote } from "../../chain/protocol-reader";
import type { FilingFacts } from "../../chain/filing-check";
import type { CapitalFacts, WithdrawalStage } from "../../chain/capital-check";
import type { StakeFacts } from "../../chain/stake-check";
import type { IndexedClaim as Claim, IndexedPolicy as Policy } from "../../index/records";
import { describeContractError } from "../../chain/contract-errors";
import { LISTED, type CoverInForce } from "../../chain/cover-in-force";
import { BPS, formatBps, formatShares, formatStx } from "../../format/stx";
import { quorumText, tallyText } from "../../format/claim-tally";
import { discordLink, discordText, LABEL_MAX } from "../../format/untrusted";
import { dateTime, relativeTime, shortHash, type Links } from "./links";
import type { IndexReader } from "../../index/index-reader";
import { settleReward, votedWithOutcome } from "../../chain/settle-check";

/** How the bot shows each thing it reads from the chain. Amounts in STX, times in each reader's zone. */

const COLORS = { ok: 0x2ecc71, warn: 0xf1c40f, bad: 0xe74c3c, info: 0x3498db, muted: 0x95a5a6 };
/** How much of a protocol's chain-chosen name is shown: standing alone (a title) and inside a sentence. */
const NAME_MAX = 200;
export const NAME_IN_SENTENCE_MAX = 100;
/** How much of a claim's description its embed shows (its page shows it all). */
export const DESCRIPTION_SHOWN_MAX = 1_000;
/** `now` is the chain's time (ProtocolReader.chainTime), which the contracts use, not this machine's clock. */
export function policyState(policy: Policy, now: bigint): { label: string; color: number } {
  if (policy.status === "exhausted") return { label: "Exhausted: all cover paid out", color: COLORS.muted };
  if (policy.status === "expired" || now >= policy.endsAt) return { label: "Expired", color: COLORS.muted };
  if (now < policy.activeFrom)
    return { label: `In the waiting period: cover starts ${relativeTime(policy.activeFrom)}`, color: COLORS.warn };
  return { label: "Active", color: COLORS.ok };
}

export function policyEmbed(policy: Policy, protocolName: string, links: Links, now: bigint) {
  const state = policyState(policy, now);
  return new EmbedBuilder()
    .setTitle(`Policy #${policy.id} · ${discordText(protocolName, NAME_MAX)}`)
    .setColor(state.color)
    .addFields(
      { name: "Status", value: state.label, inline: false },
      { name: "Holder", value: links.addressLink(policy.holder), inline: true },
      { name: "Cover", value: formatStx(policy.coverageAmount), inline: true },
      { name: "Remaining cover", value: formatStx(policy.remainingCover), inline: true },
      {
        name: "Premium paid",
        value: `${formatStx(policy.premium)} (${formatBps(policy.rateBps)} a year, tier ${policy.tier})`,
        inline: true,
      },
      { name: "Paid out", value: formatStx(policy.totalPaid), inline: true },
      { name: "Term", value: `${policy.durationDays} days`, inline: true },
      {
        name: "Cover from",
        value: `${dateTime(policy.activeFrom)} (${relativeTime(policy.activeFrom)})`,
        inline: true,
      },
      { name: "Cover until", value: `${dateTime(policy.endsAt)} (${relativeTime(policy.endsAt)})`, inline: true },
    );
}

export const CLAIM_STATE_LABELS: Record<Claim["status"], string> = {
  voting: "Voting",
  "no-quorum": "No quorum: the council decides",
  "awaiting-council": "Approved by vote: awaiting the council's sign-off",
  approved: "Approved",
  denied: "Denied",
  vetoed: "Vetoed by the council",
  paid: "Paid",
};

/**
 * Where the claim stands, with the vote's deadline said once: "closes" while it is ahead, "closed" once it has
 * passed (by the status, or by `now`, the chain's time, when the caller knows it before the keeper finalizes).
 */
export function claimStatusLine(claim: Claim, now?: bigint): string {
  const at = relativeTime(claim.votingEndsAt);
  if (claim.status === "voting")
    return now !== undefined && now >= claim.votingEndsAt
      ? `🗳️ Voting closed ${at}: the result is being counted`
      : `🗳️ Voting closes ${at}`;
  const closed = `Voting closed ${at}`;
  switch (claim.status) {
    case "no-quorum":
      return `⚖️ ${closed} without quorum: the council decides`;
    case "awaiting-council":
      return `⚖️ ${closed}: approved by vote, awaiting the council's sign-off`;
    case "approved":
      return `✅ ${closed}: approved, payable ${relativeTime(claim.vetoEndsAt)} unless the council vetoes it`;
    case "denied":
      return `❌ ${closed}: denied`;
    case "vetoed":
      return `🛑 ${closed}: vetoed by the council`;
    case "paid":
      return `💸 ${closed}: ${formatStx(claim.paid)} paid to the claimant`;
  }
}

const CLAIM_COLORS: Record<Claim["status"], number> = {
  voting: COLORS.info,
  "no-quorum": COLORS.warn,
  "awaiting-council": COLORS.warn,
  approved: COLORS.ok,
  denied: COLORS.bad,
  vetoed: COLORS.bad,
  paid: COLORS.ok,
};

/** How much of the claimant's account the alert's first view quotes, on one line (the thread has it all). */
export const ALERT_DESCRIPTION_MAX = 160;

/** The claim's tally and quorum as embed fields (weight for the tally, stake for quorum: see claim-tally.ts). */
export function tallyFields(claim: Claim) {
  // A bar in a code span is drawn in monospace: narrower, so a phone keeps the shares on the bar's line.
  const bar = (text: string) => text.replace(/^([█░]+) /, "`$1` ");
  return [
    { name: "Tally", value: bar(tallyText(claim)), inline: false },
    { name: "Quorum", value: bar(quorumText(claim)), inline: false },
  ];
}

/**
 * The alert's first view, sized for a phone: what happened (the claimant's account on one line), how much, the
 * deadline once, the tally and quorum. Everything an assessor weighs beyond that is in the thread's details post.
 */
export function claimAlertEmbed(claim: Claim, protocolName: string, links: Links, now?: bigint) {
  // Newlines collapsed: a claimant's blank lines cannot make the alert taller than a screen.
  const account = claim.description.replace(/\s+/g, " ").trim();
  const lines = [
    // A heading or list marker at the start would draw the quote large: it is shown as the text it is.
    account ? `> ${discordText(account, ALERT_DESCRIPTION_MAX).replace(/^(#{1,3} |-# |[-*] |\d+\. )/, "\\$1")}` : "",
    `**${formatStx(claim.amount)}** claimed · pays **${formatStx(claim.payable)}** after the deductible`,
    claimStatusLine(claim, now),
  ];
  return new EmbedBuilder()
    .setTitle(`Claim #${claim.id} · ${discordText(protocolName, NAME_MAX)}`)
    .setURL(`${links.webBaseUrl}/vote/${claim.id}`)
    .setColor(CLAIM_COLORS[claim.status])
    .setDescription(lines.filter(Boolean).join("\n"))
    .addFields(tallyFields(claim))
    .setFooter({
      text: `${claim.large ? "Large claim: the council signs off too · " : ""}Cover, claimant, audit, bond and risks: in the thread`,
    });
}

/** The whole claim, for /claim: the first view's facts and the claimant, policy, incident and evidence. */
export function claimEmbed(claim: Claim, protocolName: string, links: Links) {
  return (
    new EmbedBuilder()
      .setTitle(`Claim #${claim.id} · ${discordText(protocolName, NAME_MAX)}`)
      // The title opens the claim's page, which shows what an embed had to cut.
      .setURL(`${links.webBaseUrl}/vote/${claim.id}`)
      .setDescription(discordText(claim.description, DESCRIPTION_SHOWN_MAX))
      .setColor(CLAIM_COLORS[claim.status])
      .addFields(
        { name: "Status", value: claimStatusLine(claim), inline: false },
        { name: "Claimant", value: links.addressLink(claim.claimant), inline: true },
        { name: "Policy", value: `#${claim.policyId}`, inline: true },
        {
          name: "Amount",
          value: `${formatStx(claim.amount)} (pays ${formatStx(claim.payable)} after the deductible)`,
          inline: true,
        },
        { name: "Incident", value: dateTime(claim.incidentTime), inline: true },
        {
          name: "Evidence",
          value: `${discordLink("bundle", claim.evidenceUri)} · SHA-256 \`${shortHash(claim.evidenceHash).slice("0x".length)}…\``,
          inline: true,
        },
        ...tallyFields(claim),
      )
      .setFooter({
        text: `Bond ${formatStx(claim.bond)}${claim.large ? " · large claim: the council must also sign off" : ""}`,
      })
  );
}

/** `cover` is what is in force now (coverInForce): cover in its waiting period or past its end is not insurance. */
export function protocolEmbed(p: ProtocolDetails, cover: CoverInForce) {
  const listed = LISTED.has(p.status);
  const insured = listed && cover.inForce > 0n;
  const insuredText = !listed
    ? `No: the listing is ${p.status}, so it is not insurable`
    : insured
      ? `Yes: ${formatStx(cover.inForce)} of cover in force${cover.waiting > 0n ? ` (and ${formatStx(cover.waiting)} in its waiting period)` : ""}`
      : cover.waiting > 0n && cover.startsAt !== null
        ? `Not yet: ${formatStx(cover.waiting)} of cover starts ${relativeTime(cover.startsAt)}`
        : "No cover in force";
  const audit = p.latestAudit
    ? `${p.latestAudit.verdict} · ${p.latestAudit.critical} critical, ${p.latestAudit.high} high, ${p.latestAudit.medium} medium, ${p.latestAudit.low} low · ${discordLink("report", p.latestAudit.reportUri)}`
    : "Not audited";
  const embed = new EmbedBuilder()
    .setTitle(discordText(p.name, NAME_MAX))
    .setColor(insured ? COLORS.ok : p.status === "active" ? COLORS.info : COLORS.muted)
    .addFields(
      { name: "Insured", value: insuredText, inline: false },
      {
        name: "Status",
        value: p.status === "active" ? "Listed" : p.status[0]!.toUpperCase() + p.status.slice(1),
        inline: true,
      },
      { name: "Chain", value: discordText(p.chain, LABEL_MAX), inline: true },
      { name: "Category", value: discordText(p.category, LABEL_MAX), inline: true },
      { name: "Audit", value: audit, inline: false },
      {
        name: "Risk",
        value: p.risk ? `Tier ${p.risk.tier} (score ${p.risk.score}) · ${formatBps(p.risk.rateBps)} a year` : "Unknown",
        inline: true,
      },
      { name: "Incidents", value: String(p.incidentCount), inline: true },
      {
        name: "New cover",
        value:
          p.notInsurableCode === null
            ? "Available: try /quote"
            : `Not available: ${describeContractError(p.notInsurableCode)}`,
        inline: false,
      },
      // Fixed labels: a chain-chosen URL is never shown as a link's text, where it could pose as another link.
      {
        name: "Source",
        value: `${discordLink("source code", p.sourceUrl)}${p.website ? ` · ${discordLink("website", p.website)}` : ""}`,
        inline: false,
      },
    );
  return embed;
}

export function poolEmbed(s: PoolStats) {
  return new EmbedBuilder()
    .setTitle("Capital pool")
    .setColor(COLORS.info)
    .addFields(
      { name: "Capital", value: formatStx(s.totalCapital), inline: true },
      { name: "Active cover", value: formatStx(s.activeCover), inline: true },
      { name: "Utilization", value: formatBps(s.utilizationBps), inline: true },
      { name: "Free capacity", value: formatStx(s.freeCapacity), inline: true },
      { name: "Share price", value: formatStx(s.sharePrice), inline: true },
      { name: "Premiums earned", value: formatStx(s.premiumsEarned), inline: true },
      { name: "Owed to approved claims", value: formatStx(s.claimsOwed), inline: true },
      { name: "Under assessment", value: formatStx(s.claimsPending), inline: true },
      { name: "Paid out", value: formatStx(s.totalPaidOut), inline: true },
    );
}

export function quoteEmbed(q: Quote, protocolName: string, amount: bigint, days: bigint) {
  return new EmbedBuilder()
    .setTitle(`Quote · ${formatStx(amount)} on ${discordText(protocolName, NAME_IN_SENTENCE_MAX)} for ${days} days`)
    .setColor(COLORS.info)
    .addFields(
      { name: "Premium", value: formatStx(q.premium), inline: true },
      { name: "Base premium", value: formatStx(q.basePremium), inline: true },
      { name: "Rate", value: `${formatBps(q.rateBps)} a year (tier ${q.tier}, score ${q.riskScore})`, inline: true },
      { name: "Utilization after purchase", value: formatBps(q.utilizationBps), inline: true },
    )
    .setFooter({ text: "The exact premium purchase-coverage charges in the current block; set max-premium to it." });
}

/** What `/buy` offers before the page opens: the terms, the premium now, the most the wallet will let it take. */
export function buyEmbed(q: Quote, protocolName: string, amount: bigint, days: bigint, maxPremium: bigint) {
  return new EmbedBuilder()
    .setTitle(`Buy cover · ${formatStx(amount)} on ${discordText(protocolName, NAME_IN_SENTENCE_MAX)} for ${days} days`)
    .setColor(COLORS.info)
    .addFields(
      { name: "Premium now", value: formatStx(q.premium), inline: true },
      { name: "You pay at most", value: `${formatStx(maxPremium)} (1% slippage; change it on the page)`, inline: true },
      { name: "Rate", value: `${formatBps(q.rateBps)} a year (tier ${q.tier})`, inline: true },
    )
    .setFooter({
      text: "Your own wallet signs purchase-coverage on the page; the premium is read again when you sign.",
    });
}

const SECONDS_PER_DAY = 86_400n;

/** A deposit or withdrawal before its page opens: the pool now, and the member's position if linked. */
export function capitalEmbed(
  action: "deposit" | "withdraw",
  facts: CapitalFacts,
  stage: WithdrawalStage,
  amount?: bigint,
) {
  const { pool, provider } = facts;
  const embed = new EmbedBuilder()
    .setTitle(
      action === "deposit" ? `Deposit ${formatStx(amount ?? 0n)} in the pool` : "Withdraw capital from the pool",
    )
    .setColor(COLORS.info)
    .addFields(
      { name: "Share price", value: formatStx(pool.sharePrice), inline: true },
      { name: "Free capital", value: formatStx(pool.freeCapital), inline: true },
      { name: "Utilization", value: formatBps(pool.utilizationBps), inline: true },
    );
  if (provider)
    embed.addFields(
      { name: "Your shares", value: `${formatShares(provider.shares)} (${formatStx(provider.value)})`, inline: true },
      {
        name: "Your withdrawal",
        value: {
          none: "none asked",
          cooling: `${formatStx(provider.pendingValue)}, unlocks ${relativeTime(provider.unlocksAt)}`,
          open: `${formatStx(provider.pendingValue)}, open until ${relativeTime(provider.expiresAt)}`,
          expired: `lapsed ${relativeTime(provider.expiresAt)}`,
        }[stage],
        inline: true,
      },
    );
  return embed.setFooter({
    text: `Withdrawals wait ${facts.cooldown / SECONDS_PER_DAY} days after you ask, then stay open ${facts.window / SECONDS_PER_DAY} days. Your own wallet signs on the page.`,
  });
}

/** A stake or unstake before its page opens: the terms, and the member's stake if linked. */
export function stakeEmbed(action: "stake" | "unstake", facts: StakeFacts, amount?: bigint) {
  const embed = new EmbedBuilder()
    .setTitle(action === "stake" ? `Stake ${formatStx(amount ?? 0n)} as an assessor` : "Unstake")
    .setColor(COLORS.info)
    .addFields(
      { name: "Least stake", value: formatStx(facts.minStake), inline: true },
      { name: "Unstaking takes", value: `${facts.cooldown / SECONDS_PER_DAY} days`, inline: true },
    );
  const a = facts.assessor;
  if (a)
    embed.addFields(
      { name: "Your stake", value: formatStx(a.active), inline: true },
      { name: "Locked by votes", value: formatStx(a.locked), inline: true },
      {
        name: "Unstaking",
        value: a.unstaking > 0n ? `${formatStx(a.unstaking)}, free ${relativeTime(a.unstakeAt)}` : "nothing",
        inline: true,
      },
    );
  return embed.setFooter({
    text: "Your own wallet signs on the page. Settling your votes unlocks the stake they locked.",
  });
}

/** How many of a member's votes ready to settle `/settle` lists (the page lists more). */
export const SETTLE_SHOWN_MAX = 10;

/** A member's votes ready to settle, each with what settling pays, and how many wait for their claim to close. */
export function settleEmbed(found: Awaited<ReturnType<IndexReader["unsettledVotes"]>>) {
  const lines = found.ready.map(({ vote, claim, protocolName }) => {
    const name = discordText(protocolName ?? `protocol #${claim.protocolId}`, NAME_IN_SENTENCE_MAX);
    const pays =
      claim.status === "vetoed" && vote.approve
        ? "pays nothing; part of the stake it used is slashed"
        : votedWithOutcome(claim, vote)
          ? `pays ${formatStx(settleReward(claim, vote))}`
          : "pays nothing (voted against the outcome)";
    return `Claim #${claim.id} · ${name} · ${claim.status}: ${pays}`;
  });
  const total = found.ready.reduce((sum, { vote, claim }) => sum + settleReward(claim, vote), 0n);
  const more = found.readyCount - found.ready.length;
  const waiting = found.waiting
    ? found.waiting === 1
      ? "1 more vote waits for its claim to close."
      : `${found.waiting} more votes wait for their claims to close.`
    : "";
  if (!found.readyCount)
    return new EmbedBuilder()
      .setTitle("No votes to settle")
      .setColor(COLORS.muted)
      .setDescription(`Every vote of yours on a closed claim is settled. ${waiting}`.trim());
  return new EmbedBuilder()
    .setTitle(`${found.readyCount} vote${found.readyCount === 1 ? "" : "s"} ready to settle`)
    .setColor(COLORS.info)
    .setDescription([...lines, more > 0 ? `…and ${more} more on the page.` : ""].filter(Boolean).join("\n"))
    .addFields({ name: "Rewards of these", value: formatStx(total), inline: true })
    .setFooter({
      text: `Settling collects the reward and unlocks the stake your votes locked. Your own wallet signs on the page. ${waiting}`.trim(),
    });
}

/** What filing a claim on a policy takes, before the page opens (the page checks the claim itself). */
export function claimFileEmbed(facts: FilingFacts, protocolName: string) {
  const { policy } = facts;
  return new EmbedBuilder()
    .setTitle(`File a claim · policy #${policy.id} on ${discordText(protocolName, NAME_IN_SENTENCE_MAX)}`)
    .setColor(COLORS.info)
    .addFields(
      { name: "Cover left", value: formatStx(policy.remainingCover), inline: true },
      {
        name: "File by",
        value: `${dateTime(facts.filingDeadline)} (${relativeTime(facts.filingDeadline)})`,
        inline: true,
      },
      {
        name: "Bond",
        value: `${formatBps(facts.claimBondBps)} of the amount claimed, at least ${formatStx(facts.minClaimBond)}`,
        inline: true,
      },
      { name: "Deductible", value: formatBps(facts.deductibleBps), inline: true },
    )
    .setFooter({
      text: "Your own wallet signs submit-claim on the page. The evidence file's SHA-256 is computed in your browser; the file is not uploaded.",
    });
}

export function assessorEmbed(address: string, a: Assessor, links: Links) {
  return new EmbedBuilder()
    .setTitle("Assessor")
    .setDescription(links.addressLink(address))
    .setColor(COLORS.info)
    .addFields(
      { name: "Stake", value: formatStx(a.active), inline: true },
      { name: "Locked by open votes", value: formatStx(a.locked), inline: true },
      { name: "Available", value: formatStx(a.available), inline: true },
      { name: "Reputation", value: `${Number(a.reputation) / Number(BPS)}×`, inline: true },
      { name: "Voting weight", value: formatStx(a.weight), inline: true },
      { name: "Open votes", value: String(a.openVotes), inline: true },
      {
        name: "Unstaking",
        value: a.unstaking > 0n ? `${formatStx(a.unstaking)} (free ${relativeTime(a.unstakeAt)})` : "Nothing",
        inline: true,
      },
    );
}

export function listEmbed(title: string, lines: string[], empty: string) {
  return new EmbedBuilder()
    .setTitle(title)
    .setColor(COLORS.info)
    .setDescription(lines.length ? lines.join("\n") : empty);
}
