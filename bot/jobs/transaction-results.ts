import { DiscordAPIError, InteractionWebhook, MessageFlags, type Client, type MessageCreateOptions } from "discord.js";
import type { BotContext } from "../discord/context";
import { CONTRACTS } from "../../stacks/contracts.generated";
import { FollowedTransactions, type Decided, type FollowedTransaction } from "../storage/followed-transactions";
import { transactionResultMessage } from "../discord/presentation/transaction-results";
import { ChainUnavailableError } from "../chain/stacks-client";

/**
 * Tells members how what they signed on the bot's pages ended. Each pass asks the API about the followed
 * transactions checked longest ago, RESULTS_PER_PASS of them in one request (`/extended/v1/tx/multiple`), and
 * for each the chain has decided tells the member linked to its sender: privately under the command that opened
 * the page while Discord still takes answers to it (15 minutes), else by DM if they asked for that (`/notify`).
 * Transactions that call none of the protocol's contracts are recorded and nobody is told.
 */

/** One request to the API a pass. */
export const RESULTS_PER_PASS = 50;
/** A transaction the API has not heard of this long after a page reported it was never sent, or was dropped. */
export const UNKNOWN_AFTER_MS = 600_000;

/** Discord's codes for a DM it will not deliver and for an interaction token it no longer takes. */
const CANNOT_DM = 50007;
const UNKNOWN_WEBHOOK = 10015;
const INVALID_WEBHOOK_TOKEN = 50027;
const TOKEN_GONE = new Set([UNKNOWN_WEBHOOK, INVALID_WEBHOOK_TOKEN]);

export type ResultMessenger = {
  followUp(applicationId: string, token: string, message: MessageCreateOptions): Promise<unknown>;
  dm(discordUserId: string, message: MessageCreateOptions): Promise<unknown>;
};

/** The messenger through discord.js: an interaction's webhook for the private answer, the user's DM channel. */
export function discordMessenger(client: Client): ResultMessenger {
  return {
    followUp: (applicationId, token, message) =>
      new InteractionWebhook(client as Client<true>, applicationId, token).send({
        ...(message as object),
        flags: MessageFlags.Ephemeral,
      }),
    dm: (discordUserId, message) => client.users.send(discordUserId, message),
  };
}

type Answer = { decided: false } | ({ decided: true } & Omit<Decided, "told">);

export async function tellTransactionResults(
  ctx: BotContext,
  messenger: ResultMessenger,
  now = Date.now(),
): Promise<{ checked: number; told: number }> {
  const records = new FollowedTransactions(ctx.store.sql);
  await records.prune(now);
  await records.purgeTokens(now);
  const open = await records.toCheck(RESULTS_PER_PASS);
  if (open.length === 0) return { checked: 0, told: 0 };
  const answers = await askChain(ctx, open, now);
  const ours = new Set(CONTRACTS.map((c) => ctx.reader.contractId(c)));
  let told = 0;
  const undecided: string[] = [];
  for (const tx of open) {
    const answer = answers.get(tx.txid) ?? { decided: false };
    if (!answer.decided) {
      undecided.push(tx.txid);
      continue;
    }
    const { decided: _decided, ...facts } = answer;
    const toUs = facts.contractId !== null && ours.has(facts.contractId);
    const member = toUs && facts.sender ? await ctx.store.memberOf(facts.sender) : null;
    const plan = !toUs ? "not-ours" : !member ? "not-linked" : "telling";
    // Closed before anyone is told: a second process that checks the same transaction finds it closed.
    if (!(await records.close(tx.txid, { ...facts, told: plan }, now))) continue;
    if (!member) continue;
    const how = await tell(ctx, records, messenger, member, { ...tx, ...facts }, now);
    await records.told(tx.txid, how);
    if (how === "follow-up" || how === "dm") told += 1;
  }
  await records.checked(undecided, now);
  return { checked: open.length, told };
}

/** What the API says of each transaction, from one request. */
async function askChain(ctx: BotContext, open: FollowedTransaction[], now: number): Promise<Map<string, Answer>> {
  const { data, response } = await ctx.reader.client.api.GET("/extended/v1/tx/multiple", {
    params: { query: { tx_id: open.map((t) => t.txid) } },
  });
  if (!data) throw new ChainUnavailableError(`followed transactions: HTTP ${response.status}`);
  const answers = new Map<string, Answer>();
  for (const tx of open) {
    const found = data[tx.txid];
    if (!found?.found) {
      // Not known to the API: dropped before it was seen, or never sent; given 10 minutes to show up.
      answers.set(
        tx.txid,
        now - tx.followedAt >= UNKNOWN_AFTER_MS
          ? {
              decided: true,
              status: "not_found",
              sender: null,
              contractId: null,
              functionName: null,
              result: null,
              blockHeight: null,
            }
          : { decided: false },
      );
      continue;
    }
    const t = found.result;
    const call = t.tx_type === "contract_call" ? t.contract_call : null;
    const mined = "block_hash" in t;
    // Pending in the mempool, or mined on a fork the chain left (a re-org): not decided yet.
    if (t.tx_status === "pending" || (mined && !t.canonical)) {
      answers.set(tx.txid, { decided: false });
      continue;
    }
    answers.set(tx.txid, {
      decided: true,
      status: t.tx_status,
      sender: t.sender_address,
      contractId: call?.contract_id ?? null,
      functionName: call?.function_name ?? null,
      result: mined ? t.tx_result.repr : null,
      blockHeight: mined ? t.block_height : null,
    });
  }
  return answers;
}

/**
 * Tells one member: under their newest command while its token answers, else by DM if they asked for it.
 * Returns how: `follow-up`, `dm`, `not-asked` (no live command, no DM wanted), `dm-closed` or `failed`.
 */
async function tell(
  ctx: BotContext,
  records: FollowedTransactions,
  messenger: ResultMessenger,
  member: { discordUserId: string; dmResults: boolean },
  tx: FollowedTransaction & { contractId: string | null; functionName: string | null },
  now: number,
): Promise<string> {
  const message = transactionResultMessage(
    { ...tx, contractId: tx.contractId ?? "", functionName: tx.functionName ?? "" },
    ctx.links,
  ) as MessageCreateOptions;
  const about = { txid: tx.txid, member: member.discordUserId };
  const token = await records.liveToken(member.discordUserId, now);
  if (token) {
    try {
      await messenger.followUp(token.applicationId, token.token, message);
      return "follow-up";
    } catch (e) {
      if (!(e instanceof DiscordAPIError && TOKEN_GONE.has(Number(e.code)))) {
        ctx.log.warn({ err: e, ...about }, "could not answer the member under their command");
        if (!member.dmResults) return "failed";
      }
    }
  }
  if (!member.dmResults) return "not-asked";
  try {
    await messenger.dm(member.discordUserId, message);
    return "dm";
  } catch (e) {
    if (e instanceof DiscordAPIError && Number(e.code) === CANNOT_DM) {
      ctx.log.info(about, "the member takes no DMs from the bot; transaction result not sent");
      return "dm-closed";
    }
    ctx.log.warn({ err: e, ...about }, "could not send the member their transaction result");
    return "failed";
  }
}
