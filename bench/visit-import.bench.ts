import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, ok, REGIONS, type TestApp, type TestUser } from '../tests/helpers/app.js';
import { checkCharOf } from '../packages/api/src/modules/elders/id-number.js';

/**
 * Rows per second and SQL statements of one 5,000-record importVisits batch (and its replay, and the same file again
 * under a new key: every record EXISTS). 1,000 archives in 三埠街道's villages, registered in August, five visits
 * each in September and October with findings on one in five (alerts, half of them old history) and a care service
 * on one in two. Prints one line per run.
 */
const N = Number(process.env.BENCH_RECORDS ?? 5000);
let t: TestApp;
let town: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-15T02:00:00Z');
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});
afterAll(() => t.close());

it(`imports ${N} historical visits`, async () => {
  const elders = Math.ceil(N / 5);
  const villages = [REGIONS.villageA1, REGIONS.villageA2, '440783001022', '440783001023', '440783001024'];
  const ids: string[] = [];
  for (let i = 0; i < elders; i++) {
    const born = new Date(Date.UTC(1945, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const first17 = `440783${born}011`;
    ids.push(first17 + checkCharOf(first17));
  }
  // Archives written directly (registration is not what is measured).
  await t.sql(
    `insert into elder (county_code, region_code, name, gender, birth_date, id_number, registered_at, computed_class)
     select '440783', v.region, '测试' || n, 'MALE', to_date(substr(v.id_number, 7, 8), 'YYYYMMDD'), v.id_number, timestamptz '2026-08-05 10:00+08', 'C'
       from unnest($1::text[], $2::text[]) with ordinality as v(id_number, region, n)`,
    [ids, ids.map((_, i) => villages[i % villages.length])],
  );
  const records = Array.from({ length: N }, (_, i) => {
    const elder = ids[i % elders]!;
    const round = Math.floor(i / elders);
    const day = `2026-${round < 3 ? '09' : '10'}-${String(1 + round * 5 + (i % 4)).padStart(2, '0')}`;
    return {
      sourceRef: `台账.xlsx 第${i + 2}行`, idNumber: elder, visitedOn: day, method: 'HOME', visitorName: '陈志华',
      ...(i % 5 === 0 ? { mood: 'WORSE', disease: 'SERIOUS', diseaseName: '高血压' } : { mood: 'UNCHANGED' }),
      ...(i % 2 === 0 ? { careServices: [{ kind: 'CLEANING' }] } : {}),
    };
  });
  const IMPORT = `mutation($batch: VisitImportBatch!) { importVisits(batch: $batch) { created exists rejected replayed } }`;
  const run = async (label: string, key: string) => {
    const started = performance.now();
    const result = await t.exec<any>(town, IMPORT, { batch: { idempotencyKey: key, records } });
    const ms = performance.now() - started;
    const answer = ok(result).importVisits;
    console.log(`${label}: ${N} records in ${Math.round(ms)} ms = ${Math.round(N / (ms / 1000))} records/s, ${result.sqlStatements} SQL statements, ${JSON.stringify(answer)}`);
    return answer;
  };
  const dry = performance.now();
  const dryResult = await t.exec<any>(town, `mutation($batch: VisitImportBatch!) { importVisits(batch: $batch) { created } }`, { batch: { idempotencyKey: 'dry', dryRun: true, records } });
  console.log(`dry run: ${Math.round(N / ((performance.now() - dry) / 1000))} records/s, ${dryResult.sqlStatements} SQL statements`);
  expect((await run('first load', 'bench-1')).created).toBe(N);
  await run('replay (same key)', 'bench-1');
  expect((await run('same file, new key', 'bench-2')).exists).toBe(N);
});
