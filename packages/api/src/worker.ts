import 'reflect-metadata';
import { loadConfig } from './config/env.js';
import { initOrm } from './db/bootstrap.js';
import { embeddedUrl } from './db/embedded-postgres.js';
import { startWorker } from './jobs/queue.js';

/**
 * `pnpm worker`: the job queue alone, beside API instances started with TANFANG_WORKER=off (or beside inline ones:
 * any number of workers share the queue, each job locked by one). Connects to DATABASE_URL, or to the embedded
 * server `pnpm start` runs (TANFANG_PG_PORT), which must then be up.
 */
const config = loadConfig();
const url = config.databaseUrl ?? embeddedUrl(config.embeddedPgPort, 'tanfang');
const orm = await initOrm(url);
// The queue's connections straight to PostgreSQL when DATABASE_LISTEN_URL is set (LISTEN and named prepared statements
// do not pass PgBouncer in transaction mode); the ORM's go through DATABASE_URL like the API's.
const worker = await startWorker({ connectionString: config.listenUrl ?? url, config, orm, reportSeconds: config.rollupSeconds });
console.log(`Tanfang job worker running on ${config.databaseUrl ? 'DATABASE_URL' : `the embedded PostgreSQL (port ${config.embeddedPgPort})`}. Ctrl-C stops it.`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the worker...`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await worker.stop();
  await orm.close(true);
  console.log('Stopped cleanly.');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
