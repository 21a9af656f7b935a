import pg from "pg";
import type { Logger } from "../logger";

/** Key of the advisory lock the ingestion leader holds (the migration lock is another). */
export const INGESTION_LOCK = 7_460_218;
/** How often a follower tries the lock and the leader checks its connection: the hand-over is within two of these. */
export const DEFAULT_LEADER_CHECK_MS = 2_000;
/** A leader whose check takes longer than this stops leading (a server it can no longer reach). */
const CHECK_TIMEOUT_MS = 5_000;
/**
 * The server's side of the lock's session: a peer that stops answering (a machine gone, a network cut) is
 * dropped after 3 s idle + 3 probes 1 s apart, or 5 s of unacknowledged data, which frees the lock. Without
 * them Linux waits two hours before its first probe.
 */
const SESSION_KEEPALIVES =
  "SET tcp_keepalives_idle = 3; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 5000";

/**
 * Elects the one process of a sharded bot that reads the chain (the watcher, the index, the keeper): whoever
 * holds a Postgres session advisory lock. The lock lives as long as the leader's connection, so a leader that
 * dies or hangs up frees it at once, one cut off within seconds (SESSION_KEEPALIVES), and a follower that tries
 * every check interval takes over. A leader that loses its connection stops leading at once (the `end` of the
 * connection, or a check that fails or takes longer than CHECK_TIMEOUT_MS). Two
 * leaders for a moment (a cut connection the old one has not noticed yet) are safe: the ledger records each
 * event once by key (docs/bot.md).
 */
export class IngestionLeader {
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private leading = false;
  private checking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly opts: {
      url: string;
      /** Who this is, written for operators (ingestion_leader) and logs. */
      holder: string;
      log: Logger;
      onLead: () => Promise<void>;
      onLose: () => Promise<void>;
      checkMs?: number;
    },
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.checkMs ?? DEFAULT_LEADER_CHECK_MS);
  }

  /** Gives the lock up (a clean stop): a follower takes over at its next check. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await this.lose("stopped");
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private check(): Promise<void> {
    this.checking ??= this.tryLead().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async tryLead() {
    if (this.stopped) return;
    try {
      const client = await this.connection();
      if (this.leading) {
        await client.query("SELECT 1");
        return;
      }
      const { rows } = await client.query<{ got: boolean }>("SELECT pg_try_advisory_lock($1) AS got", [INGESTION_LOCK]);
      if (!rows[0]?.got || this.stopped) return;
      this.leading = true;
      await client.query(
        `INSERT INTO ingestion_leader (id, holder, acquired_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at`,
        [this.opts.holder, Date.now()],
      );
      this.opts.log.info({ holder: this.opts.holder }, "leading chain ingestion");
      await this.opts.onLead();
    } catch (e) {
      this.opts.log.warn({ err: e, holder: this.opts.holder }, "the ingestion lock's connection failed");
      this.dropConnection();
      await this.lose("connection lost");
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.opts.url, query_timeout: CHECK_TIMEOUT_MS, keepAlive: true });
    const gone = () => {
      if (this.client !== client) return;
      this.client = undefined;
      void this.lose("connection lost");
    };
    client.on("error", gone);
    client.on("end", gone);
    try {
      await client.connect();
      await client.query(SESSION_KEEPALIVES);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    this.client = client;
    return client;
  }

  private dropConnection() {
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => {});
  }

  private async lose(why: string) {
    if (!this.leading) return;
    this.leading = false;
    this.opts.log.warn({ holder: this.opts.holder, why }, "no longer leading chain ingestion");
    await this.opts.onLose();
  }
}
