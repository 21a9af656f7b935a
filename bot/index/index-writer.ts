import { STATUS_NAMES, type EventData } from "../../stacks/contracts.generated";
import { CATEGORIES, PROTOCOL_STATUS, type ClaimStatus } from "../chain/protocol-reader";
import { eventKey, type ProtocolEvent } from "../chain/events";
import { fromJson, toJson } from "./json-values";
import { IndexTables, type Row, type UndoCounter } from "./index-tables";
import type { Sql, Statement } from "../storage/sql";
import type { IndexedAssessor, IndexedClaim, IndexedPolicy, IndexedProtocol, IndexedVote } from "./records";

const CLAIM_STATUS = STATUS_NAMES["claims-assessment"];
const POLICY_STATUS = STATUS_NAMES["policy-ledger"];
/** The pool's figures over time that the pool page draws. */
export const POOL_SERIES = ["capital", "premiums", "utilization"] as const;
/** The state row that says the pool's figures changed since they were last read (index-snapshots.ts). */
export const POOL_STALE = "pool-stale";
const POOL_CONTRACT = "capital-pool";
const POOL_TOPICS_ELSEWHERE = new Set(["policy-purchased", "policy-expired", "policy-paid"]);

type Data<T extends keyof EventData> = EventData[T];
type Outcome = Data<"claim-escalated"> & Partial<Data<"claim-paid"> & Data<"claim-vetoed">>;

const claimStatus = (code: bigint): ClaimStatus => CLAIM_STATUS[Number(code) as keyof typeof CLAIM_STATUS];
const policyStatus = (code: bigint) => POLICY_STATUS[Number(code) as keyof typeof POLICY_STATUS] ?? "active";

/**
 * Applies each contract event to the index, from the event's own fields and its block's time (no chain read:
 * ingestion keeps up with any backlog), and undoes it exactly when a re-organisation orphans it. The caller
 * runs both inside the transaction that records the event as handled (event-ledger.ts).
 */
export class IndexWriter {
  readonly tables: IndexTables;

  /** Writes through `sql`: the transaction that records the events (or the store, for a rebuild). */
  constructor(
    readonly sql: Sql,
    undo: UndoCounter,
  ) {
    this.tables = new IndexTables(sql, undo);
  }

  /** The pool's premiums total after the newest point this writer wrote (undefined: none yet, read the index). */
  private premiums?: bigint;

  /** Applies one event, mined at `time` (its block's time, Unix seconds); written at `flush`. */
  async apply(event: ProtocolEvent, time: number) {
    const key = eventKey(event);
    const contract = event.contractId.split(".")[1] ?? "";
    if (contract === POOL_CONTRACT || POOL_TOPICS_ELSEWHERE.has(event.topic)) await this.markPoolStale(key);
    await this.byTopic(event, key, time);
  }

  /** Writes what the events applied so far changed: before the transaction that records them commits. */
  flush() {
    return this.tables.flush();
  }

  /** Starts writing what the events applied so far changed, without waiting (see IndexTables.send). */
  send() {
    return this.tables.send();
  }

  /** Statements of the caller's own, on tables outside the index, written in the same request as its rows. */
  alongside(statements: readonly Statement[]) {
    this.tables.alongside(statements);
  }

  /** Restores what the event changed, at once; the protocols it touched are read again (they are snapshots). */
  async undo(key: string) {
    this.premiums = undefined;
    const touched = await this.tables.undo(key);
    await this.tables.direct(async () => {
      for (const { table, key: row } of touched)
        if (table === "ix_protocols") await this.sql.run("UPDATE ix_protocols SET stale = 1 WHERE id = ?", [row.id]);
    });
    await this.tables.put("ix_state", { name: POOL_STALE, data: "1" }, null);
    await this.tables.flush();
  }

  private async markPoolStale(key: string) {
    if ((await this.tables.get("ix_state", { name: POOL_STALE }))?.data !== "1")
      await this.tables.put("ix_state", { name: POOL_STALE, data: "1" }, key);
  }

  private async byTopic(e: ProtocolEvent, key: string, time: number) {
    switch (e.topic) {
      case "protocol-submitted":
        return this.protocolSubmitted(e.data, key, time);
      case "protocol-listed":
      case "protocol-rejected":
      case "protocol-paused":
      case "protocol-unpaused":
      case "protocol-delisted":
        return this.protocolStatus(e.data, key, e.topic === "protocol-listed" ? time : null);
      case "audit-recorded":
      case "team-member-set":
      case "incident-recorded":
        return this.protocolChanged(e.data.protocolId, key);
      case "parameter-changed":
        // A rate or a risk weight changes every protocol's quote: all are read again.
        if (e.data.name.startsWith("rate-tier"))
          await this.tables.direct(() => this.sql.run("UPDATE ix_protocols SET stale = 1"));
        return;
      case "policy-purchased":
        await this.poolPoint(key, "utilization", e.seq, time, e.data.utilizationBps);
        return this.policyPurchased(e.data, key, time);
      case "policy-expired":
        return this.updatePolicy(e.data.policyId, key, (p) => ({ ...p, status: "expired" }));
      case "policy-paid": {
        const d = e.data;
        return this.updatePolicy(d.policyId, key, (p) => ({
          ...p,
          remainingCover: d.remainingCover,
          totalPaid: d.totalPaid,
          status: policyStatus(d.status),
        }));
      }
      case "claim-submitted":
        return this.claimSubmitted(e, key, time);
      case "vote-cast":
        return this.voteCast(e, key);
      case "claim-escalated":
      case "claim-approved":
      case "claim-denied":
      case "claim-vetoed":
      case "claim-paid":
        await this.claimTx(e, key);
        return this.claimOutcome(e.data, key);
      case "council-claim-signed": {
        const d = e.data;
        await this.claimTx(e, key);
        return this.updateClaim(d.claimId, key, (c) => ({
          ...c,
          council: { ...c.council, approvals: d.approvals, denials: d.denials },
        }));
      }
      case "council-veto-signed": {
        const d = e.data;
        await this.claimTx(e, key);
        return this.updateClaim(d.claimId, key, (c) => ({ ...c, council: { ...c.council, vetoes: d.vetoes } }));
      }
      case "vote-settled":
        return this.voteSettled(e.data, key);
      case "stake-added":
      case "unstake-requested":
      case "stake-withdrawn":
        return this.assessorStake(e, key);
      default:
        return this.poolEvent(e, key, time);
    }
  }

  private async poolEvent(e: ProtocolEvent, key: string, time: number) {
    if (e.contractId.split(".")[1] !== POOL_CONTRACT) return;
    if ("totalCapital" in e.data) await this.poolPoint(key, "capital", e.seq, time, e.data.totalCapital);
    if (e.topic === "premium-collected") {
      // Until this writer writes a premiums point, the index's newest one is the total (none is held unwritten).
      this.premiums ??= BigInt(
        (
          await this.sql.get<{ value: string }>(
            "SELECT value FROM ix_pool_history WHERE series = 'premiums' ORDER BY at DESC, seq DESC LIMIT 1",
          )
        )?.value ?? "0",
      );
      this.premiums += e.data.toCapital;
      await this.poolPoint(key, "premiums", e.seq, time, this.premiums);
    }
  }

  private async poolPoint(key: string, series: (typeof POOL_SERIES)[number], seq: number, at: number, value: bigint) {
    await this.tables.put("ix_pool_history", { series, event_key: key, at, seq, value: value.toString() }, key);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Protocols

  private async protocol(id: bigint): Promise<IndexedProtocol | null> {
    const row = await this.tables.get("ix_protocols", { id: Number(id) });
    return row ? fromJson<IndexedProtocol>(String(row.data)) : null;
  }

  /** Writes what an event says of a protocol, stale until read again (its risk only a read can tell). */
  private async putProtocol(p: IndexedProtocol, key: string, creates = false) {
    await this.tables[creates ? "create" : "put"](
      "ix_protocols",
      { id: Number(p.id), name: p.name, status: p.status, stale: 1, data: toJson(p) },
      key,
    );
  }

  private async protocolSubmitted(d: Data<"protocol-submitted">, key: string, time: number) {
    await this.putProtocol(
      {
        id: d.protocolId,
        name: d.name,
        website: d.website,
        sourceUrl: d.sourceUrl,
        chain: d.chain,
        category: CATEGORIES[Number(d.category) - 1] ?? "other",
        team: d.team,
        submitter: d.submitter,
        status: "pending",
        submittedAt: BigInt(time),
        listedAt: 0n,
        auditCount: 0n,
        latestAuditId: 0n,
        incidentCount: 0n,
        latestAudit: null,
        risk: null,
        activeCover: 0n,
        notInsurableCode: null,
      },
      key,
      true,
    );
  }

  private async protocolStatus(d: Data<"protocol-listed">, key: string, listedAt: number | null) {
    const p = await this.protocol(d.protocolId);
    if (!p) return;
    const status = PROTOCOL_STATUS[Number(d.status) as keyof typeof PROTOCOL_STATUS];
    await this.putProtocol({ ...p, status, listedAt: listedAt === null ? p.listedAt : BigInt(listedAt) }, key);
  }

  private async protocolChanged(id: bigint, key: string) {
    const p = await this.protocol(id);
    if (p) await this.putProtocol(p, key);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Policies

  private async putPolicy(p: IndexedPolicy, key: string, creates = false) {
    await this.tables[creates ? "create" : "put"](
      "ix_policies",
      {
        id: Number(p.id),
        protocol_id: Number(p.protocolId),
        holder: p.holder,
        status: p.status,
        active_from: Number(p.activeFrom),
        ends_at: Number(p.endsAt),
        remaining_cover: Number(p.remainingCover),
        data: toJson(p),
      },
      key,
    );
  }

  private async policyPurchased(d: Data<"policy-purchased">, key: string, time: number) {
    await this.putPolicy(
      {
        id: d.policyId,
        protocolId: d.protocolId,
        holder: d.holder,
        coverageAmount: d.coverageAmount,
        premium: d.premium,
        rateBps: d.rateBps,
        tier: d.tier,
        durationDays: d.durationDays,
        activeFrom: d.activeFrom,
        endsAt: d.endsAt,
        purchasedAt: BigInt(time),
        remainingCover: d.coverageAmount,
        totalPaid: 0n,
        status: "active",
      },
      key,
      true,
    );
  }

  private async updatePolicy(id: bigint, key: string, change: (p: IndexedPolicy) => IndexedPolicy) {
    const row = await this.tables.get("ix_policies", { id: Number(id) });
    if (!row) return;
    await this.putPolicy(change(fromJson<IndexedPolicy>(String(row.data))), key);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Claims

  private async putClaim(c: IndexedClaim, key: string, creates = false) {
    await this.tables[creates ? "create" : "put"](
      "ix_claims",
      {
        id: Number(c.id),
        protocol_id: Number(c.protocolId),
        policy_id: Number(c.policyId),
        claimant: c.claimant,
        status: c.status,
        voting_ends_at: Number(c.votingEndsAt),
        veto_ends_at: Number(c.vetoEndsAt),
        data: toJson(c),
      },
      key,
    );
  }

  private async updateClaim(id: bigint, key: string, change: (c: IndexedClaim) => IndexedClaim) {
    const row = await this.tables.get("ix_claims", { id: Number(id) });
    if (row) await this.putClaim(change(fromJson<IndexedClaim>(String(row.data))), key);
  }

  /** The transactions of a claim's life (not its votes), which the registry lists. */
  private async claimTx(e: ProtocolEvent, key: string) {
    if (!("claimId" in e.data)) return;
    await this.tables.put(
      "ix_claim_txs",
      { claim_id: Number(e.data.claimId), event_key: key, seq: e.seq, topic: e.topic, txid: e.txid },
      key,
    );
  }

  private async claimSubmitted(e: ProtocolEvent & { topic: "claim-submitted" }, key: string, time: number) {
    const d = e.data;
    await this.claimTx(e, key);
    await this.putClaim(
      {
        id: d.claimId,
        policyId: d.policyId,
        protocolId: d.protocolId,
        claimant: d.claimant,
        amount: d.amount,
        deductible: d.deductible,
        payable: d.payable,
        incidentTime: d.incidentTime,
        description: d.description,
        evidenceHash: d.evidenceHash,
        evidenceUri: d.evidenceUri,
        bond: d.bond,
        submittedAt: BigInt(time),
        votingEndsAt: d.votingEndsAt,
        totalStake: d.totalStake,
        quorumStake: d.quorumStake,
        approvalBps: d.approvalBps,
        large: d.large,
        minVoters: d.minVoters,
        approveWeight: 0n,
        denyWeight: 0n,
        votedStake: 0n,
        approveCount: 0n,
        denyCount: 0n,
        voterCount: 0n,
        quorumReached: false,
        status: "voting",
        decidedBy: "",
        vetoEndsAt: 0n,
        rewardPot: 0n,
        paid: 0n,
        vetoReason: null,
        council: { approvals: 0n, denials: 0n, vetoes: 0n },
      },
      key,
      true,
    );
  }

  private async voteCast(e: ProtocolEvent & { topic: "vote-cast" }, key: string) {
    const d = e.data;
    const vote: IndexedVote = {
      claimId: d.claimId,
      voter: d.voter,
      approve: d.approve,
      stake: d.stake,
      weight: d.weight,
      txid: e.txid,
      settled: false,
      reward: 0n,
      withOutcome: null,
    };
    await this.putVote(vote, e.seq, key);
    await this.updateClaim(d.claimId, key, (c) => ({
      ...c,
      approveWeight: d.approveWeight,
      denyWeight: d.denyWeight,
      votedStake: d.votedStake,
      voterCount: d.voterCount,
      approveCount: c.approveCount + (d.approve ? 1n : 0n),
      denyCount: c.denyCount + (d.approve ? 0n : 1n),
      quorumReached: d.votedStake > 0n && d.votedStake >= d.quorumStake && d.voterCount >= c.minVoters,
    }));
  }

  private async putVote(v: IndexedVote, seq: number, key: string) {
    await this.tables.put(
      "ix_votes",
      {
        claim_id: Number(v.claimId),
        voter: v.voter,
        approve: v.approve ? 1 : 0,
        settled: v.settled ? 1 : 0,
        seq,
        data: toJson(v),
      },
      key,
    );
  }

  private async claimOutcome(d: Outcome, key: string) {
    await this.updateClaim(d.claimId, key, (c) => ({
      ...c,
      status: claimStatus(d.status),
      decidedBy: d.decidedBy,
      approveWeight: d.approveWeight,
      denyWeight: d.denyWeight,
      votedStake: d.votedStake,
      quorumStake: d.quorumStake,
      totalStake: d.totalStake,
      voterCount: d.voterCount,
      minVoters: d.minVoters,
      quorumReached: d.quorumReached,
      rewardPot: d.rewardPot,
      vetoEndsAt: d.vetoEndsAt,
      paid: d.paid ?? c.paid,
      vetoReason: d.reasonHash ?? c.vetoReason,
    }));
  }

  private async voteSettled(d: Data<"vote-settled">, key: string) {
    const row = await this.tables.get("ix_votes", { claim_id: Number(d.claimId), voter: d.voter });
    if (row) {
      const v = fromJson<IndexedVote>(String(row.data));
      await this.putVote({ ...v, settled: true, reward: d.reward, withOutcome: d.withOutcome }, Number(row.seq), key);
    }
    const a = await this.assessor(d.voter);
    await this.putAssessor(d.voter, { ...a, reputation: d.reputation }, key);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Assessors

  private async assessor(address: string): Promise<IndexedAssessor> {
    const row = await this.tables.get("ix_assessors", { address });
    return row
      ? fromJson<IndexedAssessor>(String(row.data))
      : { active: 0n, unstaking: 0n, unstakeAt: 0n, reputation: null };
  }

  private async putAssessor(address: string, a: IndexedAssessor, key: string) {
    await this.tables.put("ix_assessors", { address, data: toJson(a) } satisfies Row, key);
  }

  private async assessorStake(e: ProtocolEvent, key: string) {
    if (e.topic === "stake-added") {
      const a = await this.assessor(e.data.assessor);
      await this.putAssessor(e.data.assessor, { ...a, active: e.data.active }, key);
    } else if (e.topic === "stake-withdrawn") {
      const d = e.data;
      const a = await this.assessor(d.assessor);
      // A withdrawal takes everything that was unstaking.
      await this.putAssessor(d.assessor, { ...a, active: d.active, unstaking: 0n, unstakeAt: 0n }, key);
    } else if (e.topic === "unstake-requested") {
      const d = e.data;
      const a = await this.assessor(d.assessor);
      await this.putAssessor(
        d.assessor,
        { ...a, active: d.active, unstaking: d.unstaking, unstakeAt: d.unstakeAt },
        key,
      );
    }
  }
}
