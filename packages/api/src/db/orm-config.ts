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
    pool: { min: 0, max: Number(process.env.TANFANG_DB_POOL ?? 10) },
    ...overrides,
  });
}
