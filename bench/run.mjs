// pnpm bench: the API, a raw-SQL floor and PostGraphile v5 side by side on one generated city.
//   BENCH_ELDERS=100000 pnpm bench      (default 100000; 1000000 for the city-scale run)
// Steps: start the API on its own data folder (bench/.data/pg-<elders>), generate the city on first use
// (bench/generate.sql, then a full rollup refresh), create the benchmark logins, start the other two servers, check
// that all servers give the same answers, then load each with autocannon and write bench/results/<elders>.json and a
// Markdown table. Servers run on CPU 1 and the load generator on CPU 0 (PostgreSQL on both), where taskset exists.
// Scenario `console` (bench/lib/console.mjs): every query operation of the admin console's generated documents, one
// request at a time, as a city admin, a town operator and a village visitor (p50, p95, SQL statements), written to
// bench/results/console-<elders>.json. BENCH_ONLY=console runs it alone; BENCH_CONSOLE_RUNS (default 20) runs each.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSeconds, loadAverage, treeCpuSeconds } from './lib/cpu.mjs';
import { CONNECTIONS, ELDER_OURS, ELDERS, GRAPHQL_PING, LABEL, LIST_OURS, SECONDS, startHarness, waitFor } from './lib/harness.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(BENCH, '..');
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const PG_PORT = Number(process.env.BENCH_PG_PORT ?? (ELDERS >= 1_000_000 ? 54342 : 54341));
const DATABASE_URL = `postgres://postgres:tanfang-local@localhost:${PG_PORT}/tanfang`;
const DATA_DIR = path.join(BENCH, '.data', `pg-${LABEL}`);
// Ports apart per data size, so a 1M generation can run beside a 100k benchmark.
const BASE = Number(process.env.BENCH_PORT_BASE ?? (ELDERS >= 1_000_000 ? 4120 : 4100));
const PORTS = { ours: BASE + 1, raw: BASE + 2, postgraphile: BASE + 3 };
const COUNTER = { ours: BASE + 11, raw: BASE + 12, postgraphile: BASE + 13 };
const hasTaskset = (() => { try { execFileSync('taskset', ['-c', '0', 'true']); return true; } catch { return false; } })();
const pin = (cpu, cmd, args) => (hasTaskset ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]);
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function start(name, script, env, cwd) {
  // BENCH_NODE_ARGS_OURS (e.g. --cpu-prof) goes to the API's node only, for profiling.
  const extra = name === 'ours' && process.env.BENCH_NODE_ARGS_OURS ? process.env.BENCH_NODE_ARGS_OURS.split(' ') : [];
  // The same young-generation size for all three (the API's `pnpm start` sets it: fewer scavenges on large answers).
  const [cmd, args] = pin(1, process.execPath, [...extra, '--max-semi-space-size=32', '--import', path.join(BENCH, 'lib/count-sql.mjs'), script]);
  const out = fs.openSync(path.join(BENCH, '.data', `${name}-${LABEL}.log`), 'a');
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env, BENCH_COUNTER_PORT: String(COUNTER[name]) }, stdio: ['ignore', out, out] });
  return harness.track(child);
}


/** The pid of the server process itself (the child may be taskset, which execs it: same pid). */
const pidOf = (child) => child.pid;
function resetPeak(pid) { try { fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch { /* not Linux or not allowed */ } }
function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
}
// CPU seconds of a process, and of PostgreSQL: its postmaster's tree (live backends plus exited ones), not the
// machine's total minus ours, which counted other sessions' work on a shared machine (bench/lib/cpu.mjs).
const postgresCpu = () => treeCpuSeconds(embedded.pid());
async function statements(name) { return (await (await fetch(`http://127.0.0.1:${COUNTER[name]}/`)).json()).statements; }

// ---------------------------------------------------------------------------------------------------------------
fs.mkdirSync(path.join(BENCH, '.data'), { recursive: true });
fs.mkdirSync(path.join(BENCH, 'results'), { recursive: true });
if (!fs.existsSync(path.join(ROOT, 'packages/api/dist/main.js'))) throw new Error('Build first: pnpm build');

log(`${ELDERS} elders, data in ${path.relative(ROOT, DATA_DIR)}, ${CONNECTIONS} connections, ${SECONDS} s per run, taskset ${hasTaskset}`);
// The embedded PostgreSQL, stopped with every server when the bench ends (bench/lib/harness.mjs).
const harness = await startHarness({ root: ROOT, dataDir: path.join(DATA_DIR, 'pg'), port: PG_PORT });
const { embedded, finish } = harness;
const api = start('ours', path.join(ROOT, 'packages/api/dist/main.js'), {
  NODE_ENV: 'production', DATABASE_URL, PORT: String(PORTS.ours), TANFANG_DEMO: 'off', TANFANG_ROLLUP_SECONDS: '0',
}, path.join(ROOT, 'packages/api'));
await waitFor(`http://127.0.0.1:${PORTS.ours}/graphql`, GRAPHQL_PING, 'the API');
// The embedded PostgreSQL was started by the API and inherited its CPU: give it both CPUs again.
if (hasTaskset) {
  const postmaster = fs.readFileSync(path.join(DATA_DIR, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  execFileSync('sh', ['-c', `for p in ${postmaster} $(ps -o pid= --ppid ${postmaster}); do taskset -a -p -c 0,1 $p >/dev/null; done`]);
}
const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
const one = async (sql, params) => (await db.query(sql, params)).rows[0];

// ---- data
const have = Number((await one(`select count(*) as n from elder where name like '样本%'`)).n);
if (have === 0) {
  log(`generating ${ELDERS} elders (bench/generate.sql)`);
  const t0 = Date.now();
  execFileSync('psql', ['-h', 'localhost', '-p', String(PG_PORT), '-U', 'postgres', '-d', 'tanfang', '-q', '-v', `elders=${ELDERS}`, '-f', 'bench/generate.sql'],
    { cwd: ROOT, env: { ...process.env, PGPASSWORD: 'tanfang-local' }, stdio: ['ignore', fs.openSync(path.join(BENCH, '.data', `generate-${LABEL}.log`), 'w'), 'inherit'] });
  log(`generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
} else if (have !== ELDERS) {
  throw new Error(`${path.relative(ROOT, DATA_DIR)} holds ${have} generated elders, not ${ELDERS}: remove the folder to regenerate`);
}

// What the API's background refresher keeps current (off here, so it cannot disturb a measurement): full on a new
// day or after generating, else incremental and quick.
// BENCH_SKIP_REFRESH=1 skips it for scenarios that read neither (elder, list, sync): at 1M a full refresh takes tens of
// minutes, which a before/after comparison of those reads does not need.
if (process.env.BENCH_SKIP_REFRESH === '1') log('compliance snapshot and rollups not refreshed (BENCH_SKIP_REFRESH=1)');
else {
  const t1 = Date.now();
  execFileSync(process.execPath, [path.join(BENCH, 'lib/refresh-rollups.mjs')], { env: { ...process.env, DATABASE_URL }, stdio: 'inherit' });
  log(`compliance snapshot and report rollups refreshed in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
}

// ---- logins: a city admin, a town operator, a village visitor linked to a visitor record, and a HEALTH agency API key
const password = 'bench-' + randomBytes(6).toString('hex');
const { hashPassword } = await import(path.join(ROOT, 'packages/api/dist/modules/auth/password.js'));
const hash = await hashPassword(password);
const county = '440783';
const town = (await one(`select code from region where level = 4 and parent_code = $1 order by code limit 1`, [county])).code;
const visitorRow = await one(`select v.id, v.region_code from visitor v where starts_with(v.region_code, $1) and v.name like '探访员%' order by v.region_code, v.name limit 1`, [town]);
await db.query(`insert into app_user (username, display_name, password_hash, role, region_code) values
  ('bench-admin', '压测管理员', $1, 'ADMIN', '4407'), ('bench-visitor', '压测探访员', $1, 'VILLAGE_WORKER', $2),
  ('bench-town', '压测乡镇经办人', $1, 'TOWN_OPERATOR', $3)
  on conflict (username) do update set password_hash = excluded.password_hash, failed_logins = 0, locked_until = null`, [hash, visitorRow.region_code, town]);
await db.query(`update visitor set user_id = (select id from app_user where username = 'bench-visitor') where id = $1 and user_id is null`, [visitorRow.id]);
const health = await one(`select id from agency where kind = 'HEALTH' and region_code = '4407'`);
const apiKey = 'tfk_' + randomBytes(24).toString('base64url');
await db.query(`insert into api_client (agency_id, name, key_prefix, key_hash, created_at) values ($1, 'bench', $2, $3, now())`,
  [health.id, apiKey.slice(0, 12), createHash('sha256').update(apiKey).digest('hex')]);
async function login(username) {
  const r = await fetch(`http://127.0.0.1:${PORTS.ours}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', variables: { u: username, p: password } }) });
  const j = await r.json();
  if (!j.data?.login?.token) throw new Error(`login ${username}: ${JSON.stringify(j)}`);
  return j.data.login.token;
}
const adminToken = await login('bench-admin');
const visitorToken = await login('bench-visitor');
const today = (await one(`select to_char((now() at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as d`)).d;
const period = today.slice(0, 7);
const elderIds = (await db.query(`select id from elder where name like '样本%' order by md5(id::text) limit 200`)).rows.map((r) => r.id);
const sample = (await db.query(`select id_number, name from elder where name like '样本%' order by id limit 5000`)).rows;
const PER_SERVER_SCENARIOS = ['elder', 'list', 'overdue', 'worklist', 'report', 'sync'];

// ---- the other two servers
const raw = start('raw', path.join(BENCH, 'servers/raw.mjs'), { DATABASE_URL, PORT: String(PORTS.raw) }, BENCH);
const pgl = start('postgraphile', path.join(BENCH, 'servers/postgraphile.mjs'), { DATABASE_URL, PORT: String(PORTS.postgraphile) }, BENCH);
await waitFor(`http://127.0.0.1:${PORTS.raw}/elder`, { method: 'POST', body: JSON.stringify({ id: elderIds[0] }) }, 'the raw-SQL server');
await waitFor(`http://127.0.0.1:${PORTS.postgraphile}/graphql`, GRAPHQL_PING, 'PostGraphile');
const pids = { ours: pidOf(api), raw: pidOf(raw), postgraphile: pidOf(pgl) };

// ---- scenarios: for each server, request bodies (cycled) and a normaliser to one comparable shape
const gql = (query, variables, token) => ({
  path: '/graphql', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify({ query, variables }),
});
const rawReq = (route, input) => ({ path: `/${route}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
const maskPhone = (p) => (p ? `${p.slice(0, 3)}****${p.slice(-4)}` : null);
const maskId = (n) => `${n.slice(0, 6)}********${n.slice(-4)}`;
const DERIVED = new Set(['AGED_80_PLUS', 'SEVERELY_DISABLED']);
const byKey = (list) => Object.fromEntries((list ?? []).filter((x) => x.count).map((x) => [x.key, x.count]));

const ELDER_PGL = `query($id: UUID!) { elderByRowId(rowId: $id) { rowId name gender birthDate status idNumber phone circumstances computedClass
  regionByRegionCode { code name fullName } elderContactsByElderId(orderBy: POSITION_ASC) { nodes { kind name phone } }
  householdMembersByElderId(orderBy: POSITION_ASC) { nodes { name relation } } } }`;
const LIST_PGL = `query($c: String!) { allElders(first: 50, condition: { countyCode: $c }, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { totalCount
  nodes { rowId name gender birthDate phone computedClass regionByRegionCode { code name }
  elderContactsByElderId(orderBy: POSITION_ASC) { nodes { name phone } }
  visitsByElderId(first: 5, orderBy: [VISITED_ON_DESC, PRIMARY_KEY_DESC]) { nodes { visitedOn method } } } } }`;
const OVERDUE_OURS = `query($r: String!, $d: Date!) { overdueElders(regionCode: $r, asOf: $d, first: 50) { totalCount
  nodes { daysOverdue elder { id name region { name } } } } }`;
const WORKLIST_OURS = `query($d: Date!) { myWorklist(asOf: $d) { overdue daysOverdue elder { id name } } }`;
const REPORT_OURS = `query($r: String!, $p: String!) { report(regionCode: $r, period: $p) { computedAt
  figures { eldersByClass { key count } visitsByMethod { key count } visitRate { numerator denominator } }
  children { region { code name } figures { eldersByClass { key count } visitsByMethod { key count } visitRate { numerator denominator } } } } }`;
const SYNC_OURS = `mutation($b: HealthCheckBatch!) { syncHealthChecks(batch: $b) { received created updated unchanged rejected conflicts } }`;

const elderShape = (e) => e && ({ id: e.id, name: e.name, gender: e.gender, birthDate: e.birthDate, status: e.status, idNumber: e.idNumber, phone: e.phone,
  circumstances: [...e.circumstances].filter((c) => !DERIVED.has(c)).sort(), class: e.class, region: e.region,
  emergencyContacts: e.emergencyContacts, householdMembers: e.householdMembers });
const reportShape = (rows) => rows; // already { code: { class, visits, rate } }
const figuresOf = (f) => ({ class: byKey(f.eldersByClass), visits: byKey(f.visitsByMethod), rate: [f.visitRate.numerator ?? 0, f.visitRate.denominator ?? 0] });

let syncSeq = 0;
const syncRecords = (server, batch) => sample.map((p, i) => ({ externalId: `bench-${server}-${process.pid}-${batch}-${i}`, idNumber: p.id_number, name: p.name,
  checkedOn: today, summary: '血压正常', sourceVersion: 1 }));

const scenarios = [
  {
    name: 'elder', title: '`elder(id)`: one archive with region, class, contacts, household',
    ours: elderIds.map((id) => gql(ELDER_OURS, { id }, adminToken)),
    raw: elderIds.map((id) => rawReq('elder', { id })),
    postgraphile: elderIds.map((id) => gql(ELDER_PGL, { id })),
    norm: {
      ours: (j) => elderShape({ ...j.data.elder, class: j.data.elder.classification?.class }),
      raw: (j) => elderShape(j),
      postgraphile: (j) => { const e = j.data.elderByRowId; return elderShape({ ...e, id: e.rowId, class: e.computedClass, region: e.regionByRegionCode,
        idNumber: maskId(e.idNumber), phone: maskPhone(e.phone),
        emergencyContacts: e.elderContactsByElderId.nodes.map((c) => ({ ...c, phone: maskPhone(c.phone) })), householdMembers: e.householdMembersByElderId.nodes }); },
    },
  },
  {
    name: 'list', title: 'admin list: 50 elders of a county by name, with region, class, contacts, last 5 visits, totalCount',
    ours: [gql(LIST_OURS, { r: county }, adminToken)],
    raw: [rawReq('list', { regionCode: county })],
    postgraphile: [gql(LIST_PGL, { c: county })],
    norm: {
      ours: (j) => ({ total: j.data.elders.totalCount, nodes: j.data.elders.nodes.map((e) => ({ id: e.id, name: e.name, gender: e.gender, birthDate: e.birthDate,
        phone: e.phone, class: e.classification?.class, region: e.region, contacts: e.emergencyContacts, visits: e.visits.nodes })) }),
      raw: (j) => ({ total: Number(j.totalCount), nodes: j.nodes.map((e) => ({ id: e.id, name: e.name, gender: e.gender, birthDate: e.birthDate,
        phone: e.phone, class: e.class, region: e.region, contacts: e.emergencyContacts, visits: e.visits })) }),
      postgraphile: (j) => ({ total: j.data.allElders.totalCount, nodes: j.data.allElders.nodes.map((e) => ({ id: e.rowId, name: e.name, gender: e.gender,
        birthDate: e.birthDate, phone: maskPhone(e.phone), class: e.computedClass, region: e.regionByRegionCode,
        contacts: e.elderContactsByElderId.nodes.map((c) => ({ ...c, phone: maskPhone(c.phone) })), visits: e.visitsByElderId.nodes })) }),
    },
  },
  {
    name: 'overdue', title: `\`overdueElders\` of a town (${town}), first 50 with totalCount`,
    ours: [gql(OVERDUE_OURS, { r: town, d: today }, adminToken)],
    raw: [rawReq('overdue', { regionCode: town, asOf: today })],
    norm: {
      ours: (j) => ({ total: j.data.overdueElders.totalCount, nodes: j.data.overdueElders.nodes.map((n) => [n.elder.id, n.elder.name, n.daysOverdue, n.elder.region.name]) }),
      raw: (j) => ({ total: Number(j.totalCount), nodes: j.nodes.map((n) => [n.id, n.name, n.daysOverdue, n.region]) }),
    },
  },
  {
    name: 'worklist', title: "`myWorklist` of one village's visitor",
    ours: [gql(WORKLIST_OURS, { d: today }, visitorToken)],
    raw: [rawReq('worklist', { asOf: today, regionCode: visitorRow.region_code, visitorId: visitorRow.id })],
    norm: {
      ours: (j) => j.data.myWorklist.map((w) => [w.elder.id, w.overdue, w.daysOverdue]).sort((a, b) => a[0].localeCompare(b[0])),
      raw: (j) => j.map((w) => [w.id, w.overdue, w.daysOverdue]).sort((a, b) => a[0].localeCompare(b[0])),
    },
  },
  {
    name: 'report', title: `city \`report\` (江门市, ${period}) with its 7 counties`,
    ours: [gql(REPORT_OURS, { r: '4407', p: period }, adminToken)],
    raw: [rawReq('report', { regionCode: '4407', period })],
    norm: {
      ours: (j) => Object.fromEntries([['ALL', figuresOf(j.data.report.figures)], ...j.data.report.children.map((c) => [c.region.code, figuresOf(c.figures)])]),
      raw: (j) => j,
    },
  },
  {
    name: 'sync', title: 'sync: one batch of 5,000 health checks (new records), 2 connections', records: sample.length, connections: 2, amount: 30,
    ours: () => gql(SYNC_OURS, { b: { idempotencyKey: `bench-${process.pid}-${++syncSeq}`, records: syncRecords('ours', syncSeq) } }, apiKey),
    raw: () => rawReq('sync', { agencyId: health.id, records: syncRecords('raw', ++syncSeq) }),
    norm: {
      ours: (j) => ({ received: j.data.syncHealthChecks.received, created: j.data.syncHealthChecks.created }),
      raw: (j) => ({ received: j.received, created: j.created }),
    },
  },
];

async function send(server, req) {
  const r = await fetch(`http://127.0.0.1:${PORTS[server]}${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
  const j = await r.json();
  if (j?.errors || j?.error) throw new Error(`${server}: ${JSON.stringify(j.errors ?? j.error).slice(0, 500)}`);
  return j;
}

function cannon(server, requests, opts) {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon({
      url: `http://127.0.0.1:${PORTS[server]}`, connections: opts.connections ?? CONNECTIONS,
      ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? SECONDS }),
      requests: [{ method: 'POST', setupRequest: (req) => { const next = typeof requests === 'function' ? requests() : requests[i++ % requests.length]; return { ...req, ...next }; } }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * What the sync scenario wrote, removed (before it, for what an interrupted run left, and after it): each run adds
 * 300,000 agency records and their change-log rows, and a city that grows with every run measures a bigger table each
 * time (by the 10th run at 100k the agency records were 4.7M rows and 3 GB, and the same statement took 40% longer).
 */
async function removeSyncWrites() {
  const t0 = Date.now();
  const mine = `r.agency_id = $1 and (r.external_id like 'bench-%' or r.external_id like 'prof-%')`;
  await db.query(`delete from change_log c using agency_record r where c.entity = 'AGENCY_RECORD' and c.entity_id = r.id and ${mine}`, [health.id]);
  const { rowCount } = await db.query(`delete from agency_record r where ${mine}`, [health.id]);
  await db.query(`delete from sync_batch where agency_id = $1 and (idempotency_key like 'bench-%' or idempotency_key like 'prof-%')`, [health.id]);
  if (rowCount > 0) await db.query('vacuum (analyze) agency_record, change_log, sync_batch');
  log(`sync: removed ${rowCount} agency records written by bench runs (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const results = [];
for (const s of scenarios) {
  if (ONLY && !ONLY.includes(s.name)) continue;
  if (s.name === 'sync') await removeSyncWrites();
  const servers = ['ours', 'raw', 'postgraphile'].filter((k) => s[k]);
  // Same answers first (the first request of each).
  const answers = {};
  for (const k of servers) {
    const req = typeof s[k] === 'function' ? s[k]() : s[k][0];
    answers[k] = JSON.stringify(s.norm[k](await send(k, req)));
  }
  const same = servers.every((k) => answers[k] === answers.ours);
  if (!same) {
    for (const k of servers) log(`${s.name} ${k}: ${answers[k].slice(0, 600)}`);
    throw new Error(`${s.name}: the servers' answers differ (above); fix before timing`);
  }
  log(`${s.name}: same answers from ${servers.join(', ')} (${answers.ours.length} characters)`);
  for (const k of servers) {
    const req = typeof s[k] === 'function' ? s[k]() : s[k][1 % s[k].length];
    const before = await statements(k);
    await send(k, req);
    const sql = (await statements(k)) - before;
    // Warm-up, 5 s by default (BENCH_WARMUP): after 2 s the first scenario after a server's start still ran on
    // colder code and caches (the API's CPU per elder(id) at 1M 0.86 ms in the first run against 0.53 ms in the next).
    if (!s.amount) await cannon(k, s[k], { duration: Number(process.env.BENCH_WARMUP ?? 5) });
    resetPeak(pids[k]);
    const load = loadAverage();
    const before2 = await statements(k);
    const cpu0 = [cpuSeconds(pids[k]), postgresCpu()];
    const r = await cannon(k, s[k], { connections: s.connections, amount: s.amount });
    const cpu1 = [cpuSeconds(pids[k]), postgresCpu()];
    const perRequest = (await statements(k)) - before2;
    const row = {
      scenario: s.name, server: k, requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
      sqlPerRequest: sql, sqlPerRequestUnderLoad: r.requests.total ? +(perRequest / r.requests.total).toFixed(2) : null,
      recordsPerSecond: s.records ? Math.round((s.records * r.requests.total) / (r.duration)) : undefined,
      load, compiledReads: k === 'ours' ? (process.env.TANFANG_COMPILED_READS || 'on') : undefined,
      peakRssMb: peakRssMb(pids[k]), errors: r.errors + r.non2xx, requests: r.requests.total, seconds: r.duration,
      // Where the time goes: CPU milliseconds per request in the server process and in PostgreSQL (the rest of the machine).
      serverCpuMs: r.requests.total ? +((1000 * (cpu1[0] - cpu0[0])) / r.requests.total).toFixed(2) : null,
      postgresCpuMs: r.requests.total ? +((1000 * (cpu1[1] - cpu0[1])) / r.requests.total).toFixed(2) : null,
    };
    results.push(row);
    log(`${s.name} ${k} (load ${load.join(' ')}): ${row.requestsPerSecond} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.sqlPerRequest} SQL/req, CPU/req server ${row.serverCpuMs} ms + PostgreSQL ${row.postgresCpuMs} ms, ${row.peakRssMb} MB${row.recordsPerSecond ? `, ${row.recordsPerSecond} records/s` : ''}${row.errors ? `, ${row.errors} ERRORS` : ''}`);
  }
  if (s.name === 'sync') await removeSyncWrites();
}

// ---- console: every query of the admin console's generated documents, one request at a time, as three users
const machine0 = () => ({ cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, date: new Date().toISOString().slice(0, 10) });
if (!ONLY || ONLY.includes('console')) {
  const { runConsole, consoleTable } = await import('./lib/console.mjs');
  // A real elder of each user's area, preferably one with an alert and agency records, so the archive's tabs have rows.
  const elderOf = async (region, visitorId) => (await one(
    `select e.id from elder e
      where e.name like '样本%' and starts_with(e.region_code, $1)
        and ($2::text is null or exists (select 1 from assignment a where a.elder_id = e.id and a.visitor_id::text = $2 and a.ends_at is null))
      order by exists (select 1 from alert a where a.elder_id = e.id) desc, exists (select 1 from agency_record r where r.elder_id = e.id) desc, e.id
      limit 1`, [region, visitorId]))?.id ?? null;
  const agencyOf = async (region) => (await one(`select id from agency where starts_with($1, region_code) or starts_with(region_code, $1) order by length(region_code), kind limit 1`, [region]))?.id ?? null;
  const lastMonthDay = (await one(`select to_char((now() at time zone 'Asia/Shanghai')::date - interval '1 month', 'YYYY-MM-DD') as d`)).d;
  const base = { today, month: period, lastMonthDay, lastMonth: lastMonthDay.slice(0, 7), villageCode: visitorRow.region_code };
  const townToken = await login('bench-town');
  // Screens that open on a record picked from another screen (a survey round, a spot-check draw, a webhook
  // subscription, a visit's proof): the town's own, made once by the console's own mutations when the data has none,
  // so every query of the console is measured. A mutation the API refuses leaves the id null: the operation is then
  // listed as not measured with the reason.
  const api = async (token, query, variables) => {
    const r = await (await fetch(`http://127.0.0.1:${PORTS.ours}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) })).json();
    if (r.errors?.length) log(`console setup: ${r.errors[0].message}`);
    return r.data ?? null;
  };
  const picked = async (sql, params, make) => (await one(sql, params))?.id ?? (await make()) ?? null;
  const endsOn = (await one(`select to_char((now() at time zone 'Asia/Shanghai')::date + 30, 'YYYY-MM-DD') as d`)).d;
  const roundId = await picked(`select id from survey_round where region_code = $1 order by created_at limit 1`, [town],
    async () => (await api(adminToken, 'mutation($r: String!, $n: String!, $s: Date!, $e: Date!) { createSurveyRound(regionCode: $r, name: $n, startsOn: $s, endsOn: $e) { id } }',
      { r: town, n: '基准测试摸排', s: today, e: endsOn }))?.createSurveyRound?.id);
  const drawId = await picked(`select id from spot_check_draw where region_code = $1 order by drawn_at desc limit 1`, [town],
    async () => (await api(adminToken, 'mutation($r: String!, $p: PeriodInput!) { drawSpotChecks(regionCode: $r, period: $p, size: 20) { id } }',
      { r: town, p: { kind: 'MONTH', date: lastMonthDay } }))?.drawSpotChecks?.id);
  // The health agency's subscription to its referrals, which civil affairs reads over its jurisdiction (the console's
  // webhook page). Written directly: creating one through the API checks that the URL resolves, and the bench has no
  // network (it was never created, and WebhookDeliveries went unmeasured).
  const subscriptionId = await picked(`select id from webhook_subscription where deleted_at is null order by created_at limit 1`, [],
    async () => (await one(`insert into webhook_subscription (agency_id, region_code, url, events, secret, created_at)
                            values ($1, '4407', 'https://webhooks.example.org/tanfang', '{ALERT_REFERRED}', 'whsec_bench', now()) returning id`, [health.id]))?.id);
  const visitOf = async (elderId) => (elderId ? (await one(`select id from visit_by_elder where elder_id = $1 order by visited_at desc limit 1`, [elderId]))?.id ?? null : null);
  const townName = (await one(`select name from region where code = $1`, [town])).name;
  Object.assign(base, { roundId, drawId, subscriptionId, searchText: townName.slice(0, 2) });
  const ctxOf = async (regionCode, visitorId) => {
    const elderId = await elderOf(regionCode, visitorId);
    return { ...base, regionCode, elderId, visitId: await visitOf(elderId), agencyId: await agencyOf(regionCode), visitorId: visitorRow.id };
  };
  const users = [
    { key: 'city', label: 'city admin (4407)', token: adminToken, ctx: await ctxOf('4407', null) },
    { key: 'town', label: `town operator (${town})`, token: townToken, ctx: await ctxOf(town, null) },
    { key: 'visitor', label: `village visitor (${visitorRow.region_code})`, token: visitorToken, ctx: await ctxOf(visitorRow.region_code, String(visitorRow.id)) },
  ];
  const runs = Number(process.env.BENCH_CONSOLE_RUNS ?? 20);
  const result = await runConsole({ url: `http://127.0.0.1:${PORTS.ours}/graphql`, users, statements: () => statements('ours'), runs, log });
  const data = { elders: ELDERS, machine: { ...machine0(), postgres: (await one('show server_version')).server_version }, ...result };
  const consoleFile = path.join(BENCH, 'results', `console-${LABEL}.json`);
  fs.writeFileSync(consoleFile, JSON.stringify(data, null, 2));
  console.log(`\n${consoleTable(data, LABEL)}\n\nWritten to ${path.relative(ROOT, consoleFile)}`);
}
if (ONLY && !ONLY.some((s) => PER_SERVER_SCENARIOS.includes(s))) { await db.end(); await finish(0); }

// ---- output
const machine = { ...machine0(), postgres: (await one('show server_version')).server_version };
// BENCH_RESULTS names another file (e.g. 100k-compiled-off), so a variant run does not replace the main figures.
const file = path.join(BENCH, 'results', `${process.env.BENCH_RESULTS || LABEL}.json`);
// A partial run (BENCH_ONLY) replaces only its own scenarios in the file.
const previous = ONLY && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).results.filter((r) => !ONLY.includes(r.scenario)) : [];
results.unshift(...previous);
fs.writeFileSync(file, JSON.stringify({ elders: ELDERS, connections: CONNECTIONS, seconds: SECONDS, machine, results }, null, 2));
const cell = (s, k, f) => { const r = results.find((x) => x.scenario === s && x.server === k); return r ? f(r) : '—'; };
const ratio = (s, a, b) => { const x = results.find((r) => r.scenario === s && r.server === a); const y = results.find((r) => r.scenario === s && r.server === b); return x && y ? (x.requestsPerSecond / y.requestsPerSecond).toFixed(2) : '—'; };
const lines = [`| ${LABEL} elders | ours req/s · p50 · p99 · SQL · RSS | raw SQL req/s · p50 · p99 · SQL | PostGraphile req/s · p50 · p99 · SQL · RSS | ours/PostGraphile | ours/raw |`, '| --- | --- | --- | --- | --- | --- |'];
const fmt = (r) => `${r.recordsPerSecond ? `${r.recordsPerSecond} rec/s` : r.requestsPerSecond} · ${r.p50} · ${r.p99} ms · ${r.sqlPerRequest} · ${r.peakRssMb} MB`;
for (const s of scenarios) {
  lines.push(`| ${s.name} | ${cell(s.name, 'ours', fmt)} | ${cell(s.name, 'raw', fmt)} | ${cell(s.name, 'postgraphile', fmt)} | ${ratio(s.name, 'ours', 'postgraphile')} | ${ratio(s.name, 'ours', 'raw')} |`);
}
console.log(`\n${lines.join('\n')}\n\nWritten to ${path.relative(ROOT, file)}`);
await db.end();
await finish(0);
