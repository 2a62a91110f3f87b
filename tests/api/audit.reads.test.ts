import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * Every read of personal data is audited (issue 12, item 2): for each root field that serves archives, the audit rows
 * a request writes are exactly the archives its response carries, one per archive, written in one statement, with
 * the root field and the parts read (contacts, household, visits) named.
 */
let t: TestApp;
let admin: TestUser;
let town: TestUser;
let worker: TestUser;
let auditor: TestUser;
const ids: string[] = [];
const names: string[] = [];
const tails: string[] = [];
let outsider: string;

const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;
const VISIT = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;
const LOG = `query($filter: AuditFilter, $first: Int) { auditLog(filter: $filter, first: $first) {
  totalCount nodes { action elderId elderName regionCode detail actorUsername } } }`;

interface ReadRow {
  elder_id: string;
  region_code: string;
  detail: { via: string[]; parts: string[] };
}

/** Runs one query as `as` and returns its response and the ELDER_READ rows it wrote (by its own request id). */
async function readsOf(as: TestUser, query: string, variables?: Record<string, unknown>) {
  const before = await t.sql<{ id: string }>(`select coalesce(max(id), 0)::text as id from audit_event`);
  const result = await t.exec<any>(as, query, variables);
  const rows = await t.sql<ReadRow>(
    `select elder_id, region_code, detail from audit_event where id > $1 and action = 'ELDER_READ' and actor_username = $2 order by elder_id`,
    [before[0]!.id, as.username],
  );
  return { result, rows, sqlStatements: result.sqlStatements };
}

const sorted = (values: Iterable<string>) => [...values].sort();

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  auditor = await t.user('AUDITOR', REGIONS.city);
  for (let i = 0; i < 6; i++) {
    const idNumber = idNumberFor(`194${i}-06-0${i + 1}`);
    const e = await registerElder(t, admin, {
      name: `读审${'甲乙丙丁戊己'[i]}`,
      idNumber,
      regionCode: i < 4 ? REGIONS.villageA1 : REGIONS.villageA2,
      circumstances: ['LIVING_ALONE'],
      emergencyContacts: [{ kind: 'CHILD', name: `子女${'一二三四五六'[i]}`, relation: '儿子', phone: '13800138000' }],
      householdMembers: i % 2 === 0 ? [{ name: `家人${'一二三四五六'[i]}`, relation: '配偶', idNumber: idNumberFor('1945-01-01', false) }] : [],
    });
    ids.push(e.id);
    names.push(e.name);
    tails.push(idNumber.slice(-6));
  }
  outsider = (await registerElder(t, admin, { name: '读审外镇', idNumber: idNumberFor('1941-07-07'), regionCode: REGIONS.villageB1 })).id;
  const visitor = ok(await t.exec<any>(admin, CREATE_VISITOR, {
    input: { name: '读审探访员', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1, username: worker.username },
  })).createVisitor;
  ok(await t.exec(admin, ASSIGN, { input: { visitorId: visitor.id, elderIds: ids.slice(0, 3), role: 'PRIMARY' } }));
  ok(await t.exec(admin, VISIT, { i: { elderId: ids[0], visitedAt: '2026-11-15T01:00:00Z', method: 'HOME' } }));
});
afterAll(() => t.close());

describe('each root field that serves archives writes one read row per archive it served', () => {
  it('elders: one row per archive on the page, parts named, in one extra statement', async () => {
    const q = `{ elders(first: 100, filter: { regionCode: "${REGIONS.townA}" }) { totalCount nodes { id name
      householdMembers { name idNumber } emergencyContacts { name phone } } } }`;
    const { result, rows } = await readsOf(town, q);
    const served = ok(result).elders.nodes.map((n: { id: string }) => n.id);
    expect(sorted(served)).toEqual(sorted(ids));
    expect(rows.map((r) => r.elder_id)).toEqual(sorted(served));
    for (const r of rows) {
      expect(r.detail.via).toEqual(['elders']);
      expect(r.detail.parts).toContain('archive');
      expect(r.detail.parts).toContain('emergencyContacts');
      // Household only where the archive has members: an empty list disclosed nothing about anyone else.
      const i = ids.indexOf(r.elder_id);
      expect(r.detail.parts.includes('householdMembers')).toBe(i % 2 === 0);
    }
    expect(rows.find((r) => r.elder_id === ids[4])!.region_code).toBe(REGIONS.villageA2);
  });

  it('elders: the statement count of a page with nested lists stays flat as the page grows (the audit is one statement)', async () => {
    const page = (n: number) => `{ elders(first: ${n}, filter: { regionCode: "${REGIONS.townA}" }) { nodes { id emergencyContacts { name } } } }`;
    const small = await readsOf(town, page(2));
    const large = await readsOf(town, page(6));
    expect(small.rows).toHaveLength(2);
    expect(large.rows).toHaveLength(6);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it('elder(id): one row; aliases of the same archive still one row naming both fields', async () => {
    const { rows } = await readsOf(town, `query($id: ID!) { a: elder(id: $id) { name } b: elder(id: $id) { id } }`, { id: ids[1] });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ elder_id: ids[1], region_code: REGIONS.villageA1, detail: { via: ['elder'], parts: ['archive'] } });
  });

  it('overdueElders and myWorklist: the archives listed', async () => {
    // November passes without visits to five of them: they are overdue in December.
    t.clock.set('2026-12-10T02:00:00Z');
    const overdue = await readsOf(town, `{ overdueElders(regionCode: "${REGIONS.townA}", first: 100) { nodes { elder { id name } } } }`);
    const overdueIds = ok(overdue.result).overdueElders.nodes.map((n: { elder: { id: string } }) => n.elder.id);
    expect(overdueIds.length).toBeGreaterThan(0);
    expect(overdue.rows.map((r) => r.elder_id)).toEqual(sorted(overdueIds));
    expect(overdue.rows.every((r) => r.detail.via[0] === 'overdueElders')).toBe(true);

    const worklist = await readsOf(worker, `{ myWorklist { overdue elder { id name } } }`);
    const listed = ok(worklist.result).myWorklist.map((w: { elder: { id: string } }) => w.elder.id);
    expect(sorted(listed)).toEqual(sorted(ids.slice(0, 3)));
    expect(worklist.rows.map((r) => r.elder_id)).toEqual(sorted(listed));
    t.clock.set('2026-11-15T02:00:00Z');
  });

  it('unassignedElders and visits: the archives and the visit records served', async () => {
    const unassigned = await readsOf(town, `{ unassignedElders(regionCode: "${REGIONS.townA}", first: 100) { nodes { id } } }`);
    expect(unassigned.rows.map((r) => r.elder_id)).toEqual(sorted(ids.slice(3)));
    const visits = await readsOf(town, `{ visits(first: 10) { nodes { id elderId visitedOn } } }`);
    expect(visits.rows).toHaveLength(1);
    expect(visits.rows[0]).toMatchObject({ elder_id: ids[0], detail: { via: ['visits'], parts: ['visits'] } });
  });

  it('a query that serves no archive writes nothing; a refused one writes nothing; mutations are audited as changes', async () => {
    expect((await readsOf(town, `{ me { username } }`)).rows).toHaveLength(0);
    const outside = await readsOf(town, `query($id: ID!) { elder(id: $id) { name } }`, { id: outsider });
    expect(codeOf(outside.result)).toBe('NOT_FOUND');
    expect(outside.rows).toHaveLength(0);
    const unscoped = await readsOf(await t.user('INTEGRATOR', REGIONS.city), `{ elders(first: 5) { nodes { id } } }`);
    expect(codeOf(unscoped.result)).toBe('FORBIDDEN');
    expect(unscoped.rows).toHaveLength(0);
  });
});

describe('the auditor finds reads by person', () => {
  it('by name or ID-number tail, with the name on every row', async () => {
    const byName = ok(await t.exec<any>(auditor, LOG, { filter: { elder: names[1], actions: ['ELDER_READ'] }, first: 100 })).auditLog;
    expect(byName.totalCount).toBeGreaterThan(0);
    expect(byName.nodes.every((n: { elderId: string; elderName: string }) => n.elderId === ids[1] && n.elderName === names[1])).toBe(true);
    const byTail = ok(await t.exec<any>(auditor, LOG, { filter: { elder: tails[2] }, first: 100 })).auditLog;
    expect(new Set(byTail.nodes.map((n: { elderId: string }) => n.elderId))).toEqual(new Set([ids[2]]));
    expect(byTail.nodes.map((n: { action: string }) => n.action)).toEqual(expect.arrayContaining(['ELDER_READ', 'ELDER_REGISTER']));
  });

  it('refuses a search that names nobody precisely, and finds nobody outside the auditor\'s area', async () => {
    expect(codeOf(await t.exec(auditor, LOG, { filter: { elder: '12' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(auditor, LOG, { filter: { elder: '读审1号' } }))).toBe('BAD_USER_INPUT');
    const townAuditor = await t.user('AUDITOR', REGIONS.townB);
    expect(ok(await t.exec<any>(townAuditor, LOG, { filter: { elder: names[0] } })).auditLog.totalCount).toBe(0);
  });
});
