-- A synthetic city for benchmarks: :elders elders spread over the villages of the region tree already loaded, with
-- assignments to one visitor per village and twelve months of visits (about 0.9 a month each), written set-based.
-- Run on a migrated database (start the API once with TANFANG_DEMO=off), then: psql -v elders=100000 -f bench/generate.sql
-- Deterministic: setseed. Classes are set by a SQL copy of the rules' main clauses (bench data, not the rules engine).
\set ON_ERROR_STOP on
select setseed(0.20261123);

create or replace function pg_temp.check_char(first17 text) returns text language sql immutable as $$
  select substr('10X98765432', (sum(substr(first17, i, 1)::int * (array[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i]) % 11)::int + 1, 1)
    from generate_series(1, 17) as i
$$;

alter table elder disable trigger elder_change_log;
alter table visit disable trigger visit_change_log;

create temp table villages as select code, row_number() over (order by code) - 1 as i, count(*) over () as n from region where level = 5;

insert into elder (id, county_code, region_code, name, gender, birth_date, id_number, circumstances, incapacity_level,
                   registered_at, updated_at, accepts_visits, status, computed_class, class_reasons, class_rule_version, class_computed_at)
select gen_random_uuid(), left(v.code, 6), v.code, '样本' || g, case when g % 2 = 0 then 'FEMALE' else 'MALE' end, b.birth,
       '440783' || to_char(b.birth, 'YYYYMMDD') || lpad((g % 997)::text, 3, '0')
         || pg_temp.check_char('440783' || to_char(b.birth, 'YYYYMMDD') || lpad((g % 997)::text, 3, '0')),
       c.circ, case when 'INCAPACITATED' = any(c.circ) then 'PARTIAL' end,
       timestamptz '2025-06-01 02:00+00' + (g % 150) * interval '1 day', now(), true, 'ACTIVE',
       case when 'INCAPACITATED' = any(c.circ) or (b.birth <= date '1946-11-01' and c.circ && '{LIVING_ALONE,EMPTY_NEST,LEFT_BEHIND}') then 'A'
            when 'CARER_OF_DEPENDENT_CHILD' = any(c.circ) then 'B' else 'C' end,
       '[]'::jsonb, 'kaiping-2024.1', now()
  from generate_series(1, :elders) as g
  join villages v on v.i = g % v.n
  cross join lateral (select date '1926-01-01' + ((g / 997) % 13000) as birth) b
  cross join lateral (select array_remove(array[
           case when random() < 0.34 then 'LIVING_ALONE' when random() < 0.5 then 'EMPTY_NEST' else 'LEFT_BEHIND' end,
           case when random() < 0.12 then 'INCAPACITATED' end,
           case when random() < 0.13 then 'MINIMUM_ALLOWANCE' end,
           case when random() < 0.02 then 'CARER_OF_DEPENDENT_CHILD' end], null) as circ) c
 where b.birth <= date '1966-01-01';

insert into visitor (name, kind, region_code, county_code, created_at)
select '探访员' || v.i, 'VILLAGE_STAFF', v.code, left(v.code, 6), now() from villages v;

insert into assignment (elder_id, visitor_id, county_code, role, starts_at)
select e.id, vi.id, e.county_code, 'PRIMARY', e.registered_at from elder e join visitor vi on vi.region_code = e.region_code
 where e.name like '样本%';

-- Twelve months up to last month, and this month so far: one visit in most months, home visits for class A.
insert into visit (elder_id, county_code, region_code, seq, visited_at, visited_on, method, visitor_id, entered_by, entered_at)
select e.id, e.county_code, e.region_code, m.k + 1, d.day + time '02:00', d.day,
       case when e.computed_class = 'A' or random() < 0.3 then 'HOME' else 'PHONE' end,
       vi.id, e.id, d.day + time '10:00'
  from elder e
  join visitor vi on vi.region_code = e.region_code
  cross join generate_series(0, 12) as m(k)
  cross join lateral (select (date_trunc('month', current_date) - (12 - m.k) * interval '1 month')::date
                             + (random() * 27)::int as day) d
 where e.name like '样本%' and random() < 0.9 and d.day < current_date and d.day >= (e.registered_at at time zone 'Asia/Shanghai')::date;

alter table elder enable trigger elder_change_log;
alter table visit enable trigger visit_change_log;
analyze;
select (select count(*) from elder) as elders, (select count(*) from visit) as visits;
