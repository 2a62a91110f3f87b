/**
 * Outage and health (issue 12, item 7): while the database cannot be reached every request is answered
 * SERVICE_UNAVAILABLE with HTTP 503 and Retry-After (never INTERNAL_SERVER_ERROR), and recovers by itself;
 * /healthz says the process lives, /readyz whether the database answers with every migration applied; a dead
 * embedded PostgreSQL is restarted by its supervisor.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initOrm } from '../../packages/api/src/db/bootstrap.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from '../../packages/api/src/db/embedded-postgres.js';
import { hashPassword } from '../../packages/api/src/modules/auth/password.js';
import { createApp } from '../../packages/api/src/server.js';
import { createTestApp, REGIONS, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
}

async function gql(url: string, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text.startsWith('{') ? JSON.parse(text) : text };
}

function expectUnavailable(answer: Answer) {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe('5');
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
  expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|accepting connections|select |stack/i);
}

const LOGIN = (username: string) => `mutation { login(username: "${username}", password: "${TEST_PASSWORD}") { token } }`;

describe('while the database refuses connections', () => {
  let t: TestApp;
  let http: { url: string; close: () => Promise<void> };
  let admin: pg.Client;
  let token: string;

  const cutOff = async () => {
    await admin.query(`alter database ${t.dbName} allow_connections false`);
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [t.dbName]);
  };
  const restore = () => admin.query(`alter database ${t.dbName} allow_connections true`);

  beforeAll(async () => {
    t = await createTestApp();
    await t.user('ADMIN', REGIONS.city, 'outage_admin');
    http = await t.listen();
    admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    token = (await gql(http.url, LOGIN('outage_admin'))).body.data.login.token;
  });
  afterAll(async () => {
    await restore();
    await admin.end();
    await http.close();
    await t.close();
  });

  it('answers 503 + Retry-After + SERVICE_UNAVAILABLE on every path, then recovers by itself', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect((await gql(http.url, `{ elders { totalCount } }`, auth)).status).toBe(200);
    expect((await get(`${http.url}/readyz`)).body).toEqual({ ready: true, database: 'up', pendingMigrations: [] });

    await cutOff();
    try {
      // The token is checked while building the request context.
      const query = await gql(http.url, `{ elders { totalCount } }`, auth);
      expectUnavailable(query);
      expect(query.body.errors[0].message).toBe('数据库暂时无法访问，请 5 秒后重试');
      const english = await gql(http.url, `{ elders { totalCount } }`, { ...auth, 'accept-language': 'en' });
      expectUnavailable(english);
      expect(english.body.errors[0].message).toBe('The database is unavailable for the moment: retry in 5 seconds');
      // No token: the resolver meets the outage.
      const login = await gql(http.url, LOGIN('outage_admin'), { 'accept-language': 'en' });
      expectUnavailable(login);
      expect(login.body.errors[0].message).toBe('The database is unavailable for the moment: retry in 5 seconds');
      // The spreadsheet download too.
      const xlsx = await get(`${http.url}/reports/${REGIONS.city}/2026-10.xlsx`, auth);
      expect(xlsx.status).toBe(503);
      expect(xlsx.retryAfter).toBe('5');
      expect(xlsx.body.code).toBe('SERVICE_UNAVAILABLE');
      // Health: the process lives, it is not ready.
      expect(await get(`${http.url}/healthz`)).toMatchObject({ status: 200, body: { ok: true } });
      expect(await get(`${http.url}/readyz`)).toMatchObject({ status: 503, retryAfter: '5', body: { ready: false, database: 'down' } });
    } finally {
      await restore();
    }

    const again = await gql(http.url, `{ elders { totalCount } }`, auth);
    expect(again.status).toBe(200);
    expect(again.body.data.elders.totalCount).toBe(0);
    expect((await gql(http.url, LOGIN('outage_admin'))).body.data.login.token).toEqual(expect.any(String));
    expect((await get(`${http.url}/readyz`)).status).toBe(200);
  });

  it('is not ready while a migration of this build is not applied', async () => {
    const [last] = await t.sql<{ name: string; executed_at: Date }>(
      `delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations) returning name, executed_at`,
    );
    try {
      const answer = await get(`${http.url}/readyz`);
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ ready: false, database: 'up', pendingMigrations: [last!.name] });
    } finally {
      await t.sql(`insert into mikro_orm_migrations (name, executed_at) values ($1, $2)`, [last!.name, last!.executed_at]);
    }
    expect((await get(`${http.url}/readyz`)).status).toBe(200);
  });
});

describe('a dead embedded PostgreSQL is restarted', () => {
  let server: EmbeddedServer;
  let dataDir: string;
  const lines: string[] = [];
  let closeApp: (() => Promise<void>) | null = null;

  async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
  }

  async function until(what: () => boolean, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out; supervisor said: ${lines.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    const port = await freePort();
    dataDir = path.join(here, `../.output/pg-supervised-${port}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    // A first wait of 3 s keeps the outage open long enough to be observed.
    server = await startEmbeddedPostgres({ dataDir, port, fast: true, notify: (line) => lines.push(line), restartDelayMs: 3000 });
    await ensureDatabase(server.adminUrl, 'supervised');
  }, 120_000);
  afterAll(async () => {
    await closeApp?.();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the API answers 503 while it is down and works again after the supervisor restarts it', async () => {
    const orm = await initOrm(server.urlFor('supervised'), { debug: false, pool: { min: 0, max: 4 } });
    const { loadConfig } = await import('../../packages/api/src/config/env.js');
    const { app, apollo } = await createApp({ orm, config: { ...loadConfig({ NODE_ENV: 'test' }), rollupSeconds: 0 } });
    const listening = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    const url = `http://localhost:${(listening.address() as net.AddressInfo).port}`;
    closeApp = async () => {
      listening.closeAllConnections();
      await new Promise<void>((r) => listening.close(() => r()));
      await apollo.stop();
      await orm.close(true);
    };
    await orm.em.getConnection().execute(`insert into region (code, name, level, full_name) values ('44', '广东省', 1, '广东省')`);
    await orm.em.getConnection().execute(
      `insert into app_user (username, display_name, password_hash, role, region_code) values ('sup_admin', 'sup', ?, 'ADMIN', '44')`,
      [await hashPassword(TEST_PASSWORD)],
    );
    const first = await gql(url, LOGIN('sup_admin'));
    expect(first.body.errors ?? null, JSON.stringify(first.body.errors)).toBeNull();
    expect(first.body.data.login.token).toEqual(expect.any(String));

    // The test server runs with synchronous_commit off (fast): make what was written so far survive the SIGKILL.
    await orm.em.getConnection().execute('checkpoint');
    const pid = server.pid();
    expect(pid).toEqual(expect.any(Number));
    process.kill(pid!, 'SIGKILL');
    await until(() => lines.some((l) => l.includes('stopped unexpectedly')), 10_000);
    expect(lines[0]).toMatch(/stopped unexpectedly \(SIGKILL\); restarting in 3 s/);

    expectUnavailable(await gql(url, LOGIN('sup_admin')));
    expect((await get(`${url}/readyz`)).body).toMatchObject({ ready: false, database: 'down' });

    await until(() => lines.some((l) => l.includes('running again')), 60_000);
    expect(server.restarts()).toBe(1);
    expect(server.pid()).not.toBe(pid);
    const again = await gql(url, LOGIN('sup_admin'));
    expect(again.body.errors ?? null, JSON.stringify(again.body.errors)).toBeNull();
    expect(again.body.data.login.token).toEqual(expect.any(String));
    expect((await get(`${url}/readyz`)).status).toBe(200);
  }, 120_000);
});
