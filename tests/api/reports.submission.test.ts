import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { notifyReportsDue, submissionsDueWithin } from '../../packages/api/src/modules/reports/reports.submission.js';
import { registerElder } from '../helpers/elders.js';

/**
 * 报送 (issue 16, item 1): due dates per kind with a region's override inherited by its subtree, lateness judged on
 * the request's clock (China time), submission freezing the report's figures as a version, return and resubmission
 * (version 2), approval, races between decisions, and who may do what (outside the jurisdiction = NOT_FOUND).
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let townB: TestUser;
let village: TestUser;
let otherCounty: TestUser;
let integrator: TestUser;
const OTHER_COUNTY = '440784';
const OCT = { kind: 'MONTH', date: '2026-10-01' };

const STATE = `region { code name } period kind from to dueOn status late version submittedBy submittedAt decidedBy reason
  versions { version status submittedBy submittedLate decidedBy reason asOf figures { elders visits visitRate { numerator denominator } } }`;
const LIST = `query($p: PeriodInput!, $r: String) { reportSubmissions(period: $p, regionCode: $r) { ${STATE} } }`;
const ONE = `query($r: String!, $p: PeriodInput!) { reportSubmission(regionCode: $r, period: $p) { ${STATE} } }`;
const SUBMIT = `mutation($r: String!, $p: PeriodInput!) { submitReport(regionCode: $r, period: $p) { ${STATE} } }`;
const APPROVE = `mutation($r: String!, $p: PeriodInput!, $v: Int!) { approveReport(regionCode: $r, period: $p, version: $v) { status version decidedBy } }`;
const RETURN = `mutation($r: String!, $p: PeriodInput!, $v: Int!, $why: String!) { returnReport(regionCode: $r, period: $p, version: $v, reason: $why) { status version reason decidedBy } }`;
const DUE = `mutation($r: String!, $k: PeriodKind!, $d: Int!) { setReportDueDay(regionCode: $r, kind: $k, day: $d) { regionCode kind day } }`;
const DAYS = `query($r: String) { reportDueDays(regionCode: $r) { regionCode kind day setOn } }`;
const REPORT = `query($r: String, $p: String!) { report(regionCode: $r, period: $p) { figures { visits } childSubmissions { region { code } status version } } }`;

const stateOf = async (as: TestUser, region: string, period = OCT) => ok(await t.exec<any>(as, ONE, { r: region, p: period })).reportSubmission;
const visit = (elderId: string, day: string) =>
  t.exec(admin, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, { i: { elderId, visitedAt: `${day}T02:00:00Z`, method: 'PHONE' } });

let elderId: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.sql(`insert into region (code, name, level, parent_code, full_name) values ($1, '鹤山市', 3, '4407', '广东省江门市鹤山市')`, [OTHER_COUNTY]);
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  village = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  otherCounty = await t.user('ADMIN', OTHER_COUNTY);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  // An integrator's webhook for approvals (the receiver is not needed: the test reads the queued deliveries).
  ok(await t.exec(integrator, `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }`, {
    i: { url: 'http://127.0.0.1:9/report-approved', events: ['REPORT_APPROVED'] },
  }));
  t.clock.set('2026-09-01T02:00:00Z');
  elderId = (await registerElder(t, admin, { name: '关报送', idNumber: idNumberFor('1950-02-02'), regionCode: REGIONS.villageA1 })).id;
  t.clock.set('2026-10-20T02:00:00Z');
  ok(await visit(elderId, '2026-10-10'));
  // 3 November, China time: October has ended, due by the 5th.
  t.clock.set('2026-11-03T02:00:00Z');
});
afterAll(() => t.close());

describe('due dates and lateness', () => {
  it('defaults per kind: the 5th after a month, the 10th after a quarter, 20 January after a year', async () => {
    const list = ok(await t.exec<any>(admin, LIST, { p: OCT })).reportSubmissions;
    expect(list.length).toBeGreaterThan(10);
    expect(list.every((s: any) => s.dueOn === '2026-11-05' && s.status === 'NOT_SUBMITTED' && !s.late)).toBe(true);
    expect(await stateOf(admin, REGIONS.townA, { kind: 'QUARTER', date: '2026-08-15' })).toMatchObject({ period: '2026-Q3', dueOn: '2026-10-10', late: true });
    expect(await stateOf(admin, REGIONS.townA, { kind: 'YEAR', date: '2025-06-01' })).toMatchObject({ period: '2025', dueOn: '2026-01-20', late: true });
    // Weeks and half years are not reported upward (the statistics table has no half year).
    expect(codeOf(await t.exec(admin, ONE, { r: REGIONS.townA, p: { kind: 'WEEK', date: '2026-10-01' } }))).toBe('BAD_USER_INPUT');
  });

  it('a region’s own due day wins over the one set above it, which its subtree inherits; the list puts late ones first', async () => {
    expect(ok(await t.exec<any>(admin, DUE, { r: REGIONS.city, k: 'MONTH', d: 8 })).setReportDueDay).toEqual({ regionCode: REGIONS.city, kind: 'MONTH', day: 8 });
    ok(await t.exec(admin, DUE, { r: REGIONS.townB, k: 'MONTH', d: 2 }));
    const list = ok(await t.exec<any>(admin, LIST, { p: OCT })).reportSubmissions;
    expect(list[0]).toMatchObject({ region: { code: REGIONS.townB }, dueOn: '2026-11-02', late: true, status: 'NOT_SUBMITTED' });
    expect(list.slice(1).every((s: any) => s.dueOn === '2026-11-08' && !s.late)).toBe(true);
    // Only civil affairs above sets due days, with a day every month has.
    expect(codeOf(await t.exec(townA, DUE, { r: REGIONS.townA, k: 'MONTH', d: 20 }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(admin, DUE, { r: REGIONS.townA, k: 'MONTH', d: 31 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(otherCounty, DUE, { r: REGIONS.townA, k: 'MONTH', d: 3 }))).toBe('NOT_FOUND');
    const [audit] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'REPORT_DUE_DAY_SET'`);
    expect(audit!.n).toBe(2);
  });

  it('reportDueDays: each kind sent upward with the day in force and where it is set (the console\'s form reads it)', async () => {
    // Set in the test above: the city's month on the 8th, town B's on the 2nd.
    const days = async (as: TestUser, r?: string) => ok(await t.exec<any>(as, DAYS, { r })).reportDueDays;
    expect(await days(admin)).toEqual([
      { regionCode: REGIONS.city, kind: 'MONTH', day: 8, setOn: REGIONS.city },
      { regionCode: REGIONS.city, kind: 'QUARTER', day: 10, setOn: null },
      { regionCode: REGIONS.city, kind: 'YEAR', day: 20, setOn: null },
    ]);
    expect((await days(admin, REGIONS.townA))[0]).toEqual({ regionCode: REGIONS.townA, kind: 'MONTH', day: 8, setOn: REGIONS.city });
    expect((await days(admin, REGIONS.townB))[0]).toEqual({ regionCode: REGIONS.townB, kind: 'MONTH', day: 2, setOn: REGIONS.townB });
    // Kinds that are not reported upward have no due day to set.
    for (const k of ['WEEK', 'HALF_YEAR']) {
      const refused = await t.exec(admin, DUE, { r: REGIONS.townA, k, d: 3 });
      expect(codeOf(refused), k).toBe('BAD_USER_INPUT');
      expect(refused.errors![0]!.message, k).toMatch(/不需报送/);
    }
    // Read by those who set them: a town operator has no scope for it.
    expect(codeOf(await t.exec(townA, DAYS, { r: REGIONS.townA }))).toBe('FORBIDDEN');
  });

  it('submissionsDueWithin names the regions due soon with nothing submitted (for the notifier)', async () => {
    const due = await submissionsDueWithin(t.orm.em.fork(), 5, t.clock.now());
    const october = due.filter((d) => d.period === '2026-10');
    expect(october.map((d) => d.regionCode)).toContain(REGIONS.townA);
    expect(october.find((d) => d.regionCode === REGIONS.townA)!.dueOn).toBe('2026-11-08');
    // Town B's was due yesterday: past, not "due soon".
    expect(october.map((d) => d.regionCode)).not.toContain(REGIONS.townB);
  });
});

describe('submitting, returning, resubmitting and approving', () => {
  it('who may submit: a town its own region, not a village worker, not a region outside; never a running period', async () => {
    expect(codeOf(await t.exec(village, SUBMIT, { r: REGIONS.villageA1, p: OCT }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townA, SUBMIT, { r: REGIONS.townB, p: OCT }))).toBe('NOT_FOUND');
    const onBehalf = await t.exec(admin, SUBMIT, { r: REGIONS.townA, p: OCT });
    expect(codeOf(onBehalf)).toBe('FORBIDDEN');
    expect(onBehalf.errors![0]!.message).toBe('只能报送本级（开平市）的统计表；三埠街道的统计表由其自行报送');
    expect(codeOf(await t.exec(townA, SUBMIT, { r: REGIONS.townA, p: { kind: 'MONTH', date: '2026-11-01' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(otherCounty, ONE, { r: REGIONS.townA, p: OCT }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(otherCounty, LIST, { p: OCT, r: REGIONS.city }))).toBe('NOT_FOUND');
  });

  it('freezes the figures the report answers: a visit recorded afterwards does not change the submitted version', async () => {
    const live = ok(await t.exec<any>(townA, REPORT, { r: REGIONS.townA, p: '2026-10' })).report;
    expect(live.figures.visits).toBe(1);
    const submitted = ok(await t.exec<any>(townA, SUBMIT, { r: REGIONS.townA, p: OCT })).submitReport;
    expect(submitted).toMatchObject({ status: 'SUBMITTED', version: 1, late: false, submittedBy: `测试 ${townA.username}`, dueOn: '2026-11-08' });
    expect(submitted.versions).toEqual([
      expect.objectContaining({ version: 1, submittedLate: false, asOf: '2026-10-31', figures: { elders: 1, visits: 1, visitRate: { numerator: 1, denominator: 1 } } }),
    ]);
    ok(await visit(elderId, '2026-10-25'));
    expect(ok(await t.exec<any>(townA, REPORT, { r: REGIONS.townA, p: '2026-10' })).report.figures.visits).toBe(2);
    expect((await stateOf(admin, REGIONS.townA)).versions[0].figures.visits).toBe(1);
    await expect(t.sql(`update report_submission set figures = '{}'`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`delete from report_submission`)).rejects.toThrow(/append-only/);
    // While it waits for review it cannot be sent again.
    const again = await t.exec(townA, SUBMIT, { r: REGIONS.townA, p: OCT });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0]!.message).toContain('等待上级审核');
  });

  it('the level above returns it with a reason; the town resubmits version 2 (late), the old version kept; then it is approved', async () => {
    // A town cannot decide on its own report; another county does not see it; a return needs a reason.
    expect(codeOf(await t.exec(townA, APPROVE, { r: REGIONS.townA, p: OCT, v: 1 }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(otherCounty, APPROVE, { r: REGIONS.townA, p: OCT, v: 1 }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(admin, RETURN, { r: REGIONS.townA, p: OCT, v: 1, why: ' ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(admin, APPROVE, { r: REGIONS.townA, p: OCT, v: 7 }))).toBe('NOT_FOUND');

    const returned = ok(await t.exec<any>(admin, RETURN, { r: REGIONS.townA, p: OCT, v: 1, why: '10月25日的电话探访漏报，请补录后重报' })).returnReport;
    expect(returned).toEqual({ status: 'RETURNED', version: 1, reason: '10月25日的电话探访漏报，请补录后重报', decidedBy: `测试 ${admin.username}` });
    // Deciding the same version again is stale.
    const stale = await t.exec(admin, APPROVE, { r: REGIONS.townA, p: OCT, v: 1 });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.message).toContain('已退回');
    expect(await stateOf(townA, REGIONS.townA)).toMatchObject({ status: 'RETURNED', reason: '10月25日的电话探访漏报，请补录后重报', late: false });

    // 10 November: past the 8th. A returned report is open again, so it is late until resubmitted, and stays marked late.
    t.clock.set('2026-11-10T02:00:00Z');
    expect(await stateOf(townA, REGIONS.townA)).toMatchObject({ status: 'RETURNED', late: true });
    const v2 = ok(await t.exec<any>(townA, SUBMIT, { r: REGIONS.townA, p: OCT })).submitReport;
    expect(v2).toMatchObject({ status: 'SUBMITTED', version: 2, late: true, reason: null });
    expect(v2.versions.map((v: any) => [v.version, v.status, v.submittedLate, v.figures.visits])).toEqual([
      [2, 'SUBMITTED', true, 2],
      [1, 'RETURNED', false, 1],
    ]);
    expect(codeOf(await t.exec(admin, APPROVE, { r: REGIONS.townA, p: OCT, v: 1 }))).toBe('CONFLICT');
    expect(ok(await t.exec<any>(admin, APPROVE, { r: REGIONS.townA, p: OCT, v: 2 })).approveReport).toEqual({ status: 'APPROVED', version: 2, decidedBy: `测试 ${admin.username}` });
    const afterApproval = await t.exec(townA, SUBMIT, { r: REGIONS.townA, p: OCT });
    expect(codeOf(afterApproval)).toBe('CONFLICT');
    expect(afterApproval.errors![0]!.message).toContain('已通过审核');

    // The parent's report says which children are approved.
    const report = ok(await t.exec<any>(admin, REPORT, { r: REGIONS.city, p: '2026-10' })).report;
    expect(report.childSubmissions.find((c: any) => c.region.code === REGIONS.townA)).toEqual({ region: { code: REGIONS.townA }, status: 'APPROVED', version: 2 });
    expect(report.childSubmissions.filter((c: any) => c.status === 'APPROVED')).toHaveLength(1);

    const audit = await t.sql<{ action: string; detail: { version: number } }>(
      `select action, detail from audit_event where action in ('REPORT_SUBMIT', 'REPORT_RETURN', 'REPORT_APPROVE') order by at, id`,
    );
    expect(audit.map((a) => [a.action, a.detail.version])).toEqual([
      ['REPORT_SUBMIT', 1],
      ['REPORT_RETURN', 1],
      ['REPORT_SUBMIT', 2],
      ['REPORT_APPROVE', 2],
    ]);
  });

  it('the town is told of the return and the approval; integrators get REPORT_APPROVED with ids only', async () => {
    const told = await t.sql<{ kind: string; title: string; body: string | null; link: string }>(
      `select n.kind, n.title, n.body, n.link from notification n where n.user_id = $1 and n.kind like 'REPORT_%' order by n.created_at, n.kind`,
      [townA.id],
    );
    expect(told).toEqual([
      { kind: 'REPORT_RETURNED', title: '2026-10 情况统计表被退回', body: '退回原因：10月25日的电话探访漏报，请补录后重报', link: '/reports/submissions?p=2026-10' },
      { kind: 'REPORT_APPROVED', title: '2026-10 情况统计表已审核通过', body: null, link: '/reports/submissions?p=2026-10' },
    ]);
    // Another town's operator hears nothing of it.
    const [other] = await t.sql<{ n: number }>(`select count(*)::int as n from notification where user_id = $1 and kind like 'REPORT_%'`, [townB.id]);
    expect(other!.n).toBe(0);
    const deliveries = await t.sql<{ event: string; payload: unknown }>(`select event, payload from webhook_delivery order by created_at`);
    expect(deliveries).toEqual([{ event: 'REPORT_APPROVED', payload: { regionCode: REGIONS.townA, period: '2026-10', version: 2 } }]);
  });

  it('reminds the submitters of a report due within 3 days once, however often the job runs', async () => {
    // 5 December: November is due on the 8th (the city's day), and town B on the 2nd (already late: no reminder).
    const at = new Date('2026-12-05T02:00:00Z');
    const first = await notifyReportsDue(t.orm.em.fork(), at);
    expect(first).toBeGreaterThan(0);
    expect(await notifyReportsDue(t.orm.em.fork(), at)).toBe(0);
    const due = await t.sql<{ user_id: string; title: string; body: string }>(`select user_id, title, body from notification where kind = 'REPORT_DUE'`);
    expect(due.filter((n) => n.user_id === townA.id)).toEqual([{ user_id: townA.id, title: '2026-11 情况统计表待报送', body: '请于 2026-12-08 前报送' }]);
    expect(due.some((n) => n.user_id === townB.id)).toBe(false);
    // Village workers do not submit, so they are not reminded.
    expect(due.some((n) => n.user_id === village.id)).toBe(false);
  });

  it('two submissions racing get one version in; two decisions racing on it: exactly one wins, the other is CONFLICT', async () => {
    const [c, d] = await Promise.all([t.exec(townB, SUBMIT, { r: REGIONS.townB, p: OCT }), t.exec(townB, SUBMIT, { r: REGIONS.townB, p: OCT })]);
    expect([codeOf(c), codeOf(d)].sort()).toEqual(['CONFLICT', undefined]);
    const [a, b] = await Promise.all([
      t.exec(admin, APPROVE, { r: REGIONS.townB, p: OCT, v: 1 }),
      t.exec(admin, RETURN, { r: REGIONS.townB, p: OCT, v: 1, why: '数字对不上，请核对' }),
    ]);
    expect([codeOf(a), codeOf(b)].sort()).toEqual(['CONFLICT', undefined]);
    const rows = await t.sql<{ status: string }>(`select status from report_submission where region_code = $1`, [REGIONS.townB]);
    expect(rows).toEqual([{ status: codeOf(a) === undefined ? 'APPROVED' : 'RETURNED' }]);
    const [decisions] = await t.sql<{ n: number }>(
      `select count(*)::int as n from audit_event where action in ('REPORT_APPROVE', 'REPORT_RETURN') and region_code = $1`,
      [REGIONS.townB],
    );
    expect(decisions!.n).toBe(1);
  });

  it('reportSubmissions lists the late towns first, with who submitted and decided by name', async () => {
    const list = ok(await t.exec<any>(admin, LIST, { p: OCT })).reportSubmissions;
    const a = list.find((s: any) => s.region.code === REGIONS.townA);
    expect(a).toMatchObject({ status: 'APPROVED', late: true, version: 2, submittedBy: `测试 ${townA.username}`, decidedBy: `测试 ${admin.username}` });
    const unsubmitted = list.filter((s: any) => s.status === 'NOT_SUBMITTED');
    expect(unsubmitted.length).toBeGreaterThan(5);
    expect(unsubmitted.every((s: any) => s.late)).toBe(true);
    const lateFlags = list.map((s: any) => s.late);
    expect(lateFlags.indexOf(false) === -1 || lateFlags.slice(lateFlags.indexOf(false)).every((l: boolean) => !l)).toBe(true);
    // Set-based: the same statements for sixteen towns as for one (region, children, due days, versions, audit).
    const cost = (await t.exec(admin, LIST, { p: OCT })).sqlStatements;
    expect(cost).toBeLessThanOrEqual(6);
    // Reading the list is audited.
    const [read] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'REPORT_SUBMISSIONS_READ' and actor_id = $1`, [admin.id]);
    expect(read!.n).toBeGreaterThan(0);
    // Village workers have no part in reporting upward.
    expect(codeOf(await t.exec(village, LIST, { p: OCT }))).toBe('FORBIDDEN');
  });
});

describe('every operation: outside the jurisdiction answers like a missing region', () => {
  const MISSING = '440783999'; // a town code that does not exist
  const ops: [string, string, (r: string) => Record<string, unknown>][] = [
    ['reportSubmission', ONE, (r) => ({ r, p: OCT })],
    ['reportSubmissions', LIST, (r) => ({ p: OCT, r })],
    ['reportSubmissionPeriods', `query($r: String!) { reportSubmissionPeriods(regionCode: $r, kind: MONTH) { period } }`, (r) => ({ r })],
    ['approveReport', APPROVE, (r) => ({ r, p: OCT, v: 1 })],
    ['returnReport', RETURN, (r) => ({ r, p: OCT, v: 1, why: '请核对' })],
    ['setReportDueDay', DUE, (r) => ({ r, k: 'MONTH', d: 3 })],
    ['reportDueDays', DAYS, (r) => ({ r })],
  ];
  for (const [name, query, vars] of ops) {
    it(`${name}: another county's town and a missing town are both NOT_FOUND, with the same message`, async () => {
      const outside = await t.exec(otherCounty, query, vars(REGIONS.townA));
      const missing = await t.exec(otherCounty, query, vars(MISSING));
      expect(codeOf(outside)).toBe('NOT_FOUND');
      expect(codeOf(missing)).toBe('NOT_FOUND');
      expect(outside.errors![0]!.message).toBe(missing.errors![0]!.message);
    });
  }

  it('submitReport: a missing region is NOT_FOUND; partners and integrators have no part in it', async () => {
    expect(codeOf(await t.exec(townA, SUBMIT, { r: `${REGIONS.townA}999`, p: OCT }))).toBe('NOT_FOUND');
    const integrator = await t.user('INTEGRATOR', REGIONS.city);
    const police = await t.user('POLICE', REGIONS.city);
    for (const who of [integrator, police]) {
      expect(codeOf(await t.exec(who, SUBMIT, { r: REGIONS.city, p: OCT }))).toBe('FORBIDDEN');
      expect(codeOf(await t.exec(who, ONE, { r: REGIONS.townA, p: OCT }))).toBe('FORBIDDEN');
    }
    // The integrator's report carries no names of who submitted or decided: no submission states at all.
    expect(ok(await t.exec<any>(integrator, REPORT, { r: REGIONS.city, p: '2026-10' })).report.childSubmissions).toEqual([]);
  });
});
