// Brings a bench database to this build's migrations, timed, before `pnpm bench` runs: at 1M elders the partitioning
// migration alone takes minutes, longer than the runner waits for the API to start. Usage:
//   node bench/lib/migrate.mjs 1M [--refresh]
// (100k or 1M; BENCH_PG_PORT as for the runner). --refresh then does the full compliance-snapshot and rollup refresh
// the runner would do (bench/lib/refresh-rollups.mjs), so a later BENCH_SKIP_REFRESH=1 run measures current data.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.join(BENCH, '..');
const label = process.argv[2] ?? '100k';
const port = Number(process.env.BENCH_PG_PORT ?? (label === '1M' ? 54342 : 54341));
createRequire(path.join(ROOT, 'packages/api/package.json'))('reflect-metadata');
const { startEmbeddedPostgres } = await import(path.join(ROOT, 'packages/api/dist/db/embedded-postgres.js'));
const { initOrm } = await import(path.join(ROOT, 'packages/api/dist/db/bootstrap.js'));
const log = (...a) => console.log(`[migrate ${new Date().toISOString().slice(11, 19)}]`, ...a);

const embedded = await startEmbeddedPostgres({ dataDir: path.join(BENCH, '.data', `pg-${label}`, 'pg'), port, supervise: false });
const url = `postgres://postgres:tanfang-local@localhost:${port}/tanfang`;
try {
  const t0 = Date.now();
  const orm = await initOrm(url);
  const [{ n }] = await orm.em.getConnection().execute(`select count(*)::int as n from mikro_orm_migrations`);
  log(`${n} migrations applied in all; this run took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await orm.close();
  if (process.argv.includes('--refresh')) {
    const t1 = Date.now();
    execFileSync(process.execPath, [path.join(BENCH, 'lib/refresh-rollups.mjs')], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' });
    log(`compliance snapshot and rollups refreshed in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  }
} finally {
  await embedded.stop();
}
