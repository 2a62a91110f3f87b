import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../packages/api/src/db/bootstrap.js';
import { SessionCache } from '../../packages/api/src/modules/auth/session-cache.js';
import { createTestApp, idNumberFor, REGIONS, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

/**
 * The API through a real PgBouncer in transaction mode (issue 18 item 4): each transaction may run on another server
 * connection, so nothing may rely on the session (SET without LOCAL, session advisory locks, LISTEN, temp tables;
 * named prepared statements only where a refusal falls back to unnamed ones). Debian's pgbouncer 1.18 (no protocol-level prepared statements); `.ci/run` installs it,
 * and this test fails, not skips, when it is missing. The session cache listens on its own direct connection
 * (DATABASE_LISTEN_URL), as in production.
 */
const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => fs.existsSync(p));

let t: TestApp;
let bouncer: ChildProcess;
let dir: string;
let port: number;
let bouncerUrl: string;
let log = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  if (!PGBOUNCER) throw new Error('pgbouncer is not installed: apt-get install -y pgbouncer (.ci/run installs it)');
  t = await createTestApp();
  const direct = new URL(t.dbUrl);
  port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-pgbouncer-'));
  // PgBouncer refuses to run as root: as root it drops to the postgres user (-u), which must read its files.
  fs.chmodSync(dir, 0o755);
  const user = decodeURIComponent(direct.username);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${direct.hostname} port=${direct.port} user=${user} password=${decodeURIComponent(direct.password)}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      `admin_users = ${user}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 100',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new URL(t.dbUrl);
  url.port = String(port);
  bouncerUrl = url.toString();
  // Up when it says it listens (an event, not a sleep); its exit before that fails the run with its log.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pgbouncer did not start within 30 s: ${log}`)), 30_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (/listening on 127\.0\.0\.1:\d+/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    bouncer.stdout!.on('data', onData);
    bouncer.stderr!.on('data', onData);
    bouncer.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pgbouncer exited (${code}): ${log}`));
    });
  });
});

afterAll(async () => {
  if (bouncer && bouncer.exitCode === null) {
    const exited = new Promise((resolve) => bouncer.once('exit', resolve));
    bouncer.kill('SIGTERM');
    await exited;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

async function post(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** Transactions PgBouncer has carried for the test database (its admin console's SHOW STATS). */
async function bouncedTransactions(): Promise<number> {
  const admin = new URL(bouncerUrl);
  admin.pathname = '/pgbouncer';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    // The admin console speaks only the simple query protocol.
    const result = await c.query({ text: 'show stats', queryMode: 'simple' } as pg.QueryConfig);
    const row = (result.rows as { database: string; total_xact_count: string }[]).find((r) => r.database === t.dbName);
    return Number(row?.total_xact_count ?? 0);
  } finally {
    await c.end();
  }
}

describe('the API through PgBouncer in transaction mode', () => {
  it('starts (migrations under the lock), logs in, lists, registers an elder and takes a partner sync batch', async () => {
    let orm: MikroORM | null = null;
    const sessions = new SessionCache(t.dbUrl, 5);
    try {
      // An instance whose DATABASE_URL is the bouncer: the start-up lock, the migrator and the job queue's migrations.
      orm = await initOrm(bouncerUrl, { debug: false, pool: { min: 0, max: 6 } });
      await sessions.start();
      expect(sessions.enabled).toBe(true);
      const server = await t.listen({}, { orm, sessions });
      const before = await bouncedTransactions();
      try {
        const admin = await t.user('ADMIN', REGIONS.city);
        const police = await t.user('POLICE', REGIONS.city);
        const token = (await post(server.url, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: admin.username, p: TEST_PASSWORD })).login.token as string;

        const idNumber = idNumberFor('1948-06-01', false);
        const registered = await post(
          server.url,
          `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id name } }`,
          { input: { name: '司徒月娥', idNumber, regionCode: REGIONS.villageA1 } },
          token,
        );
        expect(registered.registerElder.name).toBe('司徒月娥');

        const list = await post(server.url, `{ elders(first: 20) { nodes { id name } } }`, {}, token);
        expect(list.elders.nodes.map((n: { id: string }) => n.id)).toContain(registered.registerElder.id);
        // Compiled reads are named prepared statements unless refused: PgBouncer 1.18 hands a later Bind to a server
        // session that never saw the Parse, and the API answers it unnamed instead (shared/bound-sql.ts). Rounds of
        // concurrent reads spread the statement over the bouncer's four server sessions; every answer must arrive.
        for (let round = 0; round < 4; round++) {
          const reads = await Promise.all(
            Array.from({ length: 6 }, () => post(server.url, `query($id: ID!) { elder(id: $id) { id name } }`, { id: registered.registerElder.id }, token)),
          );
          expect(reads.map((r) => r.elder)).toEqual(Array.from({ length: 6 }, () => ({ id: registered.registerElder.id, name: '司徒月娥' })));
        }

        const [{ agency_id: agencyId }] = await t.sql<{ agency_id: string }>(`select agency_id from app_user where id = $1`, [police.id]);
        const key = (await post(server.url, `mutation($a: ID!) { createApiClient(agencyId: $a, name: "police roll") { key } }`, { a: agencyId }, token)).createApiClient.key as string;
        const batch = await post(
          server.url,
          `mutation($batch: ResidenceChangeBatch!) { syncResidenceChanges(batch: $batch) { received created rejected results { status match elderId } } }`,
          { batch: { idempotencyKey: 'bouncer-1', records: [{ externalId: 'rc-1', idNumber, sourceVersion: 1, newRegionCode: REGIONS.villageA2, newAddress: '新安路1号', movedOn: '2026-10-01' }] } },
          key,
        );
        expect(batch.syncResidenceChanges).toMatchObject({ received: 1, created: 1, rejected: 0, results: [{ status: 'CREATED', match: 'ELDER', elderId: registered.registerElder.id }] });

        // A replay is answered from the stored batch: the idempotency record is in PostgreSQL, not in one process.
        const replay = await post(
          server.url,
          `mutation($batch: ResidenceChangeBatch!) { syncResidenceChanges(batch: $batch) { replayed created } }`,
          { batch: { idempotencyKey: 'bouncer-1', records: [{ externalId: 'rc-1', idNumber, sourceVersion: 1, newRegionCode: REGIONS.villageA2, newAddress: '新安路1号', movedOn: '2026-10-01' }] } },
          key,
        );
        expect(replay.syncResidenceChanges).toEqual({ replayed: true, created: 1 });

        // Logout through the bouncer reaches the direct listener: the token is refused on the next request.
        expect((await post(server.url, `{ me { username } }`, {}, token)).me.username).toBe(admin.username);
        const told = once(sessions, 'invalidated');
        await post(server.url, `mutation { logout }`, {}, token);
        await told;
        expect((await post(server.url, `{ me { username } }`, {}, token)).me).toBeNull();
        // It all went through PgBouncer.
        expect(await bouncedTransactions()).toBeGreaterThan(before + 10);
      } finally {
        await server.close();
      }
    } finally {
      await sessions.stop();
      await orm?.close(true);
    }
  });
});
