import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { createContext } from '../../packages/api/src/server.js';

let t: TestApp;
let town: TestUser;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt me { username role scopes regionCode region { name } } } }`;

async function gqlHttp(url: string, query: string, token?: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
}

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});
afterAll(() => t.close());

describe('login', () => {
  it('gives a bearer token that authenticates HTTP requests, and shows the scopes', async () => {
    const http = await t.listen();
    const login = await gqlHttp(http.url, LOGIN, undefined, { u: town.username, p: TEST_PASSWORD });
    expect(login.data.login.me).toMatchObject({ username: town.username, role: 'TOWN_OPERATOR', regionCode: REGIONS.townA, region: { name: '三埠街道' } });
    expect(login.data.login.me.scopes).toContain('elder.read:jurisdiction');
    const token = login.data.login.token as string;
    expect(token).toMatch(/^tf_/);
    const me = await gqlHttp(http.url, `{ me { username } elders { totalCount } }`, token);
    expect(me.data).toEqual({ me: { username: town.username }, elders: { totalCount: 0 } });
    // Only the token's hash is stored.
    const rows = await t.sql(`select token_hash from session where token_hash = $1 or token_hash = $2`, [token, token]);
    expect(rows).toHaveLength(0);
    await http.close();
  });

  it('refuses a wrong password or an unknown user with the same message', async () => {
    const wrong = await t.exec(null, LOGIN, { u: town.username, p: 'nope' });
    const unknown = await t.exec(null, LOGIN, { u: 'nobody', p: 'nope' });
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  it('locks an account for 15 minutes after 5 failures in a row, even for the right password', async () => {
    const user = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    for (let i = 0; i < 5; i++) expect(codeOf(await t.exec(null, LOGIN, { u: user.username, p: 'bad' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.exec(null, LOGIN, { u: user.username, p: TEST_PASSWORD }))).toBe('TOO_MANY_ATTEMPTS');
    t.clock.set(new Date(t.clock.now().getTime() + 16 * 60_000).toISOString());
    expect(ok(await t.exec<any>(null, LOGIN, { u: user.username, p: TEST_PASSWORD })).login.me.username).toBe(user.username);
  });
});

describe('sessions', () => {
  it('logout revokes the token; an expired token is no login', async () => {
    const { token } = ok(await t.exec<any>(null, LOGIN, { u: town.username, p: TEST_PASSWORD })).login;
    const ctx = await createContext(t.options, { token });
    expect(ctx.actor?.username).toBe(town.username);
    const later = await createContext({ ...t.options, now: () => new Date(t.clock.now().getTime() + 13 * 3600_000) }, { token });
    expect(later.actor).toBeNull();

    const http = await t.listen();
    expect((await gqlHttp(http.url, `mutation { logout }`, token)).data).toEqual({ logout: true });
    const after = await gqlHttp(http.url, `{ elders { totalCount } }`, token);
    expect(after.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    const garbage = await gqlHttp(http.url, `{ me { id } }`, 'tf_garbage');
    expect(garbage.data).toEqual({ me: null });
    await http.close();
  });

  it('a deactivated user’s sessions stop working', async () => {
    const { token } = ok(await t.exec<any>(null, LOGIN, { u: town.username, p: TEST_PASSWORD })).login;
    await t.sql(`update app_user set active = false where id = $1`, [town.id]);
    expect((await createContext(t.options, { token })).actor).toBeNull();
    await t.sql(`update app_user set active = true where id = $1`, [town.id]);
  });
});
