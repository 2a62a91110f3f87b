import 'reflect-metadata';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../packages/api/src/config/env.js';
import { initOrm, loadReferenceData } from '../../packages/api/src/db/bootstrap.js';
import { ReplicaSet } from '../../packages/api/src/db/replicas.js';
import { startWorker, type JobWorker } from '../../packages/api/src/jobs/queue.js';
import { hashPassword } from '../../packages/api/src/modules/auth/password.js';
import { createApp } from '../../packages/api/src/server.js';
import { idNumberFor, REGIONS, TEST_PASSWORD } from '../helpers/app.js';

/**
 * Issue 18: read replicas on a REAL streaming replica. The embedded PostgreSQL of the other tests is 18 and a replica
 * cannot follow another major version, so this file runs its own primary and replica with Debian's PostgreSQL 15
 * (`.ci/run` installs it), two API instances over them (no worker inside) and one job worker, and shows:
 * lists come from the replica (replay paused: another user still sees the old name) while the writer reads their own
 * write on either instance; the report refresher runs once per interval; stopping one instance loses no request;
 * a replica that goes down is reported by /readyz and reads fall back to the primary.
 */

const PG15 = '/usr/lib/postgresql/15/bin';
const execFileAsync = promisify(execFile);

let dir = '';
let primaryPort = 0;
let replicaPort = 0;
let primaryUrl = '';
let replicaUrl = '';
let primary: pg.Pool;
let replica: pg.Pool;
let replicaRunning = false;

interface Instance {
  url: string;
  server: Server;
  orm: MikroORM;
  replicas: ReplicaSet;
  stop(): Promise<void>;
}
const instances: Instance[] = [];
let worker: JobWorker | null = null;
let workerOrm: MikroORM | null = null;
let writer = '';
let reader = '';

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` system user. */
async function pgTool(tool: string, args: string[]): Promise<string> {
  const file = path.join(PG15, tool);
  const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  try {
    const { stdout } = await execFileAsync(cmd, argv, { timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function conf(port: number): string {
  return [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    'wal_level = replica',
    'max_wal_senders = 4',
    'hot_standby = on',
    // A test cluster: durability is not the point, speed is.
    'fsync = off',
    'synchronous_commit = off',
    'shared_buffers = 32MB',
    'max_connections = 60',
    '',
  ].join('\n');
}

async function gql<T = Record<string, any>>(base: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** A client behind a load balancer: an instance that refuses the connection is skipped, the next one answers. */
async function gqlAny<T = Record<string, any>>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  let last: unknown;
  for (const instance of instances) {
    try {
      return await gql<T>(instance.url, query, variables, token);
    } catch (error) {
      // Only "nobody answers here" moves on; an answer with errors is a failure of the test.
      if (!/fetch failed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(String((error as Error).message) + String((error as { cause?: unknown }).cause))) throw error;
      last = error;
    }
  }
  throw last;
}

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const REGISTER = `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id name version } }`;
const UPDATE = `mutation($id: ID!, $version: Int!, $input: UpdateElderInput!) { updateElder(id: $id, version: $version, input: $input) { id name version } }`;
const LIST = `query($text: String!) { elders(filter: { text: $text }) { totalCount nodes { id name } } }`;

// What the console's elder list asks, and nested parts that load by batches (classes, contacts): a list served by
// the replica must answer them all (entities from the replica, nested loads on either side).
const FULL_LIST = `query($text: String!) { elders(filter: { text: $text }) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id name idNumber gender age phone status acceptsVisits circumstances registeredAt
          region { code name parent { code name } } classification { class } emergencyContacts { name } } } }`;

// The dashboard's reads (report, visit rate, overdue, alert counts), all lag-tolerant.
const DASHBOARD = `query($region: String, $period: PeriodInput!) {
  report(regionCode: $region, periodInput: $period) { figures { elders overdueElders visitRate { rate } } children { region { code } figures { elders } } }
  visitRate(regionCode: $region, period: $period) { numerator denominator }
  overdueElders(regionCode: $region, first: 1) { totalCount }
  alerts(filter: { regionCode: $region }, first: 1) { totalCount }
  assessment(regionCode: $region, period: $period) { rows { region { code } } } }`;

const names = async (base: string, text: string, token: string): Promise<string[]> =>
  (await gql<{ elders: { nodes: { name: string }[] } }>(base, LIST, { text }, token)).elders.nodes.map((n) => n.name);

async function readyz(base: string): Promise<{ status: number; body: { ready: boolean; replicas?: { up: boolean; lagSeconds: number | null; serving: boolean }[] } }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as never };
}

async function startInstance(config: AppConfig): Promise<Instance> {
  const orm = await initOrm(primaryUrl, { debug: false, pool: { min: 0, max: 4 } });
  const replicas = await ReplicaSet.open([replicaUrl], { maxLagSeconds: config.replicaMaxLagSeconds, pool: 4 });
  const { app, apollo } = await createApp({ orm, config, replicas });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    orm,
    replicas,
    // As main.ts stops: no new connections, requests under way answered, then the rest.
    stop() {
      stopped ??= (async () => {
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await apollo.stop();
        await orm.close(true);
        await replicas.close();
      })();
      return stopped;
    },
  };
}

beforeAll(async () => {
  for (const tool of ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup']) {
    if (!fs.existsSync(path.join(PG15, tool))) {
      throw new Error(`Debian's PostgreSQL 15 is missing (${PG15}/${tool}): install it with \`apt-get install -y postgresql-15\` (.ci/run does).`);
    }
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-replica-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await execFileAsync('id', ['-u', 'postgres']);
    const { stdout: gid } = await execFileAsync('id', ['-g', 'postgres']);
    fs.chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');

  // The primary: trust on 127.0.0.1 (initdb's default hba has the replication line), WAL for a streaming replica.
  await pgTool('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  fs.appendFileSync(path.join(primaryDir, 'postgresql.conf'), conf(primaryPort));
  await pgTool('pg_ctl', ['-D', primaryDir, '-l', path.join(dir, 'primary.log'), '-w', 'start']);
  primary = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${primaryPort}/postgres`, max: 2 });
  primary.on('error', () => undefined);
  await primary.query('create database tanfang');
  await primary.end();
  primaryUrl = `postgresql://postgres@127.0.0.1:${primaryPort}/tanfang`;
  replicaUrl = `postgresql://postgres@127.0.0.1:${replicaPort}/tanfang`;
  primary = new pg.Pool({ connectionString: primaryUrl, max: 2 });
  primary.on('error', () => undefined);

  // Migrations and reference data on PostgreSQL 15, and two civil-affairs users of 开平市.
  const setupOrm = await initOrm(primaryUrl, { debug: false });
  await loadReferenceData(setupOrm.em.fork(), new Date('2026-01-01T00:00:00Z'));
  await setupOrm.close(true);
  const hash = await hashPassword(TEST_PASSWORD);
  for (const username of ['writer', 'reader']) {
    await primary.query(`insert into app_user (username, display_name, password_hash, role, region_code) values ($1, $1, $2, 'ADMIN', $3)`, [
      username,
      hash,
      REGIONS.city,
    ]);
  }

  // The replica: a base backup with -R (standby.signal and primary_conninfo), on its own port, streaming.
  await pgTool('pg_basebackup', ['-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres']);
  fs.appendFileSync(path.join(replicaDir, 'postgresql.auto.conf'), `port = ${replicaPort}\n`);
  await pgTool('pg_ctl', ['-D', replicaDir, '-l', path.join(dir, 'replica.log'), '-w', 'start']);
  replicaRunning = true;
  replica = new pg.Pool({ connectionString: replicaUrl, max: 2 });
  replica.on('error', () => undefined);
  expect((await replica.query('select pg_is_in_recovery() as r')).rows[0].r).toBe(true);

  // Two API instances without a worker inside (TANFANG_WORKER=off), and one worker beside them.
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'test' }),
    worker: 'off',
    replicaUrls: [replicaUrl],
    readYourWritesSeconds: 3,
    replicaMaxLagSeconds: 30,
  };
  instances.push(await startInstance(config), await startInstance(config));
  workerOrm = await initOrm(primaryUrl, { debug: false, pool: { min: 0, max: 4 } });
  worker = await startWorker({ connectionString: primaryUrl, config, orm: workerOrm, reportSeconds: 1, pollInterval: 200, concurrency: 2 });

  writer = (await gql<{ login: { token: string } }>(instances[0]!.url, LOGIN, { u: 'writer', p: TEST_PASSWORD })).login.token;
  reader = (await gql<{ login: { token: string } }>(instances[1]!.url, LOGIN, { u: 'reader', p: TEST_PASSWORD })).login.token;
}, 120_000);

afterAll(async () => {
  for (const instance of instances) await instance.stop().catch(() => undefined);
  await worker?.stop().catch(() => undefined);
  await workerOrm?.close(true).catch(() => undefined);
  await primary?.end().catch(() => undefined);
  await replica?.end().catch(() => undefined);
  if (dir) {
    if (replicaRunning) await pgTool('pg_ctl', ['-D', path.join(dir, 'replica'), '-m', 'immediate', 'stop']).catch(() => undefined);
    await pgTool('pg_ctl', ['-D', path.join(dir, 'primary'), '-m', 'immediate', 'stop']).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('read replicas (a real PostgreSQL 15 streaming replica, two API instances, one worker)', () => {
  it('serves lists from the replica while the writer reads their own write from the primary, on either instance', async () => {
    const [a, b] = [instances[0]!.url, instances[1]!.url];
    const elder = (await gql<{ registerElder: { id: string; version: number } }>(a, REGISTER, {
      input: { name: '关秀英', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1950-03-15', false) },
    }, writer)).registerElder;
    // The reader (no write of their own) reads the replica: the archive appears there once replayed.
    await expect.poll(() => names(b, '关秀英', reader)).toEqual(['关秀英']);

    // Replay paused: the primary moves on, the replica does not.
    await replica.query('select pg_wal_replay_pause()');
    await gql(a, UPDATE, { id: elder.id, version: elder.version, input: { name: '关秀兰' } }, writer);
    expect((await primary.query('select name from elder where id = $1', [elder.id])).rows[0].name).toBe('关秀兰');
    // The writer sees their write at once, also on the instance that did not take it (the stamp is in PostgreSQL).
    expect(await names(b, '关秀兰', writer)).toEqual(['关秀兰']);

    // Another user's list, on the other instance, comes from the replica: still the old name.
    expect(await names(b, '关秀英', reader)).toEqual(['关秀英']);
    const full = await gql<{ elders: { totalCount: number; nodes: { name: string; region: { parent: { code: string } } }[] } }>(b, FULL_LIST, { text: '关秀' }, reader);
    expect(full.elders.totalCount).toBe(1);
    expect(full.elders.nodes[0]).toMatchObject({ name: '关秀英', region: { parent: { code: REGIONS.townA } } });
    // The dashboard answers from the replica too (no write hides in these reads: a replica would refuse it).
    const month = { kind: 'MONTH', date: new Date().toISOString().slice(0, 10) };
    const dashboard = await gql<{ report: { figures: { elders: number } }; overdueElders: { totalCount: number } }>(b, DASHBOARD, { region: REGIONS.city, period: month }, reader);
    expect(dashboard.report.figures.elders).toEqual(expect.any(Number));
    expect(dashboard.overdueElders.totalCount).toEqual(expect.any(Number));
    expect(await names(b, '关秀兰', reader)).toEqual([]);
    // Only the writer's mutations were stamped (logins are not: they change nothing anyone lists).
    const stamps = await primary.query(`select u.username from actor_write w join app_user u on u.id = w.actor_id`);
    expect(stamps.rows.map((r) => r.username)).toEqual(['writer']);

    // /readyz shows the replica up and behind.
    await expect.poll(async () => (await readyz(b)).body.replicas?.[0]?.lagSeconds ?? 0).toBeGreaterThan(0.5);
    const state = await readyz(b);
    expect(state.status).toBe(200);
    expect(state.body.replicas).toEqual([expect.objectContaining({ up: true, serving: true })]);

    // The read-your-writes window (3 s here) ends: the writer's lists go to the replica again (the stale name).
    await expect.poll(() => names(a, '关秀兰', writer)).toEqual([]);

    // The reader's list read was audited on the primary (the replica cannot take writes).
    const audited = await primary.query(
      `select count(*)::int as n from audit_event e join app_user u on u.id = e.actor_id where u.username = 'reader' and e.action = 'ELDER_READ'`,
    );
    expect(audited.rows[0].n).toBeGreaterThan(0);

    await replica.query('select pg_wal_replay_resume()');
    await expect.poll(() => names(b, '关秀兰', reader)).toEqual(['关秀兰']);
    await expect.poll(async () => (await readyz(a)).body.replicas?.[0]?.lagSeconds).toBe(0);
  });

  it('refreshes the report rollups once per interval with two instances and one worker', async () => {
    const seen: number[] = [];
    await expect
      .poll(async () => {
        const { rows } = await primary.query(`select max(refreshed_at) as at from report_rollup_state`);
        const at = rows[0].at ? new Date(rows[0].at).getTime() : 0;
        if (at && seen[seen.length - 1] !== at) seen.push(at);
        return seen.length;
      }, { interval: 100 })
      .toBeGreaterThanOrEqual(4);
    // One refresher (1 s interval): consecutive refreshes about a second apart, never two at once.
    const gaps = seen.slice(1).map((at, i) => at - seen[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
    const jobs = await primary.query(`select count(*)::int as n from graphile_worker.jobs where key = 'refresh_reports'`);
    expect(jobs.rows[0].n).toBe(1);
  });

  it('stopping one instance while requests are under way loses none of them', async () => {
    const before = Number((await primary.query('select count(*) from elder')).rows[0].count);
    const births = Array.from({ length: 8 }, (_, i) => `1949-0${(i % 9) + 1}-1${i}`);
    const server = instances[0]!.server;
    let taken = 0;
    server.on('request', () => taken++);
    const first = new Promise<void>((resolve) => server.once('request', () => resolve()));
    const requests = births.map((birth, i) =>
      gqlAny<{ registerElder: { id: string } }>(REGISTER, { input: { name: `停机${'甲乙丙丁戊己庚辛'[i]}`, regionCode: REGIONS.villageA2, idNumber: idNumberFor(birth) } }, writer),
    );
    // Instance A stops once it has taken a request: those it took are answered, the others go to B.
    await first;
    await instances[0]!.stop();
    expect(taken).toBeGreaterThan(0);
    const answered = await Promise.all(requests);
    expect(answered.every((r) => typeof r.registerElder.id === 'string')).toBe(true);
    // After the stop every request lands on B.
    const after = await gqlAny<{ elders: { totalCount: number } }>(LIST, { text: '停机' }, writer);
    expect(after.elders.totalCount).toBe(8);
    expect(Number((await primary.query('select count(*) from elder')).rows[0].count)).toBe(before + 8);
    await expect(fetch(`${instances[0]!.url}/healthz`)).rejects.toThrow();
  });

  it('a replica that goes down: /readyz reports it, the instance stays ready and lists come from the primary', async () => {
    const b = instances[1]!.url;
    await pgTool('pg_ctl', ['-D', path.join(dir, 'replica'), '-m', 'immediate', 'stop']);
    replicaRunning = false;
    await gqlAny(REGISTER, { input: { name: '司徒桂芳', regionCode: REGIONS.villageB1, idNumber: idNumberFor('1947-07-07', false) } }, writer);
    // The reader's read is tried on the replica, refused, and answered from the primary (fresh data, no error).
    expect(await names(b, '司徒桂芳', reader)).toEqual(['司徒桂芳']);
    const state = await readyz(b);
    expect(state.status).toBe(200);
    expect(state.body.ready).toBe(true);
    expect(state.body.replicas).toEqual([expect.objectContaining({ up: false, serving: false, lagSeconds: null })]);
  });
});
