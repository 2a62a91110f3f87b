import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, trustedProxiesOf } from '../../packages/api/src/config/env.js';
import { initOrm } from '../../packages/api/src/db/bootstrap.js';
import { migrationsList } from '../../packages/api/src/db/migrations/index.js';
import { MAX_FAILED_LOGINS_PER_IP } from '../../packages/api/src/modules/auth/login-throttle.js';
import { SessionCache } from '../../packages/api/src/modules/auth/session-cache.js';
import { createTestApp, REGIONS, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

/**
 * Issue 18 items 4 and 5 and issue 17 item 2: N instances behind a load balancer. What one instance knows (login
 * limits, revoked sessions) every instance knows; two instances starting together do not race on migrations; audit
 * rows record the person's address, not the load balancer's.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: { sqlStatements?: number } };
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as HttpAnswer['body'] };
}

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const ME = `{ me { username role } }`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** `me` answers null, not an error, without a valid token. */
const meOn = async (url: string, token: string) => {
  const answer = await post(url, ME, {}, bearer(token));
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!.me as { username: string; role: string } | null;
};
const codeOfAnswer = (a: HttpAnswer) => a.body.errors?.[0]?.extensions?.code as string | undefined;

describe('configuration for several instances', () => {
  it('production refuses to start without DATABASE_URL, saying what to set', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL is required when NODE_ENV=production.*same PostgreSQL server/);
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/tanfang' }).databaseUrl).toBe('postgres://db/tanfang');
    // Outside production the embedded database is still the default.
    expect(loadConfig({ NODE_ENV: 'development' }).databaseUrl).toBeUndefined();
  });

  it('reads the listener URL, the session cache seconds and the trusted proxies', () => {
    const config = loadConfig({ DATABASE_LISTEN_URL: 'postgres://primary/tanfang', TANFANG_SESSION_CACHE_SECONDS: '0', TANFANG_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,loopback' });
    expect(config).toMatchObject({ listenUrl: 'postgres://primary/tanfang', sessionCacheSeconds: 0, trustedProxies: ['10.0.0.0/8', '192.168.1.7', 'loopback'] });
    expect(loadConfig({})).toMatchObject({ listenUrl: undefined, sessionCacheSeconds: 5, trustedProxies: ['loopback'] });
    expect(trustedProxiesOf('none')).toEqual([]);
    expect(trustedProxiesOf('fd00::/8,::1')).toEqual(['fd00::/8', '::1']);
    expect(() => trustedProxiesOf('10.0.0.0/33')).toThrow(/TANFANG_TRUSTED_PROXIES .*"10.0.0.0\/33"/);
    expect(() => trustedProxiesOf('proxy.internal')).toThrow(/TANFANG_TRUSTED_PROXIES/);
    expect(() => loadConfig({ TANFANG_SESSION_CACHE_SECONDS: '61' })).toThrow(/TANFANG_SESSION_CACHE_SECONDS must be at most 60/);
  });
});

describe('migrations under the start-up lock', () => {
  it('two instances starting together on an empty database both start, and each migration runs once', async () => {
    const adminUrl = inject('pgAdminUrl');
    const dbName = `tanfang_test_empty_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    const orms: MikroORM[] = [];
    try {
      const started = await Promise.allSettled([initOrm(url.toString(), { debug: false }), initOrm(url.toString(), { debug: false })]);
      for (const s of started) if (s.status === 'fulfilled') orms.push(s.value);
      expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(['started', 'started']);
      const rows = await orms[0]!.em.getConnection().execute<{ name: string; n: number }[]>(
        `select name, count(*)::int as n from mikro_orm_migrations group by name order by name`,
      );
      expect(rows.map((r) => r.name)).toEqual(migrationsList.map((m) => m.name).sort());
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      for (const orm of orms) await orm.close(true);
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  });
});

describe('the client address through trusted proxies', () => {
  it('audit rows record the forwarded address only when the peer is a trusted proxy', async () => {
    const user = await t.user('TOWN_OPERATOR', REGIONS.townA);
    const trusted = await t.listen(); // default: loopback proxies are trusted
    const untrusted = await t.listen({ trustedProxies: ['10.9.8.7'] });
    try {
      const viaTrusted = await post(trusted.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, { 'x-forwarded-for': '203.0.113.7' });
      const viaUntrusted = await post(untrusted.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, { 'x-forwarded-for': '203.0.113.8' });
      expect(viaTrusted.body.data?.login.token).toMatch(/^tf_/);
      expect(viaUntrusted.body.data?.login.token).toMatch(/^tf_/);
      const ips = await t.sql<{ ip: string }>(`select ip from audit_event where action = 'LOGIN' and actor_id = $1 order by at, id`, [user.id]);
      expect(ips.map((r) => r.ip)).toHaveLength(2);
      expect(ips[0]!.ip).toBe('203.0.113.7');
      // The header of an untrusted peer is ignored: the connection's own address (this test, on loopback).
      expect(ips[1]!.ip).toMatch(/^(::1|127\.0\.0\.1|::ffff:127\.0\.0\.1)$/);
    } finally {
      await trusted.close();
      await untrusted.close();
    }
  });
});

describe('failed logins per client address', () => {
  it(`${MAX_FAILED_LOGINS_PER_IP} failures per address per 15 minutes, counted atomically; successes give their attempt back`, async () => {
    const user = await t.user('TOWN_OPERATOR', REGIONS.townA);
    const server = await t.listen();
    const from = (ip: string) => ({ 'x-forwarded-for': ip, 'accept-language': 'en' });
    try {
      // 27 failures already counted in this window (as an instance would have counted them), 2 more here; 3 successful
      // logins beside them are no failures, so the address is still one failure short of the limit.
      await t.sql(`insert into login_ip_window (ip, window_start, failures) values ('198.51.100.9', '2026-11-15T02:00:00Z', 27)`);
      const first = await Promise.all([0, 1].map((i) => post(server.url, LOGIN, { u: `nobody_${i}`, p: 'guess' }, from('198.51.100.9'))));
      expect(first.map(codeOfAnswer)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
      for (let i = 0; i < 3; i++) expect((await post(server.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, from('198.51.100.9'))).body.data?.login.token).toBeTruthy();
      expect(codeOfAnswer(await post(server.url, LOGIN, { u: 'nobody_x', p: 'guess' }, from('198.51.100.9')))).toBe('UNAUTHENTICATED');
      // The 31st attempt, even with the right password, is refused before any password is checked.
      const refused = await post(server.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, from('198.51.100.9'));
      expect(refused.status).toBe(429);
      expect(codeOfAnswer(refused)).toBe('TOO_MANY_REQUESTS');
      expect(refused.body.errors?.[0]?.message).toMatch(/^Too many failed logins from this network address: try again in \d+ minutes/);
      expect(refused.body.errors?.[0]?.extensions?.messageEn).toBe(refused.body.errors?.[0]?.message);
      // The clock is at 02:00 UTC, a window's first minute: the window ends at 02:15.
      const seconds = Number(refused.retryAfter);
      expect(seconds).toBe(refused.body.errors?.[0]?.extensions?.retryAfterSeconds);
      expect(seconds).toBe(15 * 60);
      const zh = await post(server.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, { 'x-forwarded-for': '198.51.100.9' });
      expect(zh.body.errors?.[0]?.message).toMatch(/^此网络地址登录失败次数过多，请于 15 分钟后再试/);

      // 12 guesses at once from an address 6 failures short: exactly 6 are let through (one upsert each, under the
      // row's lock: no check-then-write race, on one instance or many).
      await t.sql(`insert into login_ip_window (ip, window_start, failures) values ('198.51.100.10', '2026-11-15T02:00:00Z', $1)`, [MAX_FAILED_LOGINS_PER_IP - 6]);
      const storm = await Promise.all(Array.from({ length: 12 }, (_, i) => post(server.url, LOGIN, { u: `ghost_${i}`, p: 'guess' }, from('198.51.100.10'))));
      const codes = storm.map(codeOfAnswer);
      expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(6);
      expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(6);

      // Other addresses are not affected; the next window starts over.
      expect((await post(server.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, from('198.51.100.11'))).body.data?.login.token).toBeTruthy();
      t.clock.set('2026-11-15T02:15:00Z');
      expect((await post(server.url, LOGIN, { u: user.username, p: TEST_PASSWORD }, from('198.51.100.9'))).body.data?.login.token).toBeTruthy();
      // The windows that ended were pruned by the same statements.
      const windows = await t.sql<{ start: Date }>(`select distinct window_start as start from login_ip_window`);
      expect(windows.map((w) => new Date(w.start).toISOString())).toEqual(['2026-11-15T02:15:00.000Z']);
    } finally {
      t.clock.set('2026-11-15T02:00:00Z');
      await server.close();
    }
  });
});

describe('the session cache on two instances', () => {
  it('a cached request looks nothing up; a revocation on one instance is refused at once on the other', async () => {
    const admin = await t.user('ADMIN', REGIONS.city);
    const worker = await t.user('TOWN_OPERATOR', REGIONS.townA);
    const police = await t.user('POLICE', REGIONS.city);
    // Two instances: each its own ORM (its own pool) and its own cache, on one database.
    const ormB = await initOrm(t.dbUrl, { debug: false, pool: { min: 0, max: 4 } });
    const cacheA = new SessionCache(t.dbUrl, 30);
    const cacheB = new SessionCache(t.dbUrl, 30);
    await Promise.all([cacheA.start(), cacheB.start()]);
    const a = await t.listen({}, { sessions: cacheA });
    const b = await t.listen({}, { orm: ormB, sessions: cacheB });
    try {
      expect(cacheA.enabled && cacheB.enabled).toBe(true);
      const adminToken = (await post(a.url, LOGIN, { u: admin.username, p: TEST_PASSWORD })).body.data!.login.token as string;
      const token = (await post(a.url, LOGIN, { u: worker.username, p: TEST_PASSWORD })).body.data!.login.token as string;

      // The first request on B looks the session up; the next one is answered from the cache with one statement less.
      const lookups = cacheB.lookups;
      const first = await post(b.url, ME, {}, bearer(token));
      const second = await post(b.url, ME, {}, bearer(token));
      expect(first.body.data?.me).toEqual({ username: worker.username, role: 'TOWN_OPERATOR' });
      expect(second.body.data?.me).toEqual(first.body.data?.me);
      expect(cacheB.lookups - lookups).toBe(1);
      expect(second.body.extensions!.sqlStatements).toBe(first.body.extensions!.sqlStatements! - 1);

      // A role change on A (which ends the user's sessions) and a logout: the next request on B is refused.
      const told = once(cacheB, 'invalidated');
      const changed = await post(a.url, `mutation($id: ID!) { updateUser(id: $id, input: { role: "VILLAGE_WORKER", regionCode: "${REGIONS.villageA1}" }) { role } }`, { id: worker.id }, bearer(adminToken));
      expect(changed.body.data?.updateUser.role).toBe('VILLAGE_WORKER');
      await told;
      expect(await meOn(b.url, token)).toBeNull();

      const again = (await post(a.url, LOGIN, { u: worker.username, p: TEST_PASSWORD })).body.data!.login.token as string;
      expect((await post(b.url, ME, {}, bearer(again))).body.data?.me.role).toBe('VILLAGE_WORKER');
      expect((await post(b.url, ME, {}, bearer(again))).body.data?.me.role).toBe('VILLAGE_WORKER');
      const loggedOut = once(cacheB, 'invalidated');
      expect((await post(a.url, `mutation { logout }`, {}, bearer(again))).body.data?.logout).toBe(true);
      await loggedOut;
      expect(await meOn(b.url, again)).toBeNull();

      // An API key revoked on A stops working on B at once.
      const police1 = await t.sql<{ id: string }>(`select agency_id as id from app_user where id = $1`, [police.id]);
      const created = await post(a.url, `mutation($a: ID!) { createApiClient(agencyId: $a, name: "police sync") { key client { id } } }`, { a: police1[0]!.id }, bearer(adminToken));
      const key = created.body.data!.createApiClient.key as string;
      expect((await meOn(b.url, key))?.username).toBe('api:police sync');
      const keyLookups = cacheB.lookups;
      expect((await meOn(b.url, key))?.username).toBe('api:police sync');
      expect(cacheB.lookups).toBe(keyLookups);
      const revokedKey = once(cacheB, 'invalidated');
      expect((await post(a.url, `mutation($id: ID!) { revokeApiClient(id: $id) { revokedAt } }`, { id: created.body.data!.createApiClient.client.id }, bearer(adminToken))).body.data?.revokeApiClient.revokedAt).toBeTruthy();
      await revokedKey;
      expect(await meOn(b.url, key)).toBeNull();

      // B's listener connection is cut: until it listens again every request looks its token up (nothing is served
      // from a cache that could have missed a revocation), then caching resumes.
      const adminOnB = await post(b.url, ME, {}, bearer(adminToken));
      expect(adminOnB.body.data?.me.role).toBe('ADMIN');
      const lost = once(cacheB, 'lost');
      const back = once(cacheB, 'listening');
      const pid = cacheB.listenerPid;
      expect(pid).toBeGreaterThan(0);
      await t.sql(`select pg_terminate_backend($1)`, [pid]);
      await lost;
      expect(cacheB.enabled).toBe(false);
      const offLookups = cacheB.lookups;
      await post(b.url, ME, {}, bearer(adminToken));
      await post(b.url, ME, {}, bearer(adminToken));
      expect(cacheB.lookups - offLookups).toBe(2);
      await back;
      expect(cacheB.enabled).toBe(true);
      await post(b.url, ME, {}, bearer(adminToken));
      await post(b.url, ME, {}, bearer(adminToken));
      expect(cacheB.lookups - offLookups).toBe(3);
    } finally {
      await a.close();
      await b.close();
      await cacheA.stop();
      await cacheB.stop();
      await ormB.close(true);
    }
  });
});
