import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A real Postgres server for the tests and the benchmark, started from Debian's `postgresql` package (installed
 * by .ci/run): a throw-away cluster in a temporary folder, listening on 127.0.0.1 only, durability off (speed,
 * not crash safety, is wanted here), stopped and deleted at the end. Postgres refuses to run as root, so as root
 * the cluster belongs to the package's `postgres` user.
 */
export type PostgresServer = { url: string; stop(): Promise<void> };

/** The newest installed server's programs, or null when the package is not installed. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error("Postgres is not installed: apt-get install postgresql (see .ci/run)");
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "pg-"));
  const data = join(dir, "data");
  const asOwner = (program: string, args: string[]) =>
    root ? ["runuser", ["-u", "postgres", "--", join(bin, program), ...args]] : [join(bin, program), args];
  if (root) {
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, id("-u"), id("-g"));
  }
  const [initCommand, initArgs] = asOwner("initdb", [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  const init = spawnSync(initCommand as string, initArgs as string[], { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=400"];
  const [command, args] = asOwner("postgres", [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    ...settings.flatMap((s) => ["-c", s]),
  ]);
  const server: ChildProcess = spawn(command as string, args as string[], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  server.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => {});
      if (Date.now() > deadline || server.exitCode !== null)
        throw new Error(`Postgres did not start: ${(e as Error).message}\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      // pg_ctl as the cluster's owner: a signal to runuser would not reach the server.
      const [stopCommand, stopArgs] = asOwner("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      spawnSync(stopCommand as string, stopArgs as string[], { stdio: "ignore" });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The database the global setup migrates once, which each test's database is copied from when it exists. */
export const TEMPLATE_DATABASE = "store_template";

const withDatabase = (serverUrl: string, name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * A new database on the server with no data: every store a test opens starts from nothing. Copied from the
 * migrated template when there is one (a copy takes a fraction of running the migrations), else empty.
 */
export async function freshDatabase(serverUrl: string, options: { template?: boolean } = {}): Promise<string> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const template =
      options.template !== false &&
      (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE_DATABASE])).rowCount === 1;
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${TEMPLATE_DATABASE}` : ""}`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}

/** Creates the template: a database brought up to date by `migrate`, then left with nobody connected. */
export async function createTemplate(serverUrl: string, migrate: (url: string) => Promise<void>) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  await migrate(withDatabase(serverUrl, TEMPLATE_DATABASE));
}
