import type { Client } from "discord.js";
import type { BotContext } from "./context";

/**
 * Members whose linked wallet has stake get the server's assessor role; those whose stake is gone
 * lose it. Run after a member links a wallet (for them) and on a schedule (for everyone).
 */
export async function syncAssessorRoles(client: Client, ctx: BotContext, onlyUserId?: string): Promise<{ added: number; removed: number }> {
  let added = 0;
  let removed = 0;
  const wallets = ctx.store.linkedWallets().filter((w) => !onlyUserId || w.discordUserId === onlyUserId);
  const staked = new Map<string, boolean>();
  for (const w of wallets) staked.set(w.address, (await ctx.reader.assessor(w.address)).active > 0n);
  for (const settings of ctx.store.allSettings()) {
    if (!settings.assessorRoleId) continue;
    const guild = client.guilds.cache.get(settings.guildId);
    if (!guild) continue;
    for (const w of wallets) {
      const member = await guild.members.fetch(w.discordUserId).catch(() => null);
      if (!member) continue;
      const has = member.roles.cache.has(settings.assessorRoleId);
      const should = staked.get(w.address) === true;
      if (should && !has) { await member.roles.add(settings.assessorRoleId, "linked wallet has assessor stake"); added += 1; }
      if (!should && has) { await member.roles.remove(settings.assessorRoleId, "linked wallet no longer has assessor stake"); removed += 1; }
    }
  }
  return { added, removed };
}
