import type { Client, TextChannel } from "discord.js";
import type { BotContext } from "../discord/context";
import { formatBps, formatStx } from "../format/stx";
import { relativeTime } from "../discord/presentation/links";
import { sendOnce } from "../discord/post-once";

const HOUR = 3_600n;

/**
 * Reminds each server's assessors 24 hours and 1 hour before a claim's vote closes, saying how far
 * the claim is from quorum. Each reminder is posted once per server, also across a crash (sendOnce).
 */
export async function sendReminders(client: Client, ctx: BotContext): Promise<number> {
  const now = await ctx.reader.chainTime();
  let sent = 0;
  for (const claim of await ctx.reader.recentClaims({ status: "voting", limit: 50 })) {
    const left = claim.votingEndsAt - now;
    const mark = left <= 0n ? null : left <= HOUR ? "1h" : left <= 24n * HOUR ? "24h" : null;
    if (!mark) continue;
    const missing = claim.quorumStake > claim.votedStake ? claim.quorumStake - claim.votedStake : 0n;
    const votersMissing = claim.minVoters > claim.voterCount ? claim.minVoters - claim.voterCount : 0n;
    const progress = missing > 0n
      ? `${formatStx(claim.votedStake)} of ${formatStx(claim.quorumStake)} stake has voted (${formatBps(claim.quorumStake === 0n ? 0n : (claim.votedStake * 10_000n) / claim.quorumStake)} of quorum): ${formatStx(missing)} more is needed.`
      : votersMissing > 0n
        ? `Enough stake has voted, but quorum needs ${claim.minVoters} different voters: ${votersMissing} more ${votersMissing === 1n ? "is" : "are"} needed.`
        : `Quorum is reached (${formatStx(claim.votedStake)} of stake voted); every vote still counts.`;
    for (const settings of ctx.store.guildsFollowing(Number(claim.protocolId))) {
      const key = `reminder:${claim.id}:${mark}:${settings.guildId}`;
      const alert = ctx.store.claimMessage(settings.guildId, Number(claim.id));
      if (ctx.store.wasPosted(key) || !alert) continue;
      const channel = (await client.channels.fetch(settings.alertChannelId!).catch(() => null)) as TextChannel | null;
      if (!channel) continue;
      const role = settings.assessorRoleId ? `<@&${settings.assessorRoleId}> ` : "";
      const content = `${role}⏰ Voting on claim #${claim.id} closes ${relativeTime(claim.votingEndsAt)}. ${progress}`;
      // Through sendOnce: a crash between the send and markPosted does not remind twice after a restart.
      await sendOnce(ctx.store, channel, key, { content, reply: { messageReference: alert.messageId, failIfNotExists: false },
        allowedMentions: { roles: settings.assessorRoleId ? [settings.assessorRoleId] : [] } }, (m) => m.content === content);
      ctx.store.markPosted(key);
      sent += 1;
    }
  }
  return sent;
}
