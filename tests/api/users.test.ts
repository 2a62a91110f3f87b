import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../packages/api/src/server.js';
import { UsersService } from '../../packages/api/src/modules/users/users.service.js';
import { codeOf, createTestApp, fieldsOf, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';

const USER = `id username displayName role roleLabel regionCode regionName agencyId active lastLoginAt`;
const LIST = `query($filter: UserFilter, $first: Int, $after: String) { users(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { ${USER} } } }`;
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER} } }`;
const RESET = `mutation($id: ID!, $password: String!) { resetUserPassword(id: $id, password: $password) { id active } }`;
const DEACTIVATE = `mutation($id: ID!, $reason: String!) { deactivateUser(id: $id, reason: $reason) { id active } }`;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 50) { nodes { action actorUsername regionCode changes { field old new } detail } } }`;

let t: TestApp;
let cityAdmin: TestUser;
let townAdminA: TestUser;
let townAdminB: TestUser;
let townOperator: TestUser;
let auditor: TestUser;
let seq = 0;
const valid = (over: Record<string, unknown> = {}) => ({
  username: `new.user_${++seq}`,
  displayName: '新用户',
  role: 'VILLAGE_WORKER',
  regionCode: REGIONS.villageA1,
  password: 'abcdef12345',
  ...over,
});

/** Logs in over the API (a real session row), returning the token. */
async function login(username: string, password: string): Promise<string> {
  return ok(await t.exec<any>(null, LOGIN, { u: username, p: password })).login.token;
}
async function liveSessions(userId: string): Promise<number> {
  const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from session where user_id = $1 and revoked_at is null`, [userId]);
  return row!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  cityAdmin = await t.user('ADMIN', REGIONS.city);
  townAdminA = await t.user('ADMIN', REGIONS.townA);
  townAdminB = await t.user('ADMIN', REGIONS.townB);
  townOperator = await t.user('TOWN_OPERATOR', REGIONS.townA);
  auditor = await t.user('AUDITOR', REGIONS.city);
});
afterAll(() => t.close());

describe('roles', () => {
  it('lists every role with its labels and scopes; only admins manage users', async () => {
    const roles = ok(await t.exec<any>(townOperator, `{ roles { name label labelEn scopes needsAgency } }`)).roles;
    expect(roles.map((r: { name: string }) => r.name)).toContain('AUDITOR');
    const admin = roles.find((r: { name: string }) => r.name === 'ADMIN');
    expect(admin.label).toBe('民政管理员');
    expect(admin.scopes).toContain('user.manage:jurisdiction');
    for (const r of roles.filter((r: { name: string }) => r.name !== 'ADMIN')) expect(r.scopes).not.toContain('user.manage:jurisdiction');
    expect(roles.find((r: { name: string }) => r.name === 'POLICE').needsAgency).toBe(true);
  });
});

describe('createUser', () => {
  it('creates a user who can log in; no password data in the answer or the audit row', async () => {
    const input = valid({ username: 'Village.Worker_1' });
    const user = ok(await t.exec<any>(townAdminA, CREATE, { input })).createUser;
    expect(user).toMatchObject({ username: 'village.worker_1', role: 'VILLAGE_WORKER', regionCode: REGIONS.villageA1, active: true, roleLabel: '村（居）工作人员' });
    expect(user.regionName).toContain('东河');
    await login('village.worker_1', input.password);
    const log = ok(await t.exec<any>(auditor, LOG, { filter: { actions: ['USER_CREATE'] } })).auditLog.nodes;
    const row = log.find((n: any) => n.detail.userId === user.id);
    expect(row).toMatchObject({ actorUsername: townAdminA.username, regionCode: REGIONS.villageA1 });
    expect(row.changes.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['role', 'regionCode']));
    expect(JSON.stringify(log)).not.toMatch(/password|argon/i);
  });

  it('refuses each bad input with its field', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ username: 'ab' }, 'username'],
      [{ username: 'has space' }, 'username'],
      [{ username: 'x'.repeat(51) }, 'username'],
      [{ username: '中文名' }, 'username'],
      [{ password: 'short1' }, 'password'],
      [{ password: 'onlyletterslong' }, 'password'],
      [{ password: '12345678901' }, 'password'],
      [{ role: 'SUPERUSER' }, 'role'],
      [{ displayName: '  ' }, 'displayName'],
      [{ regionCode: '123' }, 'regionCode'],
      [{ role: 'POLICE' }, 'agencyId'],
      [{ role: 'VILLAGE_WORKER', agencyId: '00000000-0000-0000-0000-000000000000' }, 'agencyId'],
      [{ role: 'POLICE', agencyId: 'not-a-uuid' }, 'agencyId'],
    ];
    for (const [over, field] of bad) {
      const result = await t.exec(townAdminA, CREATE, { input: valid(over) });
      expect(codeOf(result), JSON.stringify(over)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.extensions!.field ?? fieldsOf(result)[0], JSON.stringify(over)).toBe(field);
    }
    // A taken username.
    ok(await t.exec(townAdminA, CREATE, { input: valid({ username: 'taken_name' }) }));
    const taken = await t.exec(townAdminA, CREATE, { input: valid({ username: 'taken_name' }) });
    expect(codeOf(taken)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(taken)).toEqual(['username']);
    // All problems of a form at once.
    expect(fieldsOf(await t.exec(townAdminA, CREATE, { input: valid({ username: 'a', password: 'x', role: 'NOPE' }) }))).toEqual(['username', 'password', 'role']);
  });

  it('partner roles need an agency of that kind in the jurisdiction', async () => {
    const [police] = await t.sql<{ id: string }>(`insert into agency (kind, name, region_code, created_at) values ('POLICE', '开平市公安局', $1, now()) returning id`, [REGIONS.city]);
    const [healthB] = await t.sql<{ id: string }>(`insert into agency (kind, name, region_code, created_at) values ('HEALTH', '沙塘卫生院', $1, now()) returning id`, [REGIONS.townB]);
    const user = ok(await t.exec<any>(cityAdmin, CREATE, { input: valid({ role: 'POLICE', regionCode: REGIONS.city, agencyId: police!.id }) })).createUser;
    expect(user.agencyId).toBe(police!.id);
    expect(fieldsOf(await t.exec(cityAdmin, CREATE, { input: valid({ role: 'HEALTH', regionCode: REGIONS.city, agencyId: police!.id }) }))).toEqual(['agencyId']);
    // The city agency is outside town A's subtree; town B's agency is outside it too.
    expect(codeOf(await t.exec(townAdminA, CREATE, { input: valid({ role: 'POLICE', regionCode: REGIONS.townA, agencyId: police!.id }) }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(townAdminA, CREATE, { input: valid({ role: 'HEALTH', regionCode: REGIONS.townA, agencyId: healthB!.id }) }))).toBe('BAD_USER_INPUT');
  });

  it('only inside the jurisdiction, and only for admins', async () => {
    expect(codeOf(await t.exec(townAdminA, CREATE, { input: valid({ regionCode: REGIONS.villageB1 }) }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townAdminA, CREATE, { input: valid({ regionCode: REGIONS.city }) }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townOperator, CREATE, { input: valid() }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(auditor, CREATE, { input: valid() }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(null, CREATE, { input: valid() }))).toBe('UNAUTHENTICATED');
  });
});

describe('users (list)', () => {
  it('shows the subtree only, with filters, pages, and no password fields in the schema', async () => {
    const a = ok(await t.exec<any>(townAdminA, LIST, { first: 100 })).users;
    expect(a.nodes.length).toBeGreaterThan(0);
    for (const u of a.nodes) expect(u.regionCode.startsWith(REGIONS.townA)).toBe(true);
    expect(a.nodes.map((u: { username: string }) => u.username)).not.toContain(townAdminB.username);
    const city = ok(await t.exec<any>(cityAdmin, LIST, { first: 100 })).users;
    expect(city.totalCount).toBeGreaterThan(a.totalCount);

    const byRole = ok(await t.exec<any>(cityAdmin, LIST, { filter: { role: 'AUDITOR' } })).users;
    expect(byRole.nodes.map((u: { username: string }) => u.username)).toEqual([auditor.username]);
    const byText = ok(await t.exec<any>(cityAdmin, LIST, { filter: { text: 'VILLAGE.WORKER' } })).users;
    expect(byText.nodes.map((u: { username: string }) => u.username)).toEqual(['village.worker_1']);
    const byRegion = ok(await t.exec<any>(cityAdmin, LIST, { filter: { regionCode: REGIONS.townB } })).users;
    expect(byRegion.nodes.map((u: { username: string }) => u.username)).toEqual([townAdminB.username]);

    const page1 = ok(await t.exec<any>(cityAdmin, LIST, { first: 2 })).users;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await t.exec<any>(cityAdmin, LIST, { first: 2, after: page1.pageInfo.endCursor })).users;
    expect(page2.nodes[0].id).not.toBe(page1.nodes[0].id);

    expect(codeOf(await t.exec(townAdminA, LIST, { filter: { regionCode: REGIONS.townB } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(cityAdmin, LIST, { filter: { role: 'ROOT' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(townOperator, LIST))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(auditor, LIST))).toBe('FORBIDDEN');
    const bad = await t.exec(cityAdmin, `{ users { nodes { passwordHash } } }`);
    expect(bad.errors?.[0]?.message).toMatch(/Cannot query field/);
  });
});

describe('updateUser, resetUserPassword, deactivateUser', () => {
  let worker: { id: string; username: string };
  const password = 'abcdef12345';

  beforeAll(async () => {
    worker = ok(await t.exec<any>(townAdminA, CREATE, { input: valid({ username: 'worker_upd', password }) })).createUser;
  });

  it('changes name, role and region inside the jurisdiction, audited with old and new values', async () => {
    const user = ok(await t.exec<any>(townAdminA, UPDATE, { id: worker.id, input: { displayName: '改名', role: 'TOWN_OPERATOR', regionCode: REGIONS.townA } })).updateUser;
    expect(user).toMatchObject({ displayName: '改名', role: 'TOWN_OPERATOR', regionCode: REGIONS.townA });
    const log = ok(await t.exec<any>(auditor, LOG, { filter: { actions: ['USER_UPDATE'] } })).auditLog.nodes;
    const row = log.find((n: any) => n.detail.userId === worker.id);
    expect(row.changes).toEqual(expect.arrayContaining([
      { field: 'role', old: 'VILLAGE_WORKER', new: 'TOWN_OPERATOR' },
      { field: 'displayName', old: '新用户', new: '改名' },
    ]));
    expect(codeOf(await t.exec(townAdminA, UPDATE, { id: worker.id, input: { regionCode: REGIONS.townB } }))).toBe('FORBIDDEN');
    expect(fieldsOf(await t.exec(townAdminA, UPDATE, { id: worker.id, input: { role: 'KING' } }))).toEqual(['role']);
  });

  it('an admin of town A can neither see nor change town B’s users', async () => {
    const other = ok(await t.exec<any>(townAdminB, CREATE, { input: valid({ username: 'worker_b', regionCode: REGIONS.villageB1 }) })).createUser;
    expect(codeOf(await t.exec(townAdminA, UPDATE, { id: other.id, input: { displayName: 'x' } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townAdminA, RESET, { id: other.id, password: 'newpassword99' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townAdminA, DEACTIVATE, { id: other.id, reason: '调离' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townAdminA, UPDATE, { id: 'nonsense', input: { displayName: 'x' } }))).toBe('NOT_FOUND');
    // Nor the city admin above them.
    expect(codeOf(await t.exec(townAdminA, UPDATE, { id: cityAdmin.id, input: { displayName: 'x' } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townOperator, UPDATE, { id: worker.id, input: { displayName: 'x' } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townOperator, RESET, { id: worker.id, password: 'newpassword99' }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townOperator, DEACTIVATE, { id: worker.id, reason: '调离' }))).toBe('FORBIDDEN');
  });

  it('nobody changes their own role or deactivates themselves', async () => {
    expect(fieldsOf(await t.exec(townAdminA, UPDATE, { id: townAdminA.id, input: { role: 'TOWN_OPERATOR' } }))).toEqual(['role']);
    expect(fieldsOf(await t.exec(townAdminA, UPDATE, { id: townAdminA.id, input: { active: false } }))).toEqual(['active']);
    expect(codeOf(await t.exec(townAdminA, DEACTIVATE, { id: townAdminA.id, reason: '离职' }))).toBe('BAD_USER_INPUT');
    // Their own name is fine.
    expect(ok(await t.exec<any>(townAdminA, UPDATE, { id: townAdminA.id, input: { displayName: '三埠管理员' } })).updateUser.displayName).toBe('三埠管理员');
  });

  it('a password reset checks the password, ends the sessions and unlocks; the new password works', async () => {
    const token = await login(worker.username, password);
    expect(await liveSessions(worker.id)).toBe(1);
    await t.sql(`update app_user set locked_until = now() + interval '1 hour' where id = $1`, [worker.id]);
    expect(fieldsOf(await t.exec(townAdminA, RESET, { id: worker.id, password: 'short' }))).toEqual(['password']);
    ok(await t.exec(townAdminA, RESET, { id: worker.id, password: 'brandnew2026' }));
    expect(await liveSessions(worker.id)).toBe(0);
    const server = await t.listen();
    const me = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { username } }' }) });
    expect((await me.json()).data.me).toBeNull();
    await server.close();
    expect(codeOf(await t.exec(null, LOGIN, { u: worker.username, p: password }))).toBe('UNAUTHENTICATED');
    await login(worker.username, 'brandnew2026');
    const log = ok(await t.exec<any>(auditor, LOG, { filter: { actions: ['USER_PASSWORD_RESET'] } })).auditLog.nodes;
    expect(log[0]).toMatchObject({ actorUsername: townAdminA.username, detail: { userId: worker.id, sessionsEnded: 1 } });
  });

  it('deactivating needs a reason, ends the sessions, blocks login, keeps the user (listed when asked), audited', async () => {
    await login(worker.username, 'brandnew2026');
    expect(await liveSessions(worker.id)).toBeGreaterThan(0);
    expect(fieldsOf(await t.exec(townAdminA, DEACTIVATE, { id: worker.id, reason: ' ' }))).toEqual(['reason']);
    expect(ok(await t.exec<any>(townAdminA, DEACTIVATE, { id: worker.id, reason: '调离本街道' })).deactivateUser.active).toBe(false);
    expect(await liveSessions(worker.id)).toBe(0);
    expect(codeOf(await t.exec(null, LOGIN, { u: worker.username, p: 'brandnew2026' }))).toBe('UNAUTHENTICATED');
    const active = ok(await t.exec<any>(townAdminA, LIST, { first: 100 })).users.nodes.map((u: { id: string }) => u.id);
    expect(active).not.toContain(worker.id);
    const all = ok(await t.exec<any>(townAdminA, LIST, { first: 100, filter: { includeInactive: true } })).users.nodes.map((u: { id: string }) => u.id);
    expect(all).toContain(worker.id);
    const [row] = await t.sql(`select count(*)::int as n from app_user where id = $1`, [worker.id]);
    expect(row!.n).toBe(1);
    const log = ok(await t.exec<any>(auditor, LOG, { filter: { actions: ['USER_DEACTIVATE'] } })).auditLog.nodes;
    expect(log[0]).toMatchObject({ actorUsername: townAdminA.username, changes: [{ field: 'active', old: true, new: false }], detail: { userId: worker.id, reason: '调离本街道' } });
    // Reactivating through updateUser.
    expect(ok(await t.exec<any>(townAdminA, UPDATE, { id: worker.id, input: { active: true } })).updateUser.active).toBe(true);
    await login(worker.username, 'brandnew2026');
  });

  it('deactivating through updateUser ends the sessions too', async () => {
    await login(worker.username, 'brandnew2026');
    ok(await t.exec(townAdminA, UPDATE, { id: worker.id, input: { active: false } }));
    expect(await liveSessions(worker.id)).toBe(0);
  });

});

describe('the first administrator of a new installation (create-admin)', () => {
  const bootstrap = async (over: Partial<{ username: string; displayName: string; regionCode: string; password: string }> = {}) => {
    const ctx = await createContext(t.options, { actor: null });
    return new UsersService(ctx).bootstrapAdmin({ username: 'first.admin', displayName: '首位管理员', regionCode: REGIONS.city, password: 'firstadmin2026', ...over });
  };
  const codeOfError = (e: unknown) => (e as { extensions?: { code?: string } }).extensions?.code;

  it('is refused while an active administrator exists', async () => {
    const error = await bootstrap().catch((e: unknown) => e);
    expect(codeOfError(error)).toBe('CONFLICT');
    const [row] = await t.sql(`select count(*)::int as n from app_user where username = 'first.admin'`);
    expect(row!.n).toBe(0);
  });

  it('checks its input like createUser (every wrong field at once)', async () => {
    await t.sql(`update app_user set active = false where role = 'ADMIN'`);
    const error = (await bootstrap({ username: 'X', password: 'short', regionCode: '999999' }).catch((e: unknown) => e)) as { extensions: { fieldErrors: { field: string }[] } };
    expect(error.extensions.fieldErrors.map((f) => f.field).sort()).toEqual(['password', 'regionCode', 'username']);
  });

  it('creates an ADMIN who can log in, audited as a bootstrap; a second one is then refused', async () => {
    const user = await bootstrap();
    expect(user).toMatchObject({ username: 'first.admin', role: 'ADMIN', regionCode: REGIONS.city, active: true });
    await login('first.admin', 'firstadmin2026');
    const [audit] = await t.sql<{ actor_username: string; detail: { bootstrap: boolean; userId: string } }>(
      `select actor_username, detail from audit_event where action = 'USER_CREATE' and detail->>'userId' = $1`, [user.id]);
    expect(audit).toMatchObject({ actor_username: 'bootstrap', detail: { bootstrap: true, userId: user.id } });
    expect(codeOfError(await bootstrap({ username: 'second.admin' }).catch((e: unknown) => e))).toBe('CONFLICT');
  });
});
