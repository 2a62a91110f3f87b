import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups, ROLLUP_TABLES } from '../../packages/api/src/modules/reports/reports.rollup.js';
import { analyzeCounts, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * Report rollups: village figures kept current by a background refresh, summed for a city. They must give exactly
 * the live answer and pick up a new visit at the next refresh; a village's stale rollup is not used (issue 17: a
 * city's or town's answers from the last refresh, marked, in reports.rollup.newday.test.ts).
 */
let t: TestApp;
let admin: TestUser;
let integrator: TestUser;
const ids: string[] = [];

const REPORT = `query($r: String, $p: String!) { report(regionCode: $r, period: $p) {
  figures { elders visits eldersByClass { key count } eldersByCircumstance { key count } visitsByMethod { key count }
            visitRate { numerator denominator rate } overdueElders alertsOpenedByKind { key count } refusals eldersWithContact
            visitorsByKind { key count } teamsByKind { key count } candidatesFound }
  children { region { code } figures { elders visits visitRate { numerator denominator } overdueElders } } } }`;
const INTEGRATOR_REPORT = `query($p: String!) { report(period: $p) { computedAt
  figures { elders visits eldersByClass { key count } visitsByMethod { key count } visitRate { numerator denominator rate } overdueElders }
  children { region { code } figures { elders visits visitRate { numerator denominator } overdueElders } } } }`;
const VISIT = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;
/** Rollups set aside (as if never refreshed: computed live) and put back. */
const SET_ASIDE = `update report_rollup_state set period = period || '~'`;
const PUT_BACK = `update report_rollup_state set period = left(period, 7) where period like '%~'`;
const RATE = `query($r: String, $d: Date!) { visitRate(regionCode: $r, period: { kind: MONTH, date: $d }) {
  asOf computedAt numerator denominator rate refusals } }`;

/** visitRate and the report's visit rate of a region for November, side by side, with what visitRate cost. */
async function rates(regionCode?: string) {
  const result = await t.exec<any>(admin, RATE, { r: regionCode, d: '2026-11-01' });
  const report = ok(await t.exec<any>(admin, `query($r: String) { report(regionCode: $r, period: "2026-11") {
    asOf computedAt figures { visitRate { numerator denominator rate } refusals } } }`, { r: regionCode })).report;
  const { asOf, computedAt, numerator, denominator, rate, refusals } = ok(result).visitRate;
  return {
    visitRate: { asOf, computedAt, numerator, denominator, rate, refusals },
    report: { asOf: report.asOf, computedAt: report.computedAt, ...report.figures.visitRate, refusals: report.figures.refusals },
    statements: result.sqlStatements,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  t.clock.set('2026-09-01T02:00:00Z');
  const villages = [REGIONS.villageA1, REGIONS.villageA1, REGIONS.villageA2, REGIONS.villageB1];
  for (const [i, village] of villages.entries()) {
    const e = await registerElder(t, admin, {
      name: `甄${'甲乙丙丁'[i]}`, idNumber: idNumberFor(`194${i}-03-03`), regionCode: village,
      circumstances: i % 2 ? ['LIVING_ALONE'] : ['EMPTY_NEST'],
    });
    ids.push(e.id);
  }
  t.clock.set('2026-11-10T02:00:00Z');
  ok(await t.exec(admin, VISIT, { i: { elderId: ids[0], visitedAt: '2026-11-05T02:00:00Z', method: 'HOME', gasSafety: 'UNSAFE' } }));
  ok(await t.exec(admin, VISIT, { i: { elderId: ids[2], visitedAt: '2026-11-06T02:00:00Z', method: 'PHONE' } }));
});
afterAll(() => t.close());

describe('report rollups', () => {
  it('give exactly the live figures, for the city and each child, in a constant number of statements', async () => {
    const liveResult = await t.exec<any>(admin, REPORT, { p: '2026-11' });
    const live = ok(liveResult);
    const result = await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    expect(result).toMatchObject({ full: true, villages: 3, asOf: '2026-11-10' });
    const rolled = await t.exec<any>(admin, REPORT, { p: '2026-11' });
    expect(ok(rolled)).toEqual(live);
    // Integrators' table (the whole region tree, then withheld) is read from the same rollups, with the same answer.
    t.clock.set('2026-11-10T02:01:00Z'); // a minute after the refresh: live answers are computed now
    await t.sql(SET_ASIDE); // never rolled up: live
    const integratorLive = ok(await t.exec<any>(integrator, INTEGRATOR_REPORT, { p: '2026-11' })).report;
    await t.sql(PUT_BACK);
    const integratorRolled = ok(await t.exec<any>(integrator, INTEGRATOR_REPORT, { p: '2026-11' })).report;
    expect(integratorLive.computedAt).not.toBe(integratorRolled.computedAt);
    expect(integratorRolled.computedAt).toBe('2026-11-10T02:00:00.000Z');
    expect(integratorRolled.figures).toEqual(integratorLive.figures);
    expect(integratorRolled.children).toEqual(integratorLive.children);
    t.clock.set('2026-11-10T02:00:00Z');
    const town = await t.exec<any>(admin, REPORT, { r: REGIONS.townA, p: '2026-11' });
    expect(ok(town).report.figures.visits).toBe(2);
    // Summing rollups costs the same whatever the number of villages: session, region, children, rollups, light figures.
    expect(rolled.sqlStatements).toBeLessThan(liveResult.sqlStatements);
  });

  it('are what visitRate reads for the month: the report rate, equal to the live one, in the same statements for a village and the city', async () => {
    await t.sql(SET_ASIDE); // never rolled up: live
    const live = await Promise.all([REGIONS.city, REGIONS.townA, REGIONS.villageA1, REGIONS.villageB1].map((r) => rates(r)));
    await t.sql(PUT_BACK);
    t.clock.set('2026-11-10T02:01:00Z');
    try {
      const rolled = await Promise.all([REGIONS.city, REGIONS.townA, REGIONS.villageA1, REGIONS.villageB1].map((r) => rates(r)));
      for (const [i, r] of rolled.entries()) {
        // Live: computed now; rolled: computed at the refresh a minute ago, the same figures, the report's own.
        expect(live[i]!.visitRate.computedAt).toBe('2026-11-10T02:00:00.000Z');
        expect(r.visitRate).toEqual({ ...live[i]!.visitRate, computedAt: '2026-11-10T02:00:00.000Z' });
        expect(r.visitRate).toEqual(r.report);
        expect(r.statements).toBe(rolled[0]!.statements);
      }
      // The city: four elders, the one visited at home in November counted (its class asks a monthly visit).
      expect(rolled[0]!.visitRate).toMatchObject({ numerator: 1, denominator: 4, rate: 0.25, refusals: 0 });
      // Live is one statement over the whole region; rolled is one row: the same count, not the same work.
      expect(rolled[0]!.statements).toBe(live[0]!.statements);
    } finally {
      t.clock.set('2026-11-10T02:00:00Z');
    }
  });

  it('pick up a new visit at the next refresh, recomputing only the village that changed', async () => {
    ok(await t.exec(admin, VISIT, { i: { elderId: ids[3], visitedAt: '2026-11-09T02:00:00Z', method: 'HOME' } }));
    const before = ok(await t.exec<any>(admin, REPORT, { r: REGIONS.townB, p: '2026-11' })).report.figures;
    // Until the next refresh (every 30 s in a running API) the rollup still says what it said.
    expect(before.visits).toBe(0);
    // visitRate reads the same rollup: the same (not yet updated) rate until the refresh.
    const beforeRate = await rates(REGIONS.townB);
    expect(beforeRate.visitRate).toEqual(beforeRate.report);
    expect(beforeRate.visitRate).toMatchObject({ numerator: 0, denominator: 1 });
    const analyzed = await analyzeCounts(t, ROLLUP_TABLES);
    const result = await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    expect(result).toMatchObject({ full: false, villages: 1 });
    // One village rewritten: the statistics are left alone (a full refresh renews them, see the new-day case).
    expect(await analyzeCounts(t, ROLLUP_TABLES)).toEqual(analyzed);
    const after = ok(await t.exec<any>(admin, REPORT, { r: REGIONS.townB, p: '2026-11' })).report.figures;
    expect(after.visits).toBe(1);
    expect(after.visitRate).toMatchObject({ numerator: 1, denominator: 1 });
    const afterRate = await rates(REGIONS.townB);
    expect(afterRate.visitRate).toEqual(afterRate.report);
    expect(afterRate.visitRate).toMatchObject({ numerator: 1, denominator: 1, rate: 1 });
  });

  it('say when they were computed, carry a new day over until the full refresh, and are rebuilt for the new day', async () => {
    ok(await t.exec(admin, VISIT, { i: { elderId: ids[1], visitedAt: '2026-11-09T03:00:00Z', method: 'PHONE' } }));
    t.clock.set('2026-11-10T02:02:00Z'); // two minutes after the last refresh: still the rollup, and it says so
    const rolled = ok(await t.exec<any>(admin, `query { report(regionCode: "${REGIONS.villageA1}", period: "2026-11") { asOf computedAt figures { visits } } }`)).report;
    expect(rolled).toMatchObject({ asOf: '2026-11-10', computedAt: '2026-11-10T02:00:00.000Z', figures: { visits: 1 } });
    // Early on a new day the rollups of the day before answer (asOf says which day) until the full refresh is done.
    t.clock.set('2026-11-11T00:10:00Z');
    const carried = ok(await t.exec<any>(admin, `query { report(regionCode: "${REGIONS.villageA1}", period: "2026-11") { asOf figures { visits } } }`)).report;
    expect(carried).toMatchObject({ asOf: '2026-11-10', figures: { visits: 1 } });
    // visitRate carries the same day over (its asOf says so), from the same rollup.
    const carriedRate = await rates(REGIONS.villageA1);
    expect(carriedRate.visitRate).toEqual(carriedRate.report);
    expect(carriedRate.visitRate).toMatchObject({ asOf: '2026-11-10', computedAt: '2026-11-10T02:00:00.000Z' });
    // Half an hour past a day since that refresh a village's rollup is stale: both compute live, judged today.
    t.clock.set('2026-11-11T02:31:00Z');
    const staleRate = await rates(REGIONS.villageA1);
    expect(staleRate.visitRate).toEqual(staleRate.report);
    expect(staleRate.visitRate).toMatchObject({ asOf: '2026-11-11', computedAt: '2026-11-11T02:31:00.000Z' });
    t.clock.set('2026-11-11T00:10:00Z');
    const analyzed = await analyzeCounts(t, ROLLUP_TABLES);
    expect(await refreshRollups(t.orm.em, '2026-11', t.clock.now())).toMatchObject({ full: true, asOf: '2026-11-11' });
    // The full refresh rewrote every row: each table's statistics are renewed with it.
    const after = await analyzeCounts(t, ROLLUP_TABLES);
    for (const table of ROLLUP_TABLES) expect(after[table], table).toBe(analyzed[table] + 1);
    const fresh = ok(await t.exec<any>(admin, `query { report(regionCode: "${REGIONS.villageA1}", period: "2026-11") { asOf computedAt figures { visits } } }`)).report;
    expect(fresh).toMatchObject({ asOf: '2026-11-11', computedAt: '2026-11-11T00:10:00.000Z', figures: { visits: 2 } });
    // A period without rollups is computed live.
    const october = ok(await t.exec<any>(admin, `query { report(regionCode: "${REGIONS.villageA1}", period: "2026-10") { computedAt } }`)).report;
    expect(october.computedAt).toBe('2026-11-11T00:10:00.000Z');
  });

  it('never skip the change of a transaction that commits after a later one', async () => {
    const circumstances = async () =>
      ok(await t.exec<any>(admin, `query { report(regionCode: "${REGIONS.villageA2}", period: "2026-11") { figures { eldersByCircumstance { key count } } } }`))
        .report.figures.eldersByCircumstance as { key: string; count: number }[];
    expect((await circumstances()).find((c) => c.key === 'MINIMUM_ALLOWANCE')).toBeUndefined();
    const older = new pg.Client({ connectionString: t.dbUrl });
    const slow = new pg.Client({ connectionString: t.dbUrl });
    await older.connect();
    await slow.connect();
    try {
      // `older` takes its transaction id first; `slow` then writes (a lower seq) and stays open while `older` writes
      // again (a higher seq) and commits: a refresh now must not move past the slow transaction's row.
      await older.query('begin');
      await older.query('select pg_current_xact_id()');
      await slow.query('begin');
      await slow.query(`update elder set circumstances = circumstances || '{MINIMUM_ALLOWANCE}' where id = $1`, [ids[2]]);
      await older.query(`update elder set updated_at = now() where id = $1`, [ids[3]]);
      await older.query('commit');
      await refreshRollups(t.orm.em, '2026-11', t.clock.now());
      await slow.query('commit');
      await refreshRollups(t.orm.em, '2026-11', t.clock.now());
      expect((await circumstances()).find((c) => c.key === 'MINIMUM_ALLOWANCE')).toEqual({ key: 'MINIMUM_ALLOWANCE', count: 1 });
    } finally {
      await older.end();
      await slow.end();
    }
  });
});
