import type { ProtocolReader } from "../chain/protocol-reader";
import type { IndexReader } from "./index-reader";

/** A field on which the index and the chain's read-only functions disagree. */
export type IndexDifference = { record: string; field: string; index: string; chain: string };

/** How many of the newest records of each kind the daily check compares, unless told otherwise. */
export const CHECK_NEWEST = 200;

/** Fields the index does not hold (no event carries them: see records.ts). */
const NOT_INDEXED = new Set(["capitalPremium", "claimsPauseClock", "winningWeight", "council"]);
/** A protocol's fields that are its record (its audit, risk and cover are compared apart or are snapshots). */
const PROTOCOL_FIELDS = [
  "name",
  "website",
  "sourceUrl",
  "chain",
  "category",
  "team",
  "submitter",
  "status",
  "submittedAt",
  "listedAt",
  "auditCount",
  "latestAuditId",
  "incidentCount",
] as const;

const show = (v: unknown) => (typeof v === "bigint" ? String(v) : JSON.stringify(v));

function compare(record: string, index: Record<string, unknown>, chain: Record<string, unknown>, fields: string[]) {
  const out: IndexDifference[] = [];
  for (const field of fields) {
    const [a, b] = [show(index[field]), show(chain[field])];
    if (a !== b) out.push({ record, field, index: a, chain: b });
  }
  return out;
}

const newestIds = (last: bigint, count: number) =>
  Array.from({ length: Math.min(Number(last), count) }, (_v, i) => last - BigInt(i));

type CheckReads = Pick<
  ProtocolReader,
  "lastProtocolId" | "lastPolicyId" | "lastClaimId" | "protocol" | "policy" | "claim" | "protocolCoverage"
>;

/**
 * Compares the index with the chain's read-only functions: how many protocols, policies and claims there are,
 * and every field the index holds of the newest `newest` of each (and each protocol's active cover). No
 * difference means the index answers what the chain would. The chain's reads happen here, off every request
 * path: the daily job and the tests run it.
 */
export async function checkIndex(index: IndexReader, chain: CheckReads, newest = CHECK_NEWEST) {
  const differences: IndexDifference[] = [];
  const counts = await index.counts();
  const [protocols, policies, claims] = await Promise.all([
    chain.lastProtocolId(),
    chain.lastPolicyId(),
    chain.lastClaimId(),
  ]);
  differences.push(
    ...compare("counts", counts, { protocols: Number(protocols), policies: Number(policies), claims: Number(claims) }, [
      "protocols",
      "policies",
      "claims",
    ]),
  );
  const cover = await index.activeCover();
  for (const id of newestIds(protocols, newest)) {
    const [mine, theirs, coverage] = [
      await index.protocol(id),
      await chain.protocol(id),
      await chain.protocolCoverage(id),
    ];
    if (!mine || !theirs) continue;
    differences.push(...compare(`protocol ${id}`, mine, theirs, [...PROTOCOL_FIELDS]));
    differences.push(
      ...compare(`protocol ${id}`, { activeCover: cover.get(id) ?? 0n }, { activeCover: coverage }, ["activeCover"]),
    );
  }
  for (const id of newestIds(policies, newest)) {
    const [mine, theirs] = [await index.policy(id), await chain.policy(id)];
    if (mine && theirs)
      differences.push(
        ...compare(
          `policy ${id}`,
          mine,
          theirs,
          Object.keys(theirs).filter((f) => !NOT_INDEXED.has(f)),
        ),
      );
  }
  for (const id of newestIds(claims, newest)) {
    const [mine, theirs] = [await index.claim(id), await chain.claim(id)];
    if (!mine || !theirs) continue;
    differences.push(
      ...compare(
        `claim ${id}`,
        mine,
        theirs,
        Object.keys(theirs).filter((f) => !NOT_INDEXED.has(f)),
      ),
    );
    const { approvals, denials, vetoes } = theirs.council;
    differences.push(
      ...compare(`claim ${id} council`, mine.council, { approvals, denials, vetoes }, [
        "approvals",
        "denials",
        "vetoes",
      ]),
    );
  }
  return differences;
}
