import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  getVariableValues,
  parse,
  validate,
  type OperationDefinitionNode,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printAppSchema } from '../../packages/api/src/graphql/schema.js';
import { parsePeriod } from '../../packages/api/src/modules/reports/reports.service.js';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * The statistics table (情况统计表, issue 5): `report(regionCode, period)` with its children one level down, on
 * constructed history (registrations, visits and closings at their dates through the controlled clock); the period
 * grammar; and integrators, who get aggregates with counts of 1 to 4 withheld and nothing person-level.
 */

/** The default clock: 2026-11-15 10:00 in China. October 2026 is the last finished month. */
const TODAY = '2026-11-15T02:00:00Z';
const COMMITTED_SCHEMA = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../packages/schema/schema.graphql');

const CLASS_A = { circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL' };
const CLASS_B = { circumstances: ['CARER_OF_DEPENDENT_CHILD'] };
const CLASS_C = { circumstances: ['LIVING_ALONE'] };

const FIGURE_FIELDS = [
  'elders',
  'eldersByClass',
  'eldersByCircumstance',
  'eldersWithContact',
  'visitorsByKind',
  'teamsByKind',
  'visits',
  'visitsByMethod',
  'visitRate',
  'overdueElders',
  'alertsOpenedByKind',
  'alertsOpenedByAgency',
  'alertsResolved',
  'refusals',
  'candidatesFound',
  'candidatesEnrolled',
  'visitsWithLocation',
  'visitsSigned',
  'visitsFlagged',
  'visitsByFlag',
];
const FIGURES = `elders eldersByClass { key count } eldersByCircumstance { key count } eldersWithContact
  visitorsByKind { key count } teamsByKind { key count } visits visitsByMethod { key count }
  visitRate { numerator denominator rate } overdueElders alertsOpenedByKind { key count } alertsOpenedByAgency { key count }
  alertsResolved refusals candidatesFound candidatesEnrolled visitsWithLocation visitsSigned visitsFlagged visitsByFlag { key count }`;
const REPORT = `query($regionCode: String, $period: String!) { report(regionCode: $regionCode, period: $period) {
  region { code name level } period from to asOf suppressed
  figures { ${FIGURES} }
  children { region { code name } figures { ${FIGURES} } } } }`;

const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id visitedOn method alertIds } }`;
const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id status statusDate version } }`;
const REFUSE = `mutation($id: ID!, $version: Int!, $input: RecordRefusalInput!) { recordRefusal(elderId: $id, version: $version, input: $input) { id acceptsVisits version } }`;
const CREATE_CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id startsOn endsOn window } }`;
const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id kind regionCode } }`;
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id kind regionCode } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!) { referAlert(id: $id, version: $version, to: $to) { id version } }`;
const RESOLVE = `mutation($id: ID!, $version: Int!, $resolution: String!) { resolveAlert(id: $id, version: $version, resolution: $resolution) { id version } }`;

interface CountBy {
  key: string;
  count: number | null;
}
interface Figures {
  elders: number | null;
  eldersByClass: CountBy[];
  eldersByCircumstance: CountBy[];
  eldersWithContact: number | null;
  visitorsByKind: CountBy[];
  teamsByKind: CountBy[];
  visits: number | null;
  visitsByMethod: CountBy[];
  visitRate: { numerator: number | null; denominator: number | null; rate: number | null };
  overdueElders: number | null;
  alertsOpenedByKind: CountBy[];
  alertsOpenedByAgency: CountBy[];
  alertsResolved: number | null;
  refusals: number | null;
  candidatesFound: number | null;
  candidatesEnrolled: number | null;
  visitsWithLocation: number | null;
  visitsSigned: number | null;
  visitsFlagged: number | null;
  visitsByFlag: CountBy[];
}
interface Report {
  region: { code: string; name: string; level: number };
  period: string;
  from: string;
  to: string;
  asOf: string;
  suppressed: boolean;
  figures: Figures;
  children: { region: { code: string; name: string }; figures: Figures }[];
}

/** A CountBy list as an object, for exact comparisons. */
const byKey = (list: CountBy[]) => Object.fromEntries(list.map((c) => [c.key, c.count]));

/** Every figure of a region with no data: zeros and empty lists. */
const EMPTY: Figures = {
  elders: 0,
  eldersByClass: [],
  eldersByCircumstance: [],
  eldersWithContact: 0,
  visitorsByKind: [],
  teamsByKind: [],
  visits: 0,
  visitsByMethod: [],
  visitRate: { numerator: 0, denominator: 0, rate: null },
  overdueElders: 0,
  alertsOpenedByKind: [],
  alertsOpenedByAgency: [],
  alertsResolved: 0,
  refusals: 0,
  candidatesFound: 0,
  candidatesEnrolled: 0,
  visitsWithLocation: 0,
  visitsSigned: 0,
  visitsFlagged: 0,
  visitsByFlag: [],
};

interface Ctx {
  t: TestApp;
  admin: TestUser;
  town: TestUser;
}

function useApp(): Ctx {
  const ctx = {} as Ctx;
  beforeAll(async () => {
    ctx.t = await createTestApp();
    ctx.admin = await ctx.t.user('ADMIN', REGIONS.city);
    ctx.town = await ctx.t.user('TOWN_OPERATOR', REGIONS.townA);
  });
  afterAll(() => ctx.t.close());
  return ctx;
}

/** Runs `fn` with the clock at `iso`, then puts it back to TODAY. */
async function at<T>(c: Ctx, iso: string, fn: () => Promise<T>): Promise<T> {
  c.t.clock.set(iso);
  try {
    return await fn();
  } finally {
    c.t.clock.set(TODAY);
  }
}

/** Registers an elder on `day` (09:00 China): the registration is dated by the clock. */
function registerOn(c: Ctx, day: string, input: Record<string, unknown>, as: TestUser = c.admin) {
  return at(c, `${day}T01:00:00Z`, () => registerElder(c.t, as, input));
}

/**
 * A visit dated `day` (10:00 China), entered on `enteredOn` (default: the same day, 11:00 China): a visit entered
 * after its month has ended is a late entry.
 */
function visit(c: Ctx, elderId: string, day: string, method = 'HOME', extra: Record<string, unknown> = {}, enteredOn = day) {
  return at(c, `${enteredOn}T03:00:00Z`, async () =>
    ok(await c.t.exec<any>(c.admin, RECORD_VISIT, { input: { elderId, visitedAt: `${day}T02:00:00Z`, method, ...extra } })).recordVisit,
  );
}

async function report(c: Ctx, as: TestUser, period: string, regionCode?: string): Promise<Report> {
  return ok(await c.t.exec<{ report: Report }>(as, REPORT, { period, regionCode })).report;
}

const childOf = (r: Report, code: string): Figures => {
  const found = r.children.find((ch) => ch.region.code === code);
  expect(found, code).toBeDefined();
  return found!.figures;
};

/** Root Query and Mutation field names: from the committed contract and from the schema the code builds now. */
async function rootFields(): Promise<{ live: GraphQLSchema; query: string[]; mutation: string[] }> {
  const committed = buildSchema(fs.readFileSync(COMMITTED_SCHEMA, 'utf8'));
  const live = buildSchema(await printAppSchema());
  const names = (s: GraphQLSchema, root: 'Query' | 'Mutation') => Object.keys((s.getType(root) as GraphQLObjectType).getFields());
  const union = (root: 'Query' | 'Mutation') => [...new Set([...names(committed, root), ...names(live, root)])].sort();
  return { live, query: union('Query'), mutation: union('Mutation') };
}

describe('report figures on constructed history (October 2026)', () => {
  const c = useApp();
  const e: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { t, admin } = c;
    // A campaign, opened before it starts, on 东河社区's class A elders from 20 October to the end of the month: a
    // requirement whose window ends in the month.
    const endOfMonth = await at(c, '2026-09-30T02:00:00Z', async () =>
      ok(await t.exec<any>(admin, CREATE_CAMPAIGN, {
        input: { name: '重阳节叠加探访', regionCode: REGIONS.villageA1, classes: ['A'], reasonKind: 'FESTIVAL', reason: '重阳节前后加密探访', startsOn: '2026-10-20', endsOn: '2026-10-31', minCount: 1, window: 'PERIOD' },
      })).createCampaign,
    );
    expect(endOfMonth).toMatchObject({ startsOn: '2026-10-20', endsOn: '2026-10-31', window: 'PERIOD' });

    // ---- 东河社区 (villageA1)
    const a1 = { regionCode: REGIONS.villageA1 };
    e.a1MissedCampaign = (await registerOn(c, '2026-09-01', { ...CLASS_A, ...a1 })).id;
    e.a1Campaign = (await registerOn(c, '2026-09-01', { ...CLASS_A, ...a1 })).id;
    e.a1Phone = (await registerOn(c, '2026-09-01', { ...CLASS_A, ...a1 })).id;
    e.a1Late = (await registerOn(c, '2026-09-01', { ...CLASS_A, ...a1 })).id;
    e.b1Ok = (await registerOn(c, '2026-03-01', { ...CLASS_B, ...a1 })).id;
    e.b1NoHome = (await registerOn(c, '2026-03-01', { ...CLASS_B, ...a1 })).id;
    e.c1Refused = (await registerOn(c, '2026-09-01', { ...CLASS_C, ...a1 })).id;
    // ---- 新安社区 (villageA2)
    const a2 = { regionCode: REGIONS.villageA2 };
    e.a2Deceased = (await registerOn(c, '2026-09-01', { ...CLASS_A, ...a2 })).id;
    e.c2Ok = (await registerOn(c, '2025-11-01', { ...CLASS_C, ...a2 })).id;
    e.c2NoYear = (await registerOn(c, '2025-06-01', { ...CLASS_C, ...a2 })).id;
    e.b2NoOctober = (await registerOn(c, '2026-09-01', { ...CLASS_B, ...a2 })).id;
    e.c2RefusedDied = (await registerOn(c, '2026-09-01', { ...CLASS_C, ...a2 })).id;
    // ---- 沙塘墟社区 (villageB1)
    const b1 = { regionCode: REGIONS.villageB1 };
    e.tbA = (await registerOn(c, '2026-09-01', { ...CLASS_A, ...b1 })).id;
    e.tbC = (await registerOn(c, '2026-09-01', { ...CLASS_C, ...b1 })).id;
    // Living alone, 80 on 20 October: class C in September, class A (80 and alone) from then on.
    e.tb80 = (await registerOn(c, '2026-09-01', { ...CLASS_C, ...b1, idNumber: idNumberFor('1946-10-20', false) })).id;
    // Registered after October: in no October figure.
    e.lateRegistered = (await registerOn(c, '2026-11-02', { ...CLASS_A, ...a1 })).id;

    // Visits, entered on their day unless said otherwise.
    await visit(c, e.a1MissedCampaign!, '2026-09-10');
    await visit(c, e.a1MissedCampaign!, '2026-10-12'); // home visit met, campaign (20-31 Oct) missed
    await visit(c, e.a1Campaign!, '2026-10-05');
    const moodWorse = await visit(c, e.a1Campaign!, '2026-10-22', 'PHONE', { mood: 'WORSE' }); // campaign met; raises MOOD_WORSE
    expect(moodWorse.alertIds).toHaveLength(1);
    await visit(c, e.a1Phone!, '2026-09-10');
    await visit(c, e.a1Phone!, '2026-10-22', 'PHONE'); // campaign met, monthly home visit not
    const late = await visit(c, e.a1Late!, '2026-10-25', 'HOME', {}, '2026-11-10'); // entered in November, dated in October
    expect(late.visitedOn).toBe('2026-10-25');
    await visit(c, e.b1Ok!, '2026-04-10'); // the first half-year's home visit
    await visit(c, e.b1Ok!, '2026-10-05', 'PHONE');
    await visit(c, e.b1NoHome!, '2026-10-05', 'PHONE'); // monthly met; no home visit in the first half-year
    await visit(c, e.c1Refused!, '2026-09-10', 'PHONE');
    await visit(c, e.a2Deceased!, '2026-09-05');
    await visit(c, e.c2Ok!, '2025-11-10'); // 2025's yearly home visit
    await visit(c, e.c2Ok!, '2026-10-08', 'PHONE');
    await visit(c, e.c2NoYear!, '2026-10-08', 'VIDEO'); // monthly met; no home visit in 2025
    await visit(c, e.b2NoOctober!, '2026-09-05', 'PHONE');
    await visit(c, e.tbA!, '2026-09-03');
    await visit(c, e.tbA!, '2026-10-03');
    await visit(c, e.tbC!, '2026-09-03', 'PHONE');
    await visit(c, e.tbC!, '2026-10-10', 'PHONE');
    await visit(c, e.tb80!, '2026-09-03', 'PHONE');
    await visit(c, e.tb80!, '2026-10-25'); // class A by then: a home visit
    await visit(c, e.lateRegistered!, '2026-11-03');

    // Closings and refusals, entered today with their effective dates.
    ok(await t.exec(admin, CLOSE, { id: e.a2Deceased, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-10-15', reason: '病故' } }));
    ok(await t.exec(admin, REFUSE, { id: e.c1Refused, version: 1, input: { refusedOn: '2026-10-20', reason: '子女同住照看，不需要探访', talkedWith: '谢社工' } }));
    const refused = ok(await t.exec<any>(admin, REFUSE, { id: e.c2RefusedDied, version: 1, input: { refusedOn: '2026-10-10', reason: '老人表示不需要探访', talkedWith: '谢社工' } })).recordRefusal;
    ok(await t.exec(admin, CLOSE, { id: e.c2RefusedDied, version: refused.version, input: { status: 'DECEASED', effectiveDate: '2026-11-05', reason: '病故' } }));

    // Teams and visitors set up on 10 September (one of them leaves on 20 October), one of each more in November;
    // responsible contacts (结对) from September, one only from November.
    const team = (kind: string, regionCode: string, day = '2026-09-10') =>
      at(c, `${day}T02:00:00Z`, async () => ok(await t.exec<any>(admin, CREATE_TEAM, { input: { name: `${kind} ${regionCode}`, kind, regionCode } })).createTeam.id);
    ids.teamA1 = await team('VISITING', REGIONS.villageA1);
    ids.teamTownA = await team('DAILY_CONTACT', REGIONS.townA);
    ids.teamB1 = await team('VISITING', REGIONS.villageB1);
    ids.teamA2November = await team('SURVEY', REGIONS.villageA2, '2026-11-05');
    const visitor = (kind: string, regionCode: string, teamId?: string, day = '2026-09-10') =>
      at(c, `${day}T02:00:00Z`, async () =>
        ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: `探访员${kind.slice(0, 4)}`, kind, regionCode, teamId } })).createVisitor.id);
    ids.visitorA1 = await visitor('VILLAGE_STAFF', REGIONS.villageA1, ids.teamA1);
    ids.visitorA1b = await visitor('VOLUNTEER', REGIONS.villageA1, ids.teamA1);
    ids.visitorA2 = await visitor('SOCIAL_WORKER', REGIONS.villageA2);
    ids.visitorB1 = await visitor('VILLAGE_STAFF', REGIONS.villageB1, ids.teamB1);
    ids.visitorA2November = await visitor('PEER_ELDER', REGIONS.villageA2, undefined, '2026-11-05');
    await at(c, '2026-10-21T02:00:00Z', async () =>
      ok(await t.exec(admin, `mutation($from: ID!, $to: ID!) { reassignVisitor(from: $from, to: $to, leftOn: "2026-10-20", reason: "离岗") { ended } }`, { from: ids.visitorA1b, to: ids.visitorA1 })),
    );
    const assign = (visitorId: string, elderIds: string[], day: string) =>
      at(c, `${day}T02:00:00Z`, async () => ok(await t.exec<any>(admin, ASSIGN, { input: { visitorId, elderIds, role: 'PRIMARY' } })));
    await assign(ids.visitorA1!, [e.a1MissedCampaign!, e.a1Campaign!], '2026-09-15');
    await assign(ids.visitorA2!, [e.b2NoOctober!], '2026-09-15');
    await assign(ids.visitorA2!, [e.c2Ok!], '2026-11-01');

    // Alerts: one raised by a visit's finding (above), one by hand referred to health and resolved in October, one
    // raised in September and resolved in October, one raised in November.
    const raised = await at(c, '2026-10-16T02:00:00Z', async () =>
      ok(await t.exec<any>(admin, RAISE, { input: { elderId: e.b2NoOctober, severity: 'NORMAL', title: '家属反映老人近日未出门' } })).raiseAlert,
    );
    const referred = await at(c, '2026-10-17T02:00:00Z', async () => ok(await t.exec<any>(admin, REFER, { id: raised.id, version: raised.version, to: 'HEALTH' })).referAlert);
    await at(c, '2026-10-20T02:00:00Z', async () => ok(await t.exec<any>(admin, RESOLVE, { id: raised.id, version: referred.version, resolution: '家庭医生已上门' })));
    const september = await at(c, '2026-09-20T02:00:00Z', async () =>
      ok(await t.exec<any>(admin, RAISE, { input: { elderId: e.tbC, severity: 'NORMAL', title: '老人反映独居不便' } })).raiseAlert,
    );
    await at(c, '2026-10-02T02:00:00Z', async () => ok(await t.exec<any>(admin, RESOLVE, { id: september.id, version: september.version, resolution: '已安排邻里互助' })));
    await at(c, '2026-11-02T02:00:00Z', async () => ok(await t.exec<any>(admin, RAISE, { input: { elderId: e.c2Ok, severity: 'NORMAL', title: '十一月的预警' } })));
  });

  it('returns every figure of ReportFigures, and the period, dates and region', async () => {
    const { live } = await rootFields();
    const figureType = live.getType('ReportFigures') as GraphQLObjectType;
    expect(Object.keys(figureType.getFields()).sort()).toEqual([...FIGURE_FIELDS].sort());
    const r = await report(c, c.admin, '2026-10', REGIONS.city);
    expect(r).toMatchObject({ region: { code: REGIONS.city, level: 3 }, period: '2026-10', from: '2026-10-01', to: '2026-10-31', asOf: '2026-10-31', suppressed: false });
    expect(Object.keys(r.figures).sort()).toEqual([...FIGURE_FIELDS].sort());
    for (const ch of r.children) expect(Object.keys(ch.figures).sort()).toEqual([...FIGURE_FIELDS].sort());
    // Every child is a town of the city, in code order.
    expect(r.children.length).toBeGreaterThan(2);
    expect(r.children.every((ch) => ch.region.code.length === 9 && ch.region.code.startsWith(REGIONS.city))).toBe(true);
    expect(r.children.map((ch) => ch.region.code)).toEqual(r.children.map((ch) => ch.region.code).sort());
  });

  it('visit rate of 东河社区: class A monthly home visit, the end-of-month campaign, a late visit, B half-year home visit, a refusal', async () => {
    const r = await report(c, c.admin, '2026-10', REGIONS.villageA1);
    expect(r.children).toEqual([]);
    // Denominator: the four A and the two B elders; the refused C elder is apart.
    // Numerator: a1Campaign (home visit + campaign visit), a1Late (one late-entered home visit in the campaign), b1Ok.
    // Not: a1MissedCampaign (home visit before the campaign only), a1Phone (no home visit), b1NoHome (overdue half-year).
    expect(r.figures.visitRate).toEqual({ numerator: 3, denominator: 6, rate: 0.5 });
    expect(r.figures.refusals).toBe(1);
    expect(r.figures.overdueElders).toBe(1);
  });

  it('visit rate of 新安社区: an elder deceased mid-month and one refused then deceased later are out; C yearly home visit', async () => {
    const r = await report(c, c.admin, '2026-10', REGIONS.villageA2);
    // Denominator: c2Ok, c2NoYear, b2NoOctober. Numerator: c2Ok (2025 home visit, October phone call).
    // c2NoYear missed 2025's home visit (overdue); b2NoOctober was not contacted in October.
    expect(r.figures.visitRate).toEqual({ numerator: 1, denominator: 3, rate: 0.3333 });
    expect(r.figures.overdueElders).toBe(1);
    // The refusal stood on 31 October; the elder's death in November does not rewrite October.
    expect(r.figures.refusals).toBe(1);
  });

  it('town and city: exact figures, and the children add up to the parent', async () => {
    const town = await report(c, c.town, '2026-10');
    expect(town.region.code).toBe(REGIONS.townA);
    const a1 = childOf(town, REGIONS.villageA1);
    const a2 = childOf(town, REGIONS.villageA2);
    expect(town.figures.visitRate).toEqual({ numerator: 4, denominator: 9, rate: 0.4444 });
    expect(a1.visitRate).toEqual({ numerator: 3, denominator: 6, rate: 0.5 });
    expect(a2.visitRate).toEqual({ numerator: 1, denominator: 3, rate: 0.3333 });
    const sum = (r: Report, pick: (f: Figures) => number | null) => r.children.reduce((s, ch) => s + (pick(ch.figures) ?? 0), 0);
    expect(sum(town, (f) => f.visitRate.denominator)).toBe(town.figures.visitRate.denominator);
    expect(sum(town, (f) => f.visitRate.numerator)).toBe(town.figures.visitRate.numerator);

    // Registry on 31 October: the deceased elder is out, the refused ones are in, the one registered in November is not.
    expect(a1).toMatchObject({ elders: 7, eldersWithContact: 2, visits: 7, overdueElders: 1, refusals: 1, alertsResolved: 0 });
    expect(byKey(a1.eldersByClass)).toEqual({ A: 4, B: 2, C: 1 });
    expect(byKey(a1.eldersByCircumstance)).toEqual({ INCAPACITATED: 4, CARER_OF_DEPENDENT_CHILD: 2, LIVING_ALONE: 1 });
    expect(byKey(a1.visitsByMethod)).toEqual({ HOME: 3, PHONE: 4 });
    // The volunteer left on 20 October; the November visitor and team did not exist yet.
    expect(byKey(a1.visitorsByKind)).toEqual({ VILLAGE_STAFF: 1 });
    expect(byKey(a1.teamsByKind)).toEqual({ VISITING: 1 });
    expect(byKey(a1.alertsOpenedByKind)).toEqual({ MOOD_WORSE: 1 });
    expect(byKey(a1.alertsOpenedByAgency)).toEqual({ NONE: 1 });

    expect(a2).toMatchObject({ elders: 4, eldersWithContact: 1, visits: 2, overdueElders: 1, refusals: 1, alertsResolved: 1 });
    expect(byKey(a2.eldersByClass)).toEqual({ B: 1, C: 3 });
    expect(byKey(a2.eldersByCircumstance)).toEqual({ CARER_OF_DEPENDENT_CHILD: 1, LIVING_ALONE: 3 });
    expect(byKey(a2.visitsByMethod)).toEqual({ PHONE: 1, VIDEO: 1 });
    expect(byKey(a2.visitorsByKind)).toEqual({ SOCIAL_WORKER: 1 });
    expect(a2.teamsByKind).toEqual([]);
    expect(byKey(a2.alertsOpenedByKind)).toEqual({ MANUAL: 1 });
    expect(byKey(a2.alertsOpenedByAgency)).toEqual({ HEALTH: 1 });

    // The town: its villages plus the team kept at the town itself.
    expect(town.figures).toMatchObject({ elders: 11, eldersWithContact: 3, visits: 9, overdueElders: 2, refusals: 2, alertsResolved: 1, candidatesFound: 0, candidatesEnrolled: 0 });
    expect(byKey(town.figures.eldersByClass)).toEqual({ A: 4, B: 3, C: 4 });
    expect(byKey(town.figures.visitsByMethod)).toEqual({ HOME: 3, PHONE: 5, VIDEO: 1 });
    expect(byKey(town.figures.visitorsByKind)).toEqual({ VILLAGE_STAFF: 1, SOCIAL_WORKER: 1 });
    expect(byKey(town.figures.teamsByKind)).toEqual({ DAILY_CONTACT: 1, VISITING: 1 });
    expect(byKey(town.figures.alertsOpenedByKind)).toEqual({ MANUAL: 1, MOOD_WORSE: 1 });
    expect(byKey(town.figures.alertsOpenedByAgency)).toEqual({ HEALTH: 1, NONE: 1 });
    for (const key of ['elders', 'eldersWithContact', 'visits', 'overdueElders', 'refusals', 'alertsResolved'] as const) {
      expect(sum(town, (f) => f[key]), key).toBe(town.figures[key]);
    }
    // Villages without data are listed with zeros.
    const empty = town.children.filter((ch) => ch.region.code !== REGIONS.villageA1 && ch.region.code !== REGIONS.villageA2);
    expect(empty.length).toBeGreaterThan(0);
    for (const ch of empty) expect(ch.figures, ch.region.code).toEqual(EMPTY);

    const city = await report(c, c.admin, '2026-10');
    expect(city.region.code).toBe(REGIONS.city);
    const townA = childOf(city, REGIONS.townA);
    const townB = childOf(city, REGIONS.townB);
    // Town A seen from the city is the town's own report.
    expect(townA).toEqual(town.figures);
    expect(townB).toMatchObject({ elders: 3, eldersWithContact: 0, visits: 3, overdueElders: 0, refusals: 0, alertsResolved: 1 });
    // The class in force on 31 October, and 80 and over derived from the birth date.
    expect(byKey(townB.eldersByClass)).toEqual({ A: 2, C: 1 });
    expect(byKey(townB.eldersByCircumstance)).toEqual({ INCAPACITATED: 1, LIVING_ALONE: 2, AGED_80_PLUS: 1 });
    expect(byKey(townB.visitsByMethod)).toEqual({ HOME: 2, PHONE: 1 });
    expect(byKey(townB.teamsByKind)).toEqual({ VISITING: 1 });
    expect(byKey(townB.visitorsByKind)).toEqual({ VILLAGE_STAFF: 1 });
    expect(townB.alertsOpenedByKind).toEqual([]);
    expect(townB.visitRate).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    expect(city.figures).toMatchObject({ elders: 14, eldersWithContact: 3, visits: 12, overdueElders: 2, refusals: 2, alertsResolved: 2, candidatesFound: 0, candidatesEnrolled: 0 });
    expect(city.figures.visitRate).toEqual({ numerator: 7, denominator: 12, rate: 0.5833 });
    expect(byKey(city.figures.eldersByClass)).toEqual({ A: 6, B: 3, C: 5 });
    expect(byKey(city.figures.visitsByMethod)).toEqual({ HOME: 5, PHONE: 6, VIDEO: 1 });
    expect(byKey(city.figures.visitorsByKind)).toEqual({ VILLAGE_STAFF: 2, SOCIAL_WORKER: 1 });
    expect(byKey(city.figures.teamsByKind)).toEqual({ DAILY_CONTACT: 1, VISITING: 2 });
    for (const key of ['elders', 'eldersWithContact', 'visits', 'overdueElders', 'refusals', 'alertsResolved'] as const) {
      expect(sum(city, (f) => f[key]), key).toBe(city.figures[key]);
    }
    expect(sum(city, (f) => f.visitRate.denominator)).toBe(city.figures.visitRate.denominator);
    expect(sum(city, (f) => f.visitRate.numerator)).toBe(city.figures.visitRate.numerator);
    for (const ch of city.children.filter((x) => x.region.code !== REGIONS.townA && x.region.code !== REGIONS.townB)) {
      expect(ch.figures, ch.region.code).toEqual(EMPTY);
    }
  });

  it('September: the refused and the deceased elders are still in; October’s late entry is not', async () => {
    const r = await report(c, c.admin, '2026-09', REGIONS.townA);
    expect(r).toMatchObject({ from: '2026-09-01', to: '2026-09-30', asOf: '2026-09-30' });
    // Registered by 30 September: 7 in 东河, 5 in 新安 (c2RefusedDied, a2Deceased included).
    expect(r.figures.elders).toBe(12);
    expect(r.figures.refusals).toBe(0);
    // Visited as September required: a1MissedCampaign, a1Phone (home); c1Refused (phone); a2Deceased (home);
    // b2NoOctober (phone). b1Ok/b1NoHome: no September contact. c2Ok, c2NoYear: none in September (and c2NoYear
    // is overdue for 2025). a1Campaign, a1Late, c2RefusedDied: not visited in September.
    expect(r.figures.visitRate).toEqual({ numerator: 5, denominator: 12, rate: 0.4167 });
    // The volunteer was still there; contacts from 15 September.
    expect(byKey(r.figures.visitorsByKind)).toEqual({ VILLAGE_STAFF: 1, VOLUNTEER: 1, SOCIAL_WORKER: 1 });
    expect(byKey(r.figures.teamsByKind)).toEqual({ DAILY_CONTACT: 1, VISITING: 1 });
    expect(r.figures.eldersWithContact).toBe(3);
    // Raised in October, resolved in October: none in September's figures.
    expect(r.figures.alertsOpenedByKind).toEqual([]);
    expect(r.figures.alertsResolved).toBe(0);
  });

  it('class and age as they were: in September the elder turning 80 in October was class C and under 80', async () => {
    const r = await report(c, c.admin, '2026-09', REGIONS.villageB1);
    expect(byKey(r.figures.eldersByClass)).toEqual({ A: 1, C: 2 });
    expect(byKey(r.figures.eldersByCircumstance)).toEqual({ INCAPACITATED: 1, LIVING_ALONE: 2 });
    // Each was contacted in September as class A or C required: tbA at home, tbC and tb80 by phone.
    expect(r.figures.visitRate).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    // The alert raised on 20 September.
    expect(byKey(r.figures.alertsOpenedByKind)).toEqual({ MANUAL: 1 });
    expect(byKey(r.figures.alertsOpenedByAgency)).toEqual({ NONE: 1 });
  });

  it('the running month is judged today (asOf), and the deceased elder leaves the registry', async () => {
    const r = await report(c, c.admin, '2026-11', REGIONS.townA);
    expect(r).toMatchObject({ from: '2026-11-01', to: '2026-11-30', asOf: '2026-11-15' });
    // c2RefusedDied died on 5 November; lateRegistered joined on 2 November.
    expect(r.figures.elders).toBe(11);
    expect(r.figures.refusals).toBe(1);
    expect(byKey(r.figures.visitsByMethod)).toEqual({ HOME: 1 });
    // a1MissedCampaign, a1Campaign, b2NoOctober, and c2Ok from 1 November.
    expect(r.figures.eldersWithContact).toBe(4);
    expect(byKey(r.figures.visitorsByKind)).toEqual({ VILLAGE_STAFF: 1, SOCIAL_WORKER: 1, PEER_ELDER: 1 });
    expect(byKey(r.figures.teamsByKind)).toEqual({ DAILY_CONTACT: 1, SURVEY: 1, VISITING: 1 });
    expect(byKey(r.figures.alertsOpenedByKind)).toEqual({ MANUAL: 1 });
  });

  it("today's visitors come from the per-place counts the visitor table keeps: one who joins or leaves today counts at once", async () => {
    const visitors = async () => byKey((await report(c, c.admin, '2026-11', REGIONS.townA)).figures.visitorsByKind);
    expect(await visitors()).toEqual({ VILLAGE_STAFF: 1, SOCIAL_WORKER: 1, PEER_ELDER: 1 });
    const joined = ok(await c.t.exec<any>(c.admin, CREATE_VISITOR, { input: { name: '探访员今日', kind: 'VOLUNTEER', regionCode: REGIONS.villageA2 } })).createVisitor.id;
    expect(await visitors()).toEqual({ VILLAGE_STAFF: 1, SOCIAL_WORKER: 1, PEER_ELDER: 1, VOLUNTEER: 1 });
    ok(await c.t.exec(c.admin, `mutation($from: ID!, $to: ID!) { reassignVisitor(from: $from, to: $to, leftOn: "2026-11-15", reason: "离岗") { ended } }`,
      { from: joined, to: ids.visitorA2 }));
    // Left today: no longer a visitor of today (as a past day's figure counts: left on or before the day).
    expect(await visitors()).toEqual({ VILLAGE_STAFF: 1, SOCIAL_WORKER: 1, PEER_ELDER: 1 });
    // The counts are the visitors, counted again one by one.
    const recount = await c.t.sql(`select region_code, kind, active, count(*)::int as n from visitor group by 1, 2, 3 order by 1, 2, 3`);
    const kept = await c.t.sql(`select region_code, kind, active, n::int as n from visitor_region_count where n <> 0 order by 1, 2, 3`);
    expect(kept).toEqual(recount);
    expect(kept.length).toBeGreaterThan(3);
  });

  it('runs the same number of SQL statements for a village, a town and the city, and for more data', async () => {
    const cost = async (regionCode: string) => {
      const result = await c.t.exec(c.admin, REPORT, { period: '2026-10', regionCode });
      ok(result);
      return result.sqlStatements;
    };
    const village = await cost(REGIONS.villageA1);
    const town = await cost(REGIONS.townA);
    const city = await cost(REGIONS.city);
    expect(town).toBe(city);
    // A village has no children to list: at most that one statement fewer.
    expect(village).toBeLessThanOrEqual(city);
    expect(city - village).toBeLessThanOrEqual(1);
    expect(city).toBeLessThanOrEqual(16); // figures (12), region, children, the rollup freshness check
    for (let i = 0; i < 6; i++) {
      const el = await registerOn(c, '2026-09-01', { ...CLASS_C, regionCode: i % 2 ? REGIONS.villageA2 : REGIONS.villageB1 });
      await visit(c, el.id, '2026-10-09', 'PHONE');
    }
    expect(await cost(REGIONS.city)).toBe(city);
    expect(await cost(REGIONS.villageA1)).toBe(village);
  });
});

describe('a campaign month: a campaign that ends before the month does', () => {
  const c = useApp();
  const e: Record<string, string> = {};

  beforeAll(async () => {
    // A typhoon campaign on all of 沙塘镇's elders from 5 to 15 October, opened before it starts.
    await at(c, '2026-09-30T02:00:00Z', async () =>
      ok(await c.t.exec<any>(c.admin, CREATE_CAMPAIGN, {
        input: { name: '台风叠加探访', regionCode: REGIONS.townB, reasonKind: 'EXTREME_WEATHER', reason: '台风预警', startsOn: '2026-10-05', endsOn: '2026-10-15', minCount: 1, window: 'PERIOD' },
      })),
    );
    e.missed = (await registerOn(c, '2026-09-01', { ...CLASS_A, regionCode: REGIONS.villageB1 })).id;
    e.met = (await registerOn(c, '2026-09-01', { ...CLASS_C, regionCode: REGIONS.villageB1 })).id;
    await visit(c, e.missed!, '2026-09-03');
    await visit(c, e.missed!, '2026-10-03'); // the monthly home visit, two days before the campaign
    await visit(c, e.met!, '2026-09-03', 'PHONE');
    await visit(c, e.met!, '2026-10-10', 'PHONE'); // during the campaign
  });

  it('judges the campaign on its last day: the elder who missed it was not compliant then', async () => {
    const elder = `query($id: ID!, $asOf: Date) { elder(id: $id) { compliance(asOf: $asOf) { met requirements { source met windowEnd } } } }`;
    const onLastDay = ok(await c.t.exec<any>(c.admin, elder, { id: e.missed, asOf: '2026-10-15' })).elder.compliance;
    expect(onLastDay.requirements).toContainEqual({ source: 'CAMPAIGN', met: false, windowEnd: '2026-10-15' });
  });

  it('an elder who missed the campaign visit is not in October’s numerator', async () => {
    const r = await report(c, c.admin, '2026-10', REGIONS.villageB1);
    // The campaign's window (5-15 October) ends within October and went unmet for `missed`: by the numerator's
    // definition ("every requirement whose window ends within the period met") they are not in it.
    expect(r.figures.visitRate).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
  });
});

describe('periods', () => {
  const c = useApp();

  it('parses a month, an ISO week, a quarter and a year', () => {
    expect(parsePeriod('2026-10')).toEqual({ label: '2026-10', kind: 'MONTH', from: '2026-10-01', to: '2026-10-31' });
    expect(parsePeriod('2026-02')).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(parsePeriod('2028-02')).toMatchObject({ from: '2028-02-01', to: '2028-02-29' });
    expect(parsePeriod('2026-W43')).toEqual({ label: '2026-W43', kind: 'WEEK', from: '2026-10-19', to: '2026-10-25' });
    // ISO week 1 of 2026 starts on Monday 29 December 2025; 2026 has 53 weeks (1 January is a Thursday).
    expect(parsePeriod('2026-W01')).toMatchObject({ from: '2025-12-29', to: '2026-01-04' });
    expect(parsePeriod('2026-W53')).toMatchObject({ from: '2026-12-28', to: '2027-01-03' });
    expect(parsePeriod('2027-W01')).toMatchObject({ from: '2027-01-04', to: '2027-01-10' });
    expect(parsePeriod('2026-Q4')).toEqual({ label: '2026-Q4', kind: 'QUARTER', from: '2026-10-01', to: '2026-12-31' });
    expect(parsePeriod('2026-Q1')).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    expect(parsePeriod('2026')).toEqual({ label: '2026', kind: 'YEAR', from: '2026-01-01', to: '2026-12-31' });
  });

  it('answers each kind of period through the API with its from, to and asOf', async () => {
    const cases: [string, string, string, string][] = [
      ['2026-10', '2026-10-01', '2026-10-31', '2026-10-31'],
      ['2026-W43', '2026-10-19', '2026-10-25', '2026-10-25'],
      ['2026-W46', '2026-11-09', '2026-11-15', '2026-11-15'],
      ['2026-Q4', '2026-10-01', '2026-12-31', '2026-11-15'],
      ['2026-Q3', '2026-07-01', '2026-09-30', '2026-09-30'],
      ['2026', '2026-01-01', '2026-12-31', '2026-11-15'],
      ['2025', '2025-01-01', '2025-12-31', '2025-12-31'],
    ];
    for (const [period, from, to, asOf] of cases) {
      expect(await report(c, c.town, period), period).toMatchObject({ period, from, to, asOf, region: { code: REGIONS.townA } });
    }
  });

  it('refuses a malformed period and a period not started with BAD_USER_INPUT on `period`', async () => {
    for (const period of ['2026-13', '2026-00', '2026-1', '2026-W00', '2026-W54', '2025-W53', '2026-Q0', '2026-Q5', '26-10', 'October', '2026-10-01', '', '2026/10']) {
      const result = await c.t.exec(c.town, REPORT, { period });
      expect(codeOf(result), period).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result), period).toEqual(['period']);
      expect(result.data, period).toBeNull();
    }
    // Not started yet: December, the next week, 2027, the first quarter of 2027.
    for (const period of ['2026-12', '2026-W47', '2027', '2027-Q1']) {
      const result = await c.t.exec(c.town, REPORT, { period });
      expect(codeOf(result), period).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result), period).toEqual(['period']);
    }
  });

  it('refuses a region outside the jurisdiction (FORBIDDEN), an unknown region, and callers without the scope', async () => {
    expect(codeOf(await c.t.exec(c.town, REPORT, { period: '2026-10', regionCode: REGIONS.townB }))).toBe('FORBIDDEN');
    expect(codeOf(await c.t.exec(c.town, REPORT, { period: '2026-10', regionCode: REGIONS.city }))).toBe('FORBIDDEN');
    expect(codeOf(await c.t.exec(c.town, REPORT, { period: '2026-10', regionCode: '440783999' }))).toBe('BAD_USER_INPUT');
    const townBIntegrator = await c.t.user('INTEGRATOR', REGIONS.townB);
    expect(codeOf(await c.t.exec(townBIntegrator, REPORT, { period: '2026-10', regionCode: REGIONS.villageA1 }))).toBe('FORBIDDEN');
    // A village worker keeps the registry but does not report.
    const village = await c.t.user('VILLAGE_WORKER', REGIONS.villageA1);
    expect(codeOf(await c.t.exec(village, REPORT, { period: '2026-10' }))).toBe('FORBIDDEN');
    for (const role of ['POLICE', 'HEALTH', 'AUDITOR'] as const) {
      expect(codeOf(await c.t.exec(await c.t.user(role, REGIONS.city), REPORT, { period: '2026-10' })), role).toBe('FORBIDDEN');
    }
    expect(codeOf(await c.t.exec(null, REPORT, { period: '2026-10' }))).toBe('UNAUTHENTICATED');
  });
});

/** What an integrator may call: its own session, the region tree, agencies' names and the report. */
// roles: role names and the scope strings each carries (no person); the console shows them to explain permissions.
// searchRegions: the same region tree found by part of a name (the region picker), no person.
// assessment: 考核, aggregates with counts of 1 to 4 withheld like the report (tests/api/assessment.test.ts).
// notifications, unreadNotificationCount, markNotificationsRead: the integrator's own notifications (none name a person).
// webhookSubscriptions, webhookDeliveries, create/deleteWebhookSubscription: its own REPORT_APPROVED webhooks (ids only).
const ALLOWED_QUERIES = [
  'agencies', 'assessment', 'me', 'notifications', 'region', 'regions', 'report', 'roles', 'searchRegions', 'unreadNotificationCount',
  'webhookDeliveries', 'webhookSubscriptions',
];
const ALLOWED_MUTATIONS = ['createWebhookSubscription', 'deleteWebhookSubscription', 'login', 'logout', 'markNotificationsRead'];

describe('integrators', () => {
  const c = useApp();
  let integrator: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { t, admin } = c;
    integrator = await t.user('INTEGRATOR', REGIONS.city);
    // Five class C elders in 东河社区 phoned in October, one class A elder in 新安社区 visited at home.
    const elders: string[] = [];
    for (let i = 0; i < 5; i++) elders.push((await registerOn(c, '2026-09-01', { ...CLASS_C, regionCode: REGIONS.villageA1 })).id);
    for (const id of elders) await visit(c, id, '2026-10-05', 'PHONE');
    ids.phoned = elders[0]!;
    ids.elder = (await registerOn(c, '2026-09-01', { ...CLASS_A, regionCode: REGIONS.villageA2 })).id;
    await visit(c, ids.elder, '2026-10-05', 'HOME');
    // Something of every kind an integrator might ask for by id.
    await at(c, '2026-09-10T02:00:00Z', async () => {
      ids.team = ok(await t.exec<any>(admin, CREATE_TEAM, { input: { name: '东河探访队', kind: 'VISITING', regionCode: REGIONS.villageA1 } })).createTeam.id;
      ids.visitor = ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: '探访员甲', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1, teamId: ids.team } })).createVisitor.id;
      ids.visitor2 = ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: '探访员乙', kind: 'VOLUNTEER', regionCode: REGIONS.villageA1 } })).createVisitor.id;
    });
    await at(c, '2026-09-15T02:00:00Z', async () => ok(await t.exec(admin, ASSIGN, { input: { visitorId: ids.visitor, elderIds: [elders[0]], role: 'PRIMARY' } })));
    ids.alert = ok(await t.exec<any>(admin, RAISE, { input: { elderId: ids.elder, severity: 'NORMAL', title: '预警' } })).raiseAlert.id;
    ids.campaign = ok(await t.exec<any>(admin, CREATE_CAMPAIGN, {
      input: { name: '寒潮叠加探访', regionCode: REGIONS.townA, reasonKind: 'EXTREME_WEATHER', reason: '寒潮', startsOn: '2026-11-20', endsOn: '2026-11-30', minCount: 1, window: 'PERIOD' },
    })).createCampaign.id;
    await t.user('POLICE', REGIONS.city);
    const [agency] = await t.sql<{ id: string }>(`select id from agency limit 1`);
    ids.agency = agency!.id;
    ids.apiClient = ok(await t.exec<any>(admin, `mutation($a: ID!) { createApiClient(agencyId: $a, name: "公安接口") { client { id } } }`, { a: ids.agency })).createApiClient.client.id;
    const standards = ok(await t.exec<any>(admin, `{ visitStandards(includeTemplates: true) { id baseline template } }`)).visitStandards as any[];
    ids.standard = standards.find((s) => s.baseline).id;
    ids.template = standards.find((s) => s.template).id;
  });

  it('get the report with counts of 1 to 4 withheld, with whatever would give them back by subtraction, and 0 shown', async () => {
    const r = await report(c, integrator, '2026-10', REGIONS.townA);
    expect(r.suppressed).toBe(true);
    // Six elders: one class A in 新安社区, five class C in 东河社区. The 5s are withheld too: elders 6 minus C 5 would
    // give the A elder back, and so would 东河社区's 5 living alone (it has at least 5 elders) from the town's 6.
    expect(r.figures).toMatchObject({ elders: null, visits: 6, overdueElders: 0, refusals: 0, alertsResolved: 0, candidatesFound: 0, candidatesEnrolled: 0 });
    expect(r.figures.visitRate).toEqual({ numerator: null, denominator: null, rate: null });
    expect(byKey(r.figures.eldersByClass)).toEqual({ A: null, C: null });
    expect(byKey(r.figures.eldersByCircumstance)).toEqual({ INCAPACITATED: null, LIVING_ALONE: null });
    // 6 visits shown, 1 home visit withheld, so the 5 phone calls are too.
    expect(byKey(r.figures.visitsByMethod)).toEqual({ HOME: null, PHONE: null });
    // 1 contact, 2 visitors, 1 team: withheld.
    expect(r.figures.eldersWithContact).toBeNull();
    expect(byKey(r.figures.visitorsByKind)).toEqual({ VILLAGE_STAFF: null, VOLUNTEER: null });
    expect(byKey(r.figures.teamsByKind)).toEqual({ VISITING: null });

    const a1 = childOf(r, REGIONS.villageA1);
    // 东河社区's fives: the town's figures minus them would give 新安社区's one elder back.
    expect(a1).toMatchObject({ elders: null, visits: null, eldersWithContact: null, overdueElders: 0 });
    expect(a1.visitRate).toEqual({ numerator: null, denominator: null, rate: null });
    const a2 = childOf(r, REGIONS.villageA2);
    // One elder: every count about them is withheld, and the rate with them.
    expect(a2).toMatchObject({ elders: null, visits: null, eldersWithContact: 0, overdueElders: 0 });
    expect(a2.visitRate).toEqual({ numerator: null, denominator: null, rate: null });
    expect(byKey(a2.eldersByClass)).toEqual({ A: null });
    for (const ch of r.children.filter((x) => x.region.code !== REGIONS.villageA1 && x.region.code !== REGIONS.villageA2)) {
      expect(ch.figures, ch.region.code).toEqual(EMPTY);
    }
    // No count from 1 to 4 anywhere in the answer.
    const numbers: number[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'number' && key !== 'rate' && key !== 'level') numbers.push(v);
      else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk({ figures: r.figures, children: r.children.map((ch) => ch.figures) });
    expect(numbers.filter((n) => n >= 1 && n <= 4)).toEqual([]);

    // The same report for civil affairs is not suppressed.
    const full = await report(c, c.admin, '2026-10', REGIONS.townA);
    expect(full.suppressed).toBe(false);
    expect(byKey(full.figures.eldersByClass)).toEqual({ A: 1, C: 5 });
    expect(childOf(full, REGIONS.villageA2).visitRate).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(full.figures.eldersWithContact).toBe(1);
  });

  it('a numerator of 1 to 4 withholds the rate too', async () => {
    // November: nobody has been visited yet, except one elder now.
    await visit(c, ids.elder!, '2026-11-14', 'HOME');
    const r = await report(c, integrator, '2026-11', REGIONS.townA);
    // (The denominator goes too here: 新安社区's withheld one would follow from the town's 6 and 东河社区's 5.)
    expect(r.figures.visitRate).toMatchObject({ numerator: null, rate: null });
    const full = await report(c, c.admin, '2026-11', REGIONS.townA);
    expect(full.figures.visitRate).toEqual({ numerator: 1, denominator: 6, rate: 0.1667 });
  });

  /** Calls every root field outside the allow-list as the integrator; the error code of each. */
  async function probe(realIds: boolean): Promise<Record<string, string>> {
    const { live, query, mutation } = await rootFields();
    for (const name of ALLOWED_QUERIES) expect(query, name).toContain(name);
    for (const name of ALLOWED_MUTATIONS) expect(mutation, name).toContain(name);
    const idFor: Record<string, string> = realIds
      ? {
          elder: ids.elder!, closeElder: ids.elder!, updateElder: ids.elder!, reopenElder: ids.elder!,
          acknowledgeAlert: ids.alert!, referAlert: ids.alert!, resolveAlert: ids.alert!,
          cancelCampaign: ids.campaign!, retireVisitStandard: ids.standard!, revokeApiClient: ids.apiClient!,
        }
      : {};
    const known = realIds ? ids : {};
    const outcomes: Record<string, string> = {};
    for (const [root, names, allowed] of [['Query', query, ALLOWED_QUERIES], ['Mutation', mutation, ALLOWED_MUTATIONS]] as const) {
      const type = live.getType(root) as GraphQLObjectType;
      for (const name of names) {
        if ((allowed as readonly string[]).includes(name)) continue;
        const field = type.getFields()[name];
        expect(field, `${root}.${name} is in the committed schema but not in the code's`).toBeDefined();
        const { text, variables } = operationFor(root, field!, (argName) => idArg(name, argName, idFor, known));
        // Well-formed, so the call reaches the resolver: valid against the schema, variables coerce.
        const document = parse(text);
        expect(validate(live, document).map((err) => err.message), text).toEqual([]);
        const operation = document.definitions[0] as OperationDefinitionNode;
        const coerced = getVariableValues(live, operation.variableDefinitions ?? [], variables);
        expect('errors' in coerced ? coerced.errors!.map((err) => err.message) : [], text).toEqual([]);
        const result = await c.t.exec(integrator, text, variables);
        outcomes[`${root}.${name}`] = codeOf(result) ?? (result.errors?.length ? `ERROR ${result.errors[0]!.message}` : 'OK');
      }
    }
    // The list is long: every person-level query and every mutation but the session's.
    expect(Object.keys(outcomes).length).toBeGreaterThanOrEqual(65);
    return outcomes;
  }

  /** Row counts and versions of everything a mutation could touch. */
  const state = () =>
    c.t.sql(`select (select count(*) from elder) as elders, (select sum(version) from elder) as versions,
                    (select count(*) from elder where status <> 'ACTIVE') as closed, (select count(*) from elder_refusal) as refusals,
                    (select count(*) from visit) as visits, (select count(*) from care_service) as care,
                    (select count(*) from alert) as alerts, (select sum(version) from alert) as alert_versions,
                    (select count(*) from campaign where cancelled_at is null) as campaigns,
                    (select count(*) from visit_standard where retired_at is null) as standards,
                    (select count(*) from api_client where revoked_at is null) as clients,
                    (select count(*) from team) as teams, (select count(*) from visitor) as visitors,
                    (select count(*) from assignment where ends_at is null) as assignments`);

  it('every root field that is not aggregate is FORBIDDEN (the list is read from the schema)', async () => {
    const before = await state();
    const outcomes = await probe(true);
    expect(Object.entries(outcomes).filter(([, code]) => code !== 'FORBIDDEN')).toEqual([]);
    // Nothing was changed by any of them.
    expect(await state()).toEqual(before);
  });

  it('is refused before anything is looked up: unknown ids are FORBIDDEN too, not NOT_FOUND', async () => {
    const outcomes = await probe(false);
    expect(Object.entries(outcomes).filter(([, code]) => code !== 'FORBIDDEN')).toEqual([]);
  });

  it('may call the aggregate and session fields, which show no person', async () => {
    const me = ok(await c.t.exec<any>(integrator, `{ me { role regionCode scopes region { code } } }`)).me;
    expect(me).toMatchObject({ role: 'INTEGRATOR', regionCode: REGIONS.city, region: { code: REGIONS.city } });
    expect([...me.scopes].sort()).toEqual(['region.read', 'report.read:aggregate', 'webhook.manage']);
    const regions = ok(await c.t.exec<any>(integrator, `{ regions { code children { code } } }`)).regions;
    expect(regions[0].code).toBe(REGIONS.city);
    expect(regions[0].children.map((r: any) => r.code)).toContain(REGIONS.townA);
    expect(ok(await c.t.exec<any>(integrator, `query($code: String!) { region(code: $code) { code parent { code } } }`, { code: REGIONS.villageA1 })).region).toEqual({
      code: REGIONS.villageA1,
      parent: { code: REGIONS.townA },
    });
    const agencies = ok(await c.t.exec<any>(integrator, `{ agencies { id kind name regionCode } }`)).agencies;
    expect(agencies.map((a: any) => a.kind)).toEqual(['POLICE']);
    const city = await report(c, integrator, '2026-10');
    expect(city).toMatchObject({ region: { code: REGIONS.city }, suppressed: true });
    const login = ok(await c.t.exec<any>(null, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token me { role } } }`, { u: integrator.username, p: TEST_PASSWORD })).login;
    expect(login.me.role).toBe('INTEGRATOR');
    expect(typeof login.token).toBe('string');
    const logout = await c.t.exec<any>(integrator, `mutation { logout }`);
    expect(logout.errors).toBeUndefined();
  });

  it('a closed and amended period keeps counts of 1 to 4 and their complements withheld, in its amendments too', async () => {
    // Runs last: it freezes October for 三埠街道.
    ok(await c.t.exec(c.admin, `mutation { closeReportPeriod(regionCode: "${REGIONS.townA}", period: "2026-10") { closed } }`));
    await visit(c, ids.phoned!, '2026-10-30', 'PHONE');
    ok(await c.t.exec(c.admin, `mutation { amendReportPeriod(regionCode: "${REGIONS.townA}", period: "2026-10", reason: "补录10月30日电话探访纸质记录") { version } }`));
    const r = ok(await c.t.exec<any>(integrator, `query { report(regionCode: "${REGIONS.townA}", period: "2026-10") {
      closed suppressed figures { ${FIGURES} } children { figures { ${FIGURES} } } amendments { version before after } } }`)).report;
    expect(r).toMatchObject({ closed: true, suppressed: true });
    expect(byKey(r.figures.eldersByClass)).toEqual({ A: null, C: null });
    expect(r.amendments).toHaveLength(1);
    const small: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (typeof v === 'number' && v >= 1 && v <= 4 && !at.endsWith('.rate')) small.push(`${at} = ${v}`);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    walk({ figures: r.figures, children: r.children }, 'report');
    // `version` counts amendments, not people.
    walk(r.amendments.map((a: any) => ({ before: a.before, after: a.after })), 'amendments');
    expect(small).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Operations generated from the schema: one call of a root field with every required argument filled in with a
// plausible value (real ids where the field names one), selecting only __typename.

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function idArg(field: string, argName: string, idFor: Record<string, string>, ids: Record<string, string>): string {
  const known: Record<string, string | undefined> = {
    elderId: ids.elder, elderIds: ids.elder, visitorId: ids.visitor, from: ids.visitor, to: ids.visitor2, agencyId: ids.agency,
    templateId: ids.template, teamId: ids.team, campaignId: ids.campaign, id: idFor[field],
  };
  return known[argName] ?? UNKNOWN_ID;
}

function operationFor(
  root: 'Query' | 'Mutation',
  field: GraphQLField<unknown, unknown>,
  id: (argName: string) => string,
): { text: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const defs: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
    const v = `v_${arg.name}`;
    defs.push(`$${v}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${v}`);
    variables[v] = sampleValue(arg.type, arg.name, id);
  }
  const named = getNamedType(field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  const text = `${root === 'Query' ? 'query' : 'mutation'}${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
  return { text, variables };
}

function sampleValue(type: GraphQLInputType, name: string, id: (argName: string) => string): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name, id);
  if (isListType(type)) return [sampleValue(type.ofType, name, id)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = sampleValue(f.type, f.name, id);
    }
    return out;
  }
  switch (type.name) {
    case 'ID':
      return id(name);
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'Date':
      return name === 'birthDate' ? '1950-03-15' : '2026-11-10';
    case 'DateTimeISO':
      return '2026-11-10T02:00:00Z';
    case 'JSON':
      return {};
    default:
      if (name === 'regionCode') return REGIONS.villageA1;
      if (name === 'idNumber') return idNumberFor('1950-03-15');
      if (name.toLowerCase().includes('phone')) return '13800138000';
      if (name === 'idempotencyKey') return 'integrator-probe-1';
      return '测试';
  }
}

