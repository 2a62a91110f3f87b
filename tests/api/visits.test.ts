import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

const NOW = '2026-11-15T02:00:00Z'; // Sunday 15 November 2026, 10:00 in China
const HISTORY = '2026-09-10T02:00:00Z'; // archives registered on 10 September have two months of history

// Villages of town A used only by one group of tests each.
const V = {
  list: '440783001022',
  sql: '440783001023',
  worklist: '440783001024',
  filters: '440783001025',
} as const;

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let townB: TestUser;
/** A village worker of 东河 (A1) linked to the visitor `mine`. */
let worker: TestUser;
/** Another village worker of 东河, linked to `theirs`. */
let colleague: TestUser;
/** A village worker with no visitor record. */
let lonely: TestUser;
let mine: VisitorData;
let theirs: VisitorData;
/** Registered on 10 September in 东河, assigned to `mine`. */
let assigned: ElderData;
/** Registered on 10 September in 东河, assigned to `theirs`. */
let notAssigned: ElderData;
/** Registered on 10 September in 沙塘镇 (town B). */
let elderB: ElderData;

interface VisitorData {
  id: string;
  name: string;
}

const VISIT_FIELDS = `id elderId seq visitedAt visitedOn method enteredBy enteredAt campaignId alertIds
  visitor { id name active leftOn hasLogin }
  location latitude longitude durationMinutes householdChange householdChangeCount expression mobility disease diseaseName mood
  gasSafety waterHeatingSafety electricitySafety housingUnsafe unattended personalHygiene homeHygiene indoorEnvironment
  serviceNeeds careSuggestions visitorSigned elderSigned satisfaction notes
  careServices { id kind content deliveredOn visitId }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { ${VISIT_FIELDS} } }`;
const LIST = `query($filter: VisitFilter, $first: Int, $after: String) { visits(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id elderId seq visitedAt visitedOn method visitor { id name } careServices { kind } } } }`;
const ELDER_VISITS = `query($id: ID!, $first: Int, $after: String) { elder(id: $id) {
  visits(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${VISIT_FIELDS} } }
  careServices { id kind content deliveredOn visitId } } }`;
const CARE = `mutation($input: RecordCareServiceInput!) { recordCareService(input: $input) { id kind content deliveredOn visitId } }`;
const WORKLIST = `query($asOf: Date) { myWorklist(asOf: $asOf) {
  elder { id name } class overdue daysOverdue missedDueBy dueBy daysLeft requirements { description met overdue dueBy } } }`;
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id name } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;
const UNASSIGN = `mutation($elderId: ID!, $visitorId: ID!) { unassignVisitor(elderId: $elderId, visitorId: $visitorId, reason: "调整分工") }`;
const REASSIGN = `mutation($from: ID!, $to: ID!, $leftOn: Date) { reassignVisitor(from: $from, to: $to, reason: "离职", leftOn: $leftOn) { assigned } }`;
const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id status } }`;

type Visit = Record<string, any> & { id: string; seq: number };

let nameSeq = 0;
function nextName(prefix: string): string {
  nameSeq++;
  return `${prefix}${String.fromCharCode(0x4e00 + nameSeq)}${String.fromCharCode(0x4e00 + ((nameSeq * 11) % 700))}`;
}
let birthSeq = 0;
function nextBirth(): string {
  birthSeq++;
  return `1948-${String((birthSeq % 12) + 1).padStart(2, '0')}-${String((Math.floor(birthSeq / 12) % 28) + 1).padStart(2, '0')}`;
}

/** Registers an archive with the clock at `at` (default: 10 September), then puts the clock back. */
async function elderAt(regionCode: string, extra: Record<string, unknown> = {}, at = HISTORY, as: TestUser = town): Promise<ElderData> {
  t.clock.set(at);
  try {
    return await registerElder(t, as, { name: nextName('黄'), regionCode, idNumber: idNumberFor(nextBirth()), ...extra });
  } finally {
    t.clock.set(NOW);
  }
}

async function visitorFor(regionCode: string, login?: TestUser): Promise<VisitorData> {
  return ok(
    await t.exec<{ createVisitor: VisitorData }>(town, CREATE_VISITOR, {
      input: { name: nextName('探'), kind: 'VILLAGE_STAFF', regionCode, username: login?.username ?? null },
    }),
  ).createVisitor;
}

async function assign(visitorId: string, elderIds: string[], role = 'PRIMARY'): Promise<void> {
  ok(await t.exec(town, ASSIGN, { input: { visitorId, elderIds, role } }));
}

const record = (as: TestUser, input: Record<string, unknown>) => t.exec<{ recordVisit: Visit }>(as, RECORD, { input });

async function visitCount(elderId: string): Promise<number> {
  const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from visit where elder_id = $1`, [elderId]);
  return row!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  colleague = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  lonely = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  mine = await visitorFor(REGIONS.villageA1, worker);
  theirs = await visitorFor(REGIONS.villageA1, colleague);
  assigned = await elderAt(REGIONS.villageA1);
  notAssigned = await elderAt(REGIONS.villageA1);
  elderB = await elderAt(REGIONS.villageB1, {}, HISTORY, townB);
  await assign(mine.id, [assigned.id]);
  await assign(theirs.id, [notAssigned.id]);
});
afterAll(() => t.close());

describe('recordVisit', () => {
  it('needs only elderId, visitedAt and method; numbers visits per elder; records who entered it and as which visitor', async () => {
    const first = ok(await record(worker, { elderId: assigned.id, visitedAt: '2026-10-01T02:00:00Z', method: 'PHONE' })).recordVisit;
    expect(first).toMatchObject({
      elderId: assigned.id,
      seq: 1,
      visitedAt: '2026-10-01T02:00:00.000Z',
      visitedOn: '2026-10-01',
      method: 'PHONE',
      enteredBy: worker.username,
      enteredAt: '2026-11-15T02:00:00.000Z',
      visitor: { id: mine.id, name: mine.name, active: true, hasLogin: true },
      visitorSigned: false,
      elderSigned: false,
      careServices: [],
      alertIds: [],
      disease: null,
      householdChange: null,
      latitude: null,
    });
    const second = ok(await record(worker, { elderId: assigned.id, visitedAt: '2026-10-20T02:00:00Z', method: 'HOME' })).recordVisit;
    // Recorded late, dated earlier: still numbered in the order entered.
    const third = ok(await record(worker, { elderId: assigned.id, visitedAt: '2026-09-30T02:00:00Z', method: 'VIDEO' })).recordVisit;
    expect([second.seq, third.seq]).toEqual([2, 3]);

    // Another elder starts at 1; a town operator without a visitor record leaves the visitor empty.
    const other = await elderAt(REGIONS.villageA2);
    const byTown = ok(await record(town, { elderId: other.id, visitedAt: '2026-11-01T02:00:00Z', method: 'HOME' })).recordVisit;
    expect(byTown).toMatchObject({ seq: 1, enteredBy: town.username, visitor: null });
    // ... or names the visitor whose paper form it enters.
    const forMine = ok(await record(town, { elderId: assigned.id, visitedAt: '2026-11-02T02:00:00Z', method: 'HOME', visitorId: mine.id })).recordVisit;
    expect(forMine).toMatchObject({ seq: 4, enteredBy: town.username, visitor: { id: mine.id } });

    const rows = await t.sql(`select seq, entered_by, visitor_id from visit where elder_id = $1 order by seq`, [assigned.id]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows.slice(0, 3).every((r) => r.entered_by === worker.id && r.visitor_id === mine.id)).toBe(true);
    const [{ audits }] = await t.sql(`select count(*)::int as audits from audit_event where action = 'VISIT_RECORD' and elder_id = $1`, [assigned.id]);
    expect(audits).toBe(4);
  });

  it('dates the visit in China time', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    await assign(mine.id, [elder.id]);
    // 17:30 UTC on 31 October is 01:30 on 1 November in China.
    const v = ok(await record(worker, { elderId: elder.id, visitedAt: '2026-10-31T17:30:00Z', method: 'HOME' })).recordVisit;
    expect(v.visitedOn).toBe('2026-11-01');
  });

  it('round-trips every field of the form, with care services', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    const input = {
      elderId: elder.id,
      visitedAt: '2026-11-03T06:30:00Z',
      method: 'HOME',
      visitorId: theirs.id,
      location: '东河社区3巷5号',
      latitude: 22.376543,
      longitude: 112.698765,
      // GPS is kept only with the visitor's consent (proof of visit, issue 14).
      proof: { locationConsent: true },
      durationMinutes: 45,
      householdChange: 'DECREASED',
      householdChangeCount: 1,
      expression: 'BETTER',
      mobility: 'WORSE',
      disease: 'SERIOUS',
      diseaseName: '高血压',
      mood: 'UNCHANGED',
      gasSafety: 'SAFE',
      waterHeatingSafety: 'FAIRLY_SAFE',
      electricitySafety: 'SAFE',
      housingUnsafe: false,
      unattended: false,
      personalHygiene: 'BETTER',
      homeHygiene: 'UNCHANGED',
      indoorEnvironment: 'WORSE',
      serviceNeeds: '希望每周助餐两次',
      careSuggestions: '联系社工跟进',
      visitorSigned: true,
      elderSigned: true,
      satisfaction: 'VERY_SATISFIED',
      notes: '老人精神尚可',
      careServices: [
        { kind: 'CLEANING', content: '打扫卧室' },
        { kind: 'HAIRCUT', deliveredOn: '2026-11-01' },
      ],
    };
    const v = ok(await record(town, input)).recordVisit;
    const { elderId, visitorId, careServices, visitedAt, proof: _proof, ...plain } = input;
    expect(v).toMatchObject({ ...plain, elderId, seq: 1, visitedAt: '2026-11-03T06:30:00.000Z', visitedOn: '2026-11-03', visitor: { id: visitorId } });
    expect(v.careServices).toEqual([
      { id: expect.any(String), kind: 'CLEANING', content: '打扫卧室', deliveredOn: '2026-11-03', visitId: v.id },
      { id: expect.any(String), kind: 'HAIRCUT', content: null, deliveredOn: '2026-11-01', visitId: v.id },
    ]);
    // A serious illness and worse mobility raise alerts by the rules table.
    expect(v.alertIds).toHaveLength(2);

    // Read back through the elder, exactly the same.
    const read = ok(await t.exec<any>(town, ELDER_VISITS, { id: elder.id })).elder;
    expect(read.visits.totalCount).toBe(1);
    expect(read.visits.nodes[0]).toEqual(v);
    expect(read.careServices.map((s: { kind: string; visitId: string }) => [s.kind, s.visitId])).toEqual([
      ['CLEANING', v.id],
      ['HAIRCUT', v.id],
    ]);
    const listed = ok(await t.exec<any>(town, LIST, { filter: { elderId: elder.id } })).visits;
    expect(listed.nodes).toEqual([
      { id: v.id, elderId: elder.id, seq: 1, visitedAt: v.visitedAt, visitedOn: '2026-11-03', method: 'HOME', visitor: { id: theirs.id, name: theirs.name }, careServices: [{ kind: 'CLEANING' }, { kind: 'HAIRCUT' }] },
    ]);
  });

  it('trims texts and keeps a visitor’s record after they leave', async () => {
    const login = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const leaving = await visitorFor(REGIONS.villageA1, login);
    const successor = await visitorFor(REGIONS.villageA1);
    const elder = await elderAt(REGIONS.villageA1);
    await assign(leaving.id, [elder.id]);
    const v = ok(await record(login, { elderId: elder.id, visitedAt: '2026-11-10T02:00:00Z', method: 'HOME', notes: '  一切正常  ', location: ' ' })).recordVisit;
    expect(v).toMatchObject({ notes: '一切正常', location: null, visitor: { id: leaving.id, active: true, leftOn: null } });
    ok(await t.exec(town, REASSIGN, { from: leaving.id, to: successor.id, leftOn: '2026-11-12' }));
    const read = ok(await t.exec<any>(town, ELDER_VISITS, { id: elder.id })).elder.visits.nodes[0];
    expect(read.visitor).toMatchObject({ id: leaving.id, active: false, leftOn: '2026-11-12' });
    // Once left, the login can no longer record.
    expect(codeOf(await record(login, { elderId: elder.id, visitedAt: '2026-11-14T02:00:00Z', method: 'HOME' }))).toBe('FORBIDDEN');
  });
});

describe('recordVisit: refused inputs', () => {
  let elder: ElderData;
  const base = () => ({ elderId: elder.id, visitedAt: '2026-11-10T02:00:00Z', method: 'HOME' });

  beforeAll(async () => {
    elder = await elderAt(REGIONS.villageA1);
  });

  async function refused(input: Record<string, unknown>, as: TestUser = town): Promise<GqlResult<unknown>> {
    const before = await visitCount(elder.id);
    const result = await record(as, input);
    expect(await visitCount(elder.id)).toBe(before);
    return result;
  }

  it('refuses a visit in the future, but not one a few minutes ahead (device clocks drift)', async () => {
    const future = await refused({ ...base(), visitedAt: '2026-11-15T03:00:00Z' });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(future)).toEqual(['visitedAt']);
    expect(ok(await record(town, { ...base(), visitedAt: '2026-11-15T02:03:00Z' })).recordVisit.visitedOn).toBe('2026-11-15');
  });

  it('refuses a visit dated before the archive existed; the registration day itself is fine', async () => {
    const early = await refused({ ...base(), visitedAt: '2026-09-09T02:00:00Z' });
    expect(codeOf(early)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(early)).toEqual(['visitedAt']);
    expect(early.errors![0]!.message).toContain('2026-09-10');
    // 16:30 UTC on 9 September is already 10 September in China.
    expect(ok(await record(town, { ...base(), visitedAt: '2026-09-09T16:30:00Z' })).recordVisit.visitedOn).toBe('2026-09-10');
  });

  it('refuses a visit after the archive was closed, but records one up to the closing day', async () => {
    const closing = await elderAt(REGIONS.villageA1);
    ok(await t.exec(town, CLOSE, { id: closing.id, version: closing.version, input: { status: 'DECEASED', effectiveDate: '2026-11-01', reason: '病故' } }));
    const after = await record(town, { elderId: closing.id, visitedAt: '2026-11-02T02:00:00Z', method: 'HOME' });
    expect(codeOf(after)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(after)).toEqual(['visitedAt']);
    expect(await visitCount(closing.id)).toBe(0);
    // Entering the paper form of the last visit before the death is still possible.
    ok(await record(town, { elderId: closing.id, visitedAt: '2026-10-30T02:00:00Z', method: 'HOME' }));
    ok(await record(town, { elderId: closing.id, visitedAt: '2026-11-01T02:00:00Z', method: 'PHONE' }));
    expect(await visitCount(closing.id)).toBe(2);
    // Nor a service delivered after the closing day on an earlier visit.
    const lateService = await record(town, { elderId: closing.id, visitedAt: '2026-10-31T02:00:00Z', method: 'HOME', careServices: [{ kind: 'MEAL', deliveredOn: '2026-11-05' }] });
    expect(fieldsOf(lateService)).toEqual(['careServices.0.deliveredOn']);
    expect(await visitCount(closing.id)).toBe(2);
  });

  it('refuses a serious illness without the name of the disease', async () => {
    expect(fieldsOf(await refused({ ...base(), disease: 'SERIOUS' }))).toEqual(['diseaseName']);
    expect(fieldsOf(await refused({ ...base(), disease: 'SERIOUS', diseaseName: '  ' }))).toEqual(['diseaseName']);
    expect(codeOf(await refused({ ...base(), disease: 'SERIOUS' }))).toBe('BAD_USER_INPUT');
  });

  it('refuses a household change without a count, a count without a change, and a count out of range', async () => {
    expect(fieldsOf(await refused({ ...base(), householdChange: 'INCREASED' }))).toEqual(['householdChangeCount']);
    expect(fieldsOf(await refused({ ...base(), householdChange: 'DECREASED', householdChangeCount: 0 }))).toEqual(['householdChangeCount']);
    expect(fieldsOf(await refused({ ...base(), householdChange: 'UNCHANGED', householdChangeCount: 1 }))).toEqual(['householdChangeCount']);
    expect(fieldsOf(await refused({ ...base(), householdChangeCount: 2 }))).toEqual(['householdChangeCount']);
    const negative = await refused({ ...base(), householdChange: 'INCREASED', householdChangeCount: -2 });
    expect(codeOf(negative)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(negative)).toEqual(['householdChangeCount']);
    const tooMany = await refused({ ...base(), householdChange: 'INCREASED', householdChangeCount: 21 });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(tooMany)).toEqual(['householdChangeCount']);
  });

  it('refuses a latitude without a longitude (and the reverse), and coordinates out of range', async () => {
    const consent = { proof: { locationConsent: true } };
    const latOnly = await refused({ ...base(), ...consent, latitude: 22.37 });
    expect(codeOf(latOnly)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(latOnly)).toEqual(['latitude']);
    expect(codeOf(await refused({ ...base(), ...consent, longitude: 112.69 }))).toBe('BAD_USER_INPUT');
    expect(fieldsOf(await refused({ ...base(), ...consent, latitude: 91, longitude: 112.69 }))).toEqual(['latitude']);
    expect(fieldsOf(await refused({ ...base(), ...consent, latitude: 22.37, longitude: 181 }))).toEqual(['longitude']);
  });

  it('refuses other malformed fields, listing every one', async () => {
    expect(fieldsOf(await refused({ ...base(), durationMinutes: 0 }))).toEqual(['durationMinutes']);
    expect(fieldsOf(await refused({ ...base(), idempotencyKey: 'k'.repeat(101) }))).toEqual(['idempotencyKey']);
    expect(fieldsOf(await refused({ ...base(), careServices: Array.from({ length: 21 }, () => ({ kind: 'MEAL' })) }))).toEqual(['careServices']);
    expect(fieldsOf(await refused({ ...base(), careServices: [{ kind: 'MEAL', deliveredOn: '2026-11-16' }] }))).toEqual(['careServices.0.deliveredOn']);
    // A service on the visit cannot predate the archive either.
    expect(fieldsOf(await refused({ ...base(), careServices: [{ kind: 'MEAL' }, { kind: 'MEAL', deliveredOn: '2026-09-01' }] }))).toEqual([
      'careServices.1.deliveredOn',
    ]);
    expect(fieldsOf(await refused({ ...base(), notes: '字'.repeat(1001) }))).toEqual(['notes']);
    const many = await refused({ ...base(), disease: 'SERIOUS', householdChange: 'INCREASED', latitude: 1 });
    // ... including the consent a GPS location needs.
    expect(fieldsOf(many)).toEqual(['diseaseName', 'householdChangeCount', 'latitude', 'proof.locationConsent']);
  });
});

describe('recordVisit: who may record for whom', () => {
  const input = (elderId: string) => ({ elderId, visitedAt: '2026-11-10T02:00:00Z', method: 'HOME' });

  it('lets a village worker record only for the elders assigned to their visitor', async () => {
    ok(await record(worker, input(assigned.id)));
    const before = await visitCount(notAssigned.id);
    const notMine = await record(worker, input(notAssigned.id));
    expect(codeOf(notMine)).toBe('FORBIDDEN');
    expect(notMine.errors![0]!.extensions!.field).toBe('elderId');
    expect(await visitCount(notAssigned.id)).toBe(before);
    // The colleague holds that elder and may.
    ok(await record(colleague, input(notAssigned.id)));
  });

  it('answers an elder in another town and an unknown id alike: NOT_FOUND, the same message (no existence leak)', async () => {
    const otherTown = await record(worker, input(elderB.id));
    expect(codeOf(otherTown)).toBe('NOT_FOUND');
    const unknown = await record(worker, input(randomUUID()));
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    const malformed = await record(worker, input('not-a-uuid'));
    expect(codeOf(malformed)).toBe('NOT_FOUND');
    expect(unknown.errors![0]!.message).toBe(otherTown.errors![0]!.message);
    expect(malformed.errors![0]!.message).toBe(otherTown.errors![0]!.message);
    expect(unknown.errors![0]!.extensions).toEqual(otherTown.errors![0]!.extensions);
    // Town operators get the same answer outside their town.
    const byTown = await record(town, input(elderB.id));
    expect(codeOf(byTown)).toBe('NOT_FOUND');
    expect(byTown.errors![0]!.message).toBe(otherTown.errors![0]!.message);
    expect(await visitCount(elderB.id)).toBe(0);
  });

  it('does not find an elder of another village in the same town, assigned or not', async () => {
    const elsewhere = await elderAt(REGIONS.villageA2);
    const visitorA = await visitorFor(REGIONS.townA);
    await assign(visitorA.id, [elsewhere.id]);
    expect(codeOf(await record(worker, input(elsewhere.id)))).toBe('NOT_FOUND');
  });

  it('refuses a village worker recording as another visitor, and one without a visitor record', async () => {
    const asOther = await record(worker, { ...input(assigned.id), visitorId: theirs.id });
    expect(codeOf(asOther)).toBe('FORBIDDEN');
    expect(asOther.errors![0]!.extensions!.field).toBe('visitorId');
    expect(codeOf(await record(lonely, input(assigned.id)))).toBe('FORBIDDEN');
    // Explicitly naming their own visitor is fine.
    expect(ok(await record(worker, { ...input(assigned.id), visitorId: mine.id })).recordVisit.visitor.id).toBe(mine.id);
  });

  it('stops a village worker as soon as the assignment ends', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    await assign(mine.id, [elder.id]);
    ok(await record(worker, input(elder.id)));
    ok(await t.exec(town, UNASSIGN, { elderId: elder.id, visitorId: mine.id }));
    expect(codeOf(await record(worker, input(elder.id)))).toBe('FORBIDDEN');
    expect(await visitCount(elder.id)).toBe(1);
  });

  it('lets a town operator and the city admin record for any elder of their jurisdiction, and nobody else', async () => {
    ok(await record(town, input(notAssigned.id)));
    ok(await record(admin, input(elderB.id)));
    ok(await record(townB, input(elderB.id)));
    const police = await t.user('POLICE', REGIONS.townA);
    expect(codeOf(await record(police, input(assigned.id)))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(null, RECORD, { input: input(assigned.id) }))).toBe('UNAUTHENTICATED');
    // A visitor outside the jurisdiction cannot be named.
    const visitorB = ok(
      await t.exec<{ createVisitor: VisitorData }>(townB, CREATE_VISITOR, { input: { name: '沙塘探访员', kind: 'VOLUNTEER', regionCode: REGIONS.villageB1 } }),
    ).createVisitor;
    const foreign = await record(town, { ...input(assigned.id), visitorId: visitorB.id });
    expect(codeOf(foreign)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(foreign)).toEqual(['visitorId']);
  });
});

describe('recordVisit: idempotency', () => {
  it('records a retried submission once and returns the same visit', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    await assign(mine.id, [elder.id]);
    const input = { elderId: elder.id, visitedAt: '2026-11-11T02:00:00Z', method: 'HOME', mood: 'BETTER', idempotencyKey: 'phone-7f3a-0001' };
    const first = ok(await record(worker, input)).recordVisit;
    // The same record again, fields in another order and explicit nulls: a retry.
    const retry = ok(await record(worker, { idempotencyKey: 'phone-7f3a-0001', method: 'HOME', mood: 'BETTER', notes: null, elderId: elder.id, visitedAt: '2026-11-11T02:00:00.000Z' })).recordVisit;
    expect(retry).toEqual(first);
    expect(await visitCount(elder.id)).toBe(1);
    const [{ audits }] = await t.sql(`select count(*)::int as audits from audit_event where action = 'VISIT_RECORD' and elder_id = $1`, [elder.id]);
    expect(audits).toBe(1);
    // Without a key, the same form twice is two visits.
    const { idempotencyKey: _k, ...noKey } = input;
    ok(await record(worker, noKey));
    ok(await record(worker, noKey));
    expect(await visitCount(elder.id)).toBe(3);
  });

  it('records once when the same submission arrives several times at once', async () => {
    for (let round = 0; round < 3; round++) {
      const elder = await elderAt(REGIONS.villageA1);
      await assign(mine.id, [elder.id]);
      const input = {
        elderId: elder.id,
        visitedAt: '2026-11-12T02:00:00Z',
        method: 'HOME',
        unattended: true,
        careServices: [{ kind: 'MEAL', content: '送餐' }],
        idempotencyKey: `burst-${round}`,
      };
      const results = await Promise.all(Array.from({ length: 5 }, () => record(worker, input)));
      const visits = results.map((r) => ok(r).recordVisit);
      expect(new Set(visits.map((v) => v.id)).size).toBe(1);
      expect(visits.every((v) => v.seq === 1)).toBe(true);
      expect(await visitCount(elder.id)).toBe(1);
      const [{ services }] = await t.sql(`select count(*)::int as services from care_service where elder_id = $1`, [elder.id]);
      expect(services).toBe(1);
      const [{ alerts }] = await t.sql(`select count(*)::int as alerts from alert where elder_id = $1`, [elder.id]);
      expect(alerts).toBe(1);
    }
  });

  it('refuses the same key with a different payload (CONFLICT) and keys are per login', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    await assign(mine.id, [elder.id]);
    const first = ok(await record(worker, { elderId: elder.id, visitedAt: '2026-11-13T02:00:00Z', method: 'HOME', idempotencyKey: 'form-42' })).recordVisit;
    const changed = await record(worker, { elderId: elder.id, visitedAt: '2026-11-13T02:00:00Z', method: 'PHONE', idempotencyKey: 'form-42' });
    expect(codeOf(changed)).toBe('CONFLICT');
    expect(changed.errors![0]!.extensions).toMatchObject({ field: 'idempotencyKey', existingVisitId: first.id });
    expect(await visitCount(elder.id)).toBe(1);
    // Another login's key of the same text is another submission.
    const other = ok(await record(town, { elderId: elder.id, visitedAt: '2026-11-13T02:00:00Z', method: 'HOME', idempotencyKey: 'form-42' })).recordVisit;
    expect(other.id).not.toBe(first.id);
    expect(other.seq).toBe(2);
  });
});

describe('visits list', () => {
  let listed: ElderData[];
  let b: ElderData;

  beforeAll(async () => {
    listed = [await elderAt(V.list), await elderAt(V.list)];
    const dates = ['2026-09-15', '2026-10-01', '2026-10-15', '2026-11-01', '2026-11-05', '2026-11-10'];
    for (const [i, day] of dates.entries()) {
      ok(await record(town, { elderId: listed[i % 2]!.id, visitedAt: `${day}T02:00:00Z`, method: i % 3 === 0 ? 'PHONE' : 'HOME' }));
    }
    b = await elderAt(REGIONS.villageB1, {}, HISTORY, townB);
    ok(await record(townB, { elderId: b.id, visitedAt: '2026-11-01T02:00:00Z', method: 'HOME' }));
  });

  it('keeps each town to its own visits', async () => {
    const forB = ok(await t.exec<any>(townB, LIST, { first: 100 })).visits;
    expect(forB.nodes.every((n: { elderId: string }) => n.elderId === b.id || n.elderId === elderB.id)).toBe(true);
    expect(forB.nodes.map((n: { elderId: string }) => n.elderId)).not.toContain(listed[0]!.id);
    expect(ok(await t.exec<any>(townB, LIST, { filter: { elderId: listed[0]!.id } })).visits.totalCount).toBe(0);
    expect(codeOf(await t.exec(townB, LIST, { filter: { regionCode: V.list } }))).toBe('FORBIDDEN');
    const forA = ok(await t.exec<any>(town, LIST, { first: 100 })).visits;
    expect(forA.nodes.map((n: { elderId: string }) => n.elderId)).not.toContain(b.id);
    // A village worker sees the visits of their village only.
    const forWorker = ok(await t.exec<any>(worker, LIST, { first: 100 })).visits;
    expect(forWorker.nodes.map((n: { elderId: string }) => n.elderId)).not.toContain(listed[0]!.id);
    // The admin of the city sees both towns.
    const all = ok(await t.exec<any>(admin, LIST, { first: 100, filter: { elderId: b.id } })).visits;
    expect(all.totalCount).toBe(1);
  });

  it('pages newest first with a total count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = ok(await t.exec<any>(town, LIST, { filter: { regionCode: V.list }, first: 4, after })).visits;
      expect(page.totalCount).toBe(6);
      expect(page.pageInfo.hasPreviousPage).toBe(pages > 0);
      seen.push(...page.nodes.map((n: { visitedOn: string }) => n.visitedOn));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(['2026-11-10', '2026-11-05', '2026-11-01', '2026-10-15', '2026-10-01', '2026-09-15']);
    expect(fieldsOf(await t.exec(town, LIST, { after: 'garbage' }))).toEqual(['after']);
    expect(fieldsOf(await t.exec(town, LIST, { first: 101 }))).toEqual(['first']);
  });

  it('filters by method, date range, elder and visitor', async () => {
    const region = V.filters;
    const e = await elderAt(region);
    const v = await visitorFor(region);
    ok(await record(town, { elderId: e.id, visitedAt: '2026-10-31T17:00:00Z', method: 'PHONE' })); // 01:00 on 1 November in China
    ok(await record(town, { elderId: e.id, visitedAt: '2026-11-02T02:00:00Z', method: 'HOME', visitorId: v.id }));
    ok(await record(town, { elderId: e.id, visitedAt: '2026-11-09T02:00:00Z', method: 'VIDEO' }));
    const count = async (filter: Record<string, unknown>) => ok(await t.exec<any>(town, LIST, { filter: { regionCode: region, ...filter } })).visits.totalCount;
    expect(await count({})).toBe(3);
    expect(await count({ methods: ['HOME'] })).toBe(1);
    expect(await count({ methods: ['PHONE', 'VIDEO'] })).toBe(2);
    expect(await count({ from: '2026-11-01', to: '2026-11-02' })).toBe(2);
    expect(await count({ from: '2026-11-02' })).toBe(2);
    expect(await count({ to: '2026-10-31' })).toBe(0);
    expect(await count({ methods: ['HOME'], from: '2026-11-03' })).toBe(0);
    expect(await count({ visitorId: v.id })).toBe(1);
    expect(await count({ elderId: e.id })).toBe(3);
    expect(await count({ elderId: 'not-a-uuid' })).toBe(0);
    const nodes = ok(await t.exec<any>(town, LIST, { filter: { regionCode: region, methods: ['PHONE'] } })).visits.nodes;
    expect(nodes.map((n: { visitedOn: string }) => n.visitedOn)).toEqual(['2026-11-01']);
  });

  it("pages an elder's visits newest first", async () => {
    const read = async (after: string | null) => ok(await t.exec<any>(town, ELDER_VISITS, { id: listed[0]!.id, first: 2, after })).elder.visits;
    const p1 = await read(null);
    expect(p1.totalCount).toBe(3);
    expect(p1.nodes.map((n: Visit) => n.visitedOn)).toEqual(['2026-11-05', '2026-10-15']);
    const p2 = await read(p1.pageInfo.endCursor);
    expect(p2.nodes.map((n: Visit) => n.visitedOn)).toEqual(['2026-09-15']);
    expect(p2.pageInfo.hasNextPage).toBe(false);
  });
});

describe('SQL statements', () => {
  let archives: ElderData[];

  beforeAll(async () => {
    archives = [];
    for (let i = 0; i < 10; i++) archives.push(await elderAt(V.sql));
    const v = await visitorFor(V.sql);
    // 60 visits over two months, each with a care service; some raise an alert.
    for (let i = 0; i < 60; i++) {
      const day = new Date(Date.UTC(2026, 8, 12) + i * 86_400_000).toISOString().slice(0, 10);
      ok(
        await record(town, {
          elderId: archives[i % 10]!.id,
          visitedAt: `${day}T02:00:00Z`,
          method: 'HOME',
          visitorId: v.id,
          mood: i % 7 === 0 ? 'WORSE' : 'UNCHANGED',
          careServices: [{ kind: 'CLEANING' }],
        }),
      );
    }
  });

  it('costs the same number of statements for a page of 5 or 50 visits with visitor and care services', async () => {
    const q = `query($first: Int) { visits(first: $first, filter: { regionCode: "${V.sql}" }) {
      totalCount nodes { id seq visitor { name hasLogin } careServices { kind deliveredOn } alertIds } } }`;
    const small = await t.exec<any>(town, q, { first: 5 });
    const large = await t.exec<any>(town, q, { first: 50 });
    expect(ok(small).visits.nodes).toHaveLength(5);
    expect(ok(large).visits.nodes).toHaveLength(50);
    expect(ok(large).visits.totalCount).toBe(60);
    expect(ok(large).visits.nodes.every((n: any) => n.visitor.name && n.careServices.length === 1)).toBe(true);
    // region check + count + page (visitor joined, care services and alerts inline) + the read audit, whatever the page size.
    expect(small.sqlStatements).toBe(4);
    expect(large.sqlStatements).toBe(4);
  });

  it('costs the same number of statements for Elder.visits on a page of 2 or 10 elders', async () => {
    const q = `query($first: Int) { elders(first: $first, filter: { regionCode: "${V.sql}" }) { nodes { id
      visits(first: 3) { totalCount nodes { seq visitedOn visitor { name } careServices { kind } alertIds } } } } }`;
    const two = await t.exec<any>(town, q, { first: 2 });
    const ten = await t.exec<any>(town, q, { first: 10 });
    const nodes = ok(ten).elders.nodes;
    expect(nodes).toHaveLength(10);
    for (const n of nodes) {
      expect(n.visits.totalCount).toBe(6);
      expect(n.visits.nodes).toHaveLength(3);
      expect(n.visits.nodes.map((v: Visit) => v.seq)).toEqual([6, 5, 4]);
      expect(n.visits.nodes.every((v: any) => v.careServices.length === 1)).toBe(true);
    }
    // count + elders page + every elder's visits with their care services and alerts + the read audit.
    expect(two.sqlStatements).toBe(4);
    expect(ten.sqlStatements).toBe(4);
  });
});

describe('recordCareService', () => {
  it('records a service outside a visit, shown on the elder', async () => {
    const s = ok(await t.exec<any>(worker, CARE, { input: { elderId: assigned.id, kind: 'LAUNDRY', content: ' 洗被单 ', deliveredOn: '2026-11-14' } })).recordCareService;
    expect(s).toMatchObject({ kind: 'LAUNDRY', content: '洗被单', deliveredOn: '2026-11-14', visitId: null });
    const services = ok(await t.exec<any>(town, ELDER_VISITS, { id: assigned.id })).elder.careServices;
    expect(services[0]).toEqual(s);
  });

  it('refuses a future date, a date before the archive, a closed archive, and an elder not assigned to the visitor', async () => {
    const care = (as: TestUser, elderId: string, deliveredOn: string) => t.exec(as, CARE, { input: { elderId, kind: 'HAIRCUT', deliveredOn } });
    expect(fieldsOf(await care(town, assigned.id, '2026-11-16'))).toEqual(['deliveredOn']);
    expect(fieldsOf(await care(town, assigned.id, '2026-09-09'))).toEqual(['deliveredOn']);
    expect(codeOf(await care(worker, notAssigned.id, '2026-11-14'))).toBe('FORBIDDEN');
    expect(codeOf(await care(worker, elderB.id, '2026-11-14'))).toBe('NOT_FOUND');
    const closing = await elderAt(REGIONS.villageA1);
    ok(await t.exec(town, CLOSE, { id: closing.id, version: closing.version, input: { status: 'DECEASED', effectiveDate: '2026-11-01', reason: '病故' } }));
    const afterDeath = await care(town, closing.id, '2026-11-05');
    expect(codeOf(afterDeath)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(afterDeath)).toEqual(['deliveredOn']);
    ok(await care(town, closing.id, '2026-10-31'));
    const [{ n }] = await t.sql(`select count(*)::int as n from care_service where elder_id = $1`, [closing.id]);
    expect(n).toBe(1);
  });
});

describe('myWorklist', () => {
  let login: TestUser;
  let own: VisitorData;
  let sep: ElderData;
  let oct: ElderData;
  let nov: ElderData;
  let visited: ElderData;
  let others: ElderData;

  beforeAll(async () => {
    const region = V.worklist;
    login = await t.user('VILLAGE_WORKER', region);
    own = await visitorFor(region, login);
    const someoneElse = await visitorFor(region);
    sep = await elderAt(region, { circumstances: ['LIVING_ALONE'] }, '2026-09-10T02:00:00Z');
    oct = await elderAt(region, { circumstances: ['INCAPACITATED'] }, '2026-10-10T02:00:00Z');
    nov = await elderAt(region, { circumstances: ['LIVING_ALONE'] }, '2026-11-05T02:00:00Z');
    visited = await elderAt(region, { circumstances: ['LIVING_ALONE'] }, '2026-09-10T02:00:00Z');
    others = await elderAt(region, { circumstances: ['LIVING_ALONE'] }, '2026-08-10T02:00:00Z');
    await assign(own.id, [sep.id, oct.id, nov.id, visited.id]);
    await assign(someoneElse.id, [others.id]);
    // A home visit this month meets every requirement of a class C elder.
    ok(await record(login, { elderId: visited.id, visitedAt: '2026-11-03T02:00:00Z', method: 'HOME' }));
  });

  it('lists the assigned elders that are due or overdue, overdue longest first, and nobody else’s', async () => {
    const list = ok(await t.exec<{ myWorklist: any[] }>(login, WORKLIST, {})).myWorklist;
    expect(list.map((i) => i.elder.id)).toEqual([sep.id, oct.id, nov.id]);
    // September's window went unmet: overdue since 30 September.
    // The date that goes with the days overdue is the missed one (in the past); dueBy is the window now running.
    expect(list[0]).toMatchObject({ class: 'C', overdue: true, daysOverdue: 46, missedDueBy: '2026-09-30', dueBy: '2026-11-30', daysLeft: null });
    expect(list[1]).toMatchObject({ class: 'A', overdue: true, daysOverdue: 15, missedDueBy: '2026-10-31', dueBy: '2026-11-30', daysLeft: null });
    expect(list[2]).toMatchObject({ class: 'C', overdue: false, daysOverdue: null, missedDueBy: null, dueBy: '2026-11-30', daysLeft: 15 });
    expect(list[0].requirements.some((r: { met: boolean; overdue: boolean }) => !r.met && r.overdue)).toBe(true);
    expect(list.map((i) => i.elder.id)).not.toContain(others.id);
    expect(list.map((i) => i.elder.id)).not.toContain(visited.id);
  });

  it('drops an elder once visited, and follows asOf', async () => {
    ok(await record(login, { elderId: sep.id, visitedAt: '2026-11-14T02:00:00Z', method: 'HOME' }));
    const list = ok(await t.exec<{ myWorklist: any[] }>(login, WORKLIST, {})).myWorklist;
    expect(list.map((i) => i.elder.id)).toEqual([oct.id, nov.id]);
    // On 20 October the November archive did not exist.
    const earlier = ok(await t.exec<{ myWorklist: any[] }>(login, WORKLIST, { asOf: '2026-10-20' })).myWorklist;
    expect(earlier.map((i) => i.elder.id)).not.toContain(nov.id);
    expect(earlier.find((i) => i.elder.id === sep.id)).toMatchObject({ overdue: true, daysOverdue: 20, missedDueBy: '2026-09-30', dueBy: '2026-10-31' });
    expect(earlier.find((i) => i.elder.id === oct.id)).toMatchObject({ overdue: false, missedDueBy: null, dueBy: '2026-10-31', daysLeft: 11 });
    expect(codeOf(await t.exec(login, WORKLIST, { asOf: '2026-11-16' }))).toBe('BAD_USER_INPUT');
  });

  it('is FORBIDDEN for a login without a visitor record', async () => {
    const none = await t.exec(lonely, WORKLIST, {});
    expect(codeOf(none)).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(town, WORKLIST, {}))).toBe('FORBIDDEN');
  });
});
