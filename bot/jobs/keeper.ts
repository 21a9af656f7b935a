import { Cl, privateKeyToAddress, type ClarityValue } from "@stacks/transactions";
import { FEE_ABOVE_CAP, NONCE_REFUSALS, signAndBroadcast } from "../../stacks/contract-call";
import type { BotContext } from "../discord/context";
import type { StacksClient } from "../chain/stacks-client";

/** Policies learned from the chain in one pass. */
const POLICIES_PER_PASS = 200;
/** The most protocols a proof for refresh-protocol-cap can hold (its list 200). */
const PROOF_MAX = 200;

/**
 * The keeper calls the protocol's permissionless housekeeping functions when they are due: finalize
 * claims whose voting window closed, execute payouts whose veto window passed, expire policies whose
 * term and claims grace period are over, and bring the pool's per-protocol bound down once cover has
 * gone (so providers' capital is not held for cover that no longer exists). It signs with its own key (never a user's),
 * reads its nonce once from the API's current nonce route and counts it after that, signs nothing when the node's fee
 * estimate is above KEEPER_MAX_FEE_USTX, and retries a call refused for its nonce with the nonce read again.
 */
export class Keeper {
  readonly address: string;
  /** The keeper's next nonce: read once from the API, then counted here (null: read it again). */
  private nonce: bigint | null = null;

  constructor(
    private readonly ctx: BotContext,
    private readonly chain: StacksClient,
    private readonly key: string,
  ) {
    this.address = privateKeyToAddress(key, ctx.config.stacks.network === "mainnet" ? "mainnet" : "testnet");
  }

  private async call(
    contract: string,
    functionName: string,
    id: bigint,
    functionArgs: ClarityValue[] = [Cl.uint(id)],
  ): Promise<string | null> {
    const maxFee = this.ctx.config.keeperMaxFee;
    const result = await signAndBroadcast(this.chain.network, {
      contractId: this.ctx.reader.contractId(contract),
      functionName,
      functionArgs,
      senderKey: this.key,
      postConditionMode: "allow",
      nonceRetries: 2,
      nonce: this.nonce ?? undefined,
      maxFee,
    });
    const about = { contract, functionName, id: String(id) };
    if (result.ok) {
      this.nonce = result.nonce + 1n;
      this.ctx.log.info(
        { ...about, txid: result.txid, nonce: String(result.nonce), fee: String(result.fee) },
        "keeper call sent",
      );
      return result.txid;
    }
    // A nonce refusal means another sender moved the nonce on: read it again next time.
    if (NONCE_REFUSALS.has(result.reason)) this.nonce = null;
    if (result.reason === FEE_ABOVE_CAP) {
      this.ctx.log.warn(
        { ...about, fee: String(result.fee), cap: String(maxFee) },
        "the node's fee estimate is above KEEPER_MAX_FEE_USTX: nothing signed",
      );
    } else this.ctx.log.warn({ ...about, reason: result.reason }, "keeper call refused");
    return null;
  }

  /**
   * Policies bought before the bot started (or while it was down) are learned from the chain, up to
   * 200 a pass, so the keeper's list of terms never depends on having seen every event.
   */
  private async learnPolicyTerms() {
    const scanned = Number(this.ctx.store.cursor("policy-terms") ?? "0");
    const last = Number(await this.ctx.reader.lastPolicyId());
    const upTo = Math.min(last, scanned + POLICIES_PER_PASS);
    for (let id = scanned + 1; id <= upTo; id++) {
      const policy = await this.ctx.reader.policy(BigInt(id));
      if (policy) this.ctx.store.recordPolicyTerm(id, Number(policy.endsAt));
      if (policy && policy.status !== "active") this.ctx.store.markPolicyExpired(id);
    }
    if (upTo > scanned) this.ctx.store.setCursor("policy-terms", String(upTo));
  }

  /**
   * The pool keeps capital for the largest cover any protocol ever had until someone proves less: when
   * the bound is above every protocol's cover now, send the proof (every covered protocol, in id order).
   * Reads one figure per listed protocol (at most the 200 a proof can hold), once a pass.
   */
  private async refreshProtocolCap(): Promise<boolean> {
    const mark = (await this.ctx.reader.pool()).protocolCapMark;
    if (mark === 0n) return false;
    const last = Number(await this.ctx.reader.lastProtocolId());
    if (last > PROOF_MAX) return false;
    const ids = Array.from({ length: last }, (_v, i) => BigInt(i + 1));
    const covers = await Promise.all(ids.map((id) => this.ctx.reader.protocolCoverage(id)));
    const largest = covers.reduce((max, c) => (c > max ? c : max), 0n);
    if (largest >= mark) return false;
    const covered = ids.filter((_id, i) => covers[i]! > 0n);
    return (
      (await this.call("policy-ledger", "refresh-protocol-cap", largest, [
        Cl.list(covered.map((id) => Cl.uint(id))),
      ])) !== null
    );
  }

  /** One pass over everything due; returns the calls it made. */
  async run(): Promise<{ finalized: bigint[]; paid: bigint[]; expired: bigint[]; capRefreshed: boolean }> {
    const done = { finalized: [] as bigint[], paid: [] as bigint[], expired: [] as bigint[], capRefreshed: false };
    const now = await this.ctx.reader.chainTime();
    const open = [
      ...(await this.ctx.reader.recentClaims({ status: "voting", limit: 50 })),
      ...(await this.ctx.reader.recentClaims({ status: "approved", limit: 50 })),
    ];
    const pool = open.some((c) => c.status === "approved") ? await this.ctx.reader.pool() : null;
    for (const claim of open) {
      if (
        claim.status === "voting" &&
        now >= claim.votingEndsAt &&
        (await this.call("claims-assessment", "finalize-claim", claim.id))
      ) {
        done.finalized.push(claim.id);
      }
      // A payout in full goes through only while the pool holds what every approved claim is owed (a claim
      // in shortfall closes at its pro-rata share by accept-partial-payout instead).
      if (
        claim.status === "approved" &&
        now >= claim.vetoEndsAt &&
        pool &&
        pool.claimsOwed <= pool.totalAssets &&
        (await this.call("claims-assessment", "execute-payout", claim.id))
      ) {
        done.paid.push(claim.id);
      }
    }
    await this.learnPolicyTerms();
    // A policy can be expired once claims can no longer be filed on it: its term plus the grace period
    // (longer still if claims were paused meanwhile; the filing deadline is checked before calling).
    const grace = await this.ctx.reader.parameter("claim-grace-period");
    for (const policyId of this.ctx.store.duePolicies(Number(now - grace))) {
      const policy = await this.ctx.reader.policy(BigInt(policyId));
      if (policy?.status !== "active") {
        this.ctx.store.markPolicyExpired(policyId);
        continue;
      }
      const deadline = await this.ctx.reader.filingDeadline(BigInt(policyId));
      if (deadline === null || now < deadline) continue;
      if (await this.call("cybersecurity-insurance-defi", "expire-policy", BigInt(policyId)))
        done.expired.push(BigInt(policyId));
    }
    // Expiries sent in this pass count from the next one, once they are on chain.
    done.capRefreshed = await this.refreshProtocolCap();
    return done;
  }
}
