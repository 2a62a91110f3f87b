import { MikroORM, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import type { AppConfig } from '../config/env.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';
import { ormConfig } from './orm-config.js';
import { seedDemo, type DemoSummary } from './seeders/demo.js';
import { loadRegions } from './seeders/regions.js';

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

/** Connects and applies pending migrations (committed, in order, each in a transaction). */
export async function initOrm(url: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(url, overrides));
  await orm.getMigrator().up();
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
export async function prepareData(orm: MikroORM, config: Pick<AppConfig, 'seedDemo'>): Promise<PreparedData> {
  const em = orm.em.fork();
  const regionsLoaded = await loadRegions(em);
  let demo: DemoSummary | null = null;
  if (config.seedDemo) {
    const [{ users }] = await em.execute<{ users: string }[]>('select count(*) as users from app_user');
    if (Number(users) === 0) demo = await seedDemo(em);
  }
  return { regionsLoaded, demo };
}
