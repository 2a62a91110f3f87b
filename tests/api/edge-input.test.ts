/**
 * Input hygiene at the edge (issue 12, item 6): text PostgreSQL cannot store, edited cursors, LIKE wildcards and
 * every HTTP error outside GraphQL are answered as the client's mistake, with a code, before anything reaches SQL,
 * and never with a stack trace or a server path, in development and in production alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

let t: TestApp;
let admin: TestUser;
let dev: { url: string; close: () => Promise<void> };
let prod: { url: string; close: () => Promise<void> };
let token: string;
let distDir: string;

const cursorOf = (values: unknown[] | string) => Buffer.from(typeof values === 'string' ? values : JSON.stringify(values)).toString('base64url');

async function post(url: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get('content-type') ?? '' };
}

beforeAll(async () => {
  // A built console of two files, so /assets is served as in production.
  distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-dist-'));
  fs.mkdirSync(path.join(distDir, 'assets'));
  fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(distDir, 'assets', 'app.js'), 'console.log(1)');
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city, 'edge_admin');
  dev = await t.listen({ adminDist: distDir });
  prod = await t.listen({ adminDist: distDir, production: true, exposeSqlCount: false });
  const login = await post(dev.url, JSON.stringify({ query: `mutation { login(username: "edge_admin", password: "${TEST_PASSWORD}") { token } }` }));
  token = JSON.parse(login.text).data.login.token;
  await registerElder(t, admin, { name: '关国华' });
  await registerElder(t, admin, { name: '关永' });
});
afterAll(async () => {
  await dev.close();
  await prod.close();
  await t.close();
  fs.rmSync(distDir, { recursive: true, force: true });
});

describe('text PostgreSQL cannot store is BAD_USER_INPUT', () => {
  it('\\u0000 in a filter written in the query', async () => {
    const result = await t.exec(admin, `{ elders(filter: { text: "\\u0000" }) { totalCount } }`);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.field).toBe('filter.text');
  });

  it('\\u0000 in variables, deep inside an input (and HTTP 400)', async () => {
    const viaExec = await t.exec(admin, `query($f: ElderFilter) { elders(filter: $f) { totalCount } }`, { f: { text: 'a\u0000b' } });
    expect(codeOf(viaExec)).toBe('BAD_USER_INPUT');
    expect(viaExec.errors![0]!.extensions!.field).toBe('f.text');
    const register = await t.exec(admin, `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id } }`, {
      input: { name: '关\u0000华', regionCode: REGIONS.villageA1, idNumber: '440783195003150011' },
    });
    expect(codeOf(register)).toBe('BAD_USER_INPUT');
    expect(register.errors![0]!.extensions!.field).toBe('input.name');
    const http = await post(dev.url, JSON.stringify({ query: `query($f: ElderFilter) { elders(filter: $f) { totalCount } }`, variables: { f: { text: '\u0000' } } }));
    expect(http.status).toBe(400);
    expect(JSON.parse(http.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('an unpaired surrogate (would be stored as U+FFFD)', async () => {
    const result = await t.exec(admin, `query($f: ElderFilter) { elders(filter: $f) { totalCount } }`, { f: { text: '\uD800x' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    // A whole pair (an emoji) is fine.
    expect(ok(await t.exec<any>(admin, `query($f: ElderFilter) { elders(filter: $f) { totalCount } }`, { f: { text: '😀' } })).elders.totalCount).toBe(0);
  });
});

describe('malformed or out-of-range cursors are BAD_USER_INPUT', () => {
  const cases: [string, string, string][] = [
    ['alerts, 1e300', `query($a: String) { alerts(after: $a) { totalCount } }`, cursorOf([1e300])],
    ['alerts, 1e400 (Infinity)', `query($a: String) { alerts(after: $a) { totalCount } }`, cursorOf('[1e400]')],
    ['users, 1e300', `query($a: String) { users(after: $a) { totalCount } }`, cursorOf([1e300])],
    ['users, past the offset range', `query($a: String) { users(after: $a) { totalCount } }`, cursorOf([2 ** 40])],
    ['visitors, negative', `query($a: String) { visitors(after: $a) { totalCount } }`, cursorOf([-1])],
    ['audit log, 25-digit id', `query($a: String) { auditLog(after: $a) { totalCount } }`, cursorOf(['1234567890123456789012345'])],
    ['elders, \\u0000 inside the cursor', `query($a: String) { elders(after: $a) { totalCount } }`, cursorOf(['NAME:ASC', cursorOf(['\u0000', '00000000-0000-0000-0000-000000000000'])])],
    ['elders, a loose date', `query($a: String) { elders(after: $a, sort: { field: REGISTERED_AT }) { totalCount } }`, cursorOf(['REGISTERED_AT:ASC', cursorOf(['1', '00000000-0000-0000-0000-000000000000'])])],
    ['visits, a loose date', `query($a: String) { visits(after: $a) { totalCount } }`, cursorOf(['1', '00000000-0000-0000-0000-000000000000'])],
    ['not base64 JSON at all', `query($a: String) { alerts(after: $a) { totalCount } }`, '!!!'],
    ['far too long', `query($a: String) { alerts(after: $a) { totalCount } }`, cursorOf([0]) + 'A'.repeat(5000)],
  ];
  for (const [name, query, after] of cases) {
    it(name, async () => {
      const result = await t.exec(admin, query, { a: after });
      expect(result.errors?.[0]?.extensions, JSON.stringify(result.errors)).toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  }

  it('a cursor the API handed out still works', async () => {
    const first = ok(await t.exec<any>(admin, `{ elders(first: 1) { pageInfo { endCursor } } }`)).elders.pageInfo.endCursor;
    const next = ok(await t.exec<any>(admin, `query($a: String) { elders(first: 1, after: $a) { nodes { name } } }`, { a: first }));
    expect(next.elders.nodes).toHaveLength(1);
  });
});

describe('LIKE wildcards in search text match themselves', () => {
  it('elders: % is a percent sign, not everyone', async () => {
    expect(ok(await t.exec<any>(admin, `{ elders(filter: { text: "%" }) { totalCount } }`)).elders.totalCount).toBe(0);
    expect(ok(await t.exec<any>(admin, `{ elders(filter: { text: "_" }) { totalCount } }`)).elders.totalCount).toBe(0);
    // Unescaped, "关_" would match 关永 (and "%" everyone).
    expect(ok(await t.exec<any>(admin, `{ elders(filter: { text: "关_" }) { totalCount } }`)).elders.totalCount).toBe(0);
    expect(ok(await t.exec<any>(admin, `{ elders(filter: { text: "关" }) { totalCount } }`)).elders.totalCount).toBe(2);
  });

  it('visitors: % and _ match no one', async () => {
    const create = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id } }`;
    ok(await t.exec(admin, create, { input: { name: '梁玉梅', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1 } }));
    ok(await t.exec(admin, create, { input: { name: '梁永', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1 } }));
    const count = async (text: string) =>
      ok(await t.exec<any>(admin, `query($f: VisitorFilter) { visitors(filter: $f) { totalCount } }`, { f: { text } })).visitors.totalCount;
    expect(await count('%')).toBe(0);
    expect(await count('梁_')).toBe(0);
    expect(await count('梁')).toBe(2);
  });

  it('users: % matches no one, _ only names with an underscore', async () => {
    const count = async (text: string) =>
      ok(await t.exec<any>(admin, `query($f: UserFilter) { users(filter: $f) { totalCount } }`, { f: { text } })).users.totalCount;
    expect(await count('%')).toBe(0);
    expect(await count('edge_')).toBe(1);
    expect(await count('edgex')).toBe(0);
    expect(await count('edge%admin')).toBe(0);
  });
});

describe('HTTP errors outside GraphQL answer JSON with a code, no stack, no path', () => {
  function expectClean(r: { text: string; type: string }) {
    expect(r.type).toMatch(/application\/json/);
    expect(r.text).not.toMatch(/<html|<pre|\bat [\w.<]+ \(|node_modules|\/work\/|\/tmp\/|stack/i);
  }

  for (const mode of ['dev', 'prod'] as const) {
    const url = () => (mode === 'dev' ? dev.url : prod.url);

    it(`${mode}: malformed JSON is 400 BAD_REQUEST`, async () => {
      const r = await post(url(), '{"query": ');
      expect(r.status).toBe(400);
      expectClean(r);
      expect(JSON.parse(r.text)).toMatchObject({ code: 'BAD_REQUEST', message: '请求体不是有效的 JSON' });
    });

    it(`${mode}: a false content-encoding: gzip is 400`, async () => {
      const r = await post(url(), JSON.stringify({ query: '{ me { id } }' }), { 'content-encoding': 'gzip' });
      expect(r.status).toBe(400);
      expectClean(r);
      expect(JSON.parse(r.text).code).toBe('BAD_REQUEST');
      // A true one works.
      const good = await post(url(), new Uint8Array(gzipSync(JSON.stringify({ query: '{ me { username } }' }))), { 'content-encoding': 'gzip' });
      expect(JSON.parse(good.text).data.me.username).toBe('edge_admin');
    });

    it(`${mode}: an unknown content-encoding is 415`, async () => {
      const r = await post(url(), JSON.stringify({ query: '{ me { id } }' }), { 'content-encoding': 'compress' });
      expect(r.status).toBe(415);
      expectClean(r);
      expect(JSON.parse(r.text).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it(`${mode}: a body over 10 MB is 413, in English when asked`, async () => {
      const r = await post(url(), JSON.stringify({ query: '{ me { id } }', pad: 'x'.repeat(11 * 1024 * 1024) }), { 'accept-language': 'en' });
      expect(r.status).toBe(413);
      expectClean(r);
      expect(JSON.parse(r.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large (10 MB at most)' });
    });

    it(`${mode}: /assets traversal and missing files are JSON`, async () => {
      for (const p of ['/assets/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/assets/missing.js']) {
        const response = await fetch(`${url()}${p}`);
        const r = { status: response.status, text: await response.text(), type: response.headers.get('content-type') ?? '' };
        expect([403, 404]).toContain(r.status);
        expectClean(r);
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(JSON.parse(r.text).code);
      }
      expect(await (await fetch(`${url()}/assets/app.js`)).text()).toBe('console.log(1)');
    });

    it(`${mode}: %00 in the spreadsheet address is 400 BAD_USER_INPUT`, async () => {
      const response = await fetch(`${url()}/reports/%00/2026-10.xlsx`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it(`${mode}: an unknown route for another method is 404 JSON`, async () => {
      const response = await fetch(`${url()}/nothing-here`, { method: 'POST' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    });
  }
});
