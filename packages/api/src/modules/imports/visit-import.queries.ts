import { inSubtree } from '../../shared/jurisdiction.js';

/**
 * SQL of importVisits. Each statement works on the whole batch (or a chunk of it) through one JSON or array
 * parameter: a 5,000-record import costs a dozen statements, not 5,000.
 */

/** The archives the batch's ID numbers name, in the caller's jurisdiction only (outside = missing). */
export const ELDERS_BY_ID_NUMBER = (lock: boolean) => `
  select id, id_number, name, county_code, region_code,
         to_char((registered_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as registered_on,
         status, to_char(status_date, 'YYYY-MM-DD') as status_date
    from elder
   where id_number = any(?::text[]) and ${inSubtree('region_code')}
   order by id${lock ? ' for update' : ''}`;

/**
 * The visits already there on the days and by the methods the batch names (one per elder, day and method: the
 * first by number), whether imported earlier or recorded live.
 */
export const EXISTING_VISITS = `
  select distinct on (v.elder_id, v.visited_on, v.method) v.id, v.elder_id, to_char(v.visited_on, 'YYYY-MM-DD') as visited_on, v.method
    from visit v
    join (select distinct * from jsonb_to_recordset(?::jsonb) as k(elder_id uuid, visited_on date, method text)) k
      on v.elder_id = k.elder_id and v.visited_on = k.visited_on and v.method = k.method
   order by v.elder_id, v.visited_on, v.method, v.seq`;

/** Visitors of the villages and towns concerned with the names the batch gives. */
export const VISITORS_BY_NAME = `
  select id, name, phone, region_code, to_char(left_on, 'YYYY-MM-DD') as left_on
    from visitor
   where region_code = any(?::text[]) and name = any(?::text[])`;

/**
 * New visits, each with its final number when it goes after every visit of its elder, else a provisional one
 * (negative, below any final one) that RENUMBER then replaces. The visit is
 * dated by day: it is stored at 12:00 China time, inside its day in every display time zone used here.
 */
export const INSERT_VISITS = `
  insert into visit (id, elder_id, county_code, region_code, seq, visited_at, visited_on, method, visitor_id, visitor_name_as_written,
                     entered_by, entered_at, location, duration_minutes, household_change, household_change_count, expression, mobility,
                     disease, disease_name, mood, gas_safety, water_heating_safety, electricity_safety, housing_unsafe, unattended,
                     personal_hygiene, home_hygiene, indoor_environment, service_needs, care_suggestions, visitor_signed, elder_signed,
                     satisfaction, notes, flags)
  select w.id, w.elder_id, w.county_code, w.region_code, w.seq, (w.visited_on::timestamp + interval '12 hours') at time zone 'Asia/Shanghai',
         w.visited_on, w.method, w.visitor_id, w.visitor_name_as_written, ?, ?, w.location, w.duration_minutes, w.household_change,
         w.household_change_count, w.expression, w.mobility, w.disease, w.disease_name, w.mood, w.gas_safety, w.water_heating_safety,
         w.electricity_safety, w.housing_unsafe, w.unattended, w.personal_hygiene, w.home_hygiene, w.indoor_environment,
         w.service_needs, w.care_suggestions, w.visitor_signed, w.elder_signed, w.satisfaction, w.notes, coalesce(w.flags, '{}')
    from jsonb_to_recordset(?::jsonb) as w(id uuid, elder_id uuid, county_code text, region_code text, seq int, visited_on date, method text,
         visitor_id uuid, visitor_name_as_written text, location text, duration_minutes smallint, household_change text,
         household_change_count smallint, expression text, mobility text, disease text, disease_name text, mood text, gas_safety text,
         water_heating_safety text, electricity_safety text, housing_unsafe boolean, unattended boolean, personal_hygiene text,
         home_hygiene text, indoor_environment text, service_needs text, care_suggestions text, visitor_signed boolean,
         elder_signed boolean, satisfaction text, notes text, flags text[])`;

export const INSERT_CARE_SERVICES = `
  insert into care_service (elder_id, county_code, visit_id, kind, content, delivered_on, recorded_by, recorded_at)
  select s.elder_id, s.county_code, s.visit_id, s.kind, s.content, s.delivered_on, ?, ?
    from jsonb_to_recordset(?::jsonb) as s(elder_id uuid, county_code text, visit_id uuid, kind text, content text, delivered_on date)`;

/**
 * What numbering the new visits needs, per elder (read after the archives are locked, so no live visit slips in):
 * how many visits there are, the highest number, and the last day visited. New visits all later than the last day
 * take the next numbers at once; only elders whose history is imported before (or on) a day already there are
 * renumbered.
 */
export const VISIT_NUMBERING = `
  select elder_id, count(*)::int as n, max(seq)::int as top, to_char(max(visited_on), 'YYYY-MM-DD') as last_on
    from visit where elder_id = any(?::uuid[]) group by elder_id`;

/** Provisional numbers of new visits: far below the final numbers' negatives used by RENUMBER. */
export const PROVISIONAL_SEQ_BASE = 1_000_000;

/**
 * 第几次探访 is the visit's place in the elder's visits by date: history imported before existing visits moves them
 * up. Two set-based steps because (elder_id, seq) is unique and checked row by row: first every visit whose number
 * changes takes its final number negated (no other row holds those: the rest are positive or provisional), then the
 * negatives flip. Visits whose number stays are not touched (no change-feed entry for them).
 */
export const RENUMBER_NEGATE = `
  update visit v set seq = -n.rn
    from (select id, row_number() over (partition by elder_id order by visited_at, entered_at, id)::int as rn
            from visit where elder_id = any(?::uuid[])) n
   where v.id = n.id and v.seq <> n.rn`;

export const RENUMBER_FLIP = `
  update visit set seq = -seq where elder_id = any(?::uuid[]) and seq < 0 and seq > -${PROVISIONAL_SEQ_BASE}
  returning id, seq`;

/**
 * Report rollups of months the background refresher no longer keeps (older than last month) would go on answering
 * without the imported visits: drop them, so reports and visit rates of those months are computed live (exact).
 * The months it keeps catch up from the change log on its next pass, as after any recorded visit.
 */
export const DROP_STALE_ROLLUPS = `
  with state as (delete from report_rollup_state where period = any(?::text[]) returning period)
  delete from report_rollup where period = any(?::text[])`;
