import pg from "pg";
import { INGESTION_LOCK } from "../../bot/sharding/ingestion-leader";

/**
 * Ends the session that holds the ingestion lock in the database at `url`, as the server does when the leader's
 * process dies: returns how many sessions it ended (1 when someone led).
 */
export async function cutIngestionLeader(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [INGESTION_LOCK],
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}
