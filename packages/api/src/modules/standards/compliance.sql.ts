import { inSubtree } from '../../shared/jurisdiction.js';
import { visitDatesSql } from '../visits/visits.queries.js';
/**
 * Compliance, derived in one set-based statement: for each elder in scope and each requirement in force on `as_of`,
 * the current window, the visits (or care services) counted in it, whether it is met, whether the elder is overdue
 * and since when, and the next due date. Never stored, so it cannot drift.
 *
 * Definitions (also in the schema's descriptions):
 * - Requirements in force: the region's baseline plus every raise on the elder's region or an ancestor (they add up,
 *   so a region can raise its standard, never lower it), plus campaigns running on `as_of` (a raise retired or a
 *   campaign cancelled stops from that day on, so a past date is judged as it was); a requirement applies when
 *   its class (if any) is the elder's class on `as_of`, its circumstance (if any) is recorded and, for 特困, the
 *   kind (dispersed or institutional) it names (if any) is the elder's.
 * - Subject: registered on or before `as_of`, not closed (deceased, moved, in an institution) on or before it, and
 *   no written refusal in force. From the closing or refusal date on, requirements stop.
 * - Windows are calendar periods (a month is 1st to last day); the first window is the one the elder's registration
 *   (or the standard's start, or the withdrawal of a written refusal) falls in, so windows the elder refused are
 *   never counted as missed. A late visit counts in the window its date falls in.
 * - Overdue: a complete window since the last met one went unmet. Days overdue count from the end of the first
 *   such window, so an elder missed for months shows months.
 * - Due by: the end of the current window if it is not met yet, else the end of the next one.
 *
 * `scope` is a condition on the elder alias `e` (jurisdiction always included by the caller); its parameters follow
 * the date parameter.
 */
export function complianceSql(scope: string, options: { judgeFrom?: boolean; name?: string } = {}): string {
  // `subject` and `req` are materialized: the class function runs once per elder, not once per elder and requirement.
  // With `judgeFrom` (a second date parameter: a period's first day), campaigns that ran during the period but ended
  // before `as_of` are judged too, as of their last day: a visit rate is about everything asked in its period.
  return `
with p as (select ?::date as as_of, ${options.judgeFrom ? '?::date' : 'null::date'} as judge_from),
subject as materialized (
  select e.id, e.region_code, e.name,
         elder_class_on(e.id, e.computed_class, e.class_at_80, e.turns_80_on, p.as_of) as cls,
         e.circumstances, e.extreme_poverty_kind,
         (e.registered_at at time zone 'Asia/Shanghai')::date as registered_on,
         (select max(r.withdrawn_on) from elder_refusal r where r.elder_id = e.id and r.withdrawn_on <= p.as_of) as resumed_on
    from elder e cross join p
   where (${scope})
     and (e.registered_at at time zone 'Asia/Shanghai')::date <= p.as_of
     and (e.status = 'ACTIVE' or e.status_date > p.as_of)
     and not exists (select 1 from elder_refusal r
                      where r.elder_id = e.id and r.refused_on <= p.as_of and (r.withdrawn_on is null or r.withdrawn_on > p.as_of))
),
req as materialized (
  select r.id as requirement_id, 'STANDARD' as source, s.id as source_id, s.name as source_name, s.region_code as req_region,
         r.class, r.circumstance, r.extreme_poverty_kind, r.activity, r.min_count, r.window_kind, r.window_days, r.home_only,
         s.effective_from as from_on, null::date as to_on
    from visit_requirement r join visit_standard s on s.id = r.standard_id cross join p
   where not s.template and s.effective_from <= p.as_of
     -- Retired from the day of retirement on: the days before keep what was asked then.
     and (s.retired_at is null or (s.retired_at at time zone 'Asia/Shanghai')::date > p.as_of)
  union all
  select c.id, 'CAMPAIGN', c.id, c.name, c.region_code, k.cls, null, null, 'VISIT', c.min_count, c.window_kind, c.window_days,
         c.home_only, c.starts_on, c.ends_on
    from campaign c
         cross join lateral unnest(case when cardinality(c.classes) = 0 then array[null]::char(1)[] else c.classes end) as k(cls)
         cross join p
   where (c.cancelled_at is null or (c.cancelled_at at time zone 'Asia/Shanghai')::date > p.as_of)
     and c.starts_on <= p.as_of and c.ends_on >= coalesce(p.judge_from, p.as_of)
),
applied as (
  select s.id as elder_id, s.region_code, s.cls, q.*,
         greatest(s.registered_on, q.from_on, s.resumed_on) as subject_from
    from subject s
    join req q on ${inSubtree('s.region_code', 'q.req_region')}
              and (q.class is null or q.class = s.cls)
              and (q.circumstance is null or q.circumstance = any(s.circumstances))
              and (q.extreme_poverty_kind is null or q.extreme_poverty_kind = s.extreme_poverty_kind)
),
windows as (
  select a.*,
         case when a.window_kind = 'PERIOD' then a.from_on
              else visit_window_start(a.window_kind, a.window_days, least(p.as_of, coalesce(a.to_on, p.as_of))) end as w_start,
         case when a.window_kind = 'PERIOD' then a.from_on else visit_window_start(a.window_kind, a.window_days, a.subject_from) end as f_start
    from applied a cross join p
),
counted as (
  select w.*, coalesce(k.counted, 0) as counted, k.last_met
    from windows w cross join p
    left join lateral (
      select coalesce(sum(g.n) filter (where g.w = w.w_start), 0)::int as counted,
             max(g.w) filter (where g.n >= w.min_count) as last_met
        from (select case when w.window_kind = 'PERIOD' then w.from_on
                          else visit_window_start(w.window_kind, w.window_days, acts.d) end as w,
                     count(*) as n
                from (select v.visited_on as d from ${visitDatesSql('w.elder_id', 'w.f_start', 'p.as_of')} v
                       where w.activity = 'VISIT' and (not w.home_only or v.method = 'HOME')
                      union all
                      select cs.delivered_on from care_service cs
                       where w.activity <> 'VISIT' and cs.elder_id = w.elder_id and cs.kind = w.activity
                         and cs.delivered_on between w.f_start and p.as_of) acts
               group by 1) g
    ) k on true
),
judged as (
  select c.*,
         case when c.window_kind = 'PERIOD' then c.to_on
              else least(visit_window_end(c.window_kind, c.window_days, c.w_start), c.to_on) end as w_end,
         c.counted >= c.min_count as met,
         case when c.window_kind = 'PERIOD' then null
              when c.last_met is null then c.f_start
              else visit_window_start(c.window_kind, c.window_days, visit_window_end(c.window_kind, c.window_days, c.last_met) + 1)
         end as streak_start
    from counted c
),
${options.name ?? 'compliance'} as (
  select j.elder_id, j.region_code, j.cls, j.requirement_id, j.source, j.source_id, j.source_name, j.activity,
         j.min_count, j.window_kind, j.window_days, j.home_only, j.w_start, j.w_end, j.counted, j.met,
         coalesce(j.streak_start < j.w_start, false) as overdue,
         case when j.streak_start < j.w_start
              then p.as_of - visit_window_end(j.window_kind, j.window_days, j.streak_start) end as days_overdue,
         case when not j.met then j.w_end
              when j.window_kind = 'PERIOD' then null
              else nullif(least(visit_window_end(j.window_kind, j.window_days, j.w_end + 1), coalesce(j.to_on, 'infinity'::date)),
                          'infinity'::date)
         end as due_by
    from judged j cross join p
)`;
}

export interface ComplianceRow {
  elder_id: string;
  region_code: string;
  cls: string | null;
  requirement_id: string;
  source: 'STANDARD' | 'CAMPAIGN';
  source_id: string;
  source_name: string;
  activity: string;
  min_count: number;
  window_kind: string;
  window_days: number | null;
  home_only: boolean;
  w_start: string;
  w_end: string;
  counted: number;
  met: boolean;
  overdue: boolean;
  days_overdue: number | null;
  due_by: string | null;
}

/** The columns of `compliance` in the order of table compliance_snapshot (which stores them for a day). */
export const COMPLIANCE_SNAPSHOT_COLUMNS = `elder_id, region_code, cls, requirement_id, source, source_id, source_name, activity, min_count,
  window_kind, window_days, home_only, w_start, w_end, counted, met, overdue, days_overdue, due_by`;

/** Columns of `compliance` as strings for dates (the driver would make them JS Dates at midnight UTC). */
export const COMPLIANCE_COLUMNS = `elder_id, region_code, cls, requirement_id, source, source_id, source_name, activity, min_count,
  window_kind, window_days, home_only, to_char(w_start, 'YYYY-MM-DD') as w_start, to_char(w_end, 'YYYY-MM-DD') as w_end,
  counted, met, overdue, days_overdue, to_char(due_by, 'YYYY-MM-DD') as due_by`;
