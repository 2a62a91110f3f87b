import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let townB: TestUser;
let worker: TestUser;

// Villages of town A used only by one group of tests each, so their counts do not depend on the others.
const V = {
  unassigned: '440783001022', // 长沙东社区居委会
  workload: '440783001023', // 长沙西社区居委会
  sql: '440783001024', // 港口社区居委会
  reassign: '440783001025', // 祥龙社区居委会
} as const;

const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id name kind regionCode } }`;
const TEAMS = `query($regionCode: String) { teams(regionCode: $regionCode) { id name kind regionCode } }`;
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) {
  createVisitor(input: $input) { id name kind phone regionCode teamId hasLogin active leftOn } }`;
const VISITORS = `query($filter: VisitorFilter, $first: Int, $after: String) { visitors(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id name active leftOn hasLogin regionCode } } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned unchanged ended } }`;
const UNASSIGN = `mutation($elderId: ID!, $visitorId: ID!, $reason: String!) {
  unassignVisitor(elderId: $elderId, visitorId: $visitorId, reason: $reason) }`;
const REASSIGN = `mutation($from: ID!, $to: ID!, $reason: String!, $leftOn: Date) {
  reassignVisitor(from: $from, to: $to, reason: $reason, leftOn: $leftOn) { assigned unchanged ended } }`;
const UNASSIGNED = `query($regionCode: String, $first: Int, $after: String) { unassignedElders(regionCode: $regionCode, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id name status region { code } classification { class } } } }`;
const ASSIGNMENTS = `query($id: ID!, $all: Boolean!) { elder(id: $id) { id
  assignments(includeEnded: $all) { id elderId role startsAt endsAt endReason visitor { id name active } } } }`;
const WORKLOAD = `query($regionCode: String, $asOf: Date) { visitorWorkload(regionCode: $regionCode, asOf: $asOf) {
  visitorId visitorName elders classA classB classC dueThisWeek overdue } }`;
const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id seq } }`;
const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id status } }`;

interface Visitor {
  id: string;
  name: string;
  active: boolean;
  leftOn: string | null;
  hasLogin: boolean;
  phone: string | null;
  regionCode: string;
  teamId: string | null;
}

interface AssignmentRow {
  id: string;
  role: 'PRIMARY' | 'HELPER';
  endsAt: string | null;
  endReason: string | null;
  visitor: { id: string; name: string };
}

let nameSeq = 0;
/** A distinct Chinese name for each visitor (names may hold only letters). */
function nextName(prefix: string): string {
  nameSeq++;
  return `${prefix}${String.fromCharCode(0x4e00 + nameSeq)}${String.fromCharCode(0x4e00 + ((nameSeq * 7) % 500))}`;
}

let birthSeq = 0;
/** Birth dates spread over a year so ID numbers never repeat within the file. */
function nextBirth(): string {
  birthSeq++;
  const month = (birthSeq % 12) + 1;
  const day = (Math.floor(birthSeq / 12) % 28) + 1;
  return `1950-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

async function elders(count: number, regionCode: string, extra: Record<string, unknown> = {}, as: TestUser = town): Promise<ElderData[]> {
  const out: ElderData[] = [];
  for (let i = 0; i < count; i++) {
    out.push(await registerElder(t, as, { name: nextName('关'), regionCode, idNumber: idNumberFor(nextBirth()), ...extra }));
  }
  return out;
}

async function visitor(regionCode: string, extra: Record<string, unknown> = {}, as: TestUser = town): Promise<Visitor> {
  return ok(
    await t.exec<{ createVisitor: Visitor }>(as, CREATE_VISITOR, { input: { name: nextName('探'), kind: 'VILLAGE_STAFF', regionCode, ...extra } }),
  ).createVisitor;
}

const assign = (visitorId: string, elderIds: string[], role: 'PRIMARY' | 'HELPER' = 'PRIMARY', as: TestUser = town) =>
  t.exec<{ assignVisitor: { assigned: number; unchanged: number; ended: number } }>(as, ASSIGN, { input: { visitorId, elderIds, role } });

const reassign = (from: string, to: string, leftOn: string | null = null, reason = '工作调动', as: TestUser = town) =>
  t.exec<{ reassignVisitor: { assigned: number; unchanged: number; ended: number } }>(as, REASSIGN, { from, to, reason, leftOn });

async function assignmentsOf(elderId: string, includeEnded = false): Promise<AssignmentRow[]> {
  return ok(await t.exec<{ elder: { assignments: AssignmentRow[] } }>(town, ASSIGNMENTS, { id: elderId, all: includeEnded })).elder.assignments;
}

/** Active assignments straight from the database: elder id → "visitorId:ROLE" entries. */
async function activeRows(elderIds: string[]): Promise<Map<string, string[]>> {
  const rows = await t.sql<{ elder_id: string; visitor_id: string; role: string }>(
    `select elder_id, visitor_id, role from assignment where elder_id = any($1::uuid[]) and ends_at is null order by role desc, visitor_id`,
    [elderIds],
  );
  const map = new Map<string, string[]>(elderIds.map((id) => [id, []]));
  for (const r of rows) map.get(r.elder_id)!.push(`${r.visitor_id}:${r.role}`);
  return map;
}

async function activeCount(visitorId: string): Promise<number> {
  const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from assignment where visitor_id = $1 and ends_at is null`, [visitorId])) as [
    { n: number },
  ];
  return n;
}

const unassignedTotal = async (regionCode: string = REGIONS.townA, as: TestUser = town): Promise<number> =>
  ok(await t.exec<any>(as, UNASSIGNED, { regionCode, first: 1 })).unassignedElders.totalCount;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
});
afterAll(() => t.close());

describe('teams', () => {
  it('creates a team in the jurisdiction and lists it', async () => {
    const team = ok(await t.exec<any>(town, CREATE_TEAM, { input: { name: ' 三埠街道探访关爱队 ', kind: 'VISITING', regionCode: REGIONS.townA } })).createTeam;
    expect(team).toMatchObject({ name: '三埠街道探访关爱队', kind: 'VISITING', regionCode: REGIONS.townA });
    const teams = ok(await t.exec<any>(town, TEAMS, {})).teams;
    expect(teams.map((x: { id: string }) => x.id)).toContain(team.id);
    // Town B sees none of town A's teams.
    expect(ok(await t.exec<any>(townB, TEAMS, {})).teams).toEqual([]);
  });

  it('refuses a missing or too short name, a region outside the jurisdiction, and a village worker', async () => {
    const blank = await t.exec(town, CREATE_TEAM, { input: { name: '  ', kind: 'SURVEY', regionCode: REGIONS.townA } });
    expect(codeOf(blank)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(blank)).toEqual(['name']);
    expect(fieldsOf(await t.exec(town, CREATE_TEAM, { input: { name: '队', kind: 'SURVEY', regionCode: REGIONS.townA } }))).toEqual(['name']);
    expect(codeOf(await t.exec(town, CREATE_TEAM, { input: { name: '沙塘队', kind: 'SURVEY', regionCode: REGIONS.townB } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(worker, CREATE_TEAM, { input: { name: '东河队', kind: 'SURVEY', regionCode: REGIONS.villageA1 } }))).toBe('FORBIDDEN');
    const [{ n }] = await t.sql(`select count(*)::int as n from team where region_code = $1 or name = '队'`, [REGIONS.townB]);
    expect(n).toBe(0);
  });
});

describe('visitors', () => {
  it('creates a visitor with a masked phone and a team, and links a login', async () => {
    const team = ok(await t.exec<any>(town, CREATE_TEAM, { input: { name: '东河社区探访队', kind: 'VISITING', regionCode: REGIONS.villageA1 } })).createTeam;
    const v = ok(
      await t.exec<{ createVisitor: Visitor }>(town, CREATE_VISITOR, {
        input: { name: '司徒敏', kind: 'SOCIAL_WORKER', phone: '13800138000', regionCode: REGIONS.villageA1, teamId: team.id },
      }),
    ).createVisitor;
    expect(v).toMatchObject({ name: '司徒敏', phone: '138****8000', regionCode: REGIONS.villageA1, teamId: team.id, hasLogin: false, active: true, leftOn: null });
    const [row] = await t.sql(`select phone, user_id from visitor where id = $1`, [v.id]);
    expect(row).toEqual({ phone: '13800138000', user_id: null });

    const linkedLogin = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const linked = await visitor(REGIONS.villageA1, { username: linkedLogin.username });
    expect(linked.hasLogin).toBe(true);
    const [link] = await t.sql(`select user_id from visitor where id = $1`, [linked.id]);
    expect(link!.user_id).toBe(linkedLogin.id);
  });

  it('refuses a bad name and a bad phone, each as a field error', async () => {
    const noName = await t.exec(town, CREATE_VISITOR, { input: { name: ' ', kind: 'VOLUNTEER', regionCode: REGIONS.villageA1 } });
    expect(codeOf(noName)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noName)).toEqual(['name']);
    expect(fieldsOf(await t.exec(town, CREATE_VISITOR, { input: { name: '张3', kind: 'VOLUNTEER', regionCode: REGIONS.villageA1 } }))).toEqual(['name']);
    const badPhone = await t.exec(town, CREATE_VISITOR, { input: { name: '张三', kind: 'VOLUNTEER', phone: '12345', regionCode: REGIONS.villageA1 } });
    expect(codeOf(badPhone)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(badPhone)).toEqual(['phone']);
    const both = await t.exec(town, CREATE_VISITOR, { input: { name: '', kind: 'VOLUNTEER', phone: 'abc', regionCode: REGIONS.villageA1 } });
    expect(fieldsOf(both)).toEqual(['name', 'phone']);
    const [{ n }] = await t.sql(`select count(*)::int as n from visitor where name in ('张三', '张3')`);
    expect(n).toBe(0);
  });

  it('refuses a region outside the jurisdiction (FORBIDDEN), an unknown region and a team of another town', async () => {
    const outside = await t.exec(town, CREATE_VISITOR, { input: { name: '李四', kind: 'VOLUNTEER', regionCode: REGIONS.villageB1 } });
    expect(codeOf(outside)).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(town, CREATE_VISITOR, { input: { name: '李四', kind: 'VOLUNTEER', regionCode: '440783001999' } }))).toBe('BAD_USER_INPUT');
    const teamB = ok(await t.exec<any>(townB, CREATE_TEAM, { input: { name: '沙塘镇探访队', kind: 'VISITING', regionCode: REGIONS.townB } })).createTeam;
    expect(codeOf(await t.exec(town, CREATE_VISITOR, { input: { name: '李四', kind: 'VOLUNTEER', regionCode: REGIONS.villageA1, teamId: teamB.id } }))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await t.exec(worker, CREATE_VISITOR, { input: { name: '李四', kind: 'VOLUNTEER', regionCode: REGIONS.villageA1 } }))).toBe('FORBIDDEN');
    const [{ n }] = await t.sql(`select count(*)::int as n from visitor where name = '李四'`);
    expect(n).toBe(0);
  });

  it('refuses to link a login that is already linked (CONFLICT), an unknown login and one outside the jurisdiction', async () => {
    const login = await t.user('VILLAGE_WORKER', REGIONS.villageA2);
    const first = await visitor(REGIONS.villageA2, { username: login.username });
    expect(first.hasLogin).toBe(true);
    const again = await t.exec(town, CREATE_VISITOR, { input: { name: '王五', kind: 'GRID_WORKER', regionCode: REGIONS.villageA2, username: login.username } });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions!.field).toBe('username');
    expect(codeOf(await t.exec(town, CREATE_VISITOR, { input: { name: '王五', kind: 'GRID_WORKER', regionCode: REGIONS.villageA2, username: 'nobody_here' } }))).toBe(
      'BAD_USER_INPUT',
    );
    const loginB = await t.user('VILLAGE_WORKER', REGIONS.villageB1);
    const foreign = await t.exec(town, CREATE_VISITOR, { input: { name: '王五', kind: 'GRID_WORKER', regionCode: REGIONS.villageA2, username: loginB.username } });
    expect(codeOf(foreign)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(foreign)).toEqual(['username']);
    const rows = await t.sql(`select id from visitor where user_id = $1`, [login.id]);
    expect(rows).toEqual([{ id: first.id }]);
    const [{ n }] = await t.sql(`select count(*)::int as n from visitor where name = '王五'`);
    expect(n).toBe(0);
  });

  it('lists visitors by name inside the jurisdiction, with a text filter and pagination', async () => {
    const a = await visitor(REGIONS.villageA1, { name: '欧阳甲' });
    const b = await visitor(REGIONS.villageA1, { name: '欧阳乙' });
    const c = await visitor(REGIONS.villageA1, { name: '欧阳丙' });
    const page1 = ok(await t.exec<any>(town, VISITORS, { filter: { text: '欧阳' }, first: 2 })).visitors;
    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await t.exec<any>(town, VISITORS, { filter: { text: '欧阳' }, first: 2, after: page1.pageInfo.endCursor })).visitors;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const ids = [...page1.nodes, ...page2.nodes].map((n: Visitor) => n.id);
    expect(new Set(ids)).toEqual(new Set([a.id, b.id, c.id]));
    expect(ok(await t.exec<any>(townB, VISITORS, { filter: { text: '欧阳' } })).visitors.totalCount).toBe(0);
    expect(codeOf(await t.exec(townB, VISITORS, { filter: { regionCode: REGIONS.townA } }))).toBe('FORBIDDEN');
  });
});

describe('assignVisitor', () => {
  it('assigns one visitor to 30 elders in one call: one PRIMARY per elder, and a repeat changes nothing', async () => {
    const v = await visitor(REGIONS.townA);
    const list = await elders(30, REGIONS.villageA2);
    const ids = list.map((e) => e.id);
    expect(ok(await assign(v.id, ids)).assignVisitor).toEqual({ assigned: 30, unchanged: 0, ended: 0 });
    const rows = await t.sql<{ elder_id: string; n: number }>(
      `select elder_id, count(*)::int as n from assignment where elder_id = any($1::uuid[]) and role = 'PRIMARY' and ends_at is null group by elder_id`,
      [ids],
    );
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(await activeCount(v.id)).toBe(30);
    // Duplicates in the list count once; a repeat is idempotent.
    expect(ok(await assign(v.id, [...ids, ids[0]!])).assignVisitor).toEqual({ assigned: 0, unchanged: 30, ended: 0 });
    expect(await activeCount(v.id)).toBe(30);
    const [{ audits }] = await t.sql(`select count(*)::int as audits from audit_event where action = 'ASSIGNMENT_CHANGE' and elder_id = any($1::uuid[])`, [ids]);
    expect(audits).toBe(30);
  });

  it('replaces the previous responsible contact, keeping the history', async () => {
    const first = await visitor(REGIONS.townA);
    const second = await visitor(REGIONS.villageA1);
    const list = await elders(3, REGIONS.villageA1);
    const ids = list.map((e) => e.id);
    ok(await assign(first.id, ids));
    t.clock.set('2026-11-15T03:00:00Z');
    try {
      expect(ok(await assign(second.id, ids)).assignVisitor).toEqual({ assigned: 3, unchanged: 0, ended: 3 });
    } finally {
      t.clock.set('2026-11-15T02:00:00Z');
    }
    const active = await assignmentsOf(ids[0]!);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ role: 'PRIMARY', endsAt: null, visitor: { id: second.id } });
    const history = await assignmentsOf(ids[0]!, true);
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ role: 'PRIMARY', endsAt: null, visitor: { id: second.id } });
    expect(history[1]).toMatchObject({ role: 'PRIMARY', endsAt: '2026-11-15T03:00:00.000Z', visitor: { id: first.id } });
    expect(history[1]!.endReason).toContain(second.name);
    expect(await activeCount(first.id)).toBe(0);
  });

  it('adds helpers beside the responsible contact, and promotes a helper to responsible', async () => {
    const primary = await visitor(REGIONS.villageA1);
    const helper = await visitor(REGIONS.villageA1);
    const [elder] = await elders(1, REGIONS.villageA1);
    const id = elder!.id;
    ok(await assign(primary.id, [id]));
    expect(ok(await assign(helper.id, [id], 'HELPER')).assignVisitor).toEqual({ assigned: 1, unchanged: 0, ended: 0 });
    let active = await assignmentsOf(id);
    expect(active.map((a) => [a.visitor.id, a.role])).toEqual([
      [primary.id, 'PRIMARY'],
      [helper.id, 'HELPER'],
    ]);
    // The responsible contact asked to help stays the responsible contact.
    expect(ok(await assign(primary.id, [id], 'HELPER')).assignVisitor).toEqual({ assigned: 0, unchanged: 1, ended: 0 });
    expect((await activeRows([id])).get(id)).toEqual([`${primary.id}:PRIMARY`, `${helper.id}:HELPER`]);

    // The helper becomes responsible: the old contact and the helper role end, one PRIMARY remains.
    expect(ok(await assign(helper.id, [id], 'PRIMARY')).assignVisitor).toEqual({ assigned: 1, unchanged: 0, ended: 2 });
    active = await assignmentsOf(id);
    expect(active.map((a) => [a.visitor.id, a.role])).toEqual([[helper.id, 'PRIMARY']]);
    expect(await assignmentsOf(id, true)).toHaveLength(3);
  });

  it('is all or nothing: one elder outside the jurisdiction refuses the whole batch', async () => {
    const v = await visitor(REGIONS.townA);
    const mine = await elders(5, REGIONS.villageA1);
    const [foreign] = await elders(1, REGIONS.villageB1, {}, townB);
    const result = await assign(v.id, [...mine.map((e) => e.id), foreign!.id]);
    // Outside the jurisdiction is NOT_FOUND, like a missing archive.
    expect(codeOf(result)).toBe('NOT_FOUND');
    expect(result.errors![0]!.extensions!.field).toBe('elderIds');
    expect(await activeCount(v.id)).toBe(0);
    const [{ n }] = await t.sql(`select count(*)::int as n from assignment where elder_id = any($1::uuid[])`, [[...mine.map((e) => e.id), foreign!.id]]);
    expect(n).toBe(0);
    // An unknown id is answered the same way; a malformed one is bad input.
    const unknown = await assign(v.id, [mine[0]!.id, randomUUID()]);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    expect(unknown.errors![0]!.message).toBe(result.errors![0]!.message);
    expect(codeOf(await assign(v.id, [mine[0]!.id, 'not-a-uuid']))).toBe('BAD_USER_INPUT');
    expect(codeOf(await assign(v.id, []))).toBe('BAD_USER_INPUT');
    expect(await activeCount(v.id)).toBe(0);
  });

  it("is all or nothing: one elder outside the visitor's area refuses the whole batch", async () => {
    const v = await visitor(REGIONS.villageA1);
    const inside = await elders(3, REGIONS.villageA1);
    const [outside] = await elders(1, REGIONS.villageA2);
    const result = await assign(v.id, [...inside.map((e) => e.id), outside!.id]);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toContain('1 位老年人不在该探访人员负责的区域内');
    expect(await activeCount(v.id)).toBe(0);
    expect(ok(await assign(v.id, inside.map((e) => e.id))).assignVisitor.assigned).toBe(3);
  });

  it('refuses a closed archive', async () => {
    const v = await visitor(REGIONS.villageA1);
    const [elder] = await elders(1, REGIONS.villageA1);
    ok(await t.exec(town, CLOSE, { id: elder!.id, version: elder!.version, input: { status: 'DECEASED', effectiveDate: '2026-11-10', reason: '病故' } }));
    expect(codeOf(await assign(v.id, [elder!.id]))).toBe('BAD_USER_INPUT');
    expect(await activeCount(v.id)).toBe(0);
  });

  it('refuses more than 1,000 elders in one call', async () => {
    const v = await visitor(REGIONS.townA);
    const ids = Array.from({ length: 1001 }, () => randomUUID());
    const result = await assign(v.id, ids);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual(['elderIds']);
    expect(result.errors![0]!.message).toContain('1000');
  });

  it('refuses a visitor who has left, a visitor of another town, and a user without team.write', async () => {
    const leaving = await visitor(REGIONS.villageA1);
    const successor = await visitor(REGIONS.villageA1);
    const [elder] = await elders(1, REGIONS.villageA1);
    ok(await reassign(leaving.id, successor.id, '2026-11-14', '离职'));
    const left = await assign(leaving.id, [elder!.id]);
    expect(codeOf(left)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(left)).toEqual(['visitorId']);
    expect(left.errors![0]!.message).toContain('已离岗');

    const vB = await visitor(REGIONS.villageB1, {}, townB);
    expect(codeOf(await assign(vB.id, [elder!.id]))).toBe('NOT_FOUND');
    expect(codeOf(await assign(successor.id, [elder!.id], 'PRIMARY', townB))).toBe('NOT_FOUND');
    expect(codeOf(await assign(successor.id, [elder!.id], 'PRIMARY', worker))).toBe('FORBIDDEN');
    expect((await activeRows([elder!.id])).get(elder!.id)).toEqual([]);
    // The admin of the city can assign in any town.
    expect(ok(await assign(successor.id, [elder!.id], 'PRIMARY', admin)).assignVisitor.assigned).toBe(1);
  });
});

describe("the elder page's assign dialog", () => {
  const assignIf = (visitorId: string, elderId: string, expected: string | null) =>
    t.exec<{ assignVisitor: { assigned: number; unchanged: number; ended: number } }>(town, ASSIGN, {
      input: { visitorId, elderIds: [elderId], role: 'PRIMARY', expectPrimary: { visitorId: expected } },
    });

  it("lists only the visitors whose area covers the elder's village (`serving`), inside the jurisdiction", async () => {
    const village = await visitor(REGIONS.villageA1);
    const wholeTown = await visitor(REGIONS.townA);
    const otherVillage = await visitor(REGIONS.villageA2);
    const otherTown = await visitor(REGIONS.villageB1, {}, townB);
    const ids = async (serving: string) =>
      ok(await t.exec<any>(town, VISITORS, { filter: { serving }, first: 100 })).visitors.nodes.map((n: { id: string }) => n.id) as string[];
    const forA1 = await ids(REGIONS.villageA1);
    expect(forA1).toEqual(expect.arrayContaining([village.id, wholeTown.id]));
    expect(forA1).not.toContain(otherVillage.id);
    expect(forA1).not.toContain(otherTown.id);
    expect(await ids(REGIONS.villageA2)).toContain(otherVillage.id);
    // Outside the town operator's jurisdiction nothing is listed, even for a village the other town's visitor covers.
    expect(await ids(REGIONS.villageB1)).not.toContain(otherTown.id);
    const bad = await t.exec(town, VISITORS, { filter: { serving: '4407X' } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.field).toBe('filter.serving');
  });

  it('changes the responsible visitor when it is still the one the page showed, first from nobody then from someone', async () => {
    const [elder] = await elders(1, REGIONS.villageA1);
    const a = await visitor(REGIONS.villageA1);
    const b = await visitor(REGIONS.villageA1);
    expect(ok(await assignIf(a.id, elder!.id, null)).assignVisitor).toEqual({ assigned: 1, unchanged: 0, ended: 0 });
    expect(ok(await assignIf(b.id, elder!.id, a.id)).assignVisitor).toEqual({ assigned: 1, unchanged: 0, ended: 1 });
    expect((await activeRows([elder!.id])).get(elder!.id)).toEqual([`${b.id}:PRIMARY`]);
  });

  it('a change made meanwhile by someone else is CONFLICT naming who is responsible now, and nothing changes', async () => {
    const [elder] = await elders(1, REGIONS.villageA1);
    const a = await visitor(REGIONS.villageA1);
    const b = await visitor(REGIONS.villageA1);
    const c = await visitor(REGIONS.villageA1);
    ok(await assign(a.id, [elder!.id]));
    // Both pages showed A; the other office changed it to B first.
    ok(await assignIf(b.id, elder!.id, a.id));
    const late = await assignIf(c.id, elder!.id, a.id);
    expect(codeOf(late)).toBe('CONFLICT');
    expect(late.errors![0]!.message).toContain(`现在的责任探访人是${b.name}`);
    expect(late.errors![0]!.extensions).toMatchObject({ field: 'expectPrimary', currentVisitorId: b.id, currentVisitorName: b.name });
    expect((await activeRows([elder!.id])).get(elder!.id)).toEqual([`${b.id}:PRIMARY`]);
    // A page that saw nobody responsible is refused too once someone is.
    expect(codeOf(await assignIf(c.id, elder!.id, null))).toBe('CONFLICT');
  });

  it('two pages changing the same elder at once: exactly one succeeds, the other is CONFLICT', async () => {
    for (let i = 0; i < 3; i++) {
      const [elder] = await elders(1, REGIONS.villageA1);
      const a = await visitor(REGIONS.villageA1);
      const b = await visitor(REGIONS.villageA1);
      const c = await visitor(REGIONS.villageA1);
      ok(await assign(a.id, [elder!.id]));
      const results = await Promise.all([assignIf(b.id, elder!.id, a.id), assignIf(c.id, elder!.id, a.id)]);
      expect(results.map((r) => (r.errors ? codeOf(r) : 'OK')).sort()).toEqual(['CONFLICT', 'OK']);
      const winner = results[0]!.errors ? c : b;
      expect((await activeRows([elder!.id])).get(elder!.id)).toEqual([`${winner.id}:PRIMARY`]);
    }
  });
});

describe('unassignVisitor', () => {
  it('ends one assignment with a reason; unknown or foreign pairs are NOT_FOUND', async () => {
    const v = await visitor(REGIONS.villageA1);
    const [elder] = await elders(1, REGIONS.villageA1);
    ok(await assign(v.id, [elder!.id]));
    expect(codeOf(await t.exec(town, UNASSIGN, { elderId: elder!.id, visitorId: v.id, reason: ' ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(townB, UNASSIGN, { elderId: elder!.id, visitorId: v.id, reason: '调整分工' }))).toBe('NOT_FOUND');
    expect(ok(await t.exec<any>(town, UNASSIGN, { elderId: elder!.id, visitorId: v.id, reason: '调整分工' })).unassignVisitor).toBe(true);
    expect(codeOf(await t.exec(town, UNASSIGN, { elderId: elder!.id, visitorId: v.id, reason: '调整分工' }))).toBe('NOT_FOUND');
    const history = await assignmentsOf(elder!.id, true);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ endReason: '调整分工' });
    expect(history[0]!.endsAt).not.toBeNull();
  });
});

describe('reassignVisitor', () => {
  it('moves every elder with the same roles, leaves no orphan and marks the first visitor as left', async () => {
    const from = await visitor(V.reassign);
    const to = await visitor(V.reassign);
    const other = await visitor(V.reassign);
    const primaries = await elders(6, V.reassign);
    const helped = await elders(2, V.reassign);
    const untouched = await elders(1, V.reassign);
    ok(await assign(from.id, primaries.map((e) => e.id)));
    ok(await assign(other.id, helped.map((e) => e.id)));
    ok(await assign(from.id, helped.map((e) => e.id), 'HELPER'));
    // `to` already helps with one of the elders `from` is responsible for.
    ok(await assign(to.id, [primaries[0]!.id], 'HELPER'));
    ok(await assign(other.id, untouched.map((e) => e.id)));
    const unassignedBefore = await unassignedTotal(V.reassign);

    const result = ok(await reassign(from.id, to.id, '2026-11-14', '调往其他街道工作')).reassignVisitor;
    expect(result).toEqual({ assigned: 8, unchanged: 0, ended: 9 });

    expect(await unassignedTotal(V.reassign)).toBe(unassignedBefore);
    expect(await activeCount(from.id)).toBe(0);
    const active = await activeRows([...primaries, ...helped, ...untouched].map((e) => e.id));
    for (const e of primaries) expect(active.get(e.id)).toEqual([`${to.id}:PRIMARY`]);
    for (const e of helped) expect(active.get(e.id)).toEqual([`${other.id}:PRIMARY`, `${to.id}:HELPER`]);
    expect(active.get(untouched[0]!.id)).toEqual([`${other.id}:PRIMARY`]);

    // The history shows who held the elder and why it moved.
    const history = await assignmentsOf(primaries[0]!.id, true);
    const ended = history.filter((a) => a.endsAt !== null);
    expect(ended.map((a) => [a.visitor.id, a.role]).sort()).toEqual(
      [
        [from.id, 'PRIMARY'],
        [to.id, 'HELPER'],
      ].sort(),
    );
    expect(ended.find((a) => a.visitor.id === from.id)!.endReason).toContain('调往其他街道工作');

    const [row] = await t.sql(`select active, to_char(left_on, 'YYYY-MM-DD') as left_on from visitor where id = $1`, [from.id]);
    expect(row).toEqual({ active: false, left_on: '2026-11-14' });
    const listed = ok(await t.exec<any>(town, VISITORS, { filter: { regionCode: V.reassign }, first: 100 })).visitors.nodes;
    expect(listed.map((n: Visitor) => n.id)).not.toContain(from.id);
    const all = ok(await t.exec<any>(town, VISITORS, { filter: { regionCode: V.reassign, includeInactive: true }, first: 100 })).visitors.nodes;
    expect(all.find((n: Visitor) => n.id === from.id)).toMatchObject({ active: false, leftOn: '2026-11-14' });
    const [{ n }] = await t.sql(`select count(*)::int as n from audit_event where action = 'VISITOR_LEAVE' and detail->>'visitorId' = $1`, [from.id]);
    expect(n).toBe(1);
  });

  it('moves nothing when the new visitor’s area does not cover every elder', async () => {
    const from = await visitor(REGIONS.townA);
    const to = await visitor(REGIONS.villageA1);
    const a1 = await elders(2, REGIONS.villageA1);
    const a2 = await elders(1, REGIONS.villageA2);
    const ids = [...a1, ...a2].map((e) => e.id);
    ok(await assign(from.id, ids));
    const before = await activeRows(ids);
    const result = await reassign(from.id, to.id, '2026-11-14');
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual(['to']);
    expect(await activeRows(ids)).toEqual(before);
    expect(await activeCount(to.id)).toBe(0);
    const [row] = await t.sql(`select active, left_on from visitor where id = $1`, [from.id]);
    expect(row).toEqual({ active: true, left_on: null });
  });

  it('refuses the same visitor, a visitor who left, a future leaving date and a missing reason', async () => {
    const from = await visitor(REGIONS.villageA1);
    const to = await visitor(REGIONS.villageA1);
    const gone = await visitor(REGIONS.villageA1);
    const [elder] = await elders(1, REGIONS.villageA1);
    ok(await assign(from.id, [elder!.id]));
    ok(await reassign(gone.id, to.id, '2026-11-01'));
    expect(fieldsOf(await reassign(from.id, from.id))).toEqual(['to']);
    expect(fieldsOf(await reassign(from.id, gone.id))).toEqual(['to']);
    expect(fieldsOf(await reassign(from.id, to.id, '2026-11-16'))).toEqual(['leftOn']);
    expect(fieldsOf(await reassign(from.id, to.id, null, ' '))).toEqual(['reason']);
    expect(codeOf(await reassign(from.id, to.id, null, '工作调动', townB))).toBe('NOT_FOUND');
    expect(codeOf(await reassign(from.id, to.id, null, '工作调动', worker))).toBe('FORBIDDEN');
    expect((await activeRows([elder!.id])).get(elder!.id)).toEqual([`${from.id}:PRIMARY`]);
    // Without a leaving date the first visitor stays active, with no elders.
    expect(ok(await reassign(from.id, to.id)).reassignVisitor).toEqual({ assigned: 1, unchanged: 0, ended: 1 });
    const [row] = await t.sql(`select active from visitor where id = $1`, [from.id]);
    expect(row!.active).toBe(true);
    expect((await activeRows([elder!.id])).get(elder!.id)).toEqual([`${to.id}:PRIMARY`]);
  });
});

describe('concurrent changes', () => {
  it('two responsible contacts assigned at once: one wins, the other replaces it, one PRIMARY remains', async () => {
    for (let i = 0; i < 3; i++) {
      const [elder] = await elders(1, REGIONS.villageA1);
      const a = await visitor(REGIONS.villageA1);
      const b = await visitor(REGIONS.villageA1);
      const results = await Promise.all([assign(a.id, [elder!.id]), assign(b.id, [elder!.id])]);
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
      const active = (await activeRows([elder!.id])).get(elder!.id)!;
      expect(active).toHaveLength(1);
      expect([`${a.id}:PRIMARY`, `${b.id}:PRIMARY`]).toContain(active[0]);
    }
  });

  it('an assignment racing a reassignment of the same elder is not an internal error and leaves one PRIMARY', async () => {
    for (let i = 0; i < 5; i++) {
      const [elder] = await elders(1, REGIONS.villageA1);
      const from = await visitor(REGIONS.villageA1);
      const to = await visitor(REGIONS.villageA1);
      const other = await visitor(REGIONS.villageA1);
      ok(await assign(from.id, [elder!.id]));
      const [moved, taken] = await Promise.all([reassign(from.id, to.id), assign(other.id, [elder!.id])]);
      expect(moved.errors).toBeUndefined();
      expect(taken.errors).toBeUndefined();
      const active = (await activeRows([elder!.id])).get(elder!.id)!;
      expect(active).toHaveLength(1);
      expect(await activeCount(from.id)).toBe(0);
    }
  });

  it('a visitor being marked as left takes no elders meanwhile: nothing is left with them', async () => {
    for (let i = 0; i < 5; i++) {
      const [held, fresh] = await elders(2, REGIONS.villageA1);
      const leaving = await visitor(REGIONS.villageA1);
      const successor = await visitor(REGIONS.villageA1);
      ok(await assign(leaving.id, [held!.id]));
      const [moved, late] = await Promise.all([reassign(leaving.id, successor.id, '2026-11-14'), assign(leaving.id, [fresh!.id])]);
      expect(moved.errors).toBeUndefined();
      // Either the assignment came first (and the elder moved on to the successor) or it was refused cleanly.
      if (late.errors) expect(codeOf(late)).toBe('BAD_USER_INPUT');
      expect(await activeCount(leaving.id)).toBe(0);
      const active = await activeRows([held!.id, fresh!.id]);
      expect(active.get(held!.id)).toEqual([`${successor.id}:PRIMARY`]);
      expect(active.get(fresh!.id)).toEqual(late.errors ? [] : [`${successor.id}:PRIMARY`]);
    }
  });

  it('chained reassignments at once never move elders to a visitor who has just left', async () => {
    for (let i = 0; i < 5; i++) {
      const [e1, e2] = await elders(2, REGIONS.villageA1);
      const x = await visitor(REGIONS.villageA1);
      const y = await visitor(REGIONS.villageA1);
      const z = await visitor(REGIONS.villageA1);
      ok(await assign(x.id, [e1!.id]));
      ok(await assign(y.id, [e2!.id]));
      const [yz, xy] = await Promise.all([reassign(y.id, z.id, '2026-11-14'), reassign(x.id, y.id)]);
      expect(yz.errors).toBeUndefined();
      if (xy.errors) expect(codeOf(xy)).toBe('BAD_USER_INPUT');
      // Whatever the order, the visitor who left holds nobody and every elder has a responsible contact.
      expect(await activeCount(y.id)).toBe(0);
      const active = await activeRows([e1!.id, e2!.id]);
      expect(active.get(e2!.id)).toEqual([`${z.id}:PRIMARY`]);
      expect(active.get(e1!.id)).toEqual([xy.errors ? `${x.id}:PRIMARY` : `${z.id}:PRIMARY`]);
    }
  });
});

describe('unassignedElders', () => {
  it('lists active elders without a responsible contact, class A first, with totalCount and pages', async () => {
    const region = V.unassigned;
    const [classA] = await elders(1, region, { name: '甲类老人', circumstances: ['INCAPACITATED'] });
    const [classB] = await elders(1, region, { name: '乙类老人', circumstances: ['CARER_OF_DEPENDENT_CHILD'] });
    const classC = await elders(4, region, { circumstances: ['LIVING_ALONE'] });
    const all = [classA!, classB!, ...classC];
    const list = ok(await t.exec<any>(town, UNASSIGNED, { regionCode: region, first: 100 })).unassignedElders;
    expect(list.totalCount).toBe(6);
    expect(list.nodes.map((n: { id: string }) => n.id).slice(0, 2)).toEqual([classA!.id, classB!.id]);
    expect(list.nodes.map((n: any) => n.classification?.class)).toEqual(['A', 'B', 'C', 'C', 'C', 'C']);

    // Pages: no overlap, nothing missed.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(await t.exec<any>(town, UNASSIGNED, { regionCode: region, first: 4, after })).unassignedElders;
      expect(page.totalCount).toBe(6);
      seen.push(...page.nodes.map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(list.nodes.map((n: { id: string }) => n.id));

    const v = await visitor(region);
    const helperOnly = await visitor(region);
    ok(await assign(v.id, [classA!.id, classC[0]!.id]));
    // A helper alone is not a responsible contact: the elder stays listed.
    ok(await assign(helperOnly.id, [classB!.id], 'HELPER'));
    expect(await unassignedTotal(region)).toBe(4);
    // A closed archive is not listed.
    ok(await t.exec(town, CLOSE, { id: classC[1]!.id, version: 1, input: { status: 'MOVED_AWAY', effectiveDate: '2026-11-10', reason: '迁往外地' } }));
    expect(await unassignedTotal(region)).toBe(3);
    // Ending the only assignment puts the elder back.
    ok(await t.exec(town, UNASSIGN, { elderId: classA!.id, visitorId: v.id, reason: '调整分工' }));
    const after2 = ok(await t.exec<any>(town, UNASSIGNED, { regionCode: region, first: 100 })).unassignedElders;
    expect(after2.totalCount).toBe(4);
    expect(after2.nodes[0].id).toBe(classA!.id);
    expect(all.map((e) => e.id)).toEqual(expect.arrayContaining(after2.nodes.map((n: { id: string }) => n.id)));
    // The list reads a maintained set (elder_unassigned): after every write above it is exactly the live anti-join.
    expect(await t.sql(`select elder_id from elder_unassigned order by elder_id`)).toEqual(
      await t.sql(`select e.id as elder_id from elder e where e.status = 'ACTIVE'
                     and not exists (select 1 from assignment a where a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null)
                   order by e.id`));

    // Jurisdiction: town B sees none of them and cannot ask for town A.
    expect(codeOf(await t.exec(townB, UNASSIGNED, { regionCode: region }))).toBe('FORBIDDEN');
    const bList = ok(await t.exec<any>(townB, UNASSIGNED, { first: 100 })).unassignedElders.nodes;
    expect(bList.every((n: any) => n.region.code.startsWith(REGIONS.townB))).toBe(true);
  });
});

describe('visitorWorkload', () => {
  it('counts elders by class, due this week and overdue, most overdue first', async () => {
    const region = V.workload;
    try {
      // History: two archives registered in September, one in late November.
      t.clock.set('2026-09-10T02:00:00Z');
      const [overdueA] = await elders(1, region, { circumstances: ['INCAPACITATED'] });
      const [visitedC] = await elders(1, region, { circumstances: ['LIVING_ALONE'] });
      t.clock.set('2026-11-20T02:00:00Z');
      const [newB] = await elders(1, region, { circumstances: ['CARER_OF_DEPENDENT_CHILD'] });
      // Names sort the same by code point and by pinyin: 安 (an) < 平 (ping).
      const busy = await visitor(region, { name: '忙碌员' });
      const calm = await visitor(region, { name: '安稳员' });
      const idle = await visitor(region, { name: '平闲员' });
      ok(await assign(busy.id, [overdueA!.id, newB!.id]));
      ok(await assign(calm.id, [visitedC!.id]));
      // A helper's elders count in their workload too.
      ok(await assign(calm.id, [newB!.id], 'HELPER'));
      ok(await t.exec(town, RECORD_VISIT, { input: { elderId: visitedC!.id, visitedAt: '2026-11-20T01:00:00Z', method: 'HOME' } }));

      // Monday 30 November 2026: the week ends on 6 December, so the November windows are due this week.
      t.clock.set('2026-11-30T02:00:00Z');
      const rows = ok(await t.exec<{ visitorWorkload: any[] }>(town, WORKLOAD, { regionCode: region })).visitorWorkload;
      expect(rows.map((r) => r.visitorName)).toEqual(['忙碌员', '安稳员', '平闲员']);
      expect(rows[0]).toEqual({ visitorId: busy.id, visitorName: '忙碌员', elders: 2, classA: 1, classB: 1, classC: 0, dueThisWeek: 2, overdue: 1 });
      expect(rows[1]).toEqual({ visitorId: calm.id, visitorName: '安稳员', elders: 2, classA: 0, classB: 1, classC: 1, dueThisWeek: 1, overdue: 0 });
      expect(rows[2]).toEqual({ visitorId: idle.id, visitorName: '平闲员', elders: 0, classA: 0, classB: 0, classC: 0, dueThisWeek: 0, overdue: 0 });

      // On Sunday 15 November no window ends within the week, and the late-November archive did not exist yet.
      const mid = ok(await t.exec<{ visitorWorkload: any[] }>(town, WORKLOAD, { regionCode: region, asOf: '2026-11-15' })).visitorWorkload;
      expect(mid.find((r) => r.visitorId === busy.id)).toMatchObject({ classA: 1, classB: 0, dueThisWeek: 0, overdue: 1 });

      expect(codeOf(await t.exec(town, WORKLOAD, { regionCode: region, asOf: '2026-12-01' }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.exec(townB, WORKLOAD, { regionCode: region }))).toBe('FORBIDDEN');
      const forB = ok(await t.exec<{ visitorWorkload: any[] }>(townB, WORKLOAD, {})).visitorWorkload;
      expect(forB.map((r) => r.visitorId)).not.toContain(busy.id);
    } finally {
      t.clock.set('2026-11-15T02:00:00Z');
    }
  });
});

describe('SQL statements', () => {
  it('costs the same number of statements to assign 5 or 50 elders, and to reassign 5 or 50', async () => {
    const list = await elders(55, V.sql);
    const small = await visitor(V.sql);
    const large = await visitor(V.sql);
    const r5: GqlResult<any> = await assign(small.id, list.slice(0, 5).map((e) => e.id));
    const r50: GqlResult<any> = await assign(large.id, list.slice(5).map((e) => e.id));
    expect(ok(r5).assignVisitor.assigned).toBe(5);
    expect(ok(r50).assignVisitor.assigned).toBe(50);
    expect(r50.sqlStatements).toBe(r5.sqlStatements);
    expect(r5.sqlStatements).toBeLessThanOrEqual(10);

    const small2 = await visitor(V.sql);
    const large2 = await visitor(V.sql);
    const m5 = await reassign(small.id, small2.id, '2026-11-14');
    const m50 = await reassign(large.id, large2.id, '2026-11-14');
    expect(ok(m5).reassignVisitor.assigned).toBe(5);
    expect(ok(m50).reassignVisitor.assigned).toBe(50);
    expect(m50.sqlStatements).toBe(m5.sqlStatements);
    expect(m5.sqlStatements).toBeLessThanOrEqual(14);
    expect(await activeCount(large2.id)).toBe(50);

    // Reading the assignments of a page of elders is one statement, whatever the page size.
    const q = `query($first: Int) { elders(first: $first, filter: { regionCode: "${V.sql}" }) { nodes { id assignments { role visitor { name } } } } }`;
    const p5 = await t.exec<any>(town, q, { first: 5 });
    const p50 = await t.exec<any>(town, q, { first: 50 });
    expect(ok(p50).elders.nodes).toHaveLength(50);
    expect(ok(p50).elders.nodes.every((n: any) => n.assignments.length === 1)).toBe(true);
    // count + page + the assignments of every elder on it + the read audit.
    expect(p5.sqlStatements).toBe(4);
    expect(p50.sqlStatements).toBe(4);
  });
});
