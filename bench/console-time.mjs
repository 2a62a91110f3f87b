// Times the console's region-wide operations one request at a time (no concurrency): what a person waits for when
// opening the dashboard, the assignments screen or the overdue filter of the elder list.
//   DATABASE_URL=postgres://... BENCH_API=http://127.0.0.1:4000/graphql node bench/console-time.mjs
// Run against an API started outside production (NODE_ENV unset), so each answer reports its `sqlStatements`, and
// with TANFANG_ROLLUP_SECONDS=0 after bench/lib/refresh-rollups.mjs, so no background refresh disturbs the timings.
// BENCH_REGION (default 440783, 开平市) is the region the admin looks at; BENCH_RUNS (default 5) runs per operation.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const API = process.env.BENCH_API ?? 'http://127.0.0.1:4000/graphql';
const REGION = process.env.BENCH_REGION ?? '440783';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PASSWORD = 'console-time-1';

// pg and reflect-metadata from the API's own dependencies: no install in bench/ needed.
const requireApi = createRequire(path.join(ROOT, 'packages/api/package.json'));
requireApi('reflect-metadata');
const pg = requireApi('pg');
const { hashPassword } = await import(path.join(ROOT, 'packages/api/dist/modules/auth/password.js'));
const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
await db.connect();
const one = async (sql, params) => (await db.query(sql, params)).rows[0];
const hash = await hashPassword(PASSWORD);
const town = (await one(`select code from region where level = 4 and starts_with(code, $1) order by code limit 1`, [REGION]))?.code ?? REGION;
const visitor = await one(`select id, region_code from visitor where starts_with(region_code, $1) and active order by region_code limit 1`, [town]);
await db.query(
  `insert into app_user (username, display_name, password_hash, role, region_code) values
     ('time-admin', '计时管理员', $1, 'ADMIN', $2), ('time-worker', '计时探访员', $1, 'VILLAGE_WORKER', $3)
   on conflict (username) do update set password_hash = excluded.password_hash, region_code = excluded.region_code, failed_logins = 0, locked_until = null`,
  [hash, REGION, visitor?.region_code ?? town],
);
if (visitor) {
  // The worker's login moves to this region's first visitor (a login is linked to one visitor at most).
  await db.query(`update visitor set user_id = null where user_id = (select id from app_user where username = 'time-worker') and id <> $1`, [visitor.id]);
  await db.query(`update visitor set user_id = (select id from app_user where username = 'time-worker') where id = $1 and user_id is null`, [visitor.id]);
}
const elders = Number((await one(`select count(*) as n from elder where starts_with(region_code, $1)`, [REGION])).n);
await db.end();

async function gql(token, query, variables) {
  const res = await fetch(API, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body;
}
const login = async (username) => (await gql(null, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: PASSWORD })).data.login.token;
const admin = await login('time-admin');
const worker = visitor ? await login('time-worker') : null;

const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const month = today.slice(0, 7);
const lastMonthDay = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 15)).toISOString().slice(0, 10);

// The operations as the console sends them (packages/admin/src/modules/*/*.graphql.ts), trimmed to their figures.
const operations = [
  ['DashboardReport (report, this month)', admin, `query($r: String, $p: String!) { report(regionCode: $r, period: $p) { asOf figures { elders visitRate { numerator denominator rate } overdueElders } children { region { code } figures { elders visitRate { rate } } } } }`, { r: REGION, p: month }],
  ['DashboardVisits (visitRate + overdueElders count)', admin, `query($r: String, $p: PeriodInput!) { visitRate(regionCode: $r, period: $p) { asOf numerator denominator rate } overdueElders(regionCode: $r, first: 1) { totalCount } }`, { r: REGION, p: { kind: 'MONTH', date: today } }],
  ['visitRate, this month', admin, `query($r: String, $p: PeriodInput!) { visitRate(regionCode: $r, period: $p) { asOf numerator denominator rate refusals } }`, { r: REGION, p: { kind: 'MONTH', date: today } }],
  ['visitRate, last month', admin, `query($r: String, $p: PeriodInput!) { visitRate(regionCode: $r, period: $p) { asOf numerator denominator rate refusals } }`, { r: REGION, p: { kind: 'MONTH', date: lastMonthDay } }],
  ['overdueElders(first: 1) totalCount', admin, `query($r: String) { overdueElders(regionCode: $r, first: 1) { totalCount } }`, { r: REGION }],
  ['DashboardAlerts (three counts)', admin, `query($r: String) { open: alerts(filter: { regionCode: $r, status: [OPEN] }, first: 1) { totalCount } unresolved: alerts(filter: { regionCode: $r }, first: 1) { totalCount } escalated: alerts(filter: { regionCode: $r, escalated: true }, first: 1) { totalCount } }`, { r: REGION }],
  ['visitorWorkload (assignments screen)', admin, `query($r: String) { visitorWorkload(regionCode: $r) { visitorId elders classA classB classC dueThisWeek overdue } }`, { r: REGION }],
  ['visitorWorkload of a town', admin, `query($r: String) { visitorWorkload(regionCode: $r) { visitorId elders classA classB classC dueThisWeek overdue } }`, { r: town }],
  ['elders(filter: { overdue: true }) totalCount', admin, `query($r: String) { elders(first: 20, filter: { regionCode: $r, overdue: true }) { totalCount nodes { id } } }`, { r: REGION }],
  ...(worker ? [['MyWorklist (visitor)', worker, `{ myWorklist { overdue dueBy elder { id } requirements { requirementId overdue } } }`, {}]] : []),
];

console.log(`${elders} elders under ${REGION}; ${RUNS} runs each after one warm-up, one request at a time`);
console.log('| operation | median ms | min ms | max ms | SQL statements |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, token, query, variables] of operations) {
  await gql(token, query, variables);
  const times = [];
  let statements = null;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const body = await gql(token, query, variables);
    times.push(performance.now() - started);
    statements = body.extensions?.sqlStatements ?? null;
  }
  times.sort((a, b) => a - b);
  const fmt = (n) => n.toFixed(n < 100 ? 1 : 0);
  console.log(`| ${name} | ${fmt(times[Math.floor(times.length / 2)])} | ${fmt(times[0])} | ${fmt(times.at(-1))} | ${statements ?? '?'} |`);
}
