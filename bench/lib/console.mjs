// The `console` scenario of pnpm bench (issue 17, item 4): every query operation of the admin console, timed one
// request at a time (what a person waits for when a screen opens), as a city admin, a town operator and a village
// visitor. The operations are read from the console's generated documents (packages/admin/src/gql/graphql.ts, written
// by graphql-codegen's client preset during `pnpm build`), so a new screen is measured without editing this file. Their
// variables are derived by rules from the variable's name and type (below) with values from the generated city; an
// operation whose variables no rule can fill is listed as not measured, with the reason, never skipped silently.
// Printed as a table by `node bench/lib/console.mjs 100k [1M]` from bench/results/console-<label>.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, getNamedType, isInputObjectType, isNonNullType, print, typeFromAST } from 'graphql';

const BENCH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.join(BENCH, '..');
export const GENERATED = path.join(ROOT, 'packages/admin/src/gql/graphql.ts');
/** A row is flagged when its p95 is over this (the issue's target for one client). */
export const TARGET_MS = 100;

/**
 * Every `query` operation of the generated documents, printed back to GraphQL text (fragments included), with its
 * variable definitions. The client preset writes each document as one line of JSON:
 * `export const XDocument = {"kind":"Document",...} as unknown as DocumentNode<...>`.
 */
export function consoleQueries(file = GENERATED) {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run pnpm build (the admin's codegen writes it)`);
  const src = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const m of src.matchAll(/^export const (\w+)Document = (\{.*\}) as unknown as DocumentNode</gm)) {
    const doc = JSON.parse(m[2]);
    const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
    if (op?.operation !== 'query') continue;
    out.push({ name: op.name?.value ?? m[1], query: print(doc), variableDefinitions: op.variableDefinitions ?? [] });
  }
  if (!out.length) throw new Error(`no query operation found in ${path.relative(ROOT, file)}: has the codegen's output format changed?`);
  return out;
}

/**
 * What the screens send where the generic rules below would send something else (read from the views: the survey
 * queue opens on pending candidates, the elder list sorts by name, the assignments screen pages by 50...).
 * Functions of the user's context; a key here wins over the rules.
 */
const SCREEN_VALUES = {
  SurveyCandidates: () => ({ status: 'PENDING', first: 50 }),
  // A round's page opens from the rounds list: its id is a survey round's, not an elder's.
  SurveyRoundDetail: (ctx) => ({ id: ctx.roundId }),
  DataConflicts: () => ({ status: 'OPEN', first: 50 }),
  Transfers: () => ({ status: 'PROPOSED' }),
  UnassignedElders: () => ({ first: 50 }),
  Visitors: () => ({ first: 50 }),
  ElderList: () => ({ sort: { field: 'NAME', direction: 'ASC' } }),
  // 探访核查 opens on visits with any flag (useFlaggedVisits), 20 a page.
  FlaggedVisits: () => ({ filter: { flags: ['FAR_FROM_REFERENCE', 'LATE_ENTRY', 'SHORT_DURATION'] }, first: 20 }),
  // The ledgers' batch prints: a village's 登记表, and its 记录表 of last month and this one (the print page's defaults).
  // Their first part: a village above 200 forms (742 elders at 1M) is refused whole and printed part by part.
  RegistrationForms: (ctx) => ({ elderId: null, villageCode: ctx.villageCode, part: 1 }),
  VisitRecordForms: (ctx) => ({ visitId: null, villageCode: ctx.villageCode, from: `${ctx.lastMonth}-01`, to: ctx.today, part: 1 }),
  // 报送 opens on last month (the one due), the user's own region and its six recent months (useSubmissions).
  SubmissionPeriods: (ctx) => ({ regionCode: ctx.regionCode, count: 6 }),
  OwnSubmission: (ctx) => ({ regionCode: ctx.regionCode, period: { kind: 'MONTH', date: `${ctx.lastMonth}-01` }, label: ctx.lastMonth }),
  ChildSubmissions: (ctx) => ({ regionCode: ctx.regionCode, period: { kind: 'MONTH', date: `${ctx.lastMonth}-01` } }),
};

/** Further states of a screen worth their own row (a filter a person uses daily, last month's figures). */
const VARIANTS = {
  ElderList: [
    { label: 'overdue filter', variables: () => ({ filter: { overdue: true } }) },
    // The drill from a figure to its people (issue 15): this month's "not visited", last month's, open alerts.
    // As the console sends them since the one period shape (issue 16 item 5): `periodInput`, not the deprecated label.
    { label: 'drill: not visited this month', variables: (ctx) => ({ filter: { periodInput: { kind: 'MONTH', date: ctx.today }, visited: false } }) },
    { label: 'drill: not visited last month', variables: (ctx) => ({ filter: { periodInput: { kind: 'MONTH', date: ctx.lastMonthDay }, visited: false } }) },
    { label: 'drill: unresolved alerts', variables: () => ({ filter: { unresolvedAlerts: true } }) },
  ],
  Report: [{ label: 'last month', variables: (ctx) => ({ period: { kind: 'MONTH', date: ctx.lastMonthDay } }) }],
  DashboardVisits: [{ label: 'last month', variables: (ctx) => ({ period: { kind: 'MONTH', date: ctx.lastMonthDay } }) }],
};

/**
 * One variable's value for one user, by the variable's name and type, or `{ missing }` saying why none can be chosen.
 * Nullable variables without a rule are left out, as the console leaves out an unset filter field; nullable input
 * objects (filters) are sent empty, as the screens send them before a person narrows them.
 */
function deriveVariable(def, schema, ctx) {
  const name = def.variable.name.value;
  const type = typeFromAST(schema, def.type);
  if (!type) return { missing: `$${name}: unknown type ${print(def.type)}` };
  const required = isNonNullType(type) && !def.defaultValue;
  const named = getNamedType(type).name;
  const need = (value, what) => (value == null && required ? { missing: `$${name}: no ${what} for this user` } : { value });
  if (named === 'ID' && (name === 'id' || name === 'elderId')) return need(ctx.elderId, 'elder in the area');
  if (named === 'ID' && name === 'agencyId') return need(ctx.agencyId, 'agency in the area');
  if (named === 'ID' && name === 'visitorId') return need(ctx.visitorId, 'visitor in the area');
  if (named === 'ID' && name === 'visitId') return need(ctx.visitId, 'visit of the elder');
  if (named === 'ID' && name === 'roundId') return need(ctx.roundId, 'survey round of the town');
  if (named === 'ID' && name === 'drawId') return need(ctx.drawId, 'spot-check draw of the town');
  if (named === 'ID' && name === 'subscriptionId') return need(ctx.subscriptionId, 'webhook subscription');
  // The region search box: the first two characters of the town's name, as a person starts typing it.
  if (named === 'String' && name === 'text') return need(ctx.searchText, 'search text');
  if (named === 'String' && /code$/i.test(name)) {
    // An unset region means the user's whole jurisdiction, which is what the screens send until a person picks one;
    // a required code (a region's name, the children of a region) is the user's own region.
    return name === 'regionCode' && !required ? { value: null } : { value: ctx.regionCode };
  }
  if (named === 'Int' && (name === 'first' || name === 'last')) return { value: 20 }; // the lists' default page size
  if (name === 'after' || name === 'before') return { value: null };
  if (name === 'period' && named === 'String') return { value: ctx.month };
  if (name === 'period' && named === 'PeriodInput') return { value: { kind: 'MONTH', date: ctx.today } };
  if (named === 'Date') return { value: ctx.today };
  if (named === 'Boolean' && required) return { value: false }; // switches such as includeRetired start off
  if (!required) {
    const t = getNamedType(type);
    if (isInputObjectType(t)) {
      const needs = Object.values(t.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
      return needs.length ? { value: null } : { value: {} };
    }
    return { value: null };
  }
  return { missing: `$${name}: ${print(def.type)} has no rule in bench/lib/console.mjs` };
}

/** The variable sets to time for one operation and one user: the screen's default state, then its variants. */
export function variableSets(op, schema, ctx) {
  const screen = SCREEN_VALUES[op.name]?.(ctx) ?? {};
  const base = {};
  const missing = [];
  for (const def of op.variableDefinitions) {
    const name = def.variable.name.value;
    if (name in screen) { base[name] = screen[name]; continue; }
    const r = deriveVariable(def, schema, ctx);
    if (r.missing) missing.push(r.missing);
    else if (r.value !== null) base[name] = r.value;
  }
  if (missing.length) return { missing };
  const sets = [{ label: op.name, variables: base }];
  for (const v of VARIANTS[op.name] ?? []) {
    const extra = v.variables(ctx);
    const merged = { ...base };
    for (const [k, val] of Object.entries(extra)) merged[k] = val && typeof val === 'object' && !Array.isArray(val) && base[k] ? { ...base[k], ...val } : val;
    sets.push({ label: `${op.name} (${v.label})`, variables: merged });
  }
  return { sets };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (n) => Math.round(n * 10) / 10;

/**
 * Times every console query as each user, one request at a time.
 * `users`: [{ key, label, token, ctx }]; `statements()`: the API's running count of SQL statements (bench/lib/count-sql.mjs),
 * read between requests, so the difference is the request's own statements (nothing else runs: one client, refresher off).
 */
export async function runConsole({ url, users, statements, runs = 20, log = console.log }) {
  const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'packages/schema/schema.graphql'), 'utf8'));
  const ops = consoleQueries();
  const rows = [];
  const notMeasured = [];
  async function send(token, query, variables) {
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let body;
    try { body = JSON.parse(text); } catch { body = { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] }; }
    return { ms, body, bytes: text.length };
  }
  log(`console: ${ops.length} query operations in ${path.relative(ROOT, GENERATED)}; ${runs} runs each after 2 warm-ups, one request at a time`);
  for (const op of ops) {
    for (const user of users) {
      const v = variableSets(op, schema, user.ctx);
      if (v.missing) {
        notMeasured.push({ operation: op.name, user: user.key, reason: `variables: ${v.missing.join('; ')}` });
        continue;
      }
      for (const set of v.sets) {
        const first = await send(user.token, op.query, set.variables);
        const errors = first.body.errors;
        if (errors?.length) {
          const codes = [...new Set(errors.map((e) => e.extensions?.code ?? 'ERROR'))];
          const forbidden = codes.every((c) => c === 'FORBIDDEN');
          const row = { operation: set.label, user: user.key, variables: set.variables,
            reason: `${forbidden ? 'not allowed: ' : ''}${codes.join(', ')}: ${errors[0].message}`.slice(0, 300) };
          (forbidden ? rows : notMeasured).push(forbidden ? { ...row, skipped: row.reason } : row);
          if (!forbidden) log(`console ${set.label} as ${user.key}: NOT MEASURED ${row.reason}`);
          continue;
        }
        // An answer of many seconds (a figure computed live because its rollup is stale) is timed once, by that first
        // request: repeating it would hold the run up for many minutes and say nothing more.
        const once = first.ms > 15000;
        if (!once) await send(user.token, op.query, set.variables); // second warm-up: plans and caches settled
        // A slow operation gets fewer runs, so one screen of seconds does not hold the run up for minutes.
        const n = once ? 0 : first.ms > 2000 ? Math.min(runs, 5) : runs;
        const times = [];
        const sql = [];
        let bytes = 0;
        for (let i = 0; i < n; i++) {
          const before = await statements();
          const r = await send(user.token, op.query, set.variables);
          sql.push((await statements()) - before);
          if (r.body.errors?.length) throw new Error(`console ${set.label} as ${user.key}: ${JSON.stringify(r.body.errors).slice(0, 300)}`);
          times.push(r.ms);
          bytes = r.bytes;
        }
        if (once) { times.push(first.ms); sql.push(NaN); bytes = first.bytes; }
        times.sort((a, b) => a - b);
        sql.sort((a, b) => a - b);
        const row = { operation: set.label, user: user.key, variables: set.variables, runs: once ? 1 : n, once,
          p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(times.at(-1)),
          sqlStatements: sql[Math.floor(sql.length / 2)], sqlStatementsMin: sql[0], sqlStatementsMax: sql.at(-1), bytes };
        rows.push(row);
        log(`console ${set.label} as ${user.key}: p50 ${row.p50} ms, p95 ${row.p95} ms, ${row.sqlStatements} SQL, ${bytes} bytes${row.p95 > TARGET_MS ? '  << over 100 ms' : ''}`);
      }
    }
  }
  return { operations: ops.length, runs, users: users.map(({ key, label, ctx }) => ({ key, label, ctx })), rows, notMeasured };
}

/** The Markdown table of one console run (one row per operation, one column group per user) and its lists. */
export function consoleTable(result, label) {
  const users = result.users;
  const lines = [];
  lines.push(`| ${label}: operation | ${users.map((u) => `${u.label}: p50 · p95 ms · SQL`).join(' | ')} |`);
  lines.push(`| --- | ${users.map(() => '---:').join(' | ')} |`);
  const ops = [...new Set([...result.rows.map((r) => r.operation), ...result.notMeasured.map((r) => r.operation)])];
  for (const op of ops) {
    const cells = users.map((u) => {
      const r = result.rows.find((x) => x.operation === op && x.user === u.key);
      if (!r) return result.notMeasured.some((x) => x.operation === op && x.user === u.key) ? 'not measured' : '';
      if (r.skipped) return 'not allowed';
      const sql = r.sqlStatementsMin === r.sqlStatementsMax ? r.sqlStatements : `${r.sqlStatementsMin}–${r.sqlStatementsMax}`;
      const p95 = r.p95 > TARGET_MS ? `**${r.p95}** ⚠` : `${r.p95}`;
      // A figure computed live over many seconds was timed once (its rollup was stale): said so, not a percentile.
      if (r.once) return `**${r.p50}** ⚠ once (live: rollup stale)`;
      return `${r.p50} · ${p95} · ${sql}`;
    });
    lines.push(`| ${op} | ${cells.join(' | ')} |`);
  }
  const slow = result.rows.filter((r) => !r.skipped && r.p95 > TARGET_MS);
  lines.push('', `Over ${TARGET_MS} ms p95: ${slow.length ? slow.map((r) => `${r.operation} as ${r.user} (${r.p95} ms, ${r.sqlStatements} SQL)`).join('; ') : 'none'}.`);
  const skipped = result.rows.filter((r) => r.skipped);
  if (skipped.length) {
    lines.push('', `Not allowed (the API answered FORBIDDEN to this user; each reason is in the JSON): ${users
      .map((u) => [u, skipped.filter((r) => r.user === u.key).map((r) => r.operation)])
      .filter(([, ops]) => ops.length)
      .map(([u, ops]) => `${u.key}: ${ops.join(', ')}`)
      .join('; ')}.`);
  }
  if (result.notMeasured.length) {
    lines.push('', 'Not measured:');
    for (const r of result.notMeasured) lines.push(`- ${r.operation} as ${r.user}: ${r.reason}`);
  }
  return lines.join('\n');
}

// node bench/lib/console.mjs 100k [1M]: print the tables from bench/results/console-<label>.json.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const label of process.argv.slice(2)) {
    const data = JSON.parse(fs.readFileSync(path.join(BENCH, 'results', `console-${label}.json`), 'utf8'));
    console.log(`\n### ${label} elders (${data.machine.date}, ${data.runs} runs per operation, one request at a time)\n`);
    console.log(consoleTable(data, label));
  }
}
