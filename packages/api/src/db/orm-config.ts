import { DataloaderType, DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { countSqlStatement } from '../shared/request-scope.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

/** Counts every statement of the current request (tests assert on it; no N+1), then logs as usual. */
class CountingLogger extends DefaultLogger {
  constructor(options: LoggerOptions) {
    super(options);
  }
  override logQuery(context: { query: string } & LogContext): void {
    countSqlStatement();
    super.logQuery(context);
  }
}

/**
 * How long an idle pooled connection is kept. A new server session starts with empty catalog caches, and its first
 * statement over the partitioned history (17 monthly partitions of `visit` in the bench, each with its indexes) spent
 * 60-260 ms loading them, against 4 ms warm: with the pool's default 30 s, a console user clicking once a minute met
 * cold sessions on every screen. Ten minutes keeps the few sessions a quiet console uses warm.
 */
export const POOL_IDLE_MS = 10 * 60_000;

export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities,
    // Entities are listed, never discovered from the file system: the same list works from src (tests) and dist.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, tableName: 'mikro_orm_migrations' },
    // Batch relation and reference loads across a request: nested fields cost one statement per level, not per row.
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    loggerFactory: (options: LoggerOptions) => new CountingLogger(options),
    debug: process.env.TANFANG_SQL_DEBUG === '1' ? ['query', 'query-params'] : false,
    pool: { min: 0, max: Number(process.env.TANFANG_DB_POOL ?? 10), idleTimeoutMillis: POOL_IDLE_MS },
    ...overrides,
  });
}
