import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { EmbeddedServer } from '../../packages/api/src/db/embedded-postgres.js';

export const TEMPLATE_DB = 'tanfang_test_template';
const here = path.dirname(fileURLToPath(import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

/**
 * Real PostgreSQL for every test: the embedded server (or TANFANG_TEST_DATABASE_URL, a server where the tests
 * may create databases), migrated once into a template; each test file clones its own database from it.
 */
export default async function setup(project: TestProject) {
  try {
    return await prepare(project);
  } catch (error) {
    // Vitest 4.1 reports a failed global setup as "No test files found" and still exits 0: a red run must be red.
    console.error('Test database setup failed:', error);
    process.exit(1);
  }
}

/**
 * embedded-postgres registers async-exit-hook when it is first imported; its 'beforeExit' handler calls
 * process.exit(0), which would turn a failed run green. Import it (through the API modules) here, note which process
 * listeners that added, and remove exactly those once the server is stopped.
 */
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'uncaughtException', 'unhandledRejection'] as const;

async function importApiModules() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const embeddedModule = await import('../../packages/api/src/db/embedded-postgres.js');
  const bootstrap = await import('../../packages/api/src/db/bootstrap.js');
  const added = HOOKED_EVENTS.flatMap((e) =>
    process.listeners(e as NodeJS.Signals).filter((l) => !before.get(e)!.has(l)).map((l) => [e, l] as const),
  );
  const unhook = () => {
    for (const [event, listener] of added) process.removeListener(event, listener as (...args: unknown[]) => void);
  };
  return { ...embeddedModule, ...bootstrap, unhook };
}

async function prepare(project: TestProject) {
  const { startEmbeddedPostgres, initOrm, loadReferenceData, unhook } = await importApiModules();
  let embedded: EmbeddedServer | null = null;
  let adminUrl = process.env.TANFANG_TEST_DATABASE_URL;
  if (!adminUrl) {
    const port = Number(process.env.TANFANG_TEST_PG_PORT ?? 54350);
    // One folder per port, so two runs on different ports (parallel sessions) never share a cluster.
    const dataDir = path.join(here, `../.output/pg-${port}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    embedded = await startEmbeddedPostgres({ dataDir, port, fast: true });
    adminUrl = embedded.adminUrl;
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftover test databases from an interrupted run go first.
  const stale = await admin.query(`select datname from pg_database where datname like 'tanfang_test_%'`);
  for (const { datname } of stale.rows as { datname: string }[]) await admin.query(`drop database if exists ${datname} with (force)`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();

  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  const orm = await initOrm(templateUrl.toString(), { debug: false });
  await loadReferenceData(orm.em.fork(), new Date('2026-01-01T00:00:00Z'));
  await orm.close(true);

  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    await embedded?.stop();
    unhook();
  };
}
