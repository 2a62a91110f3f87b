// Issue 17: the full rollup refresh of one period, town by town (refreshRollups, a full refresh forced by removing
// the period's state) against the per-village path the full refresh used before (refreshVillages over every
// village: the old loop's statements, with today's figure SQL; the ancestor sums and the state, the same in both,
// are in the first figure only). At 100k on a loaded 2-core machine: 33-40 s town by town against 102-124 s for the
// old build's full refresh (old and new builds run alternately, twice). Needs DATABASE_URL; run from the repo root
// after `pnpm build`:
//   DATABASE_URL=... node bench/lib/refresh-compare.mjs 2026-11
import { createRequire } from 'node:module';

createRequire(new URL('../../packages/api/package.json', import.meta.url))('reflect-metadata');
const { initOrm } = await import('../../packages/api/dist/db/bootstrap.js');
const { refreshRollups, refreshVillages } = await import('../../packages/api/dist/modules/reports/reports.rollup.js');
const { parsePeriod } = await import('../../packages/api/dist/modules/reports/reports.service.js');

const label = process.argv[2] ?? new Date().toISOString().slice(0, 7);
const orm = await initOrm(process.env.DATABASE_URL);
const em = orm.em.fork();
const [{ n }] = await em.execute(`select count(*)::int as n from elder`);
const villages = (await em.execute(`select distinct region_code as code from elder`)).map((r) => r.code);
console.log(`${n} elders, ${villages.length} villages, period ${label}`);
const now = new Date();

await em.execute(`delete from report_rollup_state where period = ?`, [label]);
let t = Date.now();
const result = await refreshRollups(orm.em, label, now);
console.log(`town by town (refreshRollups, full): ${((Date.now() - t) / 1000).toFixed(1)} s ${JSON.stringify(result)}`);

const period = parsePeriod(label);
t = Date.now();
await refreshVillages(orm.em.fork(), null, { period, asOf: result.asOf, now }, villages);
console.log(`village by village (the old loop, without the sums): ${((Date.now() - t) / 1000).toFixed(1)} s`);
await orm.close();
