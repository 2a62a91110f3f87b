import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';

/** The default clock of the test app: 2026-11-15 10:00 in China, a Sunday. */
const TODAY = '2026-11-15T02:00:00Z';

const CLASS_A = { circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL' };
const CLASS_B = { circumstances: ['CARER_OF_DEPENDENT_CHILD'] };
const CLASS_C = { circumstances: ['LIVING_ALONE'] };

const REQUIREMENT_FIELDS = `requirementId source sourceName activity window minCount homeOnly description
  windowStart windowEnd counted met overdue daysOverdue dueBy`;
const COMPLIANCE = `query($id: ID!, $asOf: Date) { elder(id: $id) { compliance(asOf: $asOf) {
  asOf class met overdue daysOverdue dueBy stoppedReason requirements { ${REQUIREMENT_FIELDS} } } } }`;
const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id visitedOn method careServices { kind deliveredOn } } }`;
const RECORD_CARE = `mutation($input: RecordCareServiceInput!) { recordCareService(input: $input) { id kind deliveredOn visitId } }`;
const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id status statusDate } }`;
const REFUSE = `mutation($id: ID!, $version: Int!, $input: RecordRefusalInput!) { recordRefusal(elderId: $id, version: $version, input: $input) { id acceptsVisits } }`;
const VISIT_RATE = `query($period: PeriodInput!, $regionCode: String) { visitRate(period: $period, regionCode: $regionCode) {
  regionCode from to asOf numerator denominator rate refusals } }`;
const OVERDUE = `query($regionCode: String, $asOf: Date, $first: Int, $after: String) {
  overdueElders(regionCode: $regionCode, asOf: $asOf, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { class daysOverdue elder { id name region { code name } classification { class } } requirements { ${REQUIREMENT_FIELDS} } } } }`;
const CAMPAIGN_FIELDS = `id name regionCode classes reasonKind reason startsOn endsOn minCount window windowDays homeOnly description cancelledAt`;
const CREATE_CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`;
const CANCEL_CAMPAIGN = `mutation($id: ID!, $reason: String!) { cancelCampaign(id: $id, reason: $reason) { ${CAMPAIGN_FIELDS} } }`;
const CAMPAIGNS = `query($activeOn: Date) { campaigns(activeOn: $activeOn) { id name cancelledAt } }`;
const STANDARD_FIELDS = `id code name description regionCode baseline template effectiveFrom retiredAt source
  requirements { id class circumstance activity minCount window windowDays homeOnly description }`;
const STANDARDS = `query($includeTemplates: Boolean!, $includeRetired: Boolean!) {
  visitStandards(includeTemplates: $includeTemplates, includeRetired: $includeRetired) { ${STANDARD_FIELDS} } }`;
const CREATE_STANDARD = `mutation($input: CreateVisitStandardInput!) { createVisitStandard(input: $input) { ${STANDARD_FIELDS} } }`;
const ADOPT_STANDARD = `mutation($templateId: ID!, $regionCode: String!, $effectiveFrom: Date) {
  adoptVisitStandard(templateId: $templateId, regionCode: $regionCode, effectiveFrom: $effectiveFrom) { ${STANDARD_FIELDS} } }`;
const RETIRE_STANDARD = `mutation($id: ID!, $reason: String!) { retireVisitStandard(id: $id, reason: $reason) { id retiredAt } }`;

interface Requirement {
  requirementId: string;
  source: string;
  sourceName: string;
  activity: string;
  window: string;
  minCount: number;
  homeOnly: boolean;
  description: string;
  windowStart: string;
  windowEnd: string;
  counted: number;
  met: boolean;
  overdue: boolean;
  daysOverdue: number | null;
  dueBy: string | null;
}

interface Compliance {
  asOf: string;
  class: string | null;
  met: boolean;
  overdue: boolean;
  daysOverdue: number | null;
  dueBy: string | null;
  stoppedReason: string | null;
  requirements: Requirement[];
}

interface Ctx {
  t: TestApp;
  town: TestUser;
  admin: TestUser;
}

/** Each block gets its own database: standards, campaigns and overdue lists of one block never leak into another. */
function useApp(): Ctx {
  const ctx = {} as Ctx;
  beforeAll(async () => {
    ctx.t = await createTestApp();
    ctx.town = await ctx.t.user('TOWN_OPERATOR', REGIONS.townA);
    ctx.admin = await ctx.t.user('ADMIN', REGIONS.city);
  });
  afterAll(() => ctx.t.close());
  return ctx;
}

/** Registers an elder with the clock at `at` (registration is dated by the clock), then puts the clock back to TODAY. */
async function registerAt(c: Ctx, at: string, input: Record<string, unknown>, as: TestUser = c.town) {
  c.t.clock.set(at);
  try {
    return await registerElder(c.t, as, input);
  } finally {
    c.t.clock.set(TODAY);
  }
}

/** Records a visit on `day` at 10:00 China time (or at the UTC time given). The clock must be on or after it. */
async function visit(c: Ctx, elderId: string, day: string, method = 'HOME', extra: Record<string, unknown> = {}, as: TestUser = c.town) {
  return ok(await c.t.exec<any>(as, RECORD_VISIT, { input: { elderId, visitedAt: `${day}T02:00:00Z`, method, ...extra } })).recordVisit;
}

async function compliance(c: Ctx, id: string, asOf?: string, as: TestUser = c.town): Promise<Compliance> {
  return ok(await c.t.exec<any>(as, COMPLIANCE, { id, asOf })).elder.compliance;
}

const bySource = (list: Requirement[], pick: (r: Requirement) => boolean) => {
  const found = list.filter(pick);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('windows per class', () => {
  const c = useApp();

  it('A: a home visit on 31 October (China time) meets October; overdue only once November has ended', async () => {
    const e = await registerAt(c, '2026-10-01T02:00:00Z', CLASS_A);
    // 23:59 on 31 October in China is 15:59 UTC.
    const v = await visit(c, e.id, '2026-10-31', 'HOME', { visitedAt: '2026-10-31T15:59:00Z' });
    expect(v.visitedOn).toBe('2026-10-31');

    const october = await compliance(c, e.id, '2026-10-31');
    expect(october).toMatchObject({ asOf: '2026-10-31', class: 'A', met: true, overdue: false, daysOverdue: null, dueBy: null, stoppedReason: null });
    expect(october.requirements).toHaveLength(1);
    expect(october.requirements[0]).toMatchObject({
      source: 'STANDARD',
      sourceName: '开平市特殊困难老年人探访关爱服务标准',
      activity: 'VISIT',
      window: 'MONTH',
      minCount: 1,
      homeOnly: true,
      windowStart: '2026-10-01',
      windowEnd: '2026-10-31',
      counted: 1,
      met: true,
      overdue: false,
      daysOverdue: null,
      dueBy: '2026-11-30',
    });

    const mid = await compliance(c, e.id);
    expect(mid).toMatchObject({ asOf: '2026-11-15', met: false, overdue: false, dueBy: '2026-11-30' });
    expect(mid.requirements[0]).toMatchObject({ windowStart: '2026-11-01', windowEnd: '2026-11-30', counted: 0, met: false, overdue: false });

    c.t.clock.set('2026-12-01T02:00:00Z');
    expect(await compliance(c, e.id, '2026-11-30')).toMatchObject({ overdue: false, daysOverdue: null, dueBy: '2026-11-30' });
    const december = await compliance(c, e.id, '2026-12-01');
    expect(december).toMatchObject({ overdue: true, daysOverdue: 1, dueBy: '2026-12-31' });
    expect(december.requirements[0]).toMatchObject({ windowStart: '2026-12-01', windowEnd: '2026-12-31', counted: 0, overdue: true, daysOverdue: 1 });
    c.t.clock.set(TODAY);
  });

  it('A: a visit at 00:30 on 1 November (China) counts for November, not October', async () => {
    const e = await registerAt(c, '2026-10-01T02:00:00Z', CLASS_A);
    // 16:30 UTC on 31 October is 00:30 on 1 November in China.
    const v = await visit(c, e.id, '2026-10-31', 'HOME', { visitedAt: '2026-10-31T16:30:00Z' });
    expect(v.visitedOn).toBe('2026-11-01');
    expect((await compliance(c, e.id, '2026-10-31')).requirements[0]).toMatchObject({ counted: 0, met: false });
    // October went unmet, but a visit in the current window clears the overdue (see the late-visit test).
    expect((await compliance(c, e.id, '2026-11-01')).requirements[0]).toMatchObject({ windowStart: '2026-11-01', counted: 1, met: true, overdue: false });
  });

  it('A: a phone call does not satisfy the home requirement', async () => {
    const e = await registerAt(c, '2026-10-01T02:00:00Z', CLASS_A);
    await visit(c, e.id, '2026-10-10', 'PHONE');
    await visit(c, e.id, '2026-10-20', 'VIDEO');
    const october = await compliance(c, e.id, '2026-10-31');
    expect(october.requirements).toEqual([expect.objectContaining({ homeOnly: true, counted: 0, met: false, overdue: false, dueBy: '2026-10-31' })]);
    expect(october).toMatchObject({ met: false, dueBy: '2026-10-31' });
    const after = await compliance(c, e.id, '2026-11-01');
    expect(after).toMatchObject({ overdue: true, daysOverdue: 1 });
  });

  it('B: phoned every month but not visited at home for six months is overdue on the home requirement', async () => {
    const e = await registerAt(c, '2025-12-01T02:00:00Z', CLASS_B);
    c.t.clock.set('2026-07-10T02:00:00Z');
    await visit(c, e.id, '2025-12-05', 'HOME');
    for (const month of ['01', '02', '03', '04', '05', '06', '07']) await visit(c, e.id, `2026-${month}-05`, 'PHONE');

    const result = await compliance(c, e.id, '2026-07-10');
    expect(result).toMatchObject({ class: 'B', met: false, overdue: true, daysOverdue: 10 });
    expect(result.requirements).toHaveLength(2);
    const monthly = bySource(result.requirements, (r) => r.window === 'MONTH');
    expect(monthly).toMatchObject({ homeOnly: false, windowStart: '2026-07-01', windowEnd: '2026-07-31', counted: 1, met: true, overdue: false, daysOverdue: null, dueBy: '2026-08-31' });
    const home = bySource(result.requirements, (r) => r.window === 'HALF_YEAR');
    expect(home).toMatchObject({ homeOnly: true, windowStart: '2026-07-01', windowEnd: '2026-12-31', counted: 0, met: false, overdue: true, daysOverdue: 10, dueBy: '2026-12-31' });
    // Overdue (most urgent) first.
    expect(result.requirements[0]!.window).toBe('HALF_YEAR');

    // On the last day of the first half-year, the half-year was still open: due, not overdue.
    const june = await compliance(c, e.id, '2026-06-30');
    expect(june).toMatchObject({ overdue: false, dueBy: '2026-06-30' });
    expect(bySource(june.requirements, (r) => r.window === 'HALF_YEAR')).toMatchObject({ windowStart: '2026-01-01', windowEnd: '2026-06-30', counted: 0, met: false, overdue: false });
    c.t.clock.set(TODAY);
  });

  it('C: a visit of any method every month and a home visit every calendar year', async () => {
    const e = await registerAt(c, '2025-12-01T02:00:00Z', CLASS_C);
    c.t.clock.set('2026-01-01T02:00:00Z');
    await visit(c, e.id, '2025-12-10', 'PHONE');
    const december = await compliance(c, e.id, '2025-12-31');
    expect(december).toMatchObject({ class: 'C', overdue: false, met: false });
    expect(bySource(december.requirements, (r) => r.window === 'MONTH')).toMatchObject({ counted: 1, met: true });
    expect(bySource(december.requirements, (r) => r.window === 'YEAR')).toMatchObject({ homeOnly: true, windowStart: '2025-01-01', windowEnd: '2025-12-31', counted: 0, met: false, overdue: false });
    const newYear = await compliance(c, e.id, '2026-01-01');
    expect(newYear).toMatchObject({ overdue: true, daysOverdue: 1 });
    expect(bySource(newYear.requirements, (r) => r.window === 'YEAR')).toMatchObject({ overdue: true, daysOverdue: 1, windowStart: '2026-01-01', dueBy: '2026-12-31' });
    expect(bySource(newYear.requirements, (r) => r.window === 'MONTH')).toMatchObject({ overdue: false, met: false, dueBy: '2026-01-31' });
    c.t.clock.set(TODAY);
  });

  it('a late visit dated in the current window clears the overdue', async () => {
    const e = await registerAt(c, '2026-09-01T02:00:00Z', CLASS_A);
    await visit(c, e.id, '2026-09-10');
    const before = await compliance(c, e.id);
    expect(before).toMatchObject({ overdue: true, daysOverdue: 15, met: false, dueBy: '2026-11-30' });
    await visit(c, e.id, '2026-11-14');
    const after = await compliance(c, e.id);
    expect(after).toMatchObject({ overdue: false, daysOverdue: null, met: true, dueBy: null });
    expect(after.requirements[0]).toMatchObject({ counted: 1, met: true, overdue: false, dueBy: '2026-12-31' });
    // October stays unmet in the past.
    expect(await compliance(c, e.id, '2026-10-31')).toMatchObject({ met: false, overdue: false });
  });

  it('a visit recorded today but dated last month counts for last month', async () => {
    const e = await registerAt(c, '2026-09-01T02:00:00Z', CLASS_A);
    await visit(c, e.id, '2026-09-10');
    expect(await compliance(c, e.id)).toMatchObject({ overdue: true, daysOverdue: 15 });
    const late = await visit(c, e.id, '2026-10-20');
    expect(late.visitedOn).toBe('2026-10-20');
    const [row] = await c.t.sql(`select to_char(entered_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as entered_on from visit where id = $1`, [late.id]);
    expect(row!.entered_on).toBe('2026-11-15');
    expect((await compliance(c, e.id, '2026-10-31')).requirements[0]).toMatchObject({ windowStart: '2026-10-01', counted: 1, met: true });
    const now = await compliance(c, e.id);
    expect(now).toMatchObject({ overdue: false, met: false, dueBy: '2026-11-30' });
    expect(now.requirements[0]).toMatchObject({ windowStart: '2026-11-01', counted: 0 });
  });

  it('counts the first window from the registration day, and nothing before it', async () => {
    const e = await registerAt(c, '2026-10-20T02:00:00Z', CLASS_A);
    expect(await compliance(c, e.id, '2026-10-19')).toMatchObject({ requirements: [], met: true, overdue: false, class: null, stoppedReason: null });
    expect((await compliance(c, e.id, '2026-10-20')).requirements[0]).toMatchObject({ windowStart: '2026-10-01', windowEnd: '2026-10-31', dueBy: '2026-10-31' });
    expect(await compliance(c, e.id, '2026-11-01')).toMatchObject({ overdue: true, daysOverdue: 1 });
    const early = await c.t.exec(c.town, RECORD_VISIT, { input: { elderId: e.id, visitedAt: '2026-10-19T02:00:00Z', method: 'HOME' } });
    expect(codeOf(early)).toBe('BAD_USER_INPUT');
  });

  it('refuses an asOf in the future', async () => {
    const e = await registerAt(c, '2026-10-01T02:00:00Z', CLASS_A);
    const future = await c.t.exec(c.town, COMPLIANCE, { id: e.id, asOf: '2026-11-16' });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(future)).toEqual(['asOf']);
    expect(codeOf(await c.t.exec(c.town, COMPLIANCE, { id: e.id, asOf: '2026-11-31' }))).toBe('BAD_USER_INPUT');
  });
});

describe('closed archives, refusals and the visit rate', () => {
  const c = useApp();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // A small known set in 新安社区 (villageA2), registered on 1 September, and one in 东河社区 (villageA1).
    for (const [key, input] of [
      ['visitedA', CLASS_A],
      ['missedA', CLASS_A],
      ['phonedC', CLASS_C],
      ['deceasedA', CLASS_A],
      ['refusedC', CLASS_C],
    ] as const) {
      ids[key] = (await registerAt(c, '2026-09-01T02:00:00Z', { ...input, regionCode: REGIONS.villageA2 })).id;
    }
    ids.otherVillageA = (await registerAt(c, '2026-09-01T02:00:00Z', { ...CLASS_A, regionCode: REGIONS.villageA1 })).id;
    ids.newC = (await registerAt(c, TODAY, { ...CLASS_C, regionCode: REGIONS.villageA2 })).id;

    await visit(c, ids.visitedA!, '2026-09-10');
    await visit(c, ids.visitedA!, '2026-10-12');
    await visit(c, ids.visitedA!, '2026-11-03');
    await visit(c, ids.missedA!, '2026-09-10');
    await visit(c, ids.phonedC!, '2026-09-10', 'PHONE');
    await visit(c, ids.phonedC!, '2026-10-05', 'PHONE');
    await visit(c, ids.phonedC!, '2026-11-02', 'VIDEO');
    await visit(c, ids.deceasedA!, '2026-09-10');
    await visit(c, ids.deceasedA!, '2026-10-08');
    await visit(c, ids.otherVillageA!, '2026-09-10');
    ok(await c.t.exec(c.town, CLOSE, { id: ids.deceasedA, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-11-10', reason: '病故' } }));
    ok(await c.t.exec(c.town, REFUSE, { id: ids.refusedC, version: 1, input: { refusedOn: '2026-10-20', reason: '子女每周回家照看，不需要探访', talkedWith: '谢社工' } }));
  });

  it('an elder deceased mid-month has no requirements from that date', async () => {
    const before = await compliance(c, ids.deceasedA!, '2026-11-09');
    expect(before).toMatchObject({ class: 'A', stoppedReason: null, met: false, overdue: false });
    expect(before.requirements).toHaveLength(1);
    for (const asOf of ['2026-11-10', '2026-11-15', undefined]) {
      const after = await compliance(c, ids.deceasedA!, asOf);
      expect(after, asOf).toMatchObject({ requirements: [], met: true, overdue: false, daysOverdue: null, dueBy: null, stoppedReason: '已死亡，探访要求停止' });
    }
  });

  it('a written refusal stops the requirements from its date', async () => {
    const before = await compliance(c, ids.refusedC!, '2026-10-19');
    expect(before.requirements).toHaveLength(2);
    expect(before.stoppedReason).toBeNull();
    const after = await compliance(c, ids.refusedC!);
    expect(after).toMatchObject({ requirements: [], overdue: false, stoppedReason: '本人书面拒绝探访，探访要求停止（另行统计）' });
    expect(await compliance(c, ids.refusedC!, '2026-10-20')).toMatchObject({ requirements: [], stoppedReason: expect.stringContaining('书面拒绝') });
  });

  it('visitRate for a finished month: numerator, denominator, rate and refusals apart', async () => {
    const october = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-10-15' }, regionCode: REGIONS.villageA2 })).visitRate;
    // visitedA and phonedC met October; missedA did not; deceasedA (closed in November) counts for October;
    // refusedC is counted apart; newC was not registered yet.
    expect(october).toEqual({
      regionCode: REGIONS.villageA2,
      from: '2026-10-01',
      to: '2026-10-31',
      asOf: '2026-10-31',
      numerator: 3,
      denominator: 4,
      rate: 0.75,
      refusals: 1,
    });
    const town = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-10-01' } })).visitRate;
    expect(town).toMatchObject({ regionCode: REGIONS.townA, numerator: 3, denominator: 5, rate: 0.6, refusals: 1 });
    const otherVillage = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-10-31' }, regionCode: REGIONS.villageA1 })).visitRate;
    expect(otherVillage).toMatchObject({ numerator: 0, denominator: 1, rate: 0, refusals: 0 });
    const empty = ok(await c.t.exec<any>(c.admin, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-10-31' }, regionCode: REGIONS.townB })).visitRate;
    expect(empty).toMatchObject({ numerator: 0, denominator: 0, rate: null, refusals: 0 });
  });

  it('visitRate for the running month is judged today; the deceased elder leaves the denominator', async () => {
    const november = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-11-01' }, regionCode: REGIONS.villageA2 })).visitRate;
    // visitedA and phonedC met November; missedA is overdue; newC has not been visited yet this month.
    expect(november).toEqual({
      regionCode: REGIONS.villageA2,
      from: '2026-11-01',
      to: '2026-11-30',
      asOf: '2026-11-15',
      numerator: 2,
      denominator: 4,
      rate: 0.5,
      refusals: 1,
    });
    const week = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'WEEK', date: '2026-11-11' }, regionCode: REGIONS.villageA2 })).visitRate;
    expect(week).toMatchObject({ from: '2026-11-09', to: '2026-11-15', asOf: '2026-11-15' });
    const quarter = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'QUARTER', date: '2026-08-15' }, regionCode: REGIONS.villageA2 })).visitRate;
    // Third quarter, judged on 30 September: the monthly windows ending in it were met by the September visits.
    // refusedC (never visited, refusal not yet written) is in it and misses September.
    expect(quarter).toMatchObject({ from: '2026-07-01', to: '2026-09-30', asOf: '2026-09-30', numerator: 4, denominator: 5, rate: 0.8, refusals: 0 });
  });

  it('visitRate of this and last month reads the report rollups once refreshed: the live answers, in the same statements for a village as for the city', async () => {
    const RATE = `query($period: PeriodInput!, $regionCode: String) { visitRate(period: $period, regionCode: $regionCode) {
      regionCode from to asOf computedAt numerator denominator rate refusals } }`;
    const asks = [
      [c.town, REGIONS.villageA2], [c.town, REGIONS.villageA1], [c.town, undefined], [c.admin, REGIONS.townB], [c.admin, undefined],
    ] as const;
    const months = ['2026-11-01', '2026-10-15'];
    const all = async () => {
      const out: { answer: any; statements: number }[] = [];
      for (const date of months) {
        for (const [as, regionCode] of asks) {
          const result = await c.t.exec<any>(as, RATE, { period: { kind: 'MONTH', date }, regionCode });
          out.push({ answer: ok(result).visitRate, statements: result.sqlStatements });
        }
      }
      return out;
    };
    // No rollups yet: computed live (computedAt is now).
    const live = await all();
    expect(live.every((r) => r.answer.computedAt === '2026-11-15T02:00:00.000Z')).toBe(true);
    // Deceased, refused and not yet registered elders are in these figures: the rollup must agree on each of them.
    expect(live[0]!.answer).toMatchObject({ numerator: 2, denominator: 4, refusals: 1 });

    for (const period of ['2026-11', '2026-10']) await refreshRollups(c.t.orm.em, period, c.t.clock.now());
    c.t.clock.set('2026-11-15T02:05:00Z');
    try {
      const rolled = await all();
      // The same figures, computed at the refresh (five minutes ago), not now.
      expect(rolled.map((r) => ({ ...r.answer, computedAt: undefined }))).toEqual(live.map((r) => ({ ...r.answer, computedAt: undefined })));
      expect(rolled.every((r) => r.answer.computedAt === '2026-11-15T02:00:00.000Z')).toBe(true);
      // A region's row whatever its size: the city (admin) costs what a village costs, one statement less when no
      // region is named (nothing to check against the jurisdiction), and never more than live.
      const cost = rolled.map((r, i) => r.statements + (asks[i % asks.length]![1] === undefined ? 1 : 0));
      expect(new Set(cost).size, JSON.stringify(rolled.map((r) => r.statements))).toBe(1);
      rolled.forEach((r, i) => expect(r.statements).toBeLessThanOrEqual(live[i]!.statements));

      // A week has no rollup: live, judged now.
      const week = ok(await c.t.exec<any>(c.town, RATE, { period: { kind: 'WEEK', date: '2026-11-11' }, regionCode: REGIONS.villageA2 })).visitRate;
      expect(week.computedAt).toBe('2026-11-15T02:05:00.000Z');
    } finally {
      c.t.clock.set(TODAY);
      await c.t.sql(`delete from report_rollup_state`);
    }
  });

  it('refuses a period not started yet, an invalid date and a region outside the jurisdiction', async () => {
    const future = await c.t.exec(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-12-01' } });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(future)).toEqual(['period']);
    expect(codeOf(await c.t.exec(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-02-30' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.t.exec(c.town, VISIT_RATE, { period: { kind: 'DECADE', date: '2026-11-01' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.t.exec(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-11-01' }, regionCode: REGIONS.townB }))).toBe('FORBIDDEN');
    expect(codeOf(await c.t.exec(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-11-01' }, regionCode: '440783999' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.t.exec(null, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-11-01' } }))).toBe('UNAUTHENTICATED');
  });
});

describe('a refusal later withdrawn', () => {
  const c = useApp();
  const WITHDRAW = `mutation($id: ID!, $version: Int!, $input: WithdrawRefusalInput!) { withdrawRefusal(elderId: $id, version: $version, input: $input) { id acceptsVisits } }`;

  it('says why nothing was required while the refusal stood, and does not count those windows as missed', async () => {
    const e = await registerAt(c, '2026-09-01T02:00:00Z', { ...CLASS_A, regionCode: REGIONS.villageA2 });
    await visit(c, e.id, '2026-09-10');
    ok(await c.t.exec(c.town, REFUSE, { id: e.id, version: 1, input: { refusedOn: '2026-09-20', reason: '老人表示不需要探访', talkedWith: '谢社工' } }));
    ok(await c.t.exec(c.town, WITHDRAW, { id: e.id, version: 2, input: { acceptedOn: '2026-11-12', note: '老人同意恢复探访' } }));

    // While the refusal stood: nothing required, and the answer says why.
    expect(await compliance(c, e.id, '2026-10-15')).toMatchObject({ requirements: [], overdue: false, stoppedReason: expect.stringContaining('书面拒绝') });
    // Before it and after it: requirements, no stop reason.
    expect(await compliance(c, e.id, '2026-09-19')).toMatchObject({ stoppedReason: null, met: true });
    // Visits resume from the withdrawal: October (refused) is not a missed window, November is due.
    const now = await compliance(c, e.id);
    expect(now).toMatchObject({ stoppedReason: null, overdue: false, daysOverdue: null, met: false, dueBy: '2026-11-30' });
    expect(now.requirements).toEqual([expect.objectContaining({ windowStart: '2026-11-01', counted: 0, overdue: false })]);
    const overdue = ok(await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.villageA2 })).overdueElders;
    expect(overdue.totalCount).toBe(0);

    const october = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-10-01' }, regionCode: REGIONS.villageA2 })).visitRate;
    expect(october).toMatchObject({ numerator: 0, denominator: 0, rate: null, refusals: 1 });
    const november = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-11-01' }, regionCode: REGIONS.villageA2 })).visitRate;
    expect(november).toMatchObject({ numerator: 0, denominator: 1, refusals: 0 });

    // Windows after the withdrawal do count: November unvisited is overdue once it has ended.
    c.t.clock.set('2027-01-02T02:00:00Z');
    expect(await compliance(c, e.id, '2027-01-02')).toMatchObject({ overdue: true, daysOverdue: 33 });
    c.t.clock.set(TODAY);
  });

  it('keeps counting a refusal for the period it stood in after the elder has died', async () => {
    const e = await registerAt(c, '2026-09-01T02:00:00Z', { ...CLASS_C, regionCode: REGIONS.villageA1 });
    ok(await c.t.exec(c.town, REFUSE, { id: e.id, version: 1, input: { refusedOn: '2026-10-01', reason: '老人表示不需要探访', talkedWith: '谢社工' } }));
    const rate = () => c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-10-01' }, regionCode: REGIONS.villageA1 });
    expect(ok(await rate()).visitRate).toMatchObject({ denominator: 0, refusals: 1 });
    ok(await c.t.exec(c.town, CLOSE, { id: e.id, version: 2, input: { status: 'DECEASED', effectiveDate: '2026-11-05', reason: '病故' } }));
    // October's report does not change because of a death in November.
    expect(ok(await rate()).visitRate).toMatchObject({ denominator: 0, refusals: 1 });
    const november = ok(await c.t.exec<any>(c.town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-11-01' }, regionCode: REGIONS.villageA1 })).visitRate;
    expect(november).toMatchObject({ denominator: 0, refusals: 0 });
  });
});

describe('campaigns (叠加探访)', () => {
  const c = useApp();
  let cA1 = '';
  let aA2 = '';
  let cB1 = '';
  let period: any;
  const base = {
    name: '寒潮叠加探访',
    regionCode: REGIONS.townA,
    reasonKind: 'EXTREME_WEATHER',
    reason: '寒潮预警，气温降至5℃以下',
    startsOn: '2026-11-10',
    endsOn: '2026-11-20',
    minCount: 2,
    window: 'PERIOD',
  };

  beforeAll(async () => {
    cA1 = (await registerAt(c, '2026-11-01T02:00:00Z', CLASS_C)).id;
    aA2 = (await registerAt(c, '2026-11-01T02:00:00Z', { ...CLASS_A, regionCode: REGIONS.villageA2 })).id;
    cB1 = (await registerAt(c, '2026-11-01T02:00:00Z', { ...CLASS_C, regionCode: REGIONS.villageB1 }, c.admin)).id;
    await visit(c, cA1, '2026-11-12', 'PHONE');
    await visit(c, aA2, '2026-11-02', 'HOME');
    await visit(c, cB1, '2026-11-12', 'PHONE', {}, c.admin);
  });

  it('adds a requirement over the whole period, only inside its dates and region', async () => {
    period = ok(await c.t.exec<any>(c.admin, CREATE_CAMPAIGN, { input: base })).createCampaign;
    expect(period).toMatchObject({ ...base, classes: [], windowDays: null, homeOnly: false, cancelledAt: null });

    const inside = await compliance(c, cA1);
    expect(inside.requirements).toHaveLength(3);
    const campaign = bySource(inside.requirements, (r) => r.source === 'CAMPAIGN');
    expect(campaign).toMatchObject({
      requirementId: period.id,
      sourceName: '寒潮叠加探访',
      window: 'PERIOD',
      minCount: 2,
      windowStart: '2026-11-10',
      windowEnd: '2026-11-20',
      counted: 1,
      met: false,
      overdue: false,
      dueBy: '2026-11-20',
    });
    expect(inside).toMatchObject({ met: false, overdue: false, dueBy: '2026-11-20' });
    // Every class: the A elder of the other village gets it too; the visit before the start does not count.
    expect(bySource((await compliance(c, aA2)).requirements, (r) => r.source === 'CAMPAIGN')).toMatchObject({ counted: 0, met: false });
    // Outside the region and before the start: nothing.
    expect((await compliance(c, cB1, undefined, c.admin)).requirements.filter((r) => r.source === 'CAMPAIGN')).toEqual([]);
    expect((await compliance(c, cA1, '2026-11-09')).requirements.filter((r) => r.source === 'CAMPAIGN')).toEqual([]);

    await visit(c, cA1, '2026-11-14', 'PHONE');
    expect(bySource((await compliance(c, cA1)).requirements, (r) => r.source === 'CAMPAIGN')).toMatchObject({ counted: 2, met: true, dueBy: null });

    expect((ok(await c.t.exec<any>(c.town, CAMPAIGNS, { activeOn: '2026-11-15' })).campaigns as any[]).map((x) => x.id)).toEqual([period.id]);
    expect(ok(await c.t.exec<any>(c.town, CAMPAIGNS, { activeOn: '2026-11-21' })).campaigns).toEqual([]);
    const townB = await c.t.user('TOWN_OPERATOR', REGIONS.townB);
    expect(ok(await c.t.exec<any>(townB, CAMPAIGNS, {})).campaigns).toEqual([]);

    // After its end: gone.
    c.t.clock.set('2026-11-21T02:00:00Z');
    expect((await compliance(c, cA1, '2026-11-21')).requirements.filter((r) => r.source === 'CAMPAIGN')).toEqual([]);
    expect((await compliance(c, cA1, '2026-11-20')).requirements.filter((r) => r.source === 'CAMPAIGN')).toHaveLength(1);
    c.t.clock.set(TODAY);
  });

  it('a weekly campaign for class A goes overdue week by week; cancelling removes it at once', async () => {
    const weekly = ok(
      await c.t.exec<any>(c.admin, CREATE_CAMPAIGN, {
        input: { ...base, name: '春节前每周上门', classes: ['A'], window: 'WEEK', minCount: 1, homeOnly: true, startsOn: '2026-11-09', endsOn: '2026-11-29', reasonKind: 'FESTIVAL' },
      }),
    ).createCampaign;
    expect(weekly).toMatchObject({ classes: ['A'], window: 'WEEK', homeOnly: true });
    const week = bySource((await compliance(c, aA2)).requirements, (r) => r.requirementId === weekly.id);
    expect(week).toMatchObject({ windowStart: '2026-11-09', windowEnd: '2026-11-15', homeOnly: true, counted: 0, met: false, overdue: false, dueBy: '2026-11-15' });
    // Class C is not in it.
    expect((await compliance(c, cA1)).requirements.filter((r) => r.requirementId === weekly.id)).toEqual([]);

    c.t.clock.set('2026-11-18T02:00:00Z');
    const wednesday = await compliance(c, aA2);
    expect(bySource(wednesday.requirements, (r) => r.requirementId === weekly.id)).toMatchObject({
      windowStart: '2026-11-16',
      windowEnd: '2026-11-22',
      overdue: true,
      daysOverdue: 3,
    });
    expect(wednesday).toMatchObject({ overdue: true, daysOverdue: 3 });
    // A phone call does not count for a home-only campaign.
    await visit(c, aA2, '2026-11-17', 'PHONE');
    expect(bySource((await compliance(c, aA2)).requirements, (r) => r.requirementId === weekly.id)).toMatchObject({ counted: 0, overdue: true });

    expect(fieldsOf(await c.t.exec(c.admin, CANCEL_CAMPAIGN, { id: weekly.id, reason: '' }))).toEqual(['reason']);
    const cancelled = ok(await c.t.exec<any>(c.admin, CANCEL_CAMPAIGN, { id: weekly.id, reason: '寒潮解除' })).cancelCampaign;
    expect(cancelled.cancelledAt).toBe('2026-11-18T02:00:00.000Z');
    const after = await compliance(c, aA2);
    expect(after.requirements.filter((r) => r.source === 'CAMPAIGN').map((r) => r.requirementId)).toEqual([period.id]);
    expect(after.requirements.some((r) => r.overdue)).toBe(false);
    expect((ok(await c.t.exec<any>(c.town, CAMPAIGNS, { activeOn: '2026-11-18' })).campaigns as any[]).map((x) => x.id)).toEqual([period.id]);
    // It stops from the day it is cancelled: the days before keep what was asked then (a past report does not change).
    expect(bySource((await compliance(c, aA2, '2026-11-17')).requirements, (r) => r.requirementId === weekly.id)).toMatchObject({ overdue: true, daysOverdue: 2 });
    expect(codeOf(await c.t.exec(c.admin, CANCEL_CAMPAIGN, { id: weekly.id, reason: '再次取消' }))).toBe('NOT_FOUND');
    c.t.clock.set(TODAY);
  });

  it('refuses bad campaigns and callers without the right', async () => {
    const bad = async (input: Record<string, unknown>, as: TestUser = c.admin) => c.t.exec(as, CREATE_CAMPAIGN, { input: { ...base, ...input } });
    const backwards = await bad({ startsOn: '2026-11-20', endsOn: '2026-11-19' });
    expect(codeOf(backwards)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(backwards)).toEqual(['endsOn']);
    expect(fieldsOf(await bad({ startsOn: '2026-11-01', endsOn: '2026-11-14' }))).toEqual(['endsOn']);
    expect(fieldsOf(await bad({ window: 'QUARTER' }))).toEqual(['window']);
    expect(fieldsOf(await bad({ minCount: 0 }))).toEqual(['minCount']);
    expect(fieldsOf(await bad({ window: 'DAYS' }))).toEqual(['windowDays']);
    expect(fieldsOf(await bad({ name: ' ', reason: 'x' })).sort()).toEqual(['name', 'reason']);
    expect(codeOf(await bad({ regionCode: REGIONS.townB }, c.town))).toBe('FORBIDDEN');
    const village = await c.t.user('VILLAGE_WORKER', REGIONS.villageA1);
    expect(codeOf(await bad({}, village))).toBe('FORBIDDEN');
    const [{ n }] = await c.t.sql(`select count(*)::int as n from campaign`);
    expect(n).toBe(2);
  });
});

describe('visit standards: raises, the baseline and templates', () => {
  const c = useApp();
  let cA1 = '';
  let cA2 = '';
  let poorA1 = '';
  let raise: any;

  beforeAll(async () => {
    cA1 = (await registerAt(c, '2026-11-01T02:00:00Z', CLASS_C)).id;
    cA2 = (await registerAt(c, '2026-11-01T02:00:00Z', { ...CLASS_C, regionCode: REGIONS.villageA2 })).id;
    poorA1 = (await registerAt(c, '2026-11-01T02:00:00Z', { circumstances: ['EXTREME_POVERTY'], extremePovertyKind: 'DISPERSED' })).id;
    await visit(c, cA1, '2026-11-03', 'PHONE');
    await visit(c, cA2, '2026-11-03', 'PHONE');
    await visit(c, poorA1, '2026-11-03', 'HOME');
  });

  it('lists the Kaiping baseline and the templates', async () => {
    const list = ok(await c.t.exec<any>(c.town, STANDARDS, { includeTemplates: true, includeRetired: false })).visitStandards as any[];
    const baseline = list.find((s) => s.baseline);
    expect(baseline).toMatchObject({ code: 'KAIPING-2024', regionCode: REGIONS.city, effectiveFrom: '2024-04-15', template: false, retiredAt: null });
    expect(baseline.requirements.map((r: any) => [r.class, r.minCount, r.window, r.homeOnly])).toEqual([
      ['A', 1, 'MONTH', true],
      ['B', 1, 'MONTH', false],
      ['B', 1, 'HALF_YEAR', true],
      ['C', 1, 'MONTH', false],
      ['C', 1, 'YEAR', true],
    ]);
    expect(list.filter((s) => s.template).map((s) => s.code).sort()).toEqual(['EPIDEMIC-DAILY', 'HUINING-CARE-2022', 'HUINING-INCAPACITATED-2022', 'SHANGHAI-JIANGPU-2024']);
    const noTemplates = ok(await c.t.exec<any>(c.town, STANDARDS, { includeTemplates: false, includeRetired: false })).visitStandards as any[];
    expect(noTemplates.map((s) => s.code)).toEqual(['KAIPING-2024']);
  });

  it('a region raise applies to that village only and adds to the baseline', async () => {
    raise = ok(
      await c.t.exec<any>(c.town, CREATE_STANDARD, {
        input: { name: '东河社区C类每月两次探访', regionCode: REGIONS.villageA1, requirements: [{ class: 'C', minCount: 2, window: 'MONTH' }] },
      }),
    ).createVisitStandard;
    expect(raise).toMatchObject({ regionCode: REGIONS.villageA1, baseline: false, template: false, effectiveFrom: '2026-11-15', retiredAt: null });
    expect(raise.requirements).toEqual([
      expect.objectContaining({ class: 'C', circumstance: null, activity: 'VISIT', minCount: 2, window: 'MONTH', homeOnly: false, windowDays: null }),
    ]);

    const a1 = await compliance(c, cA1);
    expect(a1.requirements).toHaveLength(3);
    expect(bySource(a1.requirements, (r) => r.sourceName === '东河社区C类每月两次探访')).toMatchObject({
      minCount: 2,
      windowStart: '2026-11-01',
      windowEnd: '2026-11-30',
      counted: 1,
      met: false,
      overdue: false,
      dueBy: '2026-11-30',
    });
    // The baseline's monthly requirement is still there, and met.
    expect(bySource(a1.requirements, (r) => r.sourceName.startsWith('开平市') && r.window === 'MONTH')).toMatchObject({ minCount: 1, met: true });
    const a2 = await compliance(c, cA2);
    expect(a2.requirements.map((r) => r.sourceName)).toEqual(['开平市特殊困难老年人探访关爱服务标准', '开平市特殊困难老年人探访关爱服务标准']);
    // Not before it took effect: the raise cannot make the past overdue.
    expect((await compliance(c, cA1, '2026-11-14')).requirements).toHaveLength(2);

    await visit(c, cA1, '2026-11-10', 'VIDEO');
    expect(bySource((await compliance(c, cA1)).requirements, (r) => r.requirementId === raise.requirements[0].id)).toMatchObject({ counted: 2, met: true });
  });

  it('refuses bad raises and a region outside the jurisdiction', async () => {
    const input = { name: '提高标准', regionCode: REGIONS.villageA1, requirements: [{ class: 'C', minCount: 2, window: 'MONTH' }] };
    const create = (over: Record<string, unknown>, as: TestUser = c.town) => c.t.exec(as, CREATE_STANDARD, { input: { ...input, ...over } });
    const past = await create({ effectiveFrom: '2026-11-14' });
    expect(codeOf(past)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(past)).toEqual(['effectiveFrom']);
    expect(fieldsOf(await create({ requirements: [] }))).toEqual(['requirements']);
    expect(fieldsOf(await create({ requirements: [{ minCount: 1, window: 'PERIOD' }] }))).toEqual(['requirements.0.window']);
    expect(fieldsOf(await create({ requirements: [{ minCount: 32, window: 'MONTH' }] }))).toEqual(['requirements.0.minCount']);
    expect(fieldsOf(await create({ requirements: [{ minCount: 1, window: 'DAYS' }] }))).toEqual(['requirements.0.windowDays']);
    expect(fieldsOf(await create({ requirements: [{ activity: 'CLEANING', minCount: 1, window: 'WEEK', homeOnly: true }] }))).toEqual(['requirements.0.homeOnly']);
    expect(codeOf(await create({ regionCode: REGIONS.villageB1 }))).toBe('FORBIDDEN');
    const village = await c.t.user('VILLAGE_WORKER', REGIONS.villageA1);
    expect(codeOf(await create({}, village))).toBe('FORBIDDEN');
  });

  it('never retires the baseline; retiring a raise returns the village to the baseline', async () => {
    const list = ok(await c.t.exec<any>(c.admin, STANDARDS, { includeTemplates: false, includeRetired: false })).visitStandards as any[];
    const baseline = list.find((s) => s.baseline);
    const refused = await c.t.exec(c.admin, RETIRE_STANDARD, { id: baseline.id, reason: '不再执行' });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    // Above a town operator's jurisdiction: not theirs to retire.
    expect(codeOf(await c.t.exec(c.town, RETIRE_STANDARD, { id: baseline.id, reason: '不再执行' }))).toBe('NOT_FOUND');
    const [{ retired }] = await c.t.sql(`select count(*)::int as retired from visit_standard where baseline and retired_at is not null`);
    expect(retired).toBe(0);

    const townB = await c.t.user('TOWN_OPERATOR', REGIONS.townB);
    expect(codeOf(await c.t.exec(townB, RETIRE_STANDARD, { id: raise.id, reason: '停用' }))).toBe('NOT_FOUND');
    c.t.clock.set('2026-11-20T02:00:00Z');
    const done = ok(await c.t.exec<any>(c.town, RETIRE_STANDARD, { id: raise.id, reason: '试点结束' })).retireVisitStandard;
    expect(done.retiredAt).toBe('2026-11-20T02:00:00.000Z');
    expect((await compliance(c, cA1)).requirements).toHaveLength(2);
    // From the day it is retired: the days before keep the raise (a past report does not change).
    const before = await compliance(c, cA1, '2026-11-19');
    expect(before.requirements).toHaveLength(3);
    expect(bySource(before.requirements, (r) => r.requirementId === raise.requirements[0].id)).toMatchObject({ counted: 2, met: true });
    c.t.clock.set(TODAY);
    const withRetired = ok(await c.t.exec<any>(c.town, STANDARDS, { includeTemplates: false, includeRetired: true })).visitStandards as any[];
    expect(withRetired.map((s) => s.id)).toContain(raise.id);
    expect(codeOf(await c.t.exec(c.town, RETIRE_STANDARD, { id: raise.id, reason: '再次停用' }))).toBe('NOT_FOUND');
  });

  it('adopting the Huining template adds care requirements for extreme-poverty elders, met by care services', async () => {
    const templates = ok(await c.t.exec<any>(c.town, STANDARDS, { includeTemplates: true, includeRetired: false })).visitStandards as any[];
    const huining = templates.find((s) => s.code === 'HUINING-CARE-2022');
    expect(huining).toMatchObject({ template: true, regionCode: null });

    expect(fieldsOf(await c.t.exec(c.town, ADOPT_STANDARD, { templateId: huining.id, regionCode: REGIONS.townA, effectiveFrom: '2026-11-01' }))).toEqual(['effectiveFrom']);
    expect(codeOf(await c.t.exec(c.town, ADOPT_STANDARD, { templateId: huining.id, regionCode: REGIONS.townB }))).toBe('FORBIDDEN');
    const baseline = templates.find((s) => s.baseline);
    expect(codeOf(await c.t.exec(c.town, ADOPT_STANDARD, { templateId: baseline.id, regionCode: REGIONS.townA }))).toBe('NOT_FOUND');

    const adopted = ok(await c.t.exec<any>(c.town, ADOPT_STANDARD, { templateId: huining.id, regionCode: REGIONS.townA })).adoptVisitStandard;
    expect(adopted).toMatchObject({ regionCode: REGIONS.townA, template: false, baseline: false, effectiveFrom: '2026-11-15' });
    expect(adopted.requirements.map((r: any) => [r.circumstance, r.activity, r.minCount, r.window])).toEqual([
      ['EXTREME_POVERTY', 'CLEANING', 1, 'WEEK'],
      ['EXTREME_POVERTY', 'LAUNDRY', 1, 'HALF_MONTH'],
      ['EXTREME_POVERTY', 'HAIRCUT', 1, 'MONTH'],
    ]);

    const before = await compliance(c, poorA1);
    const care = before.requirements.filter((r) => r.activity !== 'VISIT');
    expect(care.map((r) => [r.activity, r.windowStart, r.windowEnd, r.counted, r.met])).toEqual(
      expect.arrayContaining([
        ['CLEANING', '2026-11-09', '2026-11-15', 0, false],
        ['LAUNDRY', '2026-11-01', '2026-11-15', 0, false],
        ['HAIRCUT', '2026-11-01', '2026-11-30', 0, false],
      ]),
    );
    expect(care).toHaveLength(3);
    expect(before).toMatchObject({ met: false, dueBy: '2026-11-15' });
    // Elders without the circumstance get none.
    expect((await compliance(c, cA1)).requirements.filter((r) => r.activity !== 'VISIT')).toEqual([]);

    const cleaning = ok(await c.t.exec<any>(c.town, RECORD_CARE, { input: { elderId: poorA1, kind: 'CLEANING', deliveredOn: '2026-11-13', content: '打扫卧室和厨房' } })).recordCareService;
    expect(cleaning).toMatchObject({ kind: 'CLEANING', deliveredOn: '2026-11-13', visitId: null });
    ok(await c.t.exec(c.town, RECORD_CARE, { input: { elderId: poorA1, kind: 'HAIRCUT', deliveredOn: '2026-11-10' } }));
    // A service delivered on a visit counts too.
    const withLaundry = await visit(c, poorA1, '2026-11-12', 'HOME', { careServices: [{ kind: 'LAUNDRY', content: '洗床单' }] });
    expect(withLaundry.careServices).toEqual([{ kind: 'LAUNDRY', deliveredOn: '2026-11-12' }]);
    // A meal is not one of the required services.
    ok(await c.t.exec(c.town, RECORD_CARE, { input: { elderId: poorA1, kind: 'MEAL', deliveredOn: '2026-11-14' } }));

    const after = await compliance(c, poorA1);
    expect(after.requirements.filter((r) => r.activity !== 'VISIT').every((r) => r.met && r.counted === 1)).toBe(true);
    expect(after).toMatchObject({ met: true, overdue: false });
    expect(codeOf(await c.t.exec(c.town, RECORD_CARE, { input: { elderId: poorA1, kind: 'CLEANING', deliveredOn: '2026-11-16' } }))).toBe('BAD_USER_INPUT');
  });
});

describe('overdueElders', () => {
  const c = useApp();
  const e: Record<string, string> = {};

  beforeAll(async () => {
    const at = '2026-08-01T02:00:00Z';
    e.aLong = (await registerAt(c, at, { ...CLASS_A, name: '甲长' })).id;
    e.aShort = (await registerAt(c, at, { ...CLASS_A, name: '甲短', regionCode: REGIONS.villageA2 })).id;
    e.cFine = (await registerAt(c, at, { ...CLASS_C, name: '丙好' })).id;
    e.bLong = (await registerAt(c, at, { ...CLASS_B, name: '乙长', regionCode: REGIONS.villageA2 })).id;
    e.aTownB = (await registerAt(c, at, { ...CLASS_A, name: '甲乙镇', regionCode: REGIONS.villageB1 }, c.admin)).id;
    e.aNew = (await registerAt(c, TODAY, { ...CLASS_A, name: '甲新' })).id;
    await visit(c, e.aLong!, '2026-08-05');
    await visit(c, e.aShort!, '2026-08-05');
    await visit(c, e.aShort!, '2026-09-05');
    for (const day of ['2026-08-05', '2026-09-05', '2026-10-05', '2026-11-05']) await visit(c, e.cFine!, day, 'PHONE');
    await visit(c, e.bLong!, '2026-08-05', 'PHONE');
    await visit(c, e.aTownB!, '2026-08-05', 'HOME', {}, c.admin);
  });

  it('lists only the overdue elders of the subtree, most overdue first (class A before B on a tie)', async () => {
    const list = ok(await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.townA, asOf: '2026-11-15' })).overdueElders;
    expect(list.totalCount).toBe(3);
    expect(list.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(list.nodes.map((n: any) => [n.elder.name, n.class, n.daysOverdue])).toEqual([
      ['甲长', 'A', 46],
      ['乙长', 'B', 46],
      ['甲短', 'A', 15],
    ]);
    const [first, second] = list.nodes;
    expect(first.elder).toMatchObject({ id: e.aLong, region: { code: REGIONS.villageA1 }, classification: { class: 'A' } });
    expect(first.requirements).toEqual([
      expect.objectContaining({ window: 'MONTH', homeOnly: true, overdue: true, daysOverdue: 46, windowStart: '2026-11-01', counted: 0 }),
    ]);
    // Only the overdue requirements: B's half-year home visit is due, not overdue.
    expect(second.requirements).toEqual([expect.objectContaining({ window: 'MONTH', homeOnly: false, overdue: true, daysOverdue: 46 })]);

    const earlier = ok(await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.townA, asOf: '2026-10-15' })).overdueElders;
    expect(earlier.nodes.map((n: any) => [n.elder.name, n.daysOverdue])).toEqual([
      ['甲长', 15],
      ['乙长', 15],
    ]);
    const village = ok(await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.villageA2 })).overdueElders;
    expect(village.nodes.map((n: any) => n.elder.name)).toEqual(['乙长', '甲短']);
    // Default region: the caller's jurisdiction; default date: today.
    const mine = ok(await c.t.exec<any>(c.town, OVERDUE, {})).overdueElders;
    expect(mine.nodes.map((n: any) => n.elder.name)).toEqual(['甲长', '乙长', '甲短']);
    const county = ok(await c.t.exec<any>(c.admin, OVERDUE, {})).overdueElders;
    expect(county.totalCount).toBe(4);
    expect(county.nodes.map((n: any) => n.elder.name).sort()).toEqual(['乙长', '甲乙镇', '甲短', '甲长'].sort());

    // A visit today takes the elder off the list.
    await visit(c, e.aShort!, '2026-11-15');
    const fewer = ok(await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.townA })).overdueElders;
    expect(fewer.nodes.map((n: any) => n.elder.name)).toEqual(['甲长', '乙长']);
    const [{ n }] = await c.t.sql(`select count(*)::int as n from visit where elder_id = $1`, [e.aShort]);
    expect(n).toBe(3);
  });

  it('pages with first and after, keeping the total', async () => {
    const page = (after?: string) => c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.townA, asOf: '2026-11-14', first: 1, after });
    const p1 = ok(await page()).overdueElders;
    expect(p1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect(p1.nodes.map((n: any) => n.elder.name)).toEqual(['甲长']);
    const p2 = ok(await page(p1.pageInfo.endCursor)).overdueElders;
    expect(p2).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: true } });
    expect(p2.nodes.map((n: any) => n.elder.name)).toEqual(['乙长']);
    const p3 = ok(await page(p2.pageInfo.endCursor)).overdueElders;
    expect(p3).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false } });
    expect(p3.nodes.map((n: any) => n.elder.name)).toEqual(['甲短']);
    const past = ok(await page(p3.pageInfo.endCursor)).overdueElders;
    expect(past).toMatchObject({ totalCount: 3, nodes: [], pageInfo: { hasNextPage: false } });
  });

  it('refuses a future asOf, a region outside the jurisdiction, a bad cursor and a bad page size', async () => {
    const future = await c.t.exec(c.town, OVERDUE, { asOf: '2026-11-16' });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(future)).toEqual(['asOf']);
    expect(codeOf(await c.t.exec(c.town, OVERDUE, { asOf: '2026-13-01' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.t.exec(c.town, OVERDUE, { regionCode: REGIONS.townB }))).toBe('FORBIDDEN');
    expect(codeOf(await c.t.exec(c.town, OVERDUE, { regionCode: REGIONS.city }))).toBe('FORBIDDEN');
    expect(codeOf(await c.t.exec(c.town, OVERDUE, { after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.t.exec(c.town, OVERDUE, { first: 0 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.t.exec(c.town, OVERDUE, { first: 101 }))).toBe('BAD_USER_INPUT');
  });
});

describe('overdueElders cost', () => {
  const c = useApp();

  it('runs the same number of SQL statements for 3 and for 10 overdue elders', async () => {
    const add = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const village = i % 2 === 0 ? REGIONS.villageA1 : REGIONS.villageA2;
        await registerAt(c, '2026-08-01T02:00:00Z', { ...(i % 3 === 0 ? CLASS_C : CLASS_A), regionCode: village });
      }
    };
    await add(3);
    const three = await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.townA });
    expect(ok(three).overdueElders.totalCount).toBe(3);
    expect(ok(three).overdueElders.nodes).toHaveLength(3);
    await add(7);
    const ten = await c.t.exec<any>(c.town, OVERDUE, { regionCode: REGIONS.townA });
    expect(ok(ten).overdueElders.totalCount).toBe(10);
    expect(ok(ten).overdueElders.nodes).toHaveLength(10);
    expect(ten.sqlStatements).toBe(three.sqlStatements);
    expect(three.sqlStatements).toBeLessThanOrEqual(6);
  });
});
