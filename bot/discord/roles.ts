import { DiscordAPIError, RESTJSONErrorCodes, type Client, type Guild } from "discord.js";
import type { BotContext } from "./context";
import { assessorRoleProblem } from "./permissions";
import { ownedBy } from "../sharding/guild-scope";

/**
 * The assessor role follows stake: a member whose linked wallet has assessor stake gets the server's
 * assessor role, and loses it when the stake is gone or the wallet is linked to another account. The
 * sync adds and removes that one role and nothing else, and only for members it knows: those with a
 * linked wallet, and those it gave the role to (recorded as grants). It cannot list a server's members
 * without the privileged Server Members intent, so a role an admin gave by hand to someone who never
 * linked is left alone. Run after a member links a wallet (for them, and for whoever the wallet moved
 * from) and hourly (for everyone).
 *
 * Before each run it checks again, from Discord, that the role is still safe to hand out: an admin may
 * have given it Administrator since `/setup`. If not, that server is skipped with a warning.
 */
export async function syncAssessorRoles(
  client: Client,
  ctx: BotContext,
  onlyUserId?: string,
): Promise<{ added: number; removed: number; skipped: number }> {
  const totals = { added: 0, removed: 0, skipped: 0 };
  const links = new Map((await ctx.store.linkedWallets()).map((w) => [w.discordUserId, w.address]));
  const staked = new Map<string, Promise<boolean>>();
  const hasStake = (address: string) => {
    if (!staked.has(address))
      staked.set(
        address,
        ctx.reader.assessor(address).then((a) => a.active > 0n),
      );
    return staked.get(address)!;
  };
  for (const settings of ownedBy(ctx.scope, await ctx.store.allSettings())) {
    const roleId = settings.assessorRoleId;
    const guild = roleId ? client.guilds.cache.get(settings.guildId) : undefined;
    if (!roleId || !guild) continue;
    try {
      const problem = await roleProblemNow(guild, roleId);
      if (problem) {
        ctx.log.warn(
          { guild: guild.id, role: roleId, problem },
          "assessor role sync skipped: the role is not safe to manage",
        );
        totals.skipped += 1;
        continue;
      }
      // Right after a link: that member, and members the bot gave the role whose link has gone (moved away).
      const granted = await ctx.store.roleGrants(guild.id, roleId);
      const targets = onlyUserId
        ? [onlyUserId, ...granted.filter((id) => !links.has(id))]
        : [...links.keys(), ...granted];
      for (const userId of new Set(targets)) {
        const address = links.get(userId);
        const change = await syncMember(guild, roleId, userId, address !== undefined && (await hasStake(address)), ctx);
        if (change === "added") totals.added += 1;
        if (change === "removed") totals.removed += 1;
      }
    } catch (e) {
      ctx.log.warn(
        { err: e, guild: guild.id },
        "assessor role sync failed for a server; it will run again on schedule",
      );
    }
  }
  return totals;
}

/** The role as Discord has it now (not as cached), checked against the bot's own member now. */
async function roleProblemNow(guild: Guild, roleId: string): Promise<string | null> {
  const role = (await guild.roles.fetch()).get(roleId);
  if (!role) return "the role no longer exists";
  return assessorRoleProblem(role, await guild.members.fetchMe({ force: true }));
}

async function syncMember(guild: Guild, roleId: string, userId: string, should: boolean, ctx: BotContext) {
  const member = await guild.members.fetch({ user: userId, force: true }).catch(async (e: unknown) => {
    // Left the server: there is no role to take back any more.
    if (e instanceof DiscordAPIError && e.code === RESTJSONErrorCodes.UnknownMember)
      await ctx.store.forgetRoleGrant(guild.id, roleId, userId);
    else throw e;
    return null;
  });
  if (!member) return "none";
  const has = member.roles.cache.has(roleId);
  if (should) {
    if (!has) await member.roles.add(roleId, "linked wallet has assessor stake");
    // Whoever gave it, a member holding the role for their stake is the bot's to keep in step from now on.
    await ctx.store.recordRoleGrant(guild.id, roleId, userId);
    return has ? "none" : "added";
  }
  if (has) await member.roles.remove(roleId, "no linked wallet with assessor stake");
  await ctx.store.forgetRoleGrant(guild.id, roleId, userId);
  return has ? "removed" : "none";
}
