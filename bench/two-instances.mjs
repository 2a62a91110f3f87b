// One API instance or two on the same database (issue 18: stateless instances behind a load balancer).
//   BENCH_PG_PORT=54385 BENCH_PORT_BASE=4600 node bench/two-instances.mjs     (after `pnpm bench` made the data)
// Starts the bench's embedded PostgreSQL (bench/.data/pg-<elders>) and two production API instances from the same
// build with the same DATABASE_URL: A (job worker inline, as a first instance would run) and B (TANFANG_WORKER=off).
// For each scenario (elder, list: the same requests as bench/run.mjs) it runs, after a 2 s warm-up of both:
//   one: A alone with BENCH_CONNECTIONS (10) connections;
//   two: A and B at once, half the connections each (5 + 5), figures summed;
// BENCH_ROUNDS times (default 2), alternating which goes first.
// No CPU pinning here (unlike run.mjs): each instance may use either core, which is the point of a second one.
// The load generator is this one process (two autocannon instances at once in "two"); its own CPU is reported so
// one can see it is not the limit. A session made on A is used on B (sessions live in PostgreSQL).
// Writes bench/results/two-instances-<elders>.json and prints a Markdown table.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSeconds, loadAverage, treeCpuSeconds } from './lib/cpu.mjs';
import { CONNECTIONS, ELDER_OURS, ELDERS, GRAPHQL_PING, LABEL, LIST_OURS, SECONDS, startHarness, waitFor } from './lib/harness.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(BENCH, '..');
const ONLY = (process.env.BENCH_ONLY ?? 'elder,list').split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PG_PORT = Number(process.env.BENCH_PG_PORT ?? 54341);
const BASE = Number(process.env.BENCH_PORT_BASE ?? 4100);
const DATABASE_URL = `postgres://postgres:tanfang-local@localhost:${PG_PORT}/tanfang`;
const DATA_DIR = path.join(BENCH, '.data', `pg-${LABEL}`);
const PORTS = { A: BASE + 31, B: BASE + 32 };
const COUNTER = { A: BASE + 41, B: BASE + 42 };
const log = (...a) => console.log(`[two ${new Date().toISOString().slice(11, 19)}]`, ...a);
if (!fs.existsSync(path.join(DATA_DIR, 'pg', 'PG_VERSION'))) throw new Error(`No data in ${DATA_DIR}: run pnpm bench first`);

// The embedded PostgreSQL, stopped with both instances when the script ends (bench/lib/harness.mjs).
const harness = await startHarness({ root: ROOT, dataDir: path.join(DATA_DIR, 'pg'), port: PG_PORT });
const { embedded, finish } = harness;

function startApi(name, env) {
  const out = fs.openSync(path.join(BENCH, '.data', `two-${name}-${LABEL}.log`), 'a');
  const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', path.join(BENCH, 'lib/count-sql.mjs'), path.join(ROOT, 'packages/api/dist/main.js')], {
    cwd: path.join(ROOT, 'packages/api'), stdio: ['ignore', out, out],
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL, PORT: String(PORTS[name]), TANFANG_DEMO: 'off', TANFANG_ROLLUP_SECONDS: '0',
      BENCH_COUNTER_PORT: String(COUNTER[name]), ...env },
  });
  return harness.track(child);
}
const waitForInstance = (name) => waitFor(`http://127.0.0.1:${PORTS[name]}/graphql`, GRAPHQL_PING, `instance ${name}`);
// A first (it applies migrations, if any), then B, as a rollout would.
const api = { A: startApi('A', {}) };
await waitForInstance('A');
api.B = startApi('B', { TANFANG_WORKER: 'off' });
await waitForInstance('B');
const statements = async (name) => (await (await fetch(`http://127.0.0.1:${COUNTER[name]}/`)).json()).statements;

const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
const password = 'bench-' + randomBytes(6).toString('hex');
const { hashPassword } = await import(path.join(ROOT, 'packages/api/dist/modules/auth/password.js'));
await db.query(`insert into app_user (username, display_name, password_hash, role, region_code) values ('bench-admin', '压测管理员', $1, 'ADMIN', '4407')
  on conflict (username) do update set password_hash = excluded.password_hash, failed_logins = 0, locked_until = null`, [await hashPassword(password)]);
const login = await (await fetch(`http://127.0.0.1:${PORTS.A}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', variables: { u: 'bench-admin', p: password } }) })).json();
const token = login.data?.login?.token;
if (!token) throw new Error(`login: ${JSON.stringify(login)}`);
const elderIds = (await db.query(`select id from elder where name like '样本%' order by md5(id::text) limit 200`)).rows.map((r) => r.id);
await db.end();

const gql = (query, variables) => ({ path: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
const scenarios = [
  { name: 'elder', requests: elderIds.map((id) => gql(ELDER_OURS, { id })) },
  { name: 'list', requests: [gql(LIST_OURS, { r: '440783' })] },
].filter((s) => ONLY.includes(s.name));

async function send(name, req) {
  const j = await (await fetch(`http://127.0.0.1:${PORTS[name]}${req.path}`, { method: 'POST', headers: req.headers, body: req.body })).json();
  if (j.errors) throw new Error(`${name}: ${JSON.stringify(j.errors).slice(0, 500)}`);
  return JSON.stringify(j.data);
}
function cannon(name, requests, connections, duration) {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon({
      url: `http://127.0.0.1:${PORTS[name]}`, connections, duration,
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...requests[i++ % requests.length] }) }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
async function measure(targets, requests) {
  const before = { sql: {}, cpu: {} };
  for (const [name] of targets) { before.sql[name] = await statements(name); before.cpu[name] = cpuSeconds(api[name].pid); }
  const load = loadAverage();
  const pg0 = treeCpuSeconds(embedded.pid());
  const gen0 = cpuSeconds(process.pid);
  const runs = await Promise.all(targets.map(([name, connections]) => cannon(name, requests, connections, SECONDS)));
  const pgMs = treeCpuSeconds(embedded.pid()) - pg0;
  const genMs = cpuSeconds(process.pid) - gen0;
  const total = runs.reduce((n, r) => n + r.requests.total, 0);
  const per = await Promise.all(targets.map(async ([name, connections], i) => ({
    instance: name, connections, requestsPerSecond: runs[i].requests.average, p50: runs[i].latency.p50, p99: runs[i].latency.p99,
    errors: runs[i].errors + runs[i].non2xx, requests: runs[i].requests.total,
    sqlPerRequest: runs[i].requests.total ? +(((await statements(name)) - before.sql[name]) / runs[i].requests.total).toFixed(2) : null,
    serverCpuMs: runs[i].requests.total ? +((1000 * (cpuSeconds(api[name].pid) - before.cpu[name])) / runs[i].requests.total).toFixed(2) : null,
  })));
  return {
    load, instances: per, requestsPerSecond: +per.reduce((n, r) => n + r.requestsPerSecond, 0).toFixed(1), requests: total,
    serversCpuMs: +per.reduce((n, r) => n + (r.serverCpuMs ?? 0) * r.requests, 0) / Math.max(1, total),
    postgresCpuMs: +((1000 * pgMs) / Math.max(1, total)).toFixed(2), loadGeneratorCpuMs: +((1000 * genMs) / Math.max(1, total)).toFixed(2),
  };
}

const results = [];
for (const s of scenarios) {
  const a = await send('A', s.requests[0]);
  const b = await send('B', s.requests[0]);
  if (a !== b) throw new Error(`${s.name}: A and B answer differently`);
  log(`${s.name}: same answer from A and B (${a.length} characters); warming up both`);
  await Promise.all([cannon('A', s.requests, CONNECTIONS / 2, 2), cannon('B', s.requests, CONNECTIONS / 2, 2)]);
  // Rounds alternate the order (one then two, two then one), so a machine getting busier or quieter (it is shared)
  // does not favour one side.
  for (let round = 1; round <= ROUNDS; round++) {
    const runOne = async () => {
      const one = await measure([['A', CONNECTIONS]], s.requests);
      log(`${s.name} round ${round} one instance (load ${one.load.join(' ')}): ${one.requestsPerSecond} req/s, p50 ${one.instances[0].p50} p99 ${one.instances[0].p99} ms, CPU/req API ${one.serversCpuMs.toFixed(2)} + PostgreSQL ${one.postgresCpuMs} ms`);
      return one;
    };
    const runTwo = async () => {
      const two = await measure([['A', CONNECTIONS / 2], ['B', CONNECTIONS / 2]], s.requests);
      log(`${s.name} round ${round} two instances (load ${two.load.join(' ')}): ${two.requestsPerSecond} req/s (${two.instances.map((r) => `${r.instance} ${r.requestsPerSecond} p50 ${r.p50} p99 ${r.p99}`).join(', ')}), CPU/req APIs ${two.serversCpuMs.toFixed(2)} + PostgreSQL ${two.postgresCpuMs} ms`);
      return two;
    };
    let one, two;
    if (round % 2) { one = await runOne(); two = await runTwo(); } else { two = await runTwo(); one = await runOne(); }
    results.push({ scenario: s.name, round, one, two, gain: +(two.requestsPerSecond / one.requestsPerSecond).toFixed(2) });
  }
}

const file = path.join(BENCH, 'results', `two-instances-${LABEL}.json`);
fs.writeFileSync(file, JSON.stringify({ elders: ELDERS, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, date: new Date().toISOString(), results }, null, 2));
const f = (x) => x.instances.map((r) => `${r.instance}: ${r.requestsPerSecond} req/s, p50 ${r.p50}, p99 ${r.p99}`).join('; ');
console.log(['', `| ${LABEL} | round | instances | connections | req/s (sum) | per instance | CPU ms/req APIs + PostgreSQL | load avg (1/5/15 min) |`, '| --- | ---: | ---: | --- | ---: | --- | --- | --- |',
  ...results.flatMap((r) => [
    `| ${r.scenario} | ${r.round} | 1 | ${CONNECTIONS} | ${r.one.requestsPerSecond} | ${f(r.one)} | ${r.one.serversCpuMs.toFixed(2)} + ${r.one.postgresCpuMs} | ${r.one.load.join(' / ')} |`,
    `| ${r.scenario} | ${r.round} | 2 | ${CONNECTIONS / 2} + ${CONNECTIONS / 2} | ${r.two.requestsPerSecond} (×${r.gain}) | ${f(r.two)} | ${r.two.serversCpuMs.toFixed(2)} + ${r.two.postgresCpuMs} | ${r.two.load.join(' / ')} |`,
  ]), '', `Written to ${path.relative(ROOT, file)}`].join('\n'));
await finish(0);
