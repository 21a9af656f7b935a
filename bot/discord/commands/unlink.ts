import { DiscordAPIError, RESTJSONErrorCodes, SlashCommandBuilder, type Client } from "discord.js";
import type { BotCommand, BotContext } from "../context";
import { UserError } from "../errors";
import { MemberLinks } from "../../storage/member-links";
import { ownedBy } from "../../sharding/guild-scope";

/**
 * `/unlink`: the bot forgets the member's linked wallet (and any link page of theirs not yet used), and takes
 * back the assessor role it gave for that wallet's stake, in every server where it recorded giving it. A role an
 * admin gave by hand is left alone (roles.ts: the bot takes back only what it knows it gave).
 */
export const command: BotCommand = {
  data: new SlashCommandBuilder()
    .setName("unlink")
    .setDescription("Forget your linked Stacks wallet (and the assessor role it gave you)"),
  defer: true,
  ephemeral: true,
  async execute(interaction, ctx) {
    const address = await new MemberLinks(ctx.store.sql).unlink(interaction.user.id);
    if (!address)
      throw new UserError("You have no linked wallet, so there is nothing to unlink. To link one, run `/link`.");
    const removed = await takeBackRoles(interaction.client, ctx, interaction.user.id);
    await interaction.editReply(
      `Your wallet ${address} is no longer linked to your Discord account.` +
        (removed > 0 ? " The assessor role it gave you has been removed." : "") +
        " Its stake no longer earns you the assessor role, and the bot no longer tells you about its transactions. Run `/link` to link a wallet again.",
    );
  },
};

/** Removes the assessor role the bot gave this member, wherever it recorded giving it; returns in how many servers. */
async function takeBackRoles(client: Client, ctx: BotContext, userId: string): Promise<number> {
  let removed = 0;
  for (const settings of ownedBy(ctx.scope, await ctx.store.allSettings())) {
    const roleId = settings.assessorRoleId;
    const guild = client.guilds.cache.get(settings.guildId);
    if (!roleId || !guild || !(await ctx.store.roleGrants(guild.id, roleId)).includes(userId)) continue;
    try {
      const member = await guild.members.fetch({ user: userId, force: true });
      if (member.roles.cache.has(roleId)) {
        await member.roles.remove(roleId, "wallet unlinked");
        removed += 1;
      }
      await ctx.store.forgetRoleGrant(guild.id, roleId, userId);
    } catch (e) {
      // Left the server: nothing to take back. Anything else: the hourly sync takes it back later.
      if (e instanceof DiscordAPIError && e.code === RESTJSONErrorCodes.UnknownMember)
        await ctx.store.forgetRoleGrant(guild.id, roleId, userId);
      else ctx.log.warn({ err: e, guild: guild.id }, "could not take back the assessor role after /unlink");
    }
  }
  return removed;
}
