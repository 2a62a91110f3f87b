-- What the tables' triggers keep, written once for a generated city: generate.sql loads with triggers off
-- (session_replication_role = replica), so without this step the counts a list's total reads, the per-elder visit
-- index ElderDetail reads and the archives' verification dates would be those of an empty database. Each statement is
-- the backfill of the migration that added the trigger, and can run again (it recounts, or skips what is there).
-- Runs inside generate.sql, and alone on a city generated before it existed:
--   psql -v ON_ERROR_STOP=1 -f bench/lib/derived.sql
set session_replication_role = replica;
-- Statistics first: inside generate.sql the tables were just loaded, and with none the anti-join below was planned as
-- a nested loop over every pair of archive and assignment (minutes at 100k).
analyze elder, assignment, visit;

-- visit_home_verifies (dynamic management): a home visit confirms the archive on its day
update elder e set last_verified_on = v.visited_on
  from (select elder_id, max(visited_on) as visited_on from visit where method = 'HOME' group by elder_id) v
 where e.id = v.elder_id and e.last_verified_on < v.visited_on;

-- visit_by_elder_* (an archive's visits newest first, without a pass over every monthly partition)
insert into visit_by_elder (elder_id, visited_at, id, visited_on, method)
select elder_id, visited_at, id, visited_on, method from visit order by elder_id, visited_at, id
on conflict do nothing;

-- elder_region_count_* (list totals by region and status)
insert into elder_region_count (region_code, status, n)
select region_code, status, count(*) from elder group by 1, 2
on conflict (region_code, status) do update set n = excluded.n;

-- visitor_region_count_* (today's visitors by place and kind, for the report)
insert into visitor_region_count (region_code, kind, active, n)
select region_code, kind, active, count(*) from visitor group by 1, 2, 3
on conflict (region_code, kind, active) do update set n = excluded.n;

-- agency_record_count_* (agency record totals)
insert into agency_record_count (agency_id, region_code, kind, n)
select agency_id, coalesce(region_code, ''), kind, count(*) from agency_record group by 1, 2, 3
on conflict (agency_id, region_code, kind) do update set n = excluded.n;

-- elder_unassigned_* (active archives without a responsible visitor)
delete from elder_unassigned u
 where exists (select 1 from assignment a where a.elder_id = u.elder_id and a.role = 'PRIMARY' and a.ends_at is null);
insert into elder_unassigned (elder_id)
select e.id from elder e
 where e.status = 'ACTIVE'
   and not exists (select 1 from assignment a where a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null)
on conflict do nothing;

set session_replication_role = origin;
vacuum (analyze) elder, visit_by_elder, elder_region_count, visitor_region_count, agency_record_count, elder_unassigned;
