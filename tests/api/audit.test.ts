import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { GET, registerElder, UPDATE } from '../helpers/elders.js';

let t: TestApp;
let town: TestUser;
let auditor: TestUser;
let elder: Awaited<ReturnType<typeof registerElder>>;
const LOG = `query($filter: AuditFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { action actorUsername elderId regionCode purpose changes { field old new } } } }`;

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  auditor = await t.user('AUDITOR', REGIONS.city);
  elder = await registerElder(t, town, { phone: '13800138000' });
  ok(await t.exec(town, UPDATE, { id: elder.id, version: 1, input: { phone: '13900139000' } }));
  ok(await t.exec(town, GET, { id: elder.id }));
  ok(await t.exec(town, `mutation($id: ID!) { revealElderIdentity(elderId: $id, purpose: "电话回访") { phone } }`, { id: elder.id }));
});
afterAll(() => t.close());

describe('audit rows', () => {
  it('records every change with old and new values (masked), every archive read and every reveal with its purpose', async () => {
    const log = ok(await t.exec<any>(auditor, LOG, { filter: { elderId: elder.id } })).auditLog;
    expect(log.nodes.map((n: { action: string }) => n.action)).toEqual(['IDENTITY_REVEAL', 'ELDER_READ', 'ELDER_UPDATE', 'ELDER_REGISTER']);
    expect(log.nodes.every((n: { actorUsername: string; regionCode: string }) => n.actorUsername === town.username && n.regionCode === REGIONS.villageA1)).toBe(true);
    expect(log.nodes[0].purpose).toBe('电话回访');
    expect(log.nodes[2].changes).toEqual([{ field: 'phone', old: '138****8000', new: '139****9000' }]);
    const registered = log.nodes[3].changes.map((c: { field: string }) => c.field);
    expect(registered).toEqual(expect.arrayContaining(['name', 'idNumber', 'regionCode', 'phone']));
    const idChange = log.nodes[3].changes.find((c: { field: string }) => c.field === 'idNumber');
    expect(idChange.new).toMatch(/^440783\*{8}/);
  });

  it('keeps the full ID number out of the whole audit table', async () => {
    const rows = await t.sql(`select count(*)::int as n from audit_event where changes::text like $1 or detail::text like $1`, [`%${elder.fullIdNumber}%`]);
    expect(rows[0]!.n).toBe(0);
  });

  it('records logins, and failed logins with the name tried', async () => {
    const login = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
    await t.exec(null, login, { u: town.username, p: 'wrong-password' });
    const log = ok(await t.exec<any>(auditor, LOG, { filter: { actions: ['LOGIN_FAILED'] } })).auditLog;
    expect(log.nodes[0]).toMatchObject({ action: 'LOGIN_FAILED', actorUsername: town.username });
  });
});

describe('who may read the audit log', () => {
  it('auditors and admins of the region; nobody else', async () => {
    const admin = await t.user('ADMIN', REGIONS.city);
    expect(ok(await t.exec<any>(admin, LOG, { filter: { elderId: elder.id } })).auditLog.totalCount).toBe(4);
    expect(codeOf(await t.exec(town, LOG))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(await t.user('INTEGRATOR', REGIONS.city), LOG))).toBe('FORBIDDEN');
    const otherTownAuditor = await t.user('AUDITOR', REGIONS.townB);
    expect(ok(await t.exec<any>(otherTownAuditor, LOG, { filter: { elderId: elder.id } })).auditLog.totalCount).toBe(0);
  });

  it('pages newest first and refuses unknown actions', async () => {
    const first = ok(await t.exec<any>(auditor, LOG, { filter: { elderId: elder.id }, first: 3 })).auditLog;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await t.exec<any>(auditor, LOG, { filter: { elderId: elder.id }, first: 3, after: first.pageInfo.endCursor })).auditLog;
    expect(rest.nodes.map((n: { action: string }) => n.action)).toEqual(['ELDER_REGISTER']);
    expect(codeOf(await t.exec(auditor, LOG, { filter: { actions: ['DROP_TABLE'] } }))).toBe('BAD_USER_INPUT');
  });
});

describe('audit rows in words', () => {
  const NAMED = `query($filter: AuditFilter, $first: Int) { auditLog(filter: $filter, first: $first) {
    nodes { action actorUsername actorName elderId elderName regionCode regionPath purpose } } }`;

  it("finds who revealed an elder's ID number by her name: the row names the elder, the revealer and the town and village", async () => {
    const guan = await registerElder(t, town, { name: '关秀英', regionCode: REGIONS.villageA2 });
    ok(await t.exec(town, `mutation($id: ID!) { revealElderIdentity(elderId: $id, purpose: "核对低保资格") { idNumber } }`, { id: guan.id }));
    const log = ok(await t.exec<any>(auditor, NAMED, { filter: { elder: '关秀英', actions: ['IDENTITY_REVEAL'] } })).auditLog;
    expect(log.nodes).toEqual([
      {
        action: 'IDENTITY_REVEAL',
        actorUsername: town.username,
        actorName: `测试 ${town.username}`,
        elderId: guan.id,
        elderName: '关秀英',
        regionCode: REGIONS.villageA2,
        regionPath: '三埠街道 新安社区居委会',
        purpose: '核对低保资格',
      },
    ]);
  });

  it('names a whole page in a fixed number of statements, whatever the number of rows (no query per row)', async () => {
    const small = await t.exec<any>(auditor, NAMED, { first: 2 });
    const large = await t.exec<any>(auditor, NAMED, { first: 20 });
    expect(ok(small).auditLog.nodes).toHaveLength(2);
    expect(ok(large).auditLog.nodes.length).toBeGreaterThan(5);
    expect(new Set(ok<any>(large).auditLog.nodes.map((n: { elderId: string | null }) => n.elderId)).size).toBeGreaterThan(1);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it('a row without a user or region (a failed login under an unknown name) has no names, and a county-level row its own name', async () => {
    await t.exec(null, `mutation { login(username: "nobody-here", password: "wrong-password") { token } }`);
    const log = ok(await t.exec<any>(auditor, NAMED, { filter: { actions: ['LOGIN_FAILED'] } })).auditLog;
    const unknown = log.nodes.find((n: { actorUsername: string }) => n.actorUsername === 'nobody-here');
    expect(unknown).toMatchObject({ actorName: null, elderName: null, regionPath: null });
    const county = await t.sql(`select name from region where code = $1`, [REGIONS.city]);
    const countyRow = ok(await t.exec<any>(auditor, `query { regions { code name localPath } }`)).regions[0];
    expect(countyRow).toEqual({ code: REGIONS.city, name: county[0]!.name, localPath: county[0]!.name });
  });
});

describe('append-only', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    await expect(t.sql(`update audit_event set purpose = 'changed' where elder_id = $1`, [elder.id])).rejects.toThrow(/append-only/);
    await expect(t.sql(`delete from audit_event where elder_id = $1`, [elder.id])).rejects.toThrow(/append-only/);
    await expect(t.sql(`truncate audit_event`)).rejects.toThrow(/append-only/);
    const rows = await t.sql(`select count(*)::int as n from audit_event where elder_id = $1`, [elder.id]);
    expect(rows[0]!.n).toBe(4);
  });
});
