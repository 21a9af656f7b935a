import { DiscordAPIError, RESTJSONErrorCodes, type Guild } from "discord.js";
import type { BotContext } from "../discord/context";
import { deliverToEach } from "../discord/server-delivery";
import { reminderText } from "../discord/presentation/reminders";
import { ownedBy } from "../sharding/guild-scope";
import { MemberNotifications, type LinkedMember } from "../storage/member-notifications";
import { notifierOf } from "../notifications/member-notifier";

const HOUR = 3_600n;
/** Discord's answers that the user is not in the server (or is no user at all). */
const NOT_A_MEMBER = new Set<number>([RESTJSONErrorCodes.UnknownMember, RESTJSONErrorCodes.UnknownUser]);
/** Claims a pass reminds of at most (the soonest to close first). */
const CLAIMS_PER_PASS = 100;
/**
 * Members one reminder mentions at most (and looks up in its server, one request each when discord.js has not
 * seen them): those linked longest first; the rest are counted in the text.
 */
export const MENTIONS_PER_REMINDER = 50;

/**
 * Reminds a claim's assessors at each of the configured marks before its vote closes (REMINDER_HOURS, 24 and 1
 * by default), saying how far the claim is from quorum. A reminder mentions only members who can still vote:
 * linked wallets with stake that have not voted, as the index knows them (member-notifications.ts), and who are
 * members of that server; with nobody left in a server, nothing is posted there. Each reminder is posted once per
 * server, also across a crash (the poster), and one server that refuses the bot does not stop the others
 * (deliverToEach). Members who asked for it (`/notify unvoted-claims`) get the reminder by DM as well.
 */
export async function sendReminders(ctx: BotContext): Promise<number> {
  // The claims closing within the furthest mark, from the index; "now" is the chain's newest block.
  await ctx.catchUp?.();
  const now = await ctx.store.index.now();
  const marks = [...ctx.config.reminders.hours].sort((a, b) => a - b);
  const furthest = BigInt(marks.at(-1)!) * HOUR;
  const choices = new MemberNotifications(ctx.store.sql);
  let sent = 0;
  for (const claim of await ctx.store.index.closingClaims(now, furthest, CLAIMS_PER_PASS)) {
    const left = claim.votingEndsAt - now;
    // The nearest mark the claim is within: its reminder is due (once).
    const hours = marks.find((h) => left > 0n && left <= BigInt(h) * HOUR);
    if (hours === undefined) continue;
    const mark = `${hours}h`;
    const team = (await ctx.store.index.protocol(claim.protocolId))?.team ?? [];
    const unvoted = await choices.unvotedAssessors(claim, team);
    // A DM that fails now is sent by a later pass (once by key); the servers' reminders do not wait on it.
    await notifierOf(ctx)
      ?.remindUnvoted(claim, mark)
      .catch((e: unknown) =>
        ctx.log.warn({ err: e, claimId: claim.id }, "could not DM a reminder; retrying next pass"),
      );
    if (unvoted.length === 0) continue;
    await deliverToEach(
      ctx.log,
      ownedBy(ctx.scope, await ctx.store.guildsFollowing(Number(claim.protocolId))),
      `${mark} reminder of claim #${claim.id}`,
      async (settings) => {
        const alert = await ctx.store.claimMessage(settings.guildId, Number(claim.id));
        if (!alert) return;
        const key = `reminder:${claim.id}:${mark}:${settings.guildId}`;
        if (await ctx.store.wasPosted(key)) return;
        const channel = await ctx.poster.channel(settings.alertChannelId!);
        if (!channel?.guild) return;
        const { here, more } = await membersOf(channel.guild, unvoted);
        if (here.length === 0) return;
        const posted = await ctx.poster.postTextOnce(key, channel.id, reminderText(claim, here, more), {
          reply: { messageReference: alert.messageId, failIfNotExists: false },
          allowedMentions: { users: here },
        });
        if (posted) sent += 1;
      },
    );
  }
  return sent;
}

/**
 * Which of the members are in the server: the bot has only the Guilds intent and cannot list members, so each is
 * looked up by id (discord.js's cache first, else `GET /guilds/{id}/members/{user}`), at most MENTIONS_PER_REMINDER
 * of them; `more` counts the members beyond that bound, unchecked.
 */
async function membersOf(guild: Guild, members: LinkedMember[]): Promise<{ here: string[]; more: number }> {
  const checked = members.slice(0, MENTIONS_PER_REMINDER);
  const here: string[] = [];
  for (const m of checked) {
    const member = await guild.members.fetch({ user: m.discordUserId }).catch((e: unknown) => {
      if (e instanceof DiscordAPIError && NOT_A_MEMBER.has(Number(e.code))) return null;
      throw e;
    });
    if (member) here.push(m.discordUserId);
  }
  return { here, more: members.length - checked.length };
}
