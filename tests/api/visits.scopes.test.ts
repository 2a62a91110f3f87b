import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Who may do what in the visit engine (visits, compliance, alerts, standards, campaigns, teams, classes), and that
 * every list stays inside the caller's region subtree. Outside it, an archive is NOT_FOUND and a region FORBIDDEN.
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let townB: TestUser;
let villageA1: TestUser;
let inA1: ElderData;
let inA2: ElderData;
let inB1: ElderData;
/** In the village worker's village, not assigned to them, registered on 15 November (not overdue yet). */
let notMineA1: ElderData;
let visitorA1: string;
let visitorB1: string;
const visitOf: Record<string, string> = {};
const alertOf: Record<string, string> = {};

const DEFAULT_NOW = '2026-11-15T02:00:00Z';

// Operations, as a client sends them.
const VISITS = `query($f: VisitFilter) { visits(filter: $f, first: 100) { totalCount nodes { id elderId alertIds } } }`;
const OVERDUE = `query($r: String) { overdueElders(regionCode: $r, first: 100) { totalCount nodes { daysOverdue elder { id region { code } } } } }`;
const RATE = `query($r: String) { visitRate(regionCode: $r, period: { kind: MONTH, date: "2026-11-15" }) { regionCode numerator denominator } }`;
const ALERTS = `query($f: AlertFilter) { alerts(filter: $f, first: 100) { totalCount nodes { id elderId regionCode } } }`;
const ELDER_NESTED = `query($id: ID!) { elder(id: $id) {
  id compliance { overdue daysOverdue class } classification { class } visits { totalCount nodes { id } } assignments { role visitor { id } } } }`;
const RECORD = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id alertIds } }`;
const ASSIGN = `mutation($i: AssignVisitorInput!) { assignVisitor(input: $i) { assigned unchanged ended } }`;
const CAMPAIGN = `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id regionCode } }`;
const STANDARD = `mutation($i: CreateVisitStandardInput!) { createVisitStandard(input: $i) { id regionCode } }`;
const VISITOR = `mutation($i: CreateVisitorInput!) { createVisitor(input: $i) { id regionCode } }`;
const OVERRIDE = `mutation($i: OverrideClassInput!) { overrideElderClass(input: $i) { id classification { class } } }`;

const campaignInput = (regionCode: string) => ({
  name: '春节叠加探访', reason: '春节前后加密探访', reasonKind: 'FESTIVAL', regionCode,
  startsOn: '2027-01-25', endsOn: '2027-02-10', minCount: 1, window: 'PERIOD',
});
const standardInput = (regionCode: string) => ({
  name: '本镇提高标准', regionCode, effectiveFrom: '2026-12-01', requirements: [{ minCount: 2, window: 'MONTH' }],
});
const visitorInput = (regionCode: string) => ({ name: '黄丽珍', kind: 'VILLAGE_STAFF', regionCode });
const overrideInput = (elderId: string) => ({ elderId, class: 'A', reason: '实际独居，需要加密探访', expiresOn: '2027-05-01' });
const recordInput = (elderId: string) => ({ elderId, visitedAt: '2026-11-14T02:00:00Z', method: 'PHONE', gasSafety: 'UNSAFE' });

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id).sort();
const overdueIds = (data: any) => data.overdueElders.nodes.map((n: any) => n.elder.id).sort();
const visitElders = (data: any) => [...new Set(data.visits.nodes.map((v: any) => v.elderId as string))].sort();
const alertElders = (data: any) => [...new Set(data.alerts.nodes.map((a: any) => a.elderId as string))].sort();

/** Counts of every table these operations could write: a refused call must leave them as they were. */
async function writes() {
  const [row] = await t.sql(`select
    (select count(*)::int from visit) as visits, (select count(*)::int from alert) as alerts,
    (select count(*)::int from assignment) as assignments, (select count(*)::int from campaign) as campaigns,
    (select count(*)::int from visit_standard) as standards, (select count(*)::int from visitor) as visitors,
    (select count(*)::int from class_override) as overrides`);
  return row;
}

async function expectNotFound(user: TestUser, query: string, variables: Record<string, unknown>, label: string) {
  const result = await t.exec(user, query, variables);
  expect(codeOf(result), label).toBe('NOT_FOUND');
  expect(result.data ?? null, label).toBeNull();
}

async function expectForbidden(user: TestUser, query: string, variables: Record<string, unknown>, label: string) {
  const result = await t.exec(user, query, variables);
  expect(codeOf(result), label).toBe('FORBIDDEN');
  expect(result.data ?? null, label).toBeNull();
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  villageA1 = await t.user('VILLAGE_WORKER', REGIONS.villageA1);

  // Registered in September; one visit in September each (with an unsafe gas finding), none since: on 15 November
  // every one of them is overdue (October went unmet) and has one open alert.
  t.clock.set('2026-09-10T02:00:00Z');
  inA1 = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1941-01-01') });
  inA2 = await registerElder(t, admin, { name: '司徒美兰', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1942-01-01', false) });
  inB1 = await registerElder(t, admin, { name: '周志强', regionCode: REGIONS.villageB1, idNumber: idNumberFor('1943-01-01') });
  t.clock.set('2026-09-12T02:00:00Z');
  for (const elder of [inA1, inA2, inB1]) {
    const visit = ok(await t.exec<any>(admin, RECORD, { i: { elderId: elder.id, visitedAt: '2026-09-12T01:00:00Z', method: 'HOME', gasSafety: 'UNSAFE' } })).recordVisit;
    visitOf[elder.id] = visit.id;
    alertOf[elder.id] = visit.alertIds[0];
  }
  // The village worker is a visitor assigned to the elder of their village; town B has its own visitor.
  const vA = ok(await t.exec<any>(townA, VISITOR, { i: { ...visitorInput(REGIONS.villageA1), username: villageA1.username } })).createVisitor;
  visitorA1 = vA.id;
  ok(await t.exec(townA, ASSIGN, { i: { visitorId: visitorA1, elderIds: [inA1.id] } }));
  visitorB1 = ok(await t.exec<any>(townB, VISITOR, { i: visitorInput(REGIONS.villageB1) })).createVisitor.id;
  ok(await t.exec(townB, ASSIGN, { i: { visitorId: visitorB1, elderIds: [inB1.id] } }));
  t.clock.set(DEFAULT_NOW);
  notMineA1 = await registerElder(t, admin, { name: '谭月娥', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1944-01-01', false) });
});
afterEach(() => t.clock.set(DEFAULT_NOW));
afterAll(() => t.close());

describe('roles without visit scopes', () => {
  it.each(['POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'INTEGRATOR', 'AUDITOR'] as const)('%s gets FORBIDDEN on every visit-engine operation', async (role) => {
    const user = await t.user(role, REGIONS.city);
    const before = await writes();
    const ops: [string, string, Record<string, unknown>][] = [
      ['visits', VISITS, {}],
      ['overdueElders', OVERDUE, {}],
      ['visitRate', RATE, {}],
      ['alerts', ALERTS, {}],
      ['recordVisit', RECORD, { i: recordInput(inA1.id) }],
      ['assignVisitor', ASSIGN, { i: { visitorId: visitorA1, elderIds: [inA2.id] } }],
      ['createCampaign', CAMPAIGN, { i: campaignInput(REGIONS.city) }],
      ['createVisitStandard', STANDARD, { i: standardInput(REGIONS.city) }],
      ['createVisitor', VISITOR, { i: visitorInput(REGIONS.villageA1) }],
      ['overrideElderClass', OVERRIDE, { i: overrideInput(inA1.id) }],
      ['raiseAlert', `mutation($id: ID!) { raiseAlert(input: { elderId: $id, severity: URGENT, title: "无权预警" }) { id } }`, { id: inA1.id }],
      ['acknowledgeAlert', `mutation($id: ID!) { acknowledgeAlert(id: $id, version: 1) { id } }`, { id: alertOf[inA1.id] }],
      ['visitStandards', `{ visitStandards { id } }`, {}],
    ];
    for (const [label, query, variables] of ops) await expectForbidden(user, query, variables, `${role} ${label}`);
    expect(await writes()).toEqual(before);
  });
});

describe('a village worker', () => {
  it('reads visits, overdue elders and alerts of their own village only', async () => {
    expect(visitElders(ok(await t.exec(villageA1, VISITS)))).toEqual([inA1.id]);
    expect(overdueIds(ok(await t.exec(villageA1, OVERDUE)))).toEqual([inA1.id]);
    expect(alertElders(ok(await t.exec(villageA1, ALERTS)))).toEqual([inA1.id]);
    expect(ok(await t.exec<any>(villageA1, RATE)).visitRate).toEqual({ regionCode: REGIONS.villageA1, numerator: 0, denominator: 2 });
    // A region filter cannot widen it: the town and a sibling village are outside.
    for (const code of [REGIONS.townA, REGIONS.villageA2]) {
      expect(codeOf(await t.exec(villageA1, VISITS, { f: { regionCode: code } })), code).toBe('FORBIDDEN');
      expect(codeOf(await t.exec(villageA1, OVERDUE, { r: code })), code).toBe('FORBIDDEN');
      expect(codeOf(await t.exec(villageA1, ALERTS, { f: { regionCode: code } })), code).toBe('FORBIDDEN');
    }
    // Filters by id on a sibling village's elder find nothing.
    expect(ok(await t.exec<any>(villageA1, VISITS, { f: { elderId: inA2.id } })).visits).toEqual({ totalCount: 0, nodes: [] });
    expect(ok(await t.exec<any>(villageA1, ALERTS, { f: { elderId: inA2.id } })).alerts).toEqual({ totalCount: 0, nodes: [] });
    expect(codeOf(await t.exec(villageA1, ELDER_NESTED, { id: inA2.id }))).toBe('NOT_FOUND');
  });

  it('gets FORBIDDEN for createCampaign, createVisitStandard, assignVisitor, createVisitor and overrideElderClass, even in their village', async () => {
    const before = await writes();
    const ops: [string, string, Record<string, unknown>][] = [
      ['createCampaign', CAMPAIGN, { i: campaignInput(REGIONS.villageA1) }],
      ['createVisitStandard', STANDARD, { i: standardInput(REGIONS.villageA1) }],
      ['assignVisitor', ASSIGN, { i: { visitorId: visitorA1, elderIds: [inA1.id], role: 'HELPER' } }],
      ['createVisitor', VISITOR, { i: visitorInput(REGIONS.villageA1) }],
      ['overrideElderClass', OVERRIDE, { i: overrideInput(inA1.id) }],
      ['unassignVisitor', `mutation($e: ID!, $v: ID!) { unassignVisitor(elderId: $e, visitorId: $v, reason: "调整") }`, { e: inA1.id, v: visitorA1 }],
      ['cancelCampaign', `mutation { cancelCampaign(id: "00000000-0000-4000-8000-000000000000", reason: "取消") { id } }`, {}],
    ];
    for (const [label, query, variables] of ops) await expectForbidden(villageA1, query, variables, label);
    expect(await writes()).toEqual(before);
  });

  it('records visits only for the elders assigned to them', async () => {
    const before = await writes();
    // Not assigned in their own village: FORBIDDEN. A sibling village's or another town's elder: NOT_FOUND, like a missing one.
    await expectForbidden(villageA1, RECORD, { i: recordInput(notMineA1.id) }, 'own village, not assigned');
    await expectNotFound(villageA1, RECORD, { i: recordInput(inA2.id) }, 'sibling village');
    await expectNotFound(villageA1, RECORD, { i: recordInput(inB1.id) }, 'other town');
    expect(await writes()).toEqual(before);
    // Assigned: recorded as their own visitor (dated in September, so the November figures above do not move).
    const visit = ok(await t.exec<any>(villageA1, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id visitor { id } } }`, {
      i: { elderId: inA1.id, visitedAt: '2026-09-20T02:00:00Z', method: 'PHONE' },
    })).recordVisit;
    expect(visit.visitor.id).toBe(visitorA1);
  });
});

describe('a town operator of town A', () => {
  it('gets FORBIDDEN for overdueElders, visitRate, visits and alerts of town B (or of the county above)', async () => {
    for (const code of [REGIONS.townB, REGIONS.villageB1, REGIONS.city]) {
      await expectForbidden(townA, OVERDUE, { r: code }, `overdueElders ${code}`);
      await expectForbidden(townA, RATE, { r: code }, `visitRate ${code}`);
      await expectForbidden(townA, VISITS, { f: { regionCode: code } }, `visits ${code}`);
      await expectForbidden(townA, ALERTS, { f: { regionCode: code } }, `alerts ${code}`);
      await expectForbidden(townA, ALERTS, { f: { queueRegionCode: code } }, `alert queue ${code}`);
    }
  });

  it('sees only town A data without a regionCode', async () => {
    const overdue = ok(await t.exec<any>(townA, OVERDUE));
    expect(overdueIds(overdue)).toEqual([inA1.id, inA2.id].sort());
    expect(overdue.overdueElders.totalCount).toBe(2);
    expect(overdue.overdueElders.nodes.every((n: any) => n.elder.region.code.startsWith(REGIONS.townA))).toBe(true);
    expect(ok(await t.exec<any>(townA, RATE)).visitRate).toEqual({ regionCode: REGIONS.townA, numerator: 0, denominator: 3 });
    const visits = ok(await t.exec<any>(townA, VISITS));
    expect(visitElders(visits)).toEqual([inA1.id, inA2.id].sort());
    expect(ids(visits.visits.nodes)).not.toContain(visitOf[inB1.id]);
    const alerts = ok(await t.exec<any>(townA, ALERTS));
    expect(alertElders(alerts)).toEqual([inA1.id, inA2.id].sort());
    expect(alerts.alerts.nodes.every((a: any) => a.regionCode.startsWith(REGIONS.townA))).toBe(true);
    // A village of its own is fine.
    expect(overdueIds(ok(await t.exec(townA, OVERDUE, { r: REGIONS.villageA2 })))).toEqual([inA2.id]);
  });

  it('cannot reach the compliance, visits or assignments of a town B elder: elder(id) is NOT_FOUND', async () => {
    const outside = await t.exec(townA, ELDER_NESTED, { id: inB1.id });
    expect(codeOf(outside)).toBe('NOT_FOUND');
    expect(outside.data ?? null).toBeNull();
    // Filters by the outside elder's id find nothing either.
    expect(ok(await t.exec<any>(townA, VISITS, { f: { elderId: inB1.id } })).visits).toEqual({ totalCount: 0, nodes: [] });
    expect(ok(await t.exec<any>(townA, ALERTS, { f: { elderId: inB1.id, status: ['OPEN', 'ACKNOWLEDGED', 'REFERRED', 'RESOLVED'] } })).alerts).toEqual({ totalCount: 0, nodes: [] });
    expect(ok(await t.exec<any>(townA, VISITS, { f: { visitorId: visitorB1 } })).visits).toEqual({ totalCount: 0, nodes: [] });
    // Its own elder's nested fields are there.
    const own = ok(await t.exec<any>(townA, ELDER_NESTED, { id: inA1.id })).elder;
    expect(own.compliance).toMatchObject({ overdue: true, class: 'C' });
    expect(own.visits.nodes.map((v: any) => v.id)).toContain(visitOf[inA1.id]);
    expect(own.assignments).toEqual([{ role: 'PRIMARY', visitor: { id: visitorA1 } }]);
  });

  it('cannot write outside town A, and nothing is written', async () => {
    const before = await writes();
    await expectNotFound(townA, RECORD, { i: recordInput(inB1.id) }, 'recordVisit');
    await expectForbidden(townA, CAMPAIGN, { i: campaignInput(REGIONS.townB) }, 'createCampaign');
    await expectForbidden(townA, STANDARD, { i: standardInput(REGIONS.townB) }, 'createVisitStandard');
    await expectForbidden(townA, VISITOR, { i: visitorInput(REGIONS.villageB1) }, 'createVisitor');
    await expectForbidden(townA, OVERRIDE, { i: overrideInput(inA1.id) }, 'overrideElderClass (admins only)');
    // Another town's visitor, or another town's elder, cannot be assigned.
    expect(codeOf(await t.exec(townA, ASSIGN, { i: { visitorId: visitorB1, elderIds: [inA2.id] } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townA, ASSIGN, { i: { visitorId: visitorA1, elderIds: [inB1.id] } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townA, `mutation($id: ID!) { acknowledgeAlert(id: $id, version: 1) { id } }`, { id: alertOf[inB1.id] }))).toBe('NOT_FOUND');
    expect(await writes()).toEqual(before);
  });
});

describe('list queries never include another town', () => {
  it('overdueElders, visits and alerts split by town; the county sees both', async () => {
    for (const [user, mine, theirs] of [
      [townA, [inA1.id, inA2.id], [inB1.id]],
      [townB, [inB1.id], [inA1.id, inA2.id]],
    ] as const) {
      const overdue = overdueIds(ok(await t.exec(user, OVERDUE)));
      const visits = visitElders(ok(await t.exec(user, VISITS)));
      const alerts = alertElders(ok(await t.exec(user, ALERTS, { f: { status: ['OPEN', 'ACKNOWLEDGED', 'REFERRED', 'RESOLVED'] } })));
      for (const list of [overdue, visits, alerts]) {
        expect(list).toEqual([...mine].sort());
        for (const id of theirs) expect(list).not.toContain(id);
      }
    }
    const all = [inA1.id, inA2.id, inB1.id].sort();
    expect(overdueIds(ok(await t.exec(admin, OVERDUE)))).toEqual(all);
    expect(visitElders(ok(await t.exec(admin, VISITS)))).toEqual(all);
    expect(alertElders(ok(await t.exec(admin, ALERTS)))).toEqual(all);
    expect(ok(await t.exec<any>(admin, RATE)).visitRate).toEqual({ regionCode: REGIONS.city, numerator: 0, denominator: 4 });
  });

  it('stays inside the town however the alert escalates: town B never sees town A alerts in any queue', async () => {
    t.clock.set('2026-12-31T02:00:00Z'); // months later every open alert sits in the county queue
    const county = ok(await t.exec<any>(admin, ALERTS, { f: { queueRegionCode: REGIONS.city } })).alerts.nodes.map((a: any) => a.id);
    expect(county).toEqual(expect.arrayContaining([alertOf[inA1.id], alertOf[inB1.id]]));
    const b = ok(await t.exec<any>(townB, ALERTS, { f: { escalated: true } })).alerts.nodes.map((a: any) => a.id);
    expect(b).toEqual([alertOf[inB1.id]]);
    const a = ok(await t.exec<any>(townA, ALERTS, { f: { escalated: true } })).alerts.nodes.map((x: any) => x.id).sort();
    expect(a).toEqual([alertOf[inA1.id], alertOf[inA2.id]].sort());
  });

  it('an elder who moves to town B takes the visit records along: town A no longer lists them, town B does', async () => {
    const mover = await registerElder(t, admin, { name: '司徒永昌', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1944-04-04') });
    const visit = ok(await t.exec<any>(townA, RECORD, { i: { elderId: mover.id, visitedAt: '2026-11-15T01:00:00Z', method: 'HOME', disease: 'SERIOUS', diseaseName: '肺癌' } })).recordVisit;
    expect(ok(await t.exec<any>(townA, VISITS)).visits.nodes.map((v: any) => v.id)).toContain(visit.id);
    ok(await t.exec(admin, `mutation($id: ID!, $v: Int!) { updateElder(id: $id, version: $v, input: { regionCode: "${REGIONS.villageB1}" }) { id } }`, { id: mover.id, v: mover.version }));
    expect(ok(await t.exec<any>(townA, VISITS)).visits.nodes.map((v: any) => v.id)).not.toContain(visit.id);
    expect(ok(await t.exec<any>(townB, VISITS)).visits.nodes.map((v: any) => v.id)).toContain(visit.id);
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    for (const query of [VISITS, OVERDUE, ALERTS, RATE]) expect(codeOf(await t.exec(null, query)), query).toBe('UNAUTHENTICATED');
  });
});
