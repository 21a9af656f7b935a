import type { Sql } from "./sql";
import { fromJson } from "../index/json-values";
import type { IndexedClaim } from "../index/records";

/**
 * A claimant's earlier claims, from the index (ix_claims): what an assessor weighs about who is asking, read once
 * when a claim's alert is created and by its vote page.
 */
export class ClaimantClaims {
  constructor(private readonly sql: Sql) {}

  /** The claims `claimant` filed before claim `beforeId`, newest first, at most `limit`, and how many there are. */
  async before(claimant: string, beforeId: bigint, limit: number): Promise<{ total: number; claims: IndexedClaim[] }> {
    const total = (await this.sql.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM ix_claims WHERE claimant = ? AND id < ?",
      [claimant, beforeId],
    ))!.n;
    const rows = await this.sql.all<{ data: string }>(
      "SELECT data FROM ix_claims WHERE claimant = ? AND id < ? ORDER BY id DESC LIMIT ?",
      [claimant, beforeId, limit],
    );
    return { total: Number(total), claims: rows.map((r) => fromJson<IndexedClaim>(r.data)) };
  }
}
