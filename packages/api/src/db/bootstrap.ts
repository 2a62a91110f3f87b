import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import pg from 'pg';
import { migrateJobQueue } from '../jobs/queue.js';
import type { AppConfig } from '../config/env.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';
import { ormConfig } from './orm-config.js';
import { seedDemo, type DemoSummary } from './seeders/demo.js';
import { loadRegions } from './seeders/regions.js';
import { loadAlertRules } from '../modules/alerts/alert-rules.reference.js';
import { reclassifyOutdated } from '../modules/classification/classification.service.js';
import { loadStandards } from '../modules/standards/standards.reference.js';
import { ensureHistoryPartitions } from '../jobs/partitions.js';

export interface Database {
  url: string;
  embedded: EmbeddedServer | null;
}

/** DATABASE_URL if set; otherwise the embedded PostgreSQL with its data under TANFANG_DATA_DIR. */
export async function openDatabase(config: AppConfig): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort });
  await ensureDatabase(embedded.adminUrl, 'tanfang');
  return { url: embedded.urlFor('tanfang'), embedded };
}

/** The advisory lock key of start-up work (migrations, reference data): 'tanfang:startup' as a fixed number. */
export const STARTUP_LOCK = 7_266_153_040_417;

/**
 * Runs `work` while this process holds the start-up lock, so N instances started together (a rollout) migrate one
 * after the other: the first applies the migrations, the others wait, then find nothing pending. The lock is a
 * transaction-level one (`pg_advisory_xact_lock`) held by an open transaction on a connection of its own, released
 * by its commit or, if this process dies, by the connection's end: a session-level `pg_advisory_lock` would be
 * taken and released on different server connections behind PgBouncer in transaction mode.
 */
export async function underStartupLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'tanfang-startup' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [STARTUP_LOCK]);
    const result = await work();
    await client.query('commit');
    return result;
  } finally {
    // On an error the transaction is still open: ending the connection rolls it back and frees the lock.
    await client.end().catch(() => undefined);
  }
}

/** Connects and applies pending migrations (committed, in order, each in a transaction), one instance at a time. */
export async function initOrm(url: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(url, overrides));
  try {
    await underStartupLock(url, async () => {
      await orm.getMigrator().up();
      // The job queue's own schema (graphile-worker's runMigrations), also when this process runs no worker: events
      // queue their jobs in their own transactions (an outbox), so the queue's tables must exist wherever they happen.
      await migrateJobQueue(url);
    });
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

export interface PreparedData {
  regionsLoaded: number;
  demo: DemoSummary | null;
}

/**
 * Reference data on every start (the region tree, only what is missing) and, on the first start outside
 * production, the demo users and elders.
 */
export async function prepareData(orm: MikroORM, config: Pick<AppConfig, 'seedDemo'>, now = new Date()): Promise<PreparedData> {
  // Under the start-up lock too: two first starts would otherwise both find no users and both seed the demo.
  return underStartupLock(orm.config.get('clientUrl')!, () => prepareDataLocked(orm, config, now));
}

async function prepareDataLocked(orm: MikroORM, config: Pick<AppConfig, 'seedDemo'>, now: Date): Promise<PreparedData> {
  const em = orm.em.fork();
  // This month's and the next months' partitions of the history tables, before any request or job writes to them
  // (the daily job keeps them ahead; a database restored from an old backup gets them here).
  await ensureHistoryPartitions(async (text, values) => ({ rows: await em.execute(text.replace(/\$\d+/g, '?'), values as unknown[]) }), now);
  const regionsLoaded = await loadReferenceData(em, now);
  let demo: DemoSummary | null = null;
  if (config.seedDemo) {
    const [{ users }] = await em.execute<{ users: string }[]>('select count(*) as users from app_user');
    if (Number(users) === 0) {
      demo = await seedDemo(em, { today: now });
      // Fresh tables have no statistics yet: without them the first plans assume two rows per table.
      await em.execute('analyze', [], 'run');
    }
  }
  // Archives classified under an older rule version (or never) are brought up to date.
  await reclassifyOutdated(em, now);
  return { regionsLoaded, demo };
}

/** Reference data every database needs, inserted only where missing: regions, visit standards, alert rules. */
export async function loadReferenceData(em: EntityManager, now = new Date()): Promise<number> {
  const regions = await loadRegions(em);
  await loadStandards(em, now);
  await loadAlertRules(em);
  return regions;
}
