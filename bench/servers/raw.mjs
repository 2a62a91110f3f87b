// The raw-SQL floor: node-postgres and hand-written queries, one statement per request, JSON built by PostgreSQL.
// No GraphQL, no auth, no audit: the least work that gives the same answers. Compliance reuses the API's own SQL
// (packages/api/dist) and the same day's snapshot (compliance_snapshot, dirty elders recomputed live), so the floor
// differs from the API only by what sits between HTTP and those statements.
import http from 'node:http';
import pg from 'pg';
import { complianceSql, COMPLIANCE_SNAPSHOT_COLUMNS } from '../../packages/api/dist/modules/standards/compliance.sql.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_POOL ?? 10) });
const knexToPg = (sql) => { let i = 0; return sql.replace(/\?/g, () => `$${++i}`); };
const maskPhone = (col) => `case when ${col} is null then null else left(${col}, 3) || '****' || right(${col}, 4) end`;
const classOf = `coalesce((select o.class from class_override o where o.elder_id = e.id and o.revoked_at is null
                   and current_date >= o.starts_on and current_date < o.expires_on order by o.created_at desc limit 1), e.computed_class)`;

const ELDER = `
select json_build_object('id', e.id, 'name', e.name, 'gender', e.gender, 'birthDate', e.birth_date, 'status', e.status,
  'idNumber', left(e.id_number, 6) || '********' || right(e.id_number, 4), 'phone', ${maskPhone('e.phone')},
  'circumstances', e.circumstances, 'class', ${classOf},
  'region', json_build_object('code', r.code, 'name', r.name, 'fullName', r.full_name),
  'emergencyContacts', (select coalesce(json_agg(json_build_object('kind', c.kind, 'name', c.name, 'phone', ${maskPhone('c.phone')}) order by c.position), '[]')
                          from elder_contact c where c.elder_id = e.id),
  'householdMembers', (select coalesce(json_agg(json_build_object('name', h.name, 'relation', h.relation) order by h.position), '[]')
                         from household_member h where h.elder_id = e.id)) as j
  from elder e join region r on r.code = e.region_code where e.id = $1`;

// A county is selected by its column (the (county_code, name, id) index serves the page, the county index the count).
const LIST = `
with page as (
  select e.* from elder e where e.county_code = $1 order by e.name, e.id limit 50
)
select json_build_object('totalCount', (select count(*) from elder e where e.county_code = $1),
  'nodes', coalesce(json_agg(json_build_object('id', e.id, 'name', e.name, 'gender', e.gender, 'birthDate', e.birth_date,
    'phone', ${maskPhone('e.phone')}, 'class', ${classOf},
    'region', json_build_object('code', r.code, 'name', r.name),
    'emergencyContacts', (select coalesce(json_agg(json_build_object('name', c.name, 'phone', ${maskPhone('c.phone')}) order by c.position), '[]')
                            from elder_contact c where c.elder_id = e.id),
    'visits', (select coalesce(json_agg(json_build_object('visitedOn', v.visited_on, 'method', v.method) order by v.visited_at desc, v.id desc), '[]')
                 from (select * from visit v where v.elder_id = e.id order by v.visited_at desc, v.id desc limit 5) v)
  ) order by e.name, e.id), '[]')) as j
  from page e join region r on r.code = e.region_code`;

// Compliance as the API reads it: today's snapshot plus the elders changed since, live (two statements), or all live.
async function compliance(asOf, live, snapshot, params, tail, tailParams, rows) {
  const { rows: [state] } = await pool.query(
    `select coalesce(array(select distinct d.elder_id from compliance_dirty d where d.seq > s.last_seq), '{}')::text[] as dirty
       from compliance_snapshot_state s where s.as_of = $1 and s.valid`, [asOf]);
  if (!state) return pool.query(knexToPg(`${complianceSql(live)} ${tail}`), [asOf, ...params, ...tailParams]);
  const dirty = `{${state.dirty.join(',')}}`;
  const sql = `${complianceSql(`(${live}) and e.id = any(?::uuid[])`, { name: 'compliance_live' })},
    compliance as (select ${COMPLIANCE_SNAPSHOT_COLUMNS} from compliance_live where ${rows}
      union all select ${COMPLIANCE_SNAPSHOT_COLUMNS} from compliance_snapshot s
       where (${snapshot}) and not (s.elder_id = any(?::uuid[])) and (${rows}))
    ${tail}`;
  return pool.query(knexToPg(sql), [asOf, ...params, dirty, ...params, dirty, ...tailParams]);
}

const OVERDUE_TAIL = `,
  ranked as (select elder_id, max(days_overdue) as max_days, min(cls) as pcls from compliance where overdue group by elder_id),
  page as (select elder_id, max_days, pcls, count(*) over () as total from ranked order by max_days desc, pcls, elder_id limit 50)
  select json_build_object('totalCount', coalesce(max(p.total), 0), 'nodes', coalesce(json_agg(json_build_object(
      'id', p.elder_id, 'name', e.name, 'daysOverdue', p.max_days, 'region', r.name) order by p.max_days desc, p.pcls, p.elder_id), '[]')) as j
    from page p join elder e on e.id = p.elder_id join region r on r.code = e.region_code`;

const WORKLIST_TAIL = `
  select coalesce(json_agg(json_build_object('id', x.elder_id, 'name', e.name, 'overdue', x.overdue, 'daysOverdue', x.days) order by e.name), '[]') as j
    from (select elder_id, bool_or(overdue) as overdue, max(days_overdue) filter (where overdue) as days from compliance
           where not met or overdue group by elder_id) x join elder e on e.id = x.elder_id`;
const ASSIGNED = `(select a.elder_id from assignment a where a.visitor_id = ? and a.ends_at is null)`;

// The report from the same rollups the API reads (the refresh keeps village rows and their sums per town, county,
// city): the region's own row and its children's rows, three figures expanded.
const REPORT = `
select case when r.region_code = $1 then 'ALL' else r.region_code end as child, f.key as figure, k.key, k.value::int as n
  from report_rollup r cross join lateral jsonb_each(r.figures) f cross join lateral jsonb_each_text(f.value) k
 where r.period = $2 and (r.region_code = $1 or (starts_with(r.region_code, $1) and length(r.region_code) = $3))
   and f.key in ('eldersByClass', 'visitsByMethod', 'rate')`;
function reportOf(rows) {
  const out = {};
  for (const r of rows) {
    const c = (out[r.child] ??= { class: {}, visits: {}, rate: [0, 0] });
    if (r.figure === 'eldersByClass' && r.n) c.class[r.key] = r.n;
    if (r.figure === 'visitsByMethod' && r.n) c.visits[r.key] = r.n;
    if (r.figure === 'rate' && r.key === 'numerator') c.rate[0] = r.n;
    if (r.figure === 'rate' && r.key === 'denominator') c.rate[1] = r.n;
  }
  return out;
}

const SYNC = `
insert into agency_record (agency_id, agency_kind, kind, external_id, id_number, name, region_code, elder_id, county_code,
                           effective_on, source_version, payload, payload_hash, batch_id, received_at, updated_at)
select $1, 'HEALTH', 'HEALTH_CHECK', r."externalId", r."idNumber", r.name, e.region_code, e.id,
       coalesce(e.county_code, left(r."idNumber", 6)), r."checkedOn"::date, r."sourceVersion",
       jsonb_build_object('checkedOn', r."checkedOn", 'summary', r.summary),
       md5(jsonb_build_object('checkedOn', r."checkedOn", 'summary', r.summary)::text), gen_random_uuid(), now(), now()
  from jsonb_to_recordset($2::jsonb) as r("externalId" text, "idNumber" text, name text, "checkedOn" text, summary text, "sourceVersion" int)
  left join elder e on e.id_number = r."idNumber"
on conflict (agency_id, kind, external_id) do update set payload = excluded.payload, payload_hash = excluded.payload_hash,
  source_version = excluded.source_version, updated_at = now()
  where agency_record.source_version < excluded.source_version
returning (xmax = 0) as created`;

const routes = {
  elder: (b) => pool.query(ELDER, [b.id]),
  list: (b) => pool.query(LIST, [b.regionCode]),
  overdue: (b) => compliance(b.asOf, 'starts_with(e.region_code, ?)', 'starts_with(s.region_code, ?)', [b.regionCode], OVERDUE_TAIL, [], 'overdue'),
  worklist: (b) => compliance(b.asOf, `starts_with(e.region_code, ?) and e.id in ${ASSIGNED}`, `starts_with(s.region_code, ?) and s.elder_id in ${ASSIGNED}`,
    [b.regionCode, b.visitorId], WORKLIST_TAIL, [], 'not met or overdue'),
};

http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  try {
    const input = body ? JSON.parse(body) : {};
    const name = req.url.slice(1);
    if (name === 'sync') {
      const { rows } = await pool.query(SYNC, [input.agencyId, JSON.stringify(input.records)]);
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ received: input.records.length, created: rows.filter((r) => r.created).length }));
    }
    if (name === 'report') {
      const childLength = [2, 4, 6, 9, 12][[2, 4, 6, 9, 12].indexOf(input.regionCode.length) + 1];
      const { rows } = await pool.query(REPORT, [input.regionCode, input.period, childLength]);
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(reportOf(rows)));
    }
    const route = routes[name];
    if (!route) { res.statusCode = 404; return res.end('{}'); }
    const { rows } = await route(input);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(rows[0]?.j ?? null));
  } catch (e) {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: String(e?.message ?? e) }));
  }
}).listen(Number(process.env.PORT ?? 4102), '127.0.0.1');
