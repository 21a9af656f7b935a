import type { BotContext } from "../discord/context";
import { eventKey, type ProtocolEvent } from "../chain/events";
import type { EventHandlers } from "../watcher/event-ledger";
import { deliverToEach } from "../discord/server-delivery";
import { ownedBy } from "../sharding/guild-scope";
import { MemberNotifications } from "../storage/member-notifications";
import { councilAction } from "./texts";

type NeedsCouncil = Extract<ProtocolEvent, { topic: "claim-escalated" | "claim-approved" }>;

/**
 * Pings a server's council role (`/setup council-role`) when a claim needs the council: escalated (no quorum,
 * or a large claim the council signs off), or approved while its veto window is open. Once per server and
 * event (the poster's key), as a reply to the claim's alert, with a button to the council page. Composed with
 * the claim feed in bot/app.ts; each shard pings the servers it owns. A re-organisation that orphans the event
 * leaves the ping to the claim feed's rollback, which edits every post keyed by the event to say it was dropped.
 */
export class CouncilPings implements EventHandlers {
  private readonly settings: MemberNotifications;

  constructor(private readonly ctx: BotContext) {
    this.settings = new MemberNotifications(ctx.store.sql);
  }

  async handle(event: ProtocolEvent): Promise<void> {
    if (event.contractId.split(".")[1] !== "claims-assessment") return;
    if (event.topic === "claim-escalated") return this.ping(event);
    // An approval replayed after its veto window ended needs nobody any more.
    if (event.topic === "claim-approved" && event.data.vetoEndsAt > (await this.ctx.store.index.now()))
      return this.ping(event);
  }

  async rollback(_event: ProtocolEvent): Promise<void> {}

  private async ping(event: NeedsCouncil) {
    const claimId = Number(event.data.claimId);
    await deliverToEach(
      this.ctx.log,
      ownedBy(this.ctx.scope, await this.ctx.store.guildsFollowing(Number(event.data.protocolId))),
      `council ping for claim #${claimId}`,
      async (settings) => {
        const role = await this.settings.councilRole(settings.guildId);
        if (!role) return;
        const alert = await this.ctx.store.claimMessage(settings.guildId, claimId);
        const payload = councilAction(event, this.ctx.links, role);
        await this.ctx.poster.postTextOnce(
          `${eventKey(event)}:council:${settings.guildId}`,
          alert?.channelId ?? settings.alertChannelId!,
          payload.content!,
          {
            components: payload.components,
            allowedMentions: { roles: [role] },
            ...(alert ? { reply: { messageReference: alert.messageId, failIfNotExists: false } } : {}),
          },
        );
      },
    );
  }
}
