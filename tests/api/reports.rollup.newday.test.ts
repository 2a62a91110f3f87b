import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups, refreshVillages, rolledPeriodsInOrder } from '../../packages/api/src/modules/reports/reports.rollup.js';
import { parsePeriod } from '../../packages/api/src/modules/reports/reports.service.js';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * Issue 17: no live whole-region computation on a page people open.
 *
 * A full refresh computes the rollups town by town (a few statements grouped by village) instead of
 * village by village. Its rows must be exactly the per-village path's: the village figures (report_rollup), every
 * elder's verdict (report_rollup_elder) and the assessment's village rows (assessment_rollup), for a city with
 * several towns and villages, elders visited or not, an alert, a refusal, a closed archive and a village whose only
 * elder is closed (its row: empty figures, zeros).
 */
let t: TestApp;
let admin: TestUser;
const VISIT = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;
const REFUSE = `mutation($id: ID!, $version: Int!, $input: RecordRefusalInput!) { recordRefusal(elderId: $id, version: $version, input: $input) { id } }`;
const REPORT = `query($r: String, $p: String!) { report(regionCode: $r, period: $p) { asOf computedAt
  figures { elders visits eldersByClass { key count } visitsByMethod { key count } visitRate { numerator denominator rate } overdueElders refusals }
  children { region { code } figures { elders visits visitRate { numerator denominator rate } overdueElders } } } }`;
const RATE = `query($r: String) { visitRate(regionCode: $r, period: { kind: MONTH, date: "2026-11-01" }) { asOf computedAt numerator denominator rate refusals } }`;
const ASSESSMENT = `query($r: String) { assessment(regionCode: $r, period: { kind: MONTH, date: "2026-11-01" }) {
  asOf computedAt rows { region { code } eldersToVisit visitRate alertsRaised satisfactionResponses score rank } } }`;
const LIST = `query($filter: ElderFilter) { elders(filter: $filter, first: 50) { totalCount nodes { id } } }`;
const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id } }`;

/** The period's village rows of the three tables, in a stable order (times as text: both paths write the same `now`). */
async function villageRows() {
  return {
    report: await t.sql(`select region_code, to_char(as_of, 'YYYY-MM-DD') as as_of, figures, refreshed_at::text from report_rollup
                          where period = '2026-11' and length(region_code) = 12 order by region_code`),
    elders: await t.sql(`select elder_id, region_code, ok, late from report_rollup_elder where period = '2026-11' order by elder_id`),
    assessment: await t.sql(`select * from assessment_rollup where period = '2026-11' and length(region_code) = 12 order by region_code`),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  // Two more towns of the city with a village each, beside the helpers' two towns and three villages.
  const others = await t.sql<{ code: string }>(
    `select min(v.code) as code from region v where length(v.code) = 12 and starts_with(v.code, $1)
        and left(v.code, 9) not in ($2, $3) group by left(v.code, 9) order by 1 limit 2`,
    [REGIONS.city, REGIONS.townA, REGIONS.townB],
  );
  expect(others).toHaveLength(2);
  const villages = [REGIONS.villageA1, REGIONS.villageA1, REGIONS.villageA2, REGIONS.villageB1, others[0]!.code, others[0]!.code, others[1]!.code];
  t.clock.set('2026-09-01T02:00:00Z');
  const elders = [];
  for (const [i, village] of villages.entries()) {
    elders.push(await registerElder(t, admin, {
      name: `镇${'甲乙丙丁戊己庚'[i]}`, idNumber: idNumberFor(`19${40 + i}-03-0${1 + (i % 9)}`), regionCode: village,
      circumstances: i % 2 ? ['LIVING_ALONE'] : ['EMPTY_NEST'],
    }));
  }
  t.clock.set('2026-11-10T02:00:00Z');
  ok(await t.exec(admin, VISIT, { i: { elderId: elders[0]!.id, visitedAt: '2026-11-05T02:00:00Z', method: 'HOME', gasSafety: 'UNSAFE', satisfaction: 'SATISFIED' } }));
  ok(await t.exec(admin, VISIT, { i: { elderId: elders[2]!.id, visitedAt: '2026-11-06T02:00:00Z', method: 'PHONE' } }));
  ok(await t.exec(admin, VISIT, { i: { elderId: elders[4]!.id, visitedAt: '2026-11-07T02:00:00Z', method: 'HOME', satisfaction: 'VERY_SATISFIED' } }));
  ok(await t.exec(admin, REFUSE, { id: elders[5]!.id, version: elders[5]!.version, input: { reason: '不需要', refusedOn: '2026-11-02', talkedWith: '村干部' } }));
  ok(await t.exec(admin, CLOSE, { id: elders[6]!.id, version: elders[6]!.version, input: { status: 'DECEASED', effectiveDate: '2026-10-20', reason: '病故' } }));
});
afterAll(() => t.close());

describe('full refresh, town by town', () => {
  it('writes exactly the rows of the per-village refresh, for every village of several towns', async () => {
    const result = await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    expect(result).toMatchObject({ full: true, villages: 5, asOf: '2026-11-10' });
    const byTown = await villageRows();
    expect(byTown.report).toHaveLength(5);
    expect(byTown.elders).toHaveLength(5); // the closed archive and the refusing elder have no requirement to judge
    expect(byTown.assessment).toHaveLength(5);
    // The figures this data must show (so equal rows cannot be equally empty): a visit at home, an alert, a refusal.
    const a1 = byTown.report.find((r) => r.region_code === REGIONS.villageA1)!.figures;
    expect(a1).toMatchObject({ visitsByMethod: { HOME: 1 }, rate: { denominator: 2 } });
    expect(Object.values(a1.alertsOpenedByKind as Record<string, number>)).toEqual([1]);
    expect(byTown.report.some((r) => r.figures.misc?.refusals === 1)).toBe(true);
    // The village whose only elder died before the month: its row says nothing, as a village's own refresh writes.
    expect(byTown.report.filter((r) => Object.keys(r.figures).length === 0)).toHaveLength(1);
    expect(byTown.assessment.reduce((n, r) => n + Number(r.satisfaction_n), 0)).toBe(2);

    // The same rows from the per-village path (the incremental refresh's), every table emptied first.
    for (const table of ['report_rollup', 'report_rollup_elder', 'assessment_rollup']) await t.sql(`delete from ${table} where period = '2026-11'`);
    const codes = byTown.report.map((r) => r.region_code as string);
    await refreshVillages(t.orm.em.fork(), null, { period: parsePeriod('2026-11'), asOf: '2026-11-10', now: t.clock.now() }, codes);
    expect(await villageRows()).toEqual(byTown);
  });
});

/** The city's and a town's report, visitRate and assessment for November, and what each cost in statements. */
async function answers() {
  const out: Record<string, { data: any; statements: number }> = {};
  for (const [name, query, r] of [
    ['cityReport', REPORT, REGIONS.city], ['townReport', REPORT, REGIONS.townA], ['cityRate', RATE, REGIONS.city],
    ['townRate', RATE, REGIONS.townA], ['cityAssessment', ASSESSMENT, REGIONS.city],
  ] as const) {
    const res = await t.exec<any>(admin, query, { r, p: '2026-11' });
    out[name] = { data: Object.values(ok(res))[0], statements: res.sqlStatements };
  }
  return out;
}

describe('stale rollups on a new day', () => {
  it('answer a city or town from the last refresh, marked with its day and time, in the same statements; a village live', async () => {
    t.clock.set('2026-11-10T02:00:00Z');
    await t.sql(`delete from report_rollup_state where period = '2026-11'`);
    expect(await refreshRollups(t.orm.em, '2026-11', t.clock.now())).toMatchObject({ full: true });
    const dayBefore = await answers();
    expect(dayBefore.cityReport!.data).toMatchObject({ asOf: '2026-11-10', computedAt: '2026-11-10T02:00:00.000Z' });
    expect(dayBefore.cityRate!.data.denominator).toBe(5);

    // The next day, past the half hour's grace, no refresh yet (at a million elders it takes minutes), and a visit
    // recorded since: every answer is still the last refresh's, and says so.
    t.clock.set('2026-11-11T03:00:00Z');
    const [unvisited] = await t.sql<{ id: string }>(
      `select e.id from elder e join report_rollup_elder r on r.elder_id = e.id and r.period = '2026-11' where not r.ok order by e.name limit 1`);
    ok(await t.exec(admin, VISIT, { i: { elderId: unvisited!.id, visitedAt: '2026-11-11T01:00:00Z', method: 'HOME' } }));
    const stale = await answers();
    // The assessment's score may move: an alert not acknowledged turns late when its deadline passes, with no
    // refresh (as live does: the rollup keeps its deadline). Every figure read from the rollup is the day before's.
    const withoutScores = (a: any) => ({ ...a, rows: a.rows.map(({ score, rank, ...row }: any) => row) });
    for (const name of ['cityAssessment']) for (const a of [stale, dayBefore]) a[name]!.data = withoutScores(a[name]!.data);
    for (const [name, answer] of Object.entries(stale)) {
      expect(answer.data, name).toEqual(dayBefore[name]!.data);
      // Small and constant: what the fresh rollups cost (state, region, rows), never a computation over the region.
      expect(answer.statements, name).toBe(dayBefore[name]!.statements);
      expect(answer.data).toMatchObject({ asOf: '2026-11-10', computedAt: '2026-11-10T02:00:00.000Z' });
    }
    expect(stale.cityRate!.statements).toBeLessThanOrEqual(4);

    // A list opened from the stale "not visited" figure lists the people it counts: the same refresh's verdicts.
    const notVisited = ok(await t.exec<any>(admin, LIST, { filter: { regionCode: REGIONS.city, period: '2026-11', visited: false } })).elders;
    const rate = stale.cityReport!.data.figures.visitRate;
    expect(notVisited.totalCount).toBe(rate.denominator - rate.numerator);
    expect(notVisited.nodes.map((n: { id: string }) => n.id)).toContain(unvisited!.id);

    // A village is small: computed live for today, the new visit counted.
    const village = ok(await t.exec<any>(admin, RATE, { r: REGIONS.villageA1 })).visitRate;
    expect(village).toMatchObject({ asOf: '2026-11-11', computedAt: '2026-11-11T03:00:00.000Z' });

    // A period never rolled up is computed live over the region, exact: what the rollups say once refreshed today.
    await t.sql(`delete from report_rollup_state where period = '2026-11'`);
    const live = await answers();
    expect(live.cityReport!.data).toMatchObject({ asOf: '2026-11-11', computedAt: '2026-11-11T03:00:00.000Z' });
    expect(live.cityRate!.data.numerator).toBe(stale.cityRate!.data.numerator + 1);
    // The background job refreshes such a period first, before the others.
    expect(await rolledPeriodsInOrder(t.orm.em.fork(), t.clock.now())).toEqual({ unrolled: ['2026-11', '2026-10'], rolled: [] });
    t.clock.set('2026-11-11T03:01:00Z');
    expect(await refreshRollups(t.orm.em, '2026-11', new Date('2026-11-11T03:00:00Z'))).toMatchObject({ full: true, asOf: '2026-11-11' });
    const fresh = await answers();
    for (const [name, answer] of Object.entries(fresh)) expect(answer.data, name).toEqual(live[name]!.data);
    expect(await rolledPeriodsInOrder(t.orm.em.fork(), new Date('2026-12-01T03:00:00Z'))).toEqual({ unrolled: ['2026-12'], rolled: ['2026-11'] });
  });
});
