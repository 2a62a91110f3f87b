import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, REGIONS, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

let t: TestApp;
let dev: { url: string; close: () => Promise<void> };
let prod: { url: string; close: () => Promise<void> };
let token: string;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
}

beforeAll(async () => {
  t = await createTestApp();
  const user = await t.user('ADMIN', REGIONS.city, 'hardening_admin');
  dev = await t.listen();
  prod = await t.listen({ production: true, exposeSqlCount: false });
  const login = await post(dev.url, { query: `mutation { login(username: "${user.username}", password: "${TEST_PASSWORD}") { token } }` });
  token = login.body.data.login.token;
});
afterAll(async () => {
  await dev.close();
  await prod.close();
  await t.close();
});

describe('query limits (graphql-armor)', () => {
  it('refuses a query nested too deep', async () => {
    const deep = `{ regions { children { children { children { children { children { children { children { children { children { children { children { code } } } } } } } } } } } } }`;
    const result = await post(dev.url, { query: deep });
    expect(result.body.errors[0].message).toMatch(/depth/i);
    expect(result.body.data ?? null).toBeNull();
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: me { id }`).join(' ');
    const result = await post(dev.url, { query: `{ ${aliases} }` });
    expect(result.body.errors[0].message).toMatch(/aliases/i);
  });

  it('refuses batched requests', async () => {
    const response = await fetch(`${dev.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBe(400);
  });
});

describe('production mode', () => {
  it('turns introspection off', async () => {
    const result = await post(prod.url, { query: `{ __schema { types { name } } }` });
    expect(result.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post(dev.url, { query: `{ __schema { queryType { name } } }` })).body.data.__schema.queryType.name).toBe('Query');
  });

  it('gives no field suggestions', async () => {
    const result = await post(prod.url, { query: `{ elderz { totalCount } }` });
    expect(result.body.errors[0].message).not.toMatch(/Did you mean/);
    const devResult = await post(dev.url, { query: `{ elderz { totalCount } }` });
    expect(devResult.body.errors[0].message).toMatch(/Did you mean/);
  });

  it('does not report SQL statement counts', async () => {
    expect((await post(prod.url, { query: `{ me { id } }` })).body.extensions).toBeUndefined();
    expect((await post(dev.url, { query: `{ me { id } }` })).body.extensions.sqlStatements).toBe(1);
  });
});

describe('CSRF prevention', () => {
  it('refuses a simple cross-site request (GET without a preflight-forcing header)', async () => {
    const response = await fetch(`${dev.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });
});

describe('errors', () => {
  it('never sends SQL or a stack trace: an internal failure is a generic coded error', async () => {
    // Break this test database under the API's feet.
    await t.sql(`alter table elder rename to elder_gone`);
    // The page itself must read the archives (a region's total alone comes from maintained counts).
    const result = await post(dev.url, { query: `{ elders { totalCount nodes { id } } }` });
    await t.sql(`alter table elder_gone rename to elder`);
    const error = result.body.errors[0];
    expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(result.body)).not.toMatch(/select|elder_gone|stacktrace|at /i);
    expect(error.message).toBe('服务器内部错误，请稍后重试；如持续出现请联系管理员');
  });

  it('answers in English when asked', async () => {
    const result = await post(dev.url, { query: `{ elders(first: 1000) { totalCount } }` }, { 'accept-language': 'en-US,en;q=0.9' });
    expect(result.body.errors[0].message).toBe('Page size (first) must be between 1 and 100');
    expect(result.body.errors[0].extensions.fieldErrors[0].message).toBe('Page size (first) must be between 1 and 100');
  });

  it('sets security headers and serves a health check', async () => {
    const response = await fetch(`${dev.url}/healthz`);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
