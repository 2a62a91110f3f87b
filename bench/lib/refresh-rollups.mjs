// Full refresh of today's compliance snapshot and of the report rollups of this month and last month (what the API does at start), run once after
// generating data so the report scenario reads current rollups. Uses the API's own code from packages/api/dist.
import { createRequire } from 'node:module';

createRequire(new URL('../../packages/api/package.json', import.meta.url))('reflect-metadata');
const { initOrm } = await import('../../packages/api/dist/db/bootstrap.js');
const { refreshRollups, rolledPeriods } = await import('../../packages/api/dist/modules/reports/reports.rollup.js');

const { refreshComplianceSnapshot } = await import('../../packages/api/dist/modules/compliance/compliance.snapshot.js');

const orm = await initOrm(process.env.DATABASE_URL);
{
  const started = Date.now();
  const result = await refreshComplianceSnapshot(orm.em, new Date());
  console.log(`compliance snapshot: ${JSON.stringify(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
for (const period of rolledPeriods(new Date())) {
  const started = Date.now();
  const result = await refreshRollups(orm.em, period, new Date());
  console.log(`rollups ${period}: ${JSON.stringify(result)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
await orm.close();
