import type { Client } from "discord.js";
import type { BotContext } from "../discord/context";
import { eventKey, type ProtocolEvent } from "../chain/events";
import type { EventHandlers } from "../watcher/event-ledger";
import type { IndexedClaim } from "../index/records";
import { MemberNotifications, type LinkedMember } from "../storage/member-notifications";
import { reminderDmText } from "../discord/presentation/reminders";
import { dmEach } from "./direct-messages";
import {
  councilAction,
  newClaimDm,
  policyFiledDm,
  policyOutcomeDm,
  protocolLabel,
  rewardsDm,
  unvotedClaimDm,
  type Payload,
} from "./texts";

const CLAIMS = "claims-assessment";
type Outcome = Extract<
  ProtocolEvent,
  { topic: "claim-escalated" | "claim-approved" | "claim-denied" | "claim-vetoed" | "claim-paid" }
>;
type Submitted = Extract<ProtocolEvent, { topic: "claim-submitted" }>;

/** The notifier each context's jobs use (the reminders' DMs); set when the bot is wired (bot/app.ts). */
const notifiers = new WeakMap<BotContext, MemberNotifier>();
export const notifierOf = (ctx: BotContext): MemberNotifier | undefined => notifiers.get(ctx);

/**
 * The DMs members asked for with `/notify`, sent as the ledger hands over claim events (composed with the claim
 * feed in bot/app.ts). Each member gets at most one DM per event, once even across restarts (dmOnce's key is the
 * event's identity and the member). DMs belong to no server, so in a sharded bot only shard 0 sends them.
 * A re-organisation that orphans an event undoes nothing here: a DM cannot be taken back (the poster's record
 * keeps it sent, so the event mined again sends no second DM).
 */
export class MemberNotifier implements EventHandlers {
  private readonly choices: MemberNotifications;

  constructor(
    private readonly ctx: BotContext,
    private readonly client: Client,
  ) {
    this.choices = new MemberNotifications(ctx.store.sql);
    notifiers.set(ctx, this);
  }

  /** Whether this process sends DMs: the one process, or shard 0 of a sharded bot. */
  get sends(): boolean {
    return this.ctx.scope.shards.includes(0);
  }

  async handle(event: ProtocolEvent): Promise<void> {
    if (!this.sends || event.contractId.split(".")[1] !== CLAIMS) return;
    if (event.topic === "claim-submitted") return this.send(event, await this.submitted(event));
    if (
      event.topic === "claim-escalated" ||
      event.topic === "claim-approved" ||
      event.topic === "claim-denied" ||
      event.topic === "claim-vetoed" ||
      event.topic === "claim-paid"
    )
      return this.send(event, await this.outcome(event));
  }

  /** Nothing to undo: a DM sent stays sent (see the class comment). */
  async rollback(_event: ProtocolEvent): Promise<void> {}

  /** DMs the reminder to linked assessors who chose `unvoted` and have not voted; returns how many were sent. */
  async remindUnvoted(claim: IndexedClaim, mark: string): Promise<number> {
    if (!this.sends) return 0;
    const members = await this.choices.unvotedAssessors(claim, await this.team(claim.protocolId), "unvoted");
    return dmEach(
      this.ctx,
      this.client,
      members.map((m) => ({
        key: `notify:reminder:${claim.id}:${mark}:${m.discordUserId}`,
        discordUserId: m.discordUserId,
        payload: { content: reminderDmText(claim) },
      })),
    );
  }

  /** The protocol's team addresses (the contract refuses their votes on its claims). */
  private async team(protocolId: bigint): Promise<string[]> {
    return (await this.ctx.store.index.protocol(protocolId))?.team ?? [];
  }

  private async send(event: ProtocolEvent, dms: Map<string, Payload>) {
    await dmEach(
      this.ctx,
      this.client,
      [...dms].map(([discordUserId, payload]) => ({
        key: `notify:${eventKey(event)}:${discordUserId}`,
        discordUserId,
        payload,
      })),
    );
  }

  /** Filed: the holder of the policy; assessors who can vote on it; everyone who asked for new claims. */
  private async submitted(event: Submitted): Promise<Map<string, Payload>> {
    const d = event.data;
    const { links } = this.ctx;
    const protocol = await this.ctx.store.index.protocol(d.protocolId);
    const name = protocolLabel(protocol?.name ?? null, d.protocolId);
    // One DM a member, the most personal first: a later `set` of the same member is skipped.
    const dms = new Map<string, Payload>();
    const add = (id: string, payload: Payload) => {
      if (!dms.has(id)) dms.set(id, payload);
    };
    const holder = await this.choices.memberFor("policy", d.claimant);
    if (holder) add(holder, policyFiledDm(d, name));
    const claim = { id: d.claimId, claimant: d.claimant };
    for (const m of await this.choices.unvotedAssessors(claim, protocol?.team ?? [], "unvoted"))
      add(m.discordUserId, unvotedClaimDm(d, name, links));
    for (const id of await this.choices.members("new-claims")) add(id, newClaimDm(d, name, links));
    return dms;
  }

  /** An outcome: the policy's holder; the council, when it must act; the voters, once the claim is closed. */
  private async outcome(event: Outcome): Promise<Map<string, Payload>> {
    const d = event.data;
    const dms = new Map<string, Payload>();
    const add = (id: string, payload: Payload) => {
      if (!dms.has(id)) dms.set(id, payload);
    };
    const holder = await this.choices.memberFor("policy", d.claimant);
    if (holder) add(holder, policyOutcomeDm(event));
    if (event.topic === "claim-escalated" || event.topic === "claim-approved") {
      const open = event.topic === "claim-escalated" || d.vetoEndsAt > (await this.ctx.store.index.now());
      if (open) for (const m of await this.councilMembers()) add(m.discordUserId, councilAction(event, this.ctx.links));
    } else {
      for (const m of await this.choices.unsettledVoters("rewards", d.claimId))
        add(m.discordUserId, rewardsDm(event, this.ctx.links));
    }
    return dms;
  }

  /**
   * Linked members who chose council DMs and whose wallet is on the council now. The index keeps no council
   * membership, so each such wallet is asked of the chain: only those few, once per event.
   */
  private async councilMembers(): Promise<LinkedMember[]> {
    const chosen = await this.choices.linkedMembers("council");
    const members: LinkedMember[] = [];
    for (const m of chosen) if (await this.ctx.reader.isCouncilMember(m.address)) members.push(m);
    return members;
  }
}
