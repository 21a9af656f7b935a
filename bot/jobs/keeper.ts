import { constants as http } from "node:http2";
import { Cl, privateKeyToAddress, type ClarityValue } from "@stacks/transactions";
import { FEE_ABOVE_CAP, signAndBroadcast } from "../../stacks/contract-call";
import type { BotContext } from "../discord/context";
import { keeperAlertText, type KeeperAlert } from "../discord/presentation/keeper-alerts";
import type { Claim } from "../chain/protocol-reader";
import { ChainUnavailableError, type StacksClient } from "../chain/stacks-client";
import { KeeperTransactions, type KeeperTransaction } from "../storage/keeper-transactions";
import { mapBounded } from "./bounded";

/** Due policies a pass looks at (the index lists them, oldest term first). */
const POLICIES_PER_PASS = 200;
/** The most protocols a proof for refresh-protocol-cap can hold (its list 200). */
const PROOF_MAX = 200;
/** Due claims a pass acts on (the index lists them, oldest first). */
const CLAIMS_PER_PASS = 100;
/** Chain reads a pass has in flight at once (each due claim again before acting, up to 200 protocols' cover). */
export const READ_CONCURRENCY = 4;
/** In-flight transactions a pass confirms by id, one after another; the others wait for the next pass. */
export const CONFIRMATIONS_PER_PASS = 10;
/** A transaction the API has still not heard of this long (10 minutes) after it was sent is taken as dropped. */
const UNKNOWN_AFTER_MS = 600_000;
/** The operators' channel hears of each kind of trouble at most once in this long (an hour). */
export const ALERT_EVERY_MS = 3_600_000;
/** Passes in a row refused for TooMuchChaining before the operators are told. */
export const CHAINING_PASSES_BEFORE_ALERT = 2;

/** The node's refusals the keeper answers each in its own way (stacks-core MemPoolRejection names). */
export const REFUSALS = {
  conflict: "ConflictingNonceInMempool",
  chaining: "TooMuchChaining",
  feeTooLow: "FeeTooLow",
  funds: "NotEnoughFunds",
  badNonce: "BadNonce",
} as const;

type About = { contract: string; functionName: string; id: string };
type Call = About & { functionArgs: ClarityValue[] };
/** What this attempt already did: a raised fee and a nonce read again are each tried once. */
type Attempt = { fee?: bigint; nonceReread?: boolean };
type Refusal = { reason: string; reasonData?: unknown; fee?: bigint };

/** A number the node sent (FeeTooLow's expected fee) or a u128 in 0x hex (NotEnoughFunds' amounts), or null. */
function amountOf(value: unknown): bigint | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(value)) return BigInt(value);
  return null;
}
const dataOf = (refusal: Refusal) =>
  typeof refusal.reasonData === "object" && refusal.reasonData !== null
    ? (refusal.reasonData as Record<string, unknown>)
    : {};

/**
 * The keeper calls the protocol's permissionless housekeeping functions when they are due: finalize
 * claims whose voting window closed, execute payouts whose veto window passed, expire policies whose
 * term and claims grace period are over, and bring the pool's per-protocol bound down once cover has
 * gone (so providers' capital is not held for cover that no longer exists). It signs with its own key (never
 * a user's), reads its nonce from the API's current nonce route and counts it after that, and signs nothing
 * when the node's fee estimate is above KEEPER_MAX_FEE_USTX.
 *
 * What it sent is recorded per action and target (bot/storage/keeper-transactions.ts): a call still in the
 * mempool is confirmed by id (`/extended/v3/transactions/{tx_id}`, at most CONFIRMATIONS_PER_PASS a pass) and
 * never sent again while it is pending. Each refusal of the node has its answer (see `refused`); where the
 * keeper cannot act by itself it tells the operators' channel, at most once an hour per kind.
 */
export class Keeper {
  readonly address: string;
  /** The keeper's next nonce: read from the API, then counted here (null: read it again). */
  private nonce: bigint | null = null;
  private readonly records: KeeperTransactions;
  private readonly now: () => number;
  /** Why this pass stopped sending (null while it may send). */
  private halted: string | null = null;
  /** Passes in a row that ended on TooMuchChaining. */
  private chainingPasses = 0;

  constructor(
    private readonly ctx: BotContext,
    private readonly chain: StacksClient,
    private readonly key: string,
    options: { now?: () => number } = {},
  ) {
    this.address = privateKeyToAddress(key, ctx.config.stacks.network === "mainnet" ? "mainnet" : "testnet");
    this.records = new KeeperTransactions(ctx.store.sql);
    this.now = options.now ?? Date.now;
  }

  /** Sends a call unless one for the same action and target is still in flight, or the pass has stopped. */
  private async call(
    contract: string,
    functionName: string,
    id: string,
    functionArgs: ClarityValue[] = [Cl.uint(BigInt(id))],
  ): Promise<string | null> {
    if (this.halted) return null;
    const open = await this.records.inFlight(functionName, id);
    if (open) {
      this.ctx.log.debug({ contract, functionName, id, txid: open.txid }, "keeper call in flight: not sent again");
      return null;
    }
    return this.send({ contract, functionName, id, functionArgs }, {});
  }

  private async send(call: Call, attempt: Attempt): Promise<string | null> {
    const { functionArgs, ...about } = call;
    let result: Awaited<ReturnType<typeof signAndBroadcast>>;
    try {
      result = await signAndBroadcast(this.chain.network, {
        contractId: this.ctx.reader.contractId(call.contract),
        functionName: call.functionName,
        functionArgs,
        senderKey: this.key,
        postConditionMode: "allow",
        nonce: this.nonce ?? undefined,
        maxFee: this.ctx.config.keeperMaxFee,
        fee: attempt.fee,
      });
    } catch (e) {
      if (!(e instanceof ChainUnavailableError)) throw e;
      // The answer may have been lost after the node took it: the nonce is read again, and a resend of the
      // same bytes is answered with the same txid.
      this.nonce = null;
      this.halt("unreachable");
      this.ctx.log.warn({ ...about, err: e }, "keeper call not sent: the Stacks API failed; no more calls this pass");
      return null;
    }
    if (!result.ok) return this.refused(call, attempt, result);
    this.nonce = result.nonce + 1n;
    this.chainingPasses = 0;
    await this.records.sent(
      { action: call.functionName, targetId: call.id, txid: result.txid, nonce: result.nonce, fee: result.fee },
      this.now(),
    );
    this.ctx.log.info(
      { ...about, txid: result.txid, nonce: String(result.nonce), fee: String(result.fee) },
      "keeper call sent",
    );
    return result.txid;
  }

  /** One answer per refusal, each with one log line; none of them loops. */
  private async refused(call: Call, attempt: Attempt, refusal: Refusal): Promise<string | null> {
    const { functionArgs: _args, ...about } = call;
    const log = { ...about, reason: refusal.reason, fee: refusal.fee?.toString(), reasonData: refusal.reasonData };
    const data = dataOf(refusal);
    const cap = this.ctx.config.keeperMaxFee;
    switch (refusal.reason) {
      case FEE_ABOVE_CAP:
        this.halt(refusal.reason);
        this.ctx.log.warn(
          { ...about, fee: String(refusal.fee), cap: String(cap) },
          "the node's fee estimate is above KEEPER_MAX_FEE_USTX: nothing signed",
        );
        await this.alert({
          kind: "fee",
          address: this.address,
          functionName: call.functionName,
          fee: refusal.fee!,
          cap,
        });
        return null;
      case REFUSALS.conflict:
        // Ours (or another instance's with this key) already holds that nonce: read the nonce again.
        this.nonce = null;
        this.ctx.log.warn(
          log,
          "keeper call refused: ConflictingNonceInMempool (a transaction with this nonce is already in the mempool): not resent; the nonce is read again",
        );
        return null;
      case REFUSALS.chaining:
        this.nonce = null;
        this.halt(refusal.reason);
        this.chainingPasses += 1;
        this.ctx.log.warn(
          { ...log, passes: this.chainingPasses },
          "keeper call refused: TooMuchChaining (the keeper's unconfirmed transactions are at the mempool's chaining limit): no more calls this pass, waiting for confirmations",
        );
        if (this.chainingPasses >= CHAINING_PASSES_BEFORE_ALERT)
          await this.alert({ kind: "chaining", address: this.address, passes: this.chainingPasses });
        return null;
      case REFUSALS.feeTooLow: {
        const minimum = amountOf(data.expected);
        if (attempt.fee === undefined && minimum !== null && minimum <= cap) {
          this.ctx.log.warn(
            { ...log, minimum: String(minimum) },
            "keeper call refused: FeeTooLow; sending it once more with the node's minimum fee",
          );
          return this.send(call, { ...attempt, fee: minimum });
        }
        this.halt(refusal.reason);
        this.ctx.log.error(
          { ...log, minimum: minimum === null ? undefined : String(minimum), cap: String(cap) },
          "keeper call refused: FeeTooLow, and the fee the node asks for is above KEEPER_MAX_FEE_USTX (or was refused too): nothing sent this pass",
        );
        await this.alert({
          kind: "fee",
          address: this.address,
          functionName: call.functionName,
          fee: minimum ?? refusal.fee ?? 0n,
          cap,
        });
        return null;
      }
      case REFUSALS.funds: {
        this.halt(refusal.reason);
        const balance = amountOf(data.actual);
        const needed = amountOf(data.expected);
        this.ctx.log.error(
          { ...log, address: this.address, balance: balance?.toString(), needed: needed?.toString() },
          "keeper call refused: NotEnoughFunds: the keeper needs funding; no more calls this pass",
        );
        await this.alert({ kind: "funding", address: this.address, balance, needed, functionName: call.functionName });
        return null;
      }
      case REFUSALS.badNonce:
        this.nonce = null;
        if (!attempt.nonceReread) {
          this.ctx.log.warn(log, "keeper call refused: BadNonce; reading the nonce again, once");
          return this.send(call, { ...attempt, nonceReread: true });
        }
        this.halt(refusal.reason);
        this.ctx.log.error(
          log,
          "keeper call refused: BadNonce again with the nonce read again: no more calls this pass",
        );
        return null;
      default:
        this.ctx.log.warn(log, "keeper call refused");
        return null;
    }
  }

  private halt(reason: string) {
    this.halted ??= reason;
  }

  /** Tells the operators' channel, once per kind an hour (when OPERATIONS_CHANNEL_ID is set; the log has it anyway). */
  private async alert(alert: KeeperAlert) {
    const channelId = this.ctx.config.discord.operationsChannelId;
    if (!channelId) return;
    const window = Math.floor(this.now() / ALERT_EVERY_MS);
    try {
      await this.ctx.poster.postTextOnce(`keeper-alert:${alert.kind}:${window}`, channelId, keeperAlertText(alert));
    } catch (e) {
      this.ctx.log.warn({ err: e, channelId }, "the operators' channel did not take the keeper's message");
    }
  }

  /**
   * Confirms the transactions in flight by id, the longest unconfirmed first, at most CONFIRMATIONS_PER_PASS and
   * one at a time: pending stays open (and is not sent again), mined or dropped closes the record.
   */
  private async confirmInFlight() {
    for (const tx of await this.records.toConfirm(CONFIRMATIONS_PER_PASS)) {
      let status: string | null;
      try {
        status = await this.statusOf(tx.txid);
      } catch (e) {
        if (!(e instanceof ChainUnavailableError)) throw e;
        this.ctx.log.warn({ err: e, txid: tx.txid }, "keeper transactions not confirmed: the Stacks API failed");
        return;
      }
      await this.settle(tx, status);
    }
  }

  private async settle(tx: KeeperTransaction, status: string | null) {
    const about = { functionName: tx.action, id: tx.targetId, txid: tx.txid, nonce: String(tx.nonce) };
    if (status === "pending" || (status === null && this.now() - tx.sentAt < UNKNOWN_AFTER_MS)) {
      await this.records.checked(tx.id, this.now());
      this.ctx.log.info({ ...about, status }, "keeper transaction still in the mempool: not sent again");
      return;
    }
    await this.records.close(tx.id, status ?? "not_found", this.now());
    if (status === "success") {
      this.ctx.log.info(about, "keeper transaction confirmed");
    } else if (status?.startsWith("abort")) {
      this.ctx.log.warn(
        { ...about, status },
        "keeper transaction aborted on chain; the call is made again if still due",
      );
    } else {
      // Dropped (or never known): its nonce was not used, so the keeper's count is wrong from there.
      this.nonce = null;
      this.ctx.log.warn(
        { ...about, status: status ?? "not_found" },
        "keeper transaction dropped from the mempool; the call is made again if still due",
      );
    }
  }

  /** The transaction's status from `/extended/v3/transactions/{tx_id}`, or null when the API does not know it. */
  private async statusOf(txid: string): Promise<string | null> {
    const { data, response } = await this.chain.api.GET("/extended/v3/transactions/{tx_id}", {
      params: { path: { tx_id: txid.startsWith("0x") ? txid : `0x${txid}` } },
    });
    if (response.status === http.HTTP_STATUS_NOT_FOUND) return null;
    if (!data) throw new ChainUnavailableError(`transaction ${txid}: HTTP ${response.status}`);
    return data.status;
  }

  /**
   * The claims whose window has ended by `now`, found in the index (however old: no scan of the newest), then
   * read from the chain, READ_CONCURRENCY at a time, since what the keeper sends depends on them now.
   */
  private async dueClaims(now: bigint): Promise<Claim[]> {
    const due = await this.ctx.store.index.dueClaims(now, CLAIMS_PER_PASS);
    const claims = await mapBounded(due, READ_CONCURRENCY, (c) => this.ctx.reader.claim(c.id));
    return claims.filter((c): c is Claim => c !== null);
  }

  /**
   * The pool keeps capital for the largest cover any protocol ever had until someone proves less: when
   * the bound is above every protocol's cover now, send the proof (every covered protocol, in id order).
   * Reads one figure per listed protocol (at most the 200 a proof can hold), READ_CONCURRENCY at a time.
   */
  private async refreshProtocolCap(): Promise<boolean> {
    const mark = (await this.ctx.reader.pool()).protocolCapMark;
    if (mark === 0n) return false;
    const last = Number(await this.ctx.reader.lastProtocolId());
    if (last > PROOF_MAX) return false;
    // Read from the chain, not the index: the proof must hold against what the contract sees now.
    const ids = Array.from({ length: last }, (_v, i) => BigInt(i + 1));
    const covers = await mapBounded(ids, READ_CONCURRENCY, (id) => this.ctx.reader.protocolCoverage(id));
    const largest = covers.reduce((max, c) => (c > max ? c : max), 0n);
    if (largest >= mark) return false;
    const covered = ids.filter((_id, i) => covers[i]! > 0n);
    return (
      (await this.call("policy-ledger", "refresh-protocol-cap", "pool", [
        Cl.list(covered.map((id) => Cl.uint(id))),
      ])) !== null
    );
  }

  /** One pass over everything due; returns the calls it made. */
  async run(): Promise<{ finalized: bigint[]; paid: bigint[]; expired: bigint[]; capRefreshed: boolean }> {
    const done = { finalized: [] as bigint[], paid: [] as bigint[], expired: [] as bigint[], capRefreshed: false };
    this.halted = null;
    await this.confirmInFlight();
    await this.ctx.catchUp?.();
    const now = await this.ctx.reader.chainTime();
    const open = await this.dueClaims(now);
    const pool = open.some((c) => c.status === "approved") ? await this.ctx.reader.pool() : null;
    for (const claim of open) {
      if (this.halted) break;
      const id = String(claim.id);
      if (
        claim.status === "voting" &&
        now >= claim.votingEndsAt &&
        (await this.call("claims-assessment", "finalize-claim", id))
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
        (await this.call("claims-assessment", "execute-payout", id))
      ) {
        done.paid.push(claim.id);
      }
    }
    // A policy can be expired once claims can no longer be filed on it: its term plus the grace period
    // (longer still if claims were paused meanwhile; the filing deadline is checked before calling).
    const grace = await this.ctx.reader.parameter("claim-grace-period");
    for (const { id: policyId } of await this.ctx.store.index.duePolicies(now - grace, POLICIES_PER_PASS)) {
      if (this.halted) break;
      const policy = await this.ctx.reader.policy(policyId);
      if (policy?.status !== "active") continue;
      const deadline = await this.ctx.reader.filingDeadline(policyId);
      if (deadline === null || now < deadline) continue;
      if (await this.call("cybersecurity-insurance-defi", "expire-policy", String(policyId)))
        done.expired.push(BigInt(policyId));
    }
    // Expiries sent in this pass count from the next one, once they are on chain.
    if (!this.halted) done.capRefreshed = await this.refreshProtocolCap();
    return done;
  }
}
