import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explorerModeOf, loadConfig } from '../../packages/api/src/config/env.js';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.js';

// The API explorer's switch (TANFANG_EXPLORER): off is a 404 like any unknown path (not the console's page) and
// leaves introspection as it was; on serves the page and GraphiQL's files from this server; signed-in describes the
// schema only to a caller with a session or an API key. One app; a server per setting.

const INTROSPECT = JSON.stringify({ query: '{ __schema { queryType { name } } }' });

describe('API explorer settings', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp();
    const police = await t.user('POLICE', '440783');
    const created = await t.exec<{ createApiClient: { key: string } }>(police, `mutation($a: ID!) { createApiClient(agencyId: $a, name: "公安系统") { key } }`, { a: police.actor.agencyId });
    expect(created.errors).toBeUndefined();
    key = created.data!.createApiClient.key;
  });

  afterAll(async () => {
    await t?.close();
  });

  const introspect = (url: string, token?: string) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: INTROSPECT,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { __schema?: unknown }; errors?: { extensions?: { code?: string } }[] } }));

  it('defaults: on outside production, off in production; an unknown value is refused at start', () => {
    expect(explorerModeOf(loadConfig({ NODE_ENV: 'test' }))).toBe('on');
    expect(explorerModeOf(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/tanfang' }))).toBe('off');
    // A configuration that only says production (as the hardening tests' servers do) gets production's default.
    expect(explorerModeOf({ ...loadConfig({ NODE_ENV: 'test' }), production: true })).toBe('off');
    expect(explorerModeOf(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/tanfang', TANFANG_EXPLORER: 'signed-in' }))).toBe('signed-in');
    expect(() => loadConfig({ TANFANG_EXPLORER: 'yes' })).toThrow(/TANFANG_EXPLORER must be on, off or signed-in/);
  });

  it('off: /explorer and its files are 404 with a code, never the console page', async () => {
    const server = await t.listen({ explorer: 'off' });
    try {
      for (const p of ['/explorer', '/explorer/explorer.js', '/explorer/vendor/graphiql.js']) {
        const res = await fetch(`${server.url}${p}`);
        expect(res.status, p).toBe(404);
        expect(await res.json(), p).toMatchObject({ code: 'NOT_FOUND' });
      }
    } finally {
      await server.close();
    }
  });

  it('on: the page loads only scripts from this server, GraphiQL and React come from their packages', async () => {
    const server = await t.listen({ explorer: 'on' });
    try {
      const page = await fetch(`${server.url}/explorer`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await page.text();
      const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
      expect(scripts.length).toBe(4);
      // No inline script (the CSP would block it) and nothing from another host.
      for (const s of scripts) expect(s).toMatch(/^ src="\/explorer\/[\w/.-]+"$/);
      const graphiql = await fetch(`${server.url}/explorer/vendor/graphiql.js`);
      expect(graphiql.status).toBe(200);
      expect(graphiql.headers.get('content-type')).toMatch(/javascript/);
      expect((await graphiql.text()).length).toBeGreaterThan(100_000);
      expect((await fetch(`${server.url}/explorer/vendor/react.js`)).status).toBe(200);
      expect((await fetch(`${server.url}/explorer/vendor/nothing.js`)).status).toBe(404);
      expect((await introspect(server.url)).body.data?.__schema).toBeTruthy();
    } finally {
      await server.close();
    }
  });

  it('signed-in: introspection answers an API key, and refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const server = await t.listen({ explorer: 'signed-in', production: true });
    try {
      expect((await fetch(`${server.url}/explorer`)).status).toBe(200);
      const anonymous = await introspect(server.url);
      expect(anonymous.body.data?.__schema).toBeUndefined();
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const withKey = await introspect(server.url, key);
      expect(withKey.body.errors).toBeUndefined();
      expect(withKey.body.data?.__schema).toEqual({ queryType: { name: 'Query' } });
    } finally {
      await server.close();
    }
  });

  it("introspection describes only the caller's operations and the types they reach; execution is unchanged", async () => {
    const SHAPE = `{ __schema { queryType { fields { name description } } mutationType { fields { name } } types { name } }
      userInput: __type(name: "CreateUserInput") { name } deathBatch: __type(name: "DeathRegistrationBatch") { name } }`;
    type Shape = { __schema: { queryType: { fields: { name: string; description: string }[] }; mutationType: { fields: { name: string }[] } | null; types: { name: string }[] }; userInput: { name: string } | null; deathBatch: { name: string } | null };
    const seen = async (who: TestUser | null) => {
      const result = await t.exec<Shape>(who, SHAPE);
      expect(result.errors).toBeUndefined();
      const s = result.data!;
      return {
        queries: s.__schema.queryType.fields.map((f) => f.name),
        mutations: s.__schema.mutationType?.fields.map((f) => f.name) ?? [],
        types: s.__schema.types.map((x) => x.name),
        userInput: s.userInput,
        deathBatch: s.deathBatch,
        descriptions: Object.fromEntries(s.__schema.queryType.fields.map((f) => [f.name, f.description])),
      };
    };
    const police = await t.user('POLICE', '440783');
    const admin = await t.user('ADMIN', '440783');

    const asPolice = await seen(police);
    expect(asPolice.mutations).toEqual(expect.arrayContaining(['syncDeathRegistrations', 'syncResidentRoll', 'respondToReferral', 'createApiClient']));
    expect(asPolice.queries).toEqual(expect.arrayContaining(['changes', 'agencyElders', 'referredAlerts', 'me']));
    for (const hidden of ['createUser', 'closeReportPeriod', 'syncDisabilityCertificates', 'registerElder']) expect(asPolice.mutations).not.toContain(hidden);
    for (const hidden of ['elders', 'auditLog', 'users', 'report']) expect(asPolice.queries).not.toContain(hidden);
    // Types only hidden operations reached are gone; those of its own operations are there.
    expect(asPolice.userInput).toBeNull();
    expect(asPolice.types).not.toContain('UserConnection');
    expect(asPolice.deathBatch).toEqual({ name: 'DeathRegistrationBatch' });
    expect(asPolice.descriptions.changes).toContain('Who may call it: scope `changes.read:view`');

    const asAdmin = await seen(admin);
    expect(asAdmin.mutations).toEqual(expect.arrayContaining(['createUser', 'closeReportPeriod']));
    expect(asAdmin.mutations).not.toContain('syncDeathRegistrations');
    expect(asAdmin.userInput).toEqual({ name: 'CreateUserInput' });

    // Anonymous (the explorer on, outside production): logging in and asking who one is.
    const asNobody = await seen(null);
    expect(asNobody.queries).toEqual(['me']);
    expect(asNobody.mutations.sort()).toEqual(['login', 'logout']);

    // Only the description is cut: execution validates against the whole schema and the service refuses.
    const refused = await t.exec(police, `mutation { closeReportPeriod(regionCode: "440783", periodInput: { kind: MONTH, date: "2026-10-01" }) { closed } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'report.close:jurisdiction' });
    // The schema is asked for on its own: with data it would be described from the whole schema.
    const mixed = await t.exec(police, `{ me { role } __type(name: "CreateUserInput") { name } }`);
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('production with the explorer off keeps introspection off', async () => {
    const server = await t.listen({ explorer: 'off', production: true });
    try {
      const res = await introspect(server.url, key);
      expect(res.body.data?.__schema).toBeUndefined();
      expect(res.body.errors?.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
