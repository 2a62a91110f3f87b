import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';

/**
 * Every count drills to its people (issue 15): the elder list filtered by a report period gives exactly the elders
 * behind each figure of the report and dashboard (not visited, visited, overdue, alerts, refusals, classes), for a
 * town and a village, for the running month and an ended one; never outside the caller's jurisdiction.
 */

const TODAY = '2026-11-15T02:00:00Z';
const CLASS_A = { circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL' };
const CLASS_C = { circumstances: ['LIVING_ALONE'] };

const LIST = `query($filter: ElderFilter, $first: Int) { elders(filter: $filter, first: $first) { totalCount nodes { id name } } }`;
const REPORT = `query($regionCode: String, $period: String!) { report(regionCode: $regionCode, period: $period) {
  figures { elders eldersByClass { key count } visitRate { numerator denominator } overdueElders alertsOpenedByKind { key count } refusals } } }`;
const ALERTS = `query($regionCode: String) { alerts(filter: { regionCode: $regionCode }, first: 1) { totalCount } }`;
const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`;
const REFUSE = `mutation($id: ID!, $version: Int!, $input: RecordRefusalInput!) { recordRefusal(elderId: $id, version: $version, input: $input) { id } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`;
const RESOLVE = `mutation($id: ID!, $version: Int!, $resolution: String!) { resolveAlert(id: $id, version: $version, resolution: $resolution) { id } }`;

interface Figures {
  elders: number;
  eldersByClass: { key: string; count: number }[];
  visitRate: { numerator: number; denominator: number };
  overdueElders: number;
  alertsOpenedByKind: { key: string; count: number }[];
  refusals: number;
}

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let townB: TestUser;
const e: Record<string, string> = {};

async function at<T>(iso: string, fn: () => Promise<T>): Promise<T> {
  t.clock.set(iso);
  try {
    return await fn();
  } finally {
    t.clock.set(TODAY);
  }
}

const registerOn = (day: string, name: string, input: Record<string, unknown>) =>
  at(`${day}T01:00:00Z`, async () => (await registerElder(t, admin, { name, ...input })).id);

const visit = (elderId: string, day: string, method = 'HOME') =>
  at(`${day}T03:00:00Z`, async () => ok(await t.exec(admin, RECORD_VISIT, { input: { elderId, visitedAt: `${day}T02:00:00Z`, method } })));

const raise = (elderId: string, day: string) =>
  at(`${day}T03:00:00Z`, async () => ok(await t.exec<any>(admin, RAISE, { input: { elderId, severity: 'NORMAL', title: '老人情绪低落' } })).raiseAlert);

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(TODAY);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  const a1 = { regionCode: REGIONS.villageA1 };
  const a2 = { regionCode: REGIONS.villageA2 };
  const b1 = { regionCode: REGIONS.villageB1 };
  // 东河社区
  e.visited = await registerOn('2026-09-01', '关秀英', { ...CLASS_C, ...a1, idNumber: idNumberFor('1944-02-01', false) });
  e.notVisited = await registerOn('2026-09-01', '关国华', { ...CLASS_C, ...a1, idNumber: idNumberFor('1944-02-02') });
  e.classA = await registerOn('2026-09-01', '关志明', { ...CLASS_A, ...a1, idNumber: idNumberFor('1944-02-03') });
  e.refused = await registerOn('2026-09-01', '关玉兰', { ...CLASS_C, ...a1, idNumber: idNumberFor('1944-02-04', false) });
  e.lateComer = await registerOn('2026-11-10', '关新来', { ...CLASS_C, ...a1, idNumber: idNumberFor('1944-02-05') });
  // 新安社区
  e.a2Visited = await registerOn('2026-09-01', '李桂芳', { ...CLASS_A, ...a2, idNumber: idNumberFor('1940-03-01', false) });
  e.a2NotVisited = await registerOn('2026-09-01', '李伟', { ...CLASS_C, ...a2, idNumber: idNumberFor('1940-03-02') });
  // 沙塘墟社区, another town
  e.b1NotVisited = await registerOn('2026-09-01', '陈沙塘', { ...CLASS_C, ...b1, idNumber: idNumberFor('1940-04-01') });

  await visit(e.visited!, '2026-10-08', 'PHONE');
  await visit(e.visited!, '2026-11-05'); // 80+ and alone: class A, a home visit a month
  await visit(e.classA!, '2026-10-12');
  await visit(e.a2Visited!, '2026-10-03');
  await visit(e.a2Visited!, '2026-11-03');
  await visit(e.notVisited!, '2026-10-20', 'PHONE');
  ok(await t.exec(admin, REFUSE, { id: e.refused, version: 1, input: { refusedOn: '2026-11-02', reason: '子女同住照看', talkedWith: '谢社工' } }));

  // Alerts: one per elder, so the count of alerts is the count of elders behind it.
  await raise(e.notVisited!, '2026-11-06');
  const resolved = await raise(e.visited!, '2026-11-07');
  ok(await at('2026-11-08T03:00:00Z', () => t.exec(admin, RESOLVE, { id: resolved.id, version: resolved.version, resolution: '已上门核实，老人情况稳定' })));
  await raise(e.a2NotVisited!, '2026-10-15');
  await raise(e.b1NotVisited!, '2026-11-09');
});
afterAll(() => t.close());

async function list(as: TestUser, filter: Record<string, unknown>): Promise<{ totalCount: number; names: string[] }> {
  const data = ok(await t.exec<any>(as, LIST, { filter, first: 100 })).elders;
  expect(data.nodes).toHaveLength(data.totalCount);
  return { totalCount: data.totalCount, names: data.nodes.map((n: { name: string }) => n.name) };
}

async function figures(as: TestUser, regionCode: string, period: string): Promise<Figures> {
  return ok(await t.exec<any>(as, REPORT, { regionCode, period })).report.figures;
}

const sum = (l: { count: number }[]) => l.reduce((a, b) => a + b.count, 0);

describe('elders: the people behind each report figure', () => {
  for (const period of ['2026-11', '2026-10']) {
    for (const [label, regionCode] of [['town 三埠街道', REGIONS.townA], ['village 东河社区', REGIONS.villageA1]] as const) {
      it(`${period}, ${label}: every list is as long as its figure`, async () => {
        const f = await figures(town, regionCode, period);
        const drill = (extra: Record<string, unknown>) => list(town, { regionCode, period, ...extra });
        const notVisited = await drill({ visited: false });
        expect(notVisited.totalCount).toBe(f.visitRate.denominator - f.visitRate.numerator);
        const visited = await drill({ visited: true });
        expect(visited.totalCount).toBe(f.visitRate.numerator);
        expect((await drill({ overdue: true })).totalCount).toBe(f.overdueElders);
        expect((await drill({ alertsRaised: true })).totalCount).toBe(sum(f.alertsOpenedByKind));
        expect((await drill({ refused: true })).totalCount).toBe(f.refusals);
        expect((await drill({})).totalCount).toBe(f.elders);
        for (const cls of ['A', 'C']) {
          expect((await drill({ classes: [cls] })).totalCount).toBe(f.eldersByClass.find((c) => c.key === cls)?.count ?? 0);
        }
        expect(notVisited.totalCount).toBeGreaterThan(0);
        expect(visited.totalCount).toBeGreaterThan(0);
        // Not visited and visited split the denominator: no one is in both.
        expect(notVisited.names.filter((n) => visited.names.includes(n))).toEqual([]);
      });
    }
  }

  it('names the people: who in 东河社区 was not visited this month', async () => {
    const notVisited = await list(town, { regionCode: REGIONS.villageA1, period: '2026-11', visited: false });
    // 关秀英 had her home visit; 关玉兰 refused in writing (counted apart, not in the visit rate).
    expect(notVisited.names).toContain('关国华');
    expect(notVisited.names).not.toContain('关秀英');
    expect(notVisited.names).not.toContain('关玉兰');
    const visited = await list(town, { regionCode: REGIONS.villageA1, period: '2026-11', visited: true });
    expect(visited.names).toContain('关秀英');
    expect((await list(town, { regionCode: REGIONS.villageA1, period: '2026-11', refused: true })).names).toEqual(['关玉兰']);
    // Registered after October: not behind any October figure.
    expect((await list(town, { regionCode: REGIONS.villageA1, period: '2026-10' })).names).not.toContain('关新来');
  });

  it('unresolved alerts: as many elders as the dashboard counts alerts (one alert each here)', async () => {
    for (const regionCode of [REGIONS.townA, REGIONS.villageA1]) {
      const dashboard = ok(await t.exec<any>(town, ALERTS, { regionCode })).alerts.totalCount;
      const people = await list(town, { regionCode, unresolvedAlerts: true });
      expect(people.totalCount).toBe(dashboard);
      expect(people.totalCount).toBeGreaterThan(0);
    }
    expect((await list(town, { regionCode: REGIONS.villageA1, unresolvedAlerts: true })).names).toEqual(['关国华']);
  });

  it('a town cannot drill into another town: the same filter lists nobody there', async () => {
    const filter = { regionCode: REGIONS.townB, period: '2026-11', visited: false };
    expect((await list(townB, filter)).names).toEqual(['陈沙塘']);
    expect(await list(town, filter)).toEqual({ totalCount: 0, names: [] });
    expect(await list(town, { regionCode: REGIONS.villageB1, unresolvedAlerts: true })).toEqual({ totalCount: 0, names: [] });
    // Without a region, a town's drill stays in the town.
    expect((await list(town, { period: '2026-11', visited: false })).names).not.toContain('陈沙塘');
  });

  it('refuses a period-bound condition without a period, and a malformed or future period', async () => {
    expect(fieldsOf(await t.exec(town, LIST, { filter: { visited: false } }))).toEqual(['filter.period']);
    expect(fieldsOf(await t.exec(town, LIST, { filter: { alertsRaised: true } }))).toEqual(['filter.period']);
    expect(fieldsOf(await t.exec(town, LIST, { filter: { period: '2026-13', visited: false } }))).toEqual(['filter.period']);
    expect(codeOf(await t.exec(town, LIST, { filter: { period: '2027-01', visited: false } }))).toBe('BAD_USER_INPUT');
  });

  // Last: it refreshes the rollups (and records a visit), so the tests above see the live computation.
  it('reads the rollups when the report does: the list has the figure\'s length, also between refreshes', async () => {
    const village = REGIONS.villageA1;
    const notVisited = () => list(town, { regionCode: village, period: '2026-11', visited: false });
    expect(await refreshRollups(t.orm.em, '2026-11', t.clock.now())).not.toBeNull();
    const before = await figures(town, village, '2026-11');
    const first = await notVisited();
    expect(first.totalCount).toBe(before.visitRate.denominator - before.visitRate.numerator);
    expect(first.names).toContain('关国华');
    // A home visit after the refresh: the report still answers from the rollups, and the list with it (the same
    // count, the same people), so a list opened from a figure never disagrees with it.
    await visit(e.notVisited!, '2026-11-14');
    expect((await figures(town, village, '2026-11')).visitRate).toEqual(before.visitRate);
    expect((await notVisited()).names).toEqual(first.names);
    // The next refresh counts the visit, in the figure and in the list.
    await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    const after = await figures(town, village, '2026-11');
    expect(after.visitRate.numerator).toBe(before.visitRate.numerator + 1);
    const second = await notVisited();
    expect(second.names).not.toContain('关国华');
    expect(second.totalCount).toBe(after.visitRate.denominator - after.visitRate.numerator);
    // The town's list too (read from the same rows, over its villages).
    const townFigures = await figures(town, REGIONS.townA, '2026-11');
    expect((await list(town, { regionCode: REGIONS.townA, period: '2026-11', visited: false })).totalCount)
      .toBe(townFigures.visitRate.denominator - townFigures.visitRate.numerator);
  });
});
