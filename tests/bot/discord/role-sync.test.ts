import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cl } from "@stacks/transactions";
import { PermissionFlagsBits as P } from "discord-api-types/v10";
import { startStack, type Stack } from "../harness";
import { syncAssessorRoles } from "../../../bot/discord/roles";
import { STX } from "../../../devnet/scenario";

/**
 * The scheduled role sync against the local Discord, which refuses what Discord refuses: it manages
 * the one assessor role, only for members it knows (linked, or given the role by it), and checks the
 * role is still safe before every run.
 */

let s: Stack;
let staked: string;
let unstaked: string;
beforeAll(async () => {
  s = await startStack();
  await s.bot.ctx.store.updateSettings(s.discord.guild.id, { assessorRoleId: s.discord.role("assessors").id });
  await s.p.call(s.who.assessors[0]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
  await s.p.call(s.who.assessors[1]!, "assessor-staking", "stake", [Cl.uint(1_000n * STX)]);
  staked = s.who.assessors[0]!.address;
  unstaked = s.who.assessors[2]!.address;
});
afterAll(async () => s?.stop());

const assessors = () => s.discord.role("assessors").id;
const rolesOf = (userId: string) => s.discord.guild.members.get(userId)!.roles;
const sync = (onlyUserId?: string) => syncAssessorRoles(s.bot.client, s.bot.ctx, onlyUserId);
/** Role changes the bot asked Discord for since `from`, as "PUT user role". */
const roleRequests = (from: number) =>
  s.discord.requests
    .slice(from)
    .filter((r) => /\/members\/\d+\/roles\/\d+$/.test(r.path))
    .map((r) => `${r.method} ${r.path.split("/")[4]} ${r.path.split("/")[6]}`);

describe("the assessor role sync", () => {
  it("gives the assessor role to a linked member with stake and touches none of their other roles", async () => {
    const veterans = s.discord.addRole("veterans").id;
    const alice = s.member("alice", [veterans]);
    await s.bot.ctx.store.linkWallet(alice, staked);
    const from = s.discord.requests.length;
    expect(await sync()).toMatchObject({ added: 1, skipped: 0 });
    expect(rolesOf(alice).sort()).toEqual([veterans, assessors()].sort());
    expect(roleRequests(from)).toEqual([`PUT ${alice} ${assessors()}`]);
    // Nothing changes on the next run.
    expect(await sync()).toMatchObject({ added: 0, removed: 0 });
  });

  it("takes the role from a linked member whose wallet has no stake, even if an admin gave it", async () => {
    const bob = s.member("bob", [assessors()]);
    await s.bot.ctx.store.linkWallet(bob, unstaked);
    await sync();
    expect(rolesOf(bob)).not.toContain(assessors());
  });

  it("leaves the role alone on a member who never linked a wallet and was given it by hand", async () => {
    const carol = s.member("carol", [assessors()]);
    const from = s.discord.requests.length;
    await sync();
    expect(rolesOf(carol)).toContain(assessors());
    expect(roleRequests(from).filter((r) => r.includes(carol))).toEqual([]);
  });

  it("takes the role, on the scheduled sync, from the account a wallet moved away from", async () => {
    const dave = s.member("dave");
    const erin = s.member("erin");
    await s.bot.ctx.store.linkWallet(dave, s.who.assessors[1]!.address);
    await sync();
    expect(rolesOf(dave)).toContain(assessors());
    expect(await s.bot.ctx.store.linkWallet(erin, s.who.assessors[1]!.address)).toEqual({ movedFrom: dave });
    await sync();
    expect(rolesOf(dave)).not.toContain(assessors());
    expect(rolesOf(erin)).toContain(assessors());
    expect(await s.bot.ctx.store.roleGrants(s.discord.guild.id, assessors())).not.toContain(dave);
  });

  it("skips the server with a warning, changing nothing, when an admin has since given the role Administrator", async () => {
    // Frank holds the role without stake: a run would take it.
    const frank = s.member("frank", [assessors()]);
    await s.bot.ctx.store.linkWallet(frank, unstaked);
    s.discord.updateRole(assessors(), { permissions: P.Administrator.toString() });
    const from = s.discord.requests.length;
    try {
      expect(await sync()).toEqual({ added: 0, removed: 0, skipped: 1 });
      expect(roleRequests(from)).toEqual([]);
      expect(rolesOf(frank)).toContain(assessors());
      expect(
        s.logs.some(
          (l) =>
            l.includes("assessor role sync skipped: the role is not safe to manage") && l.includes("Administrator"),
        ),
      ).toBe(true);
    } finally {
      s.discord.updateRole(assessors(), { permissions: "0" });
    }
  });

  it("skips the server when the role was moved above the bot's own", async () => {
    const position = s.discord.role("assessors").position;
    s.discord.updateRole(assessors(), { position: s.discord.botRole().position + 10 });
    try {
      expect(await sync()).toMatchObject({ added: 0, removed: 0, skipped: 1 });
      expect(s.logs.some((l) => l.includes("at or above my highest role"))).toBe(true);
    } finally {
      s.discord.updateRole(assessors(), { position });
    }
    expect(await sync()).toMatchObject({ skipped: 0 });
  });
});
