import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';

/**
 * 考核 (issue 16, item 4b): each town of a region for a period, with visit rates per class against their targets,
 * alert acknowledgement, referral response times, satisfaction, a score and a rank. Every figure below is worked out
 * by hand from the small fixture (November 2026, judged on its last day), never copied from an answer.
 *
 * Town A (三埠街道): five elders. A1 (class A) visited at home, 非常满意; A2 (A) phoned only (A needs a home visit), 满意;
 * B1 (B) phoned, 一般; C1 (C) visited at home; C2 (C) never visited. Two alerts: an urgent one acknowledged after an
 * hour (on time) and referred to housing, which accepted after 90 minutes and reported the outcome two days after
 * the referral; a normal one acknowledged after four days (late).
 * Town B (沙塘镇): A3 (A) visited at home, 不满意; C3 (C) phoned. No alert.
 * 报送: town A submits November's table on 5 December (its due day, on time); town B has not by the 6th (late).
 * 抽查回访: the city draws all six visits; town A's four: three confirmed, one not (3 ÷ 4); town B's two: one confirmed,
 * one elder unreachable (counted in neither: 1 ÷ 1).
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let village: TestUser;
let integrator: TestUser;
let housing: TestUser;

const CLASS_A = { circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL' };
const CLASS_B = { circumstances: ['CARER_OF_DEPENDENT_CHILD'] };
const CLASS_C = { circumstances: ['LIVING_ALONE'] };
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string, plus = 0) => new Date(Date.parse(iso) + plus).toISOString();
const NOVEMBER = { kind: 'MONTH', date: '2026-11-15' };

const ROW = `region { code name } eldersToVisit visitRate classRates { class target numerator denominator rate achievement }
  alertsRaised acknowledgedOnTimeRate averageAcknowledgeMinutes referrals referralsAnswered averageReferralResponseMinutes
  averageReferralOutcomeMinutes satisfactionResponses satisfactionAverage reportTimeliness reportDueOn spotChecksChecked verificationRate score rank`;
const ASSESSMENT = `query($regionCode: String, $period: PeriodInput!, $targets: [AssessmentTargetInput!]) {
  assessment(regionCode: $regionCode, period: $period, targets: $targets) {
    region { code } from to asOf suppressed targets { class rate } weighting rows { ${ROW} } } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`;

async function visit(elder: ElderData, method: 'HOME' | 'PHONE', satisfaction: string | null) {
  ok(await t.exec(admin, RECORD, {
    input: { elderId: elder.id, visitedAt: t.clock.now().toISOString(), method, ...(satisfaction ? { satisfaction } : {}) },
  }));
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  village = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  housing = await t.user('HOUSING', REGIONS.city);

  // Registered on 2 November: November is everyone's first window (October is never judged).
  t.clock.set('2026-11-02T02:00:00Z');
  const reg = (name: string, regionCode: string, cls: object, birth: string) =>
    registerElder(t, admin, { name, regionCode, idNumber: idNumberFor(birth), ...cls });
  const a1 = await reg('甲一', REGIONS.villageA1, CLASS_A, '1940-01-01');
  const a2 = await reg('甲二', REGIONS.villageA2, CLASS_A, '1941-01-01');
  const b1 = await reg('乙一', REGIONS.villageA1, CLASS_B, '1955-01-01');
  const c1 = await reg('丙一', REGIONS.villageA2, CLASS_C, '1956-01-01');
  await reg('丙二', REGIONS.villageA1, CLASS_C, '1957-01-01');
  const a3 = await reg('甲三', REGIONS.villageB1, CLASS_A, '1942-01-01');
  const c3 = await reg('丙三', REGIONS.villageB1, CLASS_C, '1958-01-01');

  t.clock.set('2026-11-10T02:00:00Z');
  await visit(a1, 'HOME', 'VERY_SATISFIED');
  await visit(a2, 'PHONE', 'SATISFIED');
  await visit(b1, 'PHONE', 'NEUTRAL');
  await visit(c1, 'HOME', null);
  await visit(a3, 'HOME', 'DISSATISFIED');
  await visit(c3, 'PHONE', null);

  const raise = async (elder: ElderData, severity: string) =>
    ok(await t.exec<any>(townA, `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`, {
      input: { elderId: elder.id, severity, title: '邻居来电反映异常' },
    })).raiseAlert as { id: string; version: number };
  const ack = async (alert: { id: string; version: number }) =>
    ok(await t.exec<any>(townA, `mutation($id: ID!, $v: Int!) { acknowledgeAlert(id: $id, version: $v) { id version } }`, { id: alert.id, v: alert.version }))
      .acknowledgeAlert as { id: string; version: number };
  const T0 = '2026-11-10T02:00:00Z';
  t.clock.set(T0);
  const urgent = await raise(a1, 'URGENT');
  const normal = await raise(a2, 'NORMAL');
  t.clock.set(at(T0, HOUR));
  const urgentAcked = await ack(urgent);
  t.clock.set(at(T0, 2 * HOUR));
  const referred = ok(await t.exec<any>(townA, `mutation($id: ID!, $v: Int!) { referAlert(id: $id, version: $v, to: HOUSING) { id version } }`, {
    id: urgentAcked.id, v: urgentAcked.version,
  })).referAlert;
  const RESPOND = `mutation($id: ID!, $v: Int!, $r: ReferralResponse!, $note: String, $d: Date) {
    respondToReferral(alertId: $id, version: $v, response: $r, note: $note, outcomeDate: $d) { version } }`;
  t.clock.set(at(T0, 2 * HOUR + 90 * MIN));
  const accepted = ok(await t.exec<any>(housing, RESPOND, { id: referred.id, v: referred.version, r: 'ACCEPT' })).respondToReferral;
  t.clock.set(at(T0, 2 * HOUR + 2 * DAY));
  ok(await t.exec<any>(housing, RESPOND, { id: referred.id, v: accepted.version, r: 'OUTCOME', note: '已修缮', d: '2026-11-12' }));
  t.clock.set(at(T0, 4 * DAY));
  await ack(normal);

  // The month is over: judged on 30 November. The city calls the elders back; town A reports on its due day, B never.
  t.clock.set('2026-12-03T02:00:00Z');
  ok(await t.exec(admin, `mutation($r: String!, $p: PeriodInput!) { drawSpotChecks(regionCode: $r, period: $p, size: 20) { id } }`, { r: REGIONS.city, p: NOVEMBER }));
  const drawn = await t.sql<{ id: string; version: number; elder_id: string }>(`select id, version, elder_id from spot_check`);
  expect(drawn).toHaveLength(6);
  const answer: Record<string, string> = {
    [a1.id]: 'CONFIRMED', [a2.id]: 'CONFIRMED', [b1.id]: 'NOT_CONFIRMED', [c1.id]: 'CONFIRMED', [a3.id]: 'CONFIRMED', [c3.id]: 'UNREACHABLE',
  };
  for (const c of drawn) {
    ok(await t.exec(admin, `mutation($id: ID!, $v: Int!, $r: SpotCheckResult!, $n: String) { recordSpotCheck(id: $id, version: $v, result: $r, note: $n) { id } }`, {
      id: c.id, v: c.version, r: answer[c.elder_id], n: answer[c.elder_id] === 'NOT_CONFIRMED' ? '家属说本月没有人来过' : null,
    }));
  }
  t.clock.set('2026-12-05T02:00:00Z');
  ok(await t.exec(townA, `mutation($r: String!, $p: PeriodInput!) { submitReport(regionCode: $r, period: $p) { status } }`, { r: REGIONS.townA, p: NOVEMBER }));
  t.clock.set('2026-12-06T02:00:00Z');
});
afterAll(() => t.close());

type Row = Record<string, any>;
const rowOf = (rows: Row[], code: string) => rows.find((r) => r.region.code === code)!;

describe('assessment', () => {
  it('gives each town its figures, computed by hand, and the score and rank of the documented weighting', async () => {
    const res = await t.exec<any>(admin, ASSESSMENT, { regionCode: REGIONS.city, period: NOVEMBER });
    const a = ok(res).assessment;
    // Set-based: a fixed number of statements for the city's towns (no statement per town).
    // Region, its children, rollup state, one for every raw figure (live here: no rollup), 报送, 抽查.
    expect(a.rows).toHaveLength(16);
    expect(res.sqlStatements).toBe(6);
    expect(a).toMatchObject({ region: { code: REGIONS.city }, from: '2026-11-01', to: '2026-11-30', asOf: '2026-11-30', suppressed: false });
    expect(a.targets).toEqual([{ class: 'A', rate: 1 }, { class: 'B', rate: 1 }, { class: 'C', rate: 1 }]);
    expect(a.weighting).toContain('visits 40%');

    const townARow = rowOf(a.rows, REGIONS.townA);
    expect(townARow).toMatchObject({
      eldersToVisit: 5,
      visitRate: 0.6,
      alertsRaised: 2,
      acknowledgedOnTimeRate: 0.5,
      averageAcknowledgeMinutes: (60 + 4 * 24 * 60) / 2,
      referrals: 1,
      referralsAnswered: 1,
      averageReferralResponseMinutes: 90,
      averageReferralOutcomeMinutes: 2 * 24 * 60,
      satisfactionResponses: 3,
      satisfactionAverage: 3,
      reportTimeliness: 'ON_TIME',
      reportDueOn: '2026-12-05',
      spotChecksChecked: 4,
      verificationRate: 0.75,
      // 100 × (0.4 × mean(0.5, 1, 0.5) + 0.15 × 1/2 + 0.15 × (3 − 1)/3 + 0.15 × 1 + 0.15 × 3/4) = 70.41…
      score: 70.4,
      rank: 1,
    });
    expect(townARow.classRates).toEqual([
      { class: 'A', target: 1, numerator: 1, denominator: 2, rate: 0.5, achievement: 0.5 },
      { class: 'B', target: 1, numerator: 1, denominator: 1, rate: 1, achievement: 1 },
      { class: 'C', target: 1, numerator: 1, denominator: 2, rate: 0.5, achievement: 0.5 },
    ]);

    const townBRow = rowOf(a.rows, REGIONS.townB);
    expect(townBRow).toMatchObject({
      eldersToVisit: 2,
      visitRate: 1,
      alertsRaised: 0,
      acknowledgedOnTimeRate: null,
      averageAcknowledgeMinutes: null,
      referrals: 0,
      satisfactionResponses: 1,
      satisfactionAverage: 1,
      reportTimeliness: 'LATE',
      reportDueOn: '2026-12-05',
      spotChecksChecked: 1,
      verificationRate: 1,
      // No alert: that part is left out. 100 × (0.4 × 1 + 0.15 × 0 + 0.15 × 0 + 0.15 × 1) ÷ 0.85 = 64.70…
      score: 64.7,
      rank: 2,
    });
    expect(townBRow.classRates.find((c: Row) => c.class === 'B')).toEqual({ class: 'B', target: 1, numerator: 0, denominator: 0, rate: null, achievement: null });

    // Best first; towns with nothing to assess have no score and come last.
    expect(a.rows.slice(0, 2).map((r: Row) => r.region.code)).toEqual([REGIONS.townA, REGIONS.townB]);
    // The other towns have no elder, no alert and no satisfaction, but a report past due: that alone scores 0.
    const others = a.rows.slice(2);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r: Row) => r.eldersToVisit === 0 && r.reportTimeliness === 'LATE' && r.score === 0 && r.rank === 3)).toBe(true);
    expect(a.rows.every((r: Row) => r.region.code.length === 9)).toBe(true);
  });

  it('takes targets per class (a class not given keeps 100%) and refuses impossible ones', async () => {
    const a = ok(await t.exec<any>(admin, ASSESSMENT, { regionCode: REGIONS.city, period: NOVEMBER, targets: [{ class: 'A', rate: 0.5 }] })).assessment;
    const townARow = rowOf(a.rows, REGIONS.townA);
    expect(townARow.classRates[0]).toMatchObject({ class: 'A', target: 0.5, rate: 0.5, achievement: 1 });
    // 100 × (0.4 × mean(1, 1, 0.5) + 0.15 × 1/2 + 0.15 × 2/3 + 0.15 × 1 + 0.15 × 3/4) = 77.08…
    expect(townARow.score).toBe(77.1);
    expect(rowOf(a.rows, REGIONS.townB).score).toBe(64.7);

    for (const targets of [[{ class: 'A', rate: 0 }], [{ class: 'B', rate: 1.2 }], [{ class: 'C', rate: 0.9 }, { class: 'C', rate: 0.8 }]]) {
      const res = await t.exec(admin, ASSESSMENT, { regionCode: REGIONS.city, period: NOVEMBER, targets });
      expect([codeOf(res), fieldsOf(res)]).toEqual(['BAD_USER_INPUT', ['targets']]);
    }
  });

  it('gives a town its villages, reads other periods, and keeps to the jurisdiction', async () => {
    const own = ok(await t.exec<any>(townA, ASSESSMENT, { period: NOVEMBER })).assessment;
    expect(own.rows.map((r: Row) => r.region.code).slice(0, 2).sort()).toEqual([REGIONS.villageA1, REGIONS.villageA2]);
    // Village A1: 甲一 (A, home, 4) ok, 乙一 (B, phone, 2) ok, 丙二 (C) not visited; the urgent alert (on time).
    // Villages do not report upward: no timeliness.
    expect(rowOf(own.rows, REGIONS.villageA1)).toMatchObject({
      eldersToVisit: 3, visitRate: 0.6667, alertsRaised: 1, acknowledgedOnTimeRate: 1, satisfactionAverage: 3, reportTimeliness: null, reportDueOn: null,
    });

    // A quarter holds November's figures; October (before anyone was registered) has nothing.
    const quarter = ok(await t.exec<any>(admin, ASSESSMENT, { regionCode: REGIONS.city, period: { kind: 'QUARTER', date: '2026-11-15' } })).assessment;
    expect(quarter).toMatchObject({ from: '2026-10-01', to: '2026-12-31', asOf: '2026-12-06' });
    // The fourth quarter's table is due on 10 January.
    expect(rowOf(quarter.rows, REGIONS.townA)).toMatchObject({ alertsRaised: 2, satisfactionResponses: 3, referrals: 1, reportTimeliness: 'NOT_YET_DUE', reportDueOn: '2027-01-10' });
    // October: nobody registered yet, and nobody reported (late everywhere: 0 for every town, all ranked first).
    const october = ok(await t.exec<any>(admin, ASSESSMENT, { regionCode: REGIONS.city, period: { kind: 'MONTH', date: '2026-10-01' } })).assessment;
    expect(october.rows.every((r: Row) => r.eldersToVisit === 0 && r.reportTimeliness === 'LATE' && r.score === 0 && r.rank === 1)).toBe(true);
    // A week is not reported upward, and has no other data here: no score.
    const week = ok(await t.exec<any>(admin, ASSESSMENT, { regionCode: REGIONS.city, period: { kind: 'WEEK', date: '2026-10-05' } })).assessment;
    expect(week.rows.every((r: Row) => r.reportTimeliness === null && r.score === null && r.rank === null)).toBe(true);

    // A region is public (region.read), not a record: outside the jurisdiction it is FORBIDDEN, as for report().
    expect(codeOf(await t.exec(townA, ASSESSMENT, { regionCode: REGIONS.townB, period: NOVEMBER }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(village, ASSESSMENT, { period: NOVEMBER }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(housing, ASSESSMENT, { period: NOVEMBER }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(admin, ASSESSMENT, { period: { kind: 'MONTH', date: '2027-01-15' } }))).toBe('BAD_USER_INPUT');
  });

  it('integrators get the same rows with counts of 1 to 4 withheld, and the rates and averages made of them', async () => {
    const a = ok(await t.exec<any>(integrator, ASSESSMENT, { regionCode: REGIONS.city, period: NOVEMBER })).assessment;
    expect(a.suppressed).toBe(true);
    const townARow = rowOf(a.rows, REGIONS.townA);
    expect(townARow).toMatchObject({
      // Five to visit is shown; 3 of 5 visited would give 2 not visited away: the rate is withheld.
      eldersToVisit: 5,
      visitRate: null,
      alertsRaised: null,
      acknowledgedOnTimeRate: null,
      averageAcknowledgeMinutes: null,
      referrals: null,
      averageReferralResponseMinutes: null,
      satisfactionResponses: null,
      satisfactionAverage: null,
      // The published result stays.
      spotChecksChecked: null,
      verificationRate: null,
      score: 70.4,
      rank: 1,
    });
    expect(townARow.classRates.every((c: Row) => c.numerator === null && c.rate === null)).toBe(true);
    expect(rowOf(a.rows, REGIONS.townB)).toMatchObject({ eldersToVisit: null, visitRate: null, spotChecksChecked: null, score: 64.7, rank: 2 });
    // A zero is not a small count.
    expect(rowOf(a.rows, REGIONS.townB)).toMatchObject({ alertsRaised: 0, referrals: 0 });
  });

  it('exports the ranking to xlsx with the same bearer token, audited; integrators read * for withheld figures', async () => {
    const server = await t.listen();
    try {
      const token = async (as: TestUser) =>
        ok(await t.exec<any>(null, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: as.username, p: TEST_PASSWORD })).login.token;
      const get = async (path: string, as: TestUser | null) =>
        fetch(`${server.url}${path}`, { headers: as ? { authorization: `Bearer ${await token(as)}` } : {} });
      const sheetOf = async (res: Response) => {
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
        return book.getWorksheet('考核')!;
      };

      const res = await get(`/assessment/${REGIONS.city}.xlsx?kind=MONTH&date=2026-11-15`, admin);
      expect(res.status).toBe(200);
      const sheet = await sheetOf(res);
      const header = (sheet.getRow(5).values as unknown[]).slice(1);
      expect(header.slice(0, 6)).toEqual(['区划代码', '地区', '排名', '得分', '应探访人数', '探访率']);
      const first = (sheet.getRow(6).values as unknown[]).slice(1);
      const second = (sheet.getRow(7).values as unknown[]).slice(1);
      expect(first.slice(0, 6)).toEqual([REGIONS.townA, '三埠街道', 1, 70.4, 5, 0.6]);
      expect(second.slice(0, 6)).toEqual([REGIONS.townB, '沙塘镇', 2, 64.7, 2, 1]);
      expect(first.slice(-4, -2)).toEqual([4, 0.75]);
      expect(first.slice(-2)).toEqual(['按时', '2026-12-05']);
      expect(second.slice(-2)).toEqual(['逾期', '2026-12-05']);
      const [audit] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'ASSESSMENT_EXPORT' and region_code = $1`, [REGIONS.city]);
      expect(audit!.n).toBe(1);

      const forIntegrator = await sheetOf(await get(`/assessment/${REGIONS.city}.xlsx?kind=MONTH&date=2026-11-15`, integrator));
      const hidden = (forIntegrator.getRow(6).values as unknown[]).slice(1);
      expect(hidden.slice(0, 6)).toEqual([REGIONS.townA, '三埠街道', 1, 70.4, 5, '*']);
      expect(hidden.slice(-4, -2)).toEqual(['*', '*']);

      expect((await get(`/assessment/${REGIONS.city}.xlsx?kind=MONTH&date=2026-11-15`, null)).status).toBe(401);
      expect((await get(`/assessment/${REGIONS.townB}.xlsx?kind=MONTH&date=2026-11-15`, townA)).status).toBe(403);
      expect((await get(`/assessment/${REGIONS.city}.xlsx?kind=MONTH&date=2026-02-30`, admin)).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});

/**
 * Assessment rollups (issue 17, item 1): for this month and last month (the months the report rollups keep) the
 * towns' raw figures are rows the report rollups' refresh writes, never judged over the region on a request. They
 * must be the live answer (computed with the rollups set aside) after every refresh, follow an alert's deadline
 * between refreshes, answer from the last refresh when stale (marked, issue 17), and cost the same statements
 * whatever the number of towns.
 */
describe('assessment rollups', () => {
  const DECEMBER = { kind: 'MONTH', date: '2026-12-06' };
  const TIMED = ASSESSMENT.replace('from to asOf', 'from to asOf computedAt');
  const idOf = async (name: string) => (await t.sql<{ id: string }>(`select id from elder where name = $1`, [name]))[0]!.id;
  const refresh = async () => {
    for (const period of ['2026-12', '2026-11']) await refreshRollups(t.orm.em, period, t.clock.now());
  };
  const record = async (elderId: string, method: string, satisfaction: string) =>
    ok(await t.exec(admin, RECORD, { input: { elderId, visitedAt: t.clock.now().toISOString(), method, satisfaction } }));
  const raise = async (elderId: string, severity: string) =>
    ok(await t.exec<any>(admin, `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`, {
      input: { elderId, severity, title: '邻居来电反映异常' },
    })).raiseAlert as { id: string; version: number };
  const ack = async (alert: { id: string; version: number }) =>
    ok(await t.exec(admin, `mutation($id: ID!, $v: Int!) { acknowledgeAlert(id: $id, version: $v) { id } }`, { id: alert.id, v: alert.version }));
  const ask = async (as: TestUser, regionCode: string | null, period: object) => {
    const res = await t.exec<any>(as, TIMED, { regionCode, period });
    return { a: ok(res).assessment, statements: res.sqlStatements };
  };
  /** The answer with the rollups set aside (as if never refreshed: computed live), then put back. */
  const live = async (as: TestUser, regionCode: string | null, period: object) => {
    await t.sql(`update report_rollup_state set period = period || '~'`);
    try {
      return (await ask(as, regionCode, period)).a;
    } finally {
      await t.sql(`update report_rollup_state set period = left(period, 7) where period like '%~'`);
    }
  };
  /** A city and a town (its villages), last month and this month: rolled (6 and 5 statements) and live alike. */
  const expectLive = async (refreshedAt: string) => {
    for (const [as, regionCode, statements] of [[admin, REGIONS.city, 6], [townA, null, 5]] as const) {
      for (const period of [NOVEMBER, DECEMBER]) {
        const rolled = await ask(as, regionCode, period);
        expect(rolled.a.computedAt).toBe(refreshedAt);
        expect(rolled.statements).toBe(statements);
        const computed = await live(as, regionCode, period);
        expect(computed.computedAt).toBe(t.clock.now().toISOString());
        expect(rolled.a.rows).toEqual(computed.rows);
      }
    }
  };

  let pending: { id: string; version: number };

  it('are the live answer for a city and a town, this month and last, and take a visit and an acknowledgement at the next refresh', async () => {
    t.clock.set('2026-12-06T02:00:00Z');
    const [a1, b1, c1, a3] = await Promise.all(['甲一', '乙一', '丙一', '甲三'].map(idOf));
    // December so far: two visits with satisfaction in town A, an urgent alert there acknowledged after 30 minutes,
    // a normal one in town B not yet acknowledged (due in three days).
    await record(a1!, 'HOME', 'VERY_SATISFIED');
    await record(b1!, 'PHONE', 'SATISFIED');
    const urgent = await raise(a1!, 'URGENT');
    pending = await raise(a3!, 'NORMAL');
    t.clock.set('2026-12-06T02:30:00Z');
    await ack(urgent);
    await refresh();
    t.clock.set('2026-12-06T02:31:00Z'); // a minute on: live answers say now, rolled ones the refresh
    await expectLive('2026-12-06T02:30:00.000Z');
    const december = (await ask(admin, REGIONS.city, DECEMBER)).a;
    expect(rowOf(december.rows, REGIONS.townA)).toMatchObject({
      alertsRaised: 1, acknowledgedOnTimeRate: 1, averageAcknowledgeMinutes: 30, satisfactionResponses: 2, satisfactionAverage: 3.5,
    });
    expect(rowOf(december.rows, REGIONS.townB)).toMatchObject({ alertsRaised: 1, acknowledgedOnTimeRate: null });
    // Last month's hand-computed figures, from the rollups.
    expect(rowOf((await ask(admin, REGIONS.city, NOVEMBER)).a.rows, REGIONS.townA)).toMatchObject({ visitRate: 0.6, score: 70.4, rank: 1 });

    // A visit (丙一, village A2) and the normal alert acknowledged (village B1): the rollups say what they said until
    // the next refresh, which recomputes those two villages only.
    t.clock.set('2026-12-06T03:00:00Z');
    await record(c1!, 'HOME', 'NEUTRAL');
    await ack(pending);
    const before = (await ask(admin, REGIONS.city, DECEMBER)).a;
    expect(rowOf(before.rows, REGIONS.townA).satisfactionResponses).toBe(2);
    expect(rowOf(before.rows, REGIONS.townB).acknowledgedOnTimeRate).toBeNull();
    expect(await refreshRollups(t.orm.em, '2026-12', t.clock.now())).toMatchObject({ full: false, villages: 2 });
    await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    t.clock.set('2026-12-06T03:01:00Z');
    await expectLive('2026-12-06T03:00:00.000Z');
    const after = (await ask(admin, REGIONS.city, DECEMBER)).a;
    expect(rowOf(after.rows, REGIONS.townA)).toMatchObject({ satisfactionResponses: 3, satisfactionAverage: 3 });
    expect(rowOf(after.rows, REGIONS.townB)).toMatchObject({ acknowledgedOnTimeRate: 1, averageAcknowledgeMinutes: 60 });
  });

  it('count an alert late once its deadline passes, with no refresh in between, as live does', async () => {
    t.clock.set('2026-12-06T04:00:00Z');
    await raise(await idOf('丙三'), 'URGENT'); // town B, due at 06:00
    await refresh();
    expect(rowOf((await ask(admin, REGIONS.city, DECEMBER)).a.rows, REGIONS.townB)).toMatchObject({ alertsRaised: 2, acknowledgedOnTimeRate: 1 });
    t.clock.set('2026-12-06T06:30:00Z');
    const late = await ask(admin, REGIONS.city, DECEMBER);
    expect(late.a.computedAt).toBe('2026-12-06T04:00:00.000Z');
    expect(rowOf(late.a.rows, REGIONS.townB)).toMatchObject({ alertsRaised: 2, acknowledgedOnTimeRate: 0.5 });
    expect(late.a.rows).toEqual((await live(admin, REGIONS.city, DECEMBER)).rows);
    // A clock behind the refresher's (its late count could hold alerts not yet late then) computes live.
    t.clock.set('2026-12-06T03:59:00Z');
    expect((await ask(admin, REGIONS.city, DECEMBER)).a.computedAt).toBe('2026-12-06T03:59:00.000Z');
  });

  it('follow an elder who moves to another town: the village left is recomputed too, not counted twice', async () => {
    t.clock.set('2026-12-06T06:40:00Z');
    // 丙三 (town B: a phone visit in November, an urgent alert in December) moves to village A1 (town A).
    const [elder] = await t.sql<{ id: string; version: number }>(`select id, version from elder where name = '丙三'`);
    ok(await t.exec(admin, `mutation($id: ID!, $v: Int!, $i: UpdateElderInput!) { updateElder(id: $id, version: $v, input: $i) { id } }`, {
      id: elder!.id, v: elder!.version, i: { regionCode: REGIONS.villageA1 },
    }));
    // The move is logged under the village left and the one joined (two writes of the archive): both recomputed.
    expect(await refreshRollups(t.orm.em, '2026-12', t.clock.now())).toMatchObject({ full: false, villages: 2 });
    await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    t.clock.set('2026-12-06T06:41:00Z');
    await expectLive('2026-12-06T06:40:00.000Z');
    const december = (await ask(admin, REGIONS.city, DECEMBER)).a;
    expect(rowOf(december.rows, REGIONS.townB).alertsRaised).toBe(1);
    expect(rowOf(december.rows, REGIONS.townA).alertsRaised).toBe(2);
  });

  it('answer from the last refresh when stale, saying so, and cost the same statements whatever the number of towns', async () => {
    t.clock.set('2026-12-06T06:51:00Z');
    // A figure changed behind the rollup's back shows where the answer comes from.
    await t.sql(`update assessment_rollup set satisfaction_n = 40, satisfaction_sum = 160 where period = '2026-11' and region_code = $1`, [REGIONS.townA]);
    try {
      expect(rowOf((await ask(admin, REGIONS.city, NOVEMBER)).a.rows, REGIONS.townA).satisfactionResponses).toBe(40);
      // Rollups of days past (beyond the half hour's grace of a new day) still answer for a city (issue 17: never a
      // live city-wide computation on a page), and the answer says which day and refresh it is.
      await t.sql(`update report_rollup_state set as_of = as_of - 1, refreshed_at = refreshed_at - interval '2 days'`);
      const stale = (await ask(admin, REGIONS.city, NOVEMBER)).a;
      expect(stale).toMatchObject({ asOf: '2026-11-29', computedAt: '2026-12-04T06:40:00.000Z' });
      expect(rowOf(stale.rows, REGIONS.townA).satisfactionResponses).toBe(40);
    } finally {
      await t.sql(`update report_rollup_state set as_of = as_of + 1, refreshed_at = refreshed_at + interval '2 days'`);
      await t.sql(`update assessment_rollup set satisfaction_n = 3, satisfaction_sum = 9 where period = '2026-11' and region_code = $1`, [REGIONS.townA]);
    }

    // 24 more towns: the same statements (one rollup read for every town), 40 rows.
    const codes = Array.from({ length: 24 }, (_, i) => `${REGIONS.city}${500 + i}`);
    await t.sql(`insert into region (code, name, level, parent_code, full_name)
                 select c, '测试镇' || c, 4, $1, '开平市测试镇' || c from unnest($2::text[]) as c`, [REGIONS.city, codes]);
    try {
      const more = await ask(admin, REGIONS.city, NOVEMBER);
      expect(more.a.rows).toHaveLength(40);
      expect(more.a.computedAt).toBe('2026-12-06T06:40:00.000Z');
      expect(more.statements).toBe(6);
    } finally {
      await t.sql(`delete from region where code = any($1::text[])`, [codes]);
    }
  });
});
