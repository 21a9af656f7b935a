import type { BotContext } from "../discord/context";
import { deliverToEach } from "../discord/server-delivery";
import { reminderText } from "../discord/presentation/reminders";
import { ownedBy } from "../sharding/guild-scope";

const HOUR = 3_600n;
const DAY = 86_400n;
/** Claims a pass reminds of at most (the soonest to close first). */
const CLAIMS_PER_PASS = 100;

/**
 * Reminds each server's assessors 24 hours and 1 hour before a claim's vote closes, saying how far
 * the claim is from quorum. Each reminder is posted once per server, also across a crash (the poster), and
 * one server that refuses the bot does not stop the others (deliverToEach).
 */
export async function sendReminders(ctx: BotContext): Promise<number> {
  // The claims closing within a day, from the index, whatever their age; "now" is the chain's newest block.
  await ctx.catchUp?.();
  const now = await ctx.store.index.now();
  let sent = 0;
  for (const claim of await ctx.store.index.closingClaims(now, DAY, CLAIMS_PER_PASS)) {
    const left = claim.votingEndsAt - now;
    const mark = left <= 0n ? null : left <= HOUR ? "1h" : left <= DAY ? "24h" : null;
    if (!mark) continue;
    await deliverToEach(
      ctx.log,
      ownedBy(ctx.scope, await ctx.store.guildsFollowing(Number(claim.protocolId))),
      `${mark} reminder of claim #${claim.id}`,
      async (settings) => {
        const alert = await ctx.store.claimMessage(settings.guildId, Number(claim.id));
        if (!alert) return;
        const role = settings.assessorRoleId ?? null;
        const posted = await ctx.poster.postTextOnce(
          `reminder:${claim.id}:${mark}:${settings.guildId}`,
          settings.alertChannelId!,
          reminderText(claim, role),
          {
            reply: { messageReference: alert.messageId, failIfNotExists: false },
            allowedMentions: { roles: role ? [role] : [] },
          },
        );
        if (posted) sent += 1;
      },
    );
  }
  return sent;
}
