import type { EntityManager } from '@mikro-orm/postgresql';
import { inSubtree } from '../../shared/jurisdiction.js';
import { pgArray } from '../../shared/sql.js';
import { perElderRateSql } from '../reports/reports.service.js';

/**
 * The assessment's raw figures (考核: visit rates per class, alert acknowledgement, referrals, satisfaction) as sums
 * and counts, never averages: a town's figures are then the sum of its villages' and stay exact at every level. One
 * statement computes them, for a request over a region (grouped by child, live) and for the background refresh over
 * one village (`assessment_rollup`, beside the report rollups): one rule, so the rolled answer is the live one.
 *
 * Whether an alert not yet acknowledged counts as judged (late) depends on the time it is asked: it becomes late when
 * its deadline passes, with no write to notice. A row therefore keeps the ones already late when it was computed
 * (`late_unacked`, at `judged_at`) and the deadlines of the others (`pending`, at most three days' worth); a reader
 * at `now` adds the pending deadlines that have passed by then.
 */

/** The class columns: the class an elder has on the day judged (NONE: not classified then). */
export const RATE_CLASSES = ['A', 'B', 'C', 'NONE'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];

/** One region's raw assessment figures (a child of the region asked, or a rollup row). */
export interface RawAssessmentFigures {
  /** Per class: elders judged (den) and those whose requirements were met (num). */
  classes: Map<RateClass, { num: number; den: number }>;
  raised: number;
  /** Alerts acknowledged (or resolved) and those by their deadline; their acknowledgement minutes summed. */
  acked: number;
  onTime: number;
  ackMinutesSum: string | null;
  /** Alerts not acknowledged whose deadline has passed (judged late). */
  lateUnacked: number;
  referrals: number;
  answered: number;
  responseMinutesSum: string | null;
  outcomes: number;
  outcomeMinutesSum: string | null;
  satisfactionN: number;
  satisfactionSum: number;
}

/** The columns the statement gives and the rollup keeps, in this order. */
const COLUMNS = [
  ...RATE_CLASSES.flatMap((c) => [`${c.toLowerCase()}_num`, `${c.toLowerCase()}_den`]),
  'raised', 'acked', 'on_time', 'ack_minutes', 'late_unacked', 'pending',
  'referrals', 'answered', 'response_minutes', 'outcomes', 'outcome_minutes',
  'satisfaction_n', 'satisfaction_sum',
] as const;

type Column = (typeof COLUMNS)[number];
type FigureRow = { child: string } & Record<Column, string | number | null>;

/** Where the per-elder visit-rate verdicts come from: computed now (the report's rule), or a report rollup's. */
type Verdicts = { live: { from: string; to: string } } | { rolled: string };

const n = (v: string | number | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const sum = (v: string | number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The statement: every figure of `prefix`'s subtree grouped by `left(region_code, childLength)`, judged on `asOf`
 * (classes, visit rates) and at `now` (alerts not acknowledged), for the period's days `from`..`to`. `only` makes it
 * one row for each of those codes whatever it holds (villages' rollup rows, zeros included; other children left
 * out). Parameters in order.
 */
function figuresSql(
  prefix: string,
  childLength: number,
  p: { from: string; to: string; asOf: string; now: Date },
  verdicts: Verdicts,
  only: string[] | null,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const child = (col: string) => `left(${col}, ${childLength})`;
  let sql: string;
  if ('live' in verdicts) {
    sql = perElderRateSql(inSubtree('e.region_code'));
    params.push(p.asOf, verdicts.live.from, prefix, verdicts.live.to);
  } else {
    sql = `with per_elder as (select elder_id, region_code, ok from report_rollup_elder where period = ? and ${inSubtree('region_code')})`;
    params.push(verdicts.rolled, prefix);
  }
  const classCounts = RATE_CLASSES.map((c) =>
    `count(*) filter (where x.cls = '${c}' and pe.ok) as ${c.toLowerCase()}_num, count(*) filter (where x.cls = '${c}') as ${c.toLowerCase()}_den`).join(',\n              ');
  sql += `,
     rates as (
       select ${child('pe.region_code')} as child,
              ${classCounts}
         from per_elder pe join elder e on e.id = pe.elder_id
        cross join lateral (select coalesce(elder_class_on(e.id, e.computed_class, e.class_at_80, e.turns_80_on, ?::date)::text, 'NONE') as cls) x
        group by 1
     ),
     -- Acknowledgement of the alerts raised in the period. A resolution acknowledges too (history imported as handled).
     acks as (
       select ${child('e.region_code')} as child, count(*) as raised, count(x.ack_at) as acked,
              count(*) filter (where x.ack_at <= x.due) as on_time,
              sum(extract(epoch from x.ack_at - a.raised_at) / 60) as ack_minutes,
              count(*) filter (where x.ack_at is null and x.due <= ?::timestamptz) as late_unacked,
              coalesce(array_agg(x.due order by x.due) filter (where x.ack_at is null and x.due > ?::timestamptz), '{}') as pending
         from alert a join elder e on e.id = a.elder_id
        cross join lateral (select coalesce(a.acknowledged_at, a.resolved_at) as ack_at,
                                   a.raised_at + case a.severity when 'URGENT' then interval '2 hours' else interval '3 days' end as due) x
        where ${inSubtree('e.region_code')} and (a.raised_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date
        group by 1
     ),
     -- Referrals made in the period (the latest referral of each alert) and the agencies' answers.
     refs as (
       select ${child('e.region_code')} as child, count(*) as referrals, count(a.referral_responded_at) as answered,
              sum(extract(epoch from a.referral_responded_at - a.referred_at) / 60) as response_minutes,
              count(a.referral_outcome_at) as outcomes,
              sum(extract(epoch from a.referral_outcome_at - a.referred_at) / 60) as outcome_minutes
         from alert a join elder e on e.id = a.elder_id
        where a.referred_at is not null and ${inSubtree('e.region_code')}
          and (a.referred_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date
        group by 1
     ),
     -- Satisfaction, recorded per visit and never totalled elsewhere: the visits of the period that have it.
     sat as (
       select ${child('e.region_code')} as child, count(*) as satisfaction_n,
              sum(case v.satisfaction when 'VERY_SATISFIED' then 4 when 'SATISFIED' then 3 when 'NEUTRAL' then 2 when 'DISSATISFIED' then 1 end) as satisfaction_sum
         from visit v join elder e on e.id = v.elder_id
        where ${inSubtree('e.region_code')} and v.visited_on between ?::date and ?::date and v.satisfaction is not null
          -- The same days as times (visited_on is the China date of visited_at): visit is partitioned by visited_at,
          -- so only the period's partitions are read (a village's refresh probed all 18 months: 150 ms cold).
          and v.visited_at >= (?::date)::timestamp at time zone 'Asia/Shanghai'
          and v.visited_at < (?::date + 1)::timestamp at time zone 'Asia/Shanghai'
        group by 1
     ),
     keys as (${only ? 'select unnest(?::text[]) as child' : 'select child from rates union select child from acks union select child from refs union select child from sat'})
     select k.child,
            ${RATE_CLASSES.map((c) => `coalesce(r.${c.toLowerCase()}_num, 0) as ${c.toLowerCase()}_num, coalesce(r.${c.toLowerCase()}_den, 0) as ${c.toLowerCase()}_den`).join(', ')},
            coalesce(a.raised, 0) as raised, coalesce(a.acked, 0) as acked, coalesce(a.on_time, 0) as on_time, a.ack_minutes,
            coalesce(a.late_unacked, 0) as late_unacked, coalesce(a.pending, '{}') as pending,
            coalesce(f.referrals, 0) as referrals, coalesce(f.answered, 0) as answered, f.response_minutes,
            coalesce(f.outcomes, 0) as outcomes, f.outcome_minutes,
            coalesce(s.satisfaction_n, 0) as satisfaction_n, coalesce(s.satisfaction_sum, 0) as satisfaction_sum
       from keys k
       left join rates r on r.child = k.child
       left join acks a on a.child = k.child
       left join refs f on f.child = k.child
       left join sat s on s.child = k.child`;
  params.push(p.asOf, p.now, p.now, prefix, p.from, p.to, prefix, p.from, p.to, prefix, p.from, p.to, p.from, p.to);
  if (only) params.push(pgArray(only));
  return { sql, params };
}

function toRaw(r: FigureRow): RawAssessmentFigures {
  const classes = new Map<RateClass, { num: number; den: number }>();
  for (const c of RATE_CLASSES) {
    const den = n(r[`${c.toLowerCase()}_den` as Column]);
    if (den > 0) classes.set(c, { num: n(r[`${c.toLowerCase()}_num` as Column]), den });
  }
  return {
    classes,
    raised: n(r.raised),
    acked: n(r.acked),
    onTime: n(r.on_time),
    ackMinutesSum: sum(r.ack_minutes),
    lateUnacked: n(r.late_unacked),
    referrals: n(r.referrals),
    answered: n(r.answered),
    responseMinutesSum: sum(r.response_minutes),
    outcomes: n(r.outcomes),
    outcomeMinutesSum: sum(r.outcome_minutes),
    satisfactionN: n(r.satisfaction_n),
    satisfactionSum: n(r.satisfaction_sum),
  };
}

/**
 * Every child's raw figures computed now from the registry: one statement whatever the number of children. The
 * visit-rate verdicts are the report's rule over the period (the live fallback).
 */
export async function liveAssessmentFigures(
  em: EntityManager,
  prefix: string,
  childLength: number,
  p: { from: string; to: string; asOf: string; now: Date },
): Promise<Map<string, RawAssessmentFigures>> {
  const { sql, params } = figuresSql(prefix, childLength, p, { live: { from: p.from, to: p.to } }, null);
  const rows = await em.execute<FigureRow[]>(sql, params);
  return new Map(rows.map((r) => [r.child, toRaw(r)]));
}

/**
 * A village's rollup row for a rolled period, written by the report rollups' refresh right after the village's
 * per-elder verdicts (report_rollup_elder), from those verdicts: the assessment's visit rates are the report's.
 * One upsert; a village with nothing gets its row of zeros (so an old row never outlives the data).
 */
export async function refreshAssessmentVillage(
  em: EntityManager,
  p: { label: string; from: string; to: string; asOf: string; now: Date },
  village: string,
): Promise<void> {
  await upsertAssessmentRows(em, p, village, village.length, [village]);
}

/**
 * The rows of the villages `villages` of one town (a full refresh), one statement grouped by village: the same rule
 * and the same rows as `refreshAssessmentVillage` for each of them (zeros included), read from the town's verdicts
 * just written. Per town, not per village (thousands of statements at a million elders), and not city-wide (one
 * long statement beside requests).
 */
export async function refreshAssessmentTown(
  em: EntityManager,
  p: { label: string; from: string; to: string; asOf: string; now: Date },
  town: string,
  villages: string[],
): Promise<void> {
  await upsertAssessmentRows(em, p, town, 12, villages);
}

async function upsertAssessmentRows(
  em: EntityManager,
  p: { label: string; from: string; to: string; asOf: string; now: Date },
  prefix: string,
  childLength: number,
  codes: string[],
): Promise<void> {
  const { sql, params } = figuresSql(prefix, childLength, p, { rolled: p.label }, codes);
  await em.execute(
    `insert into assessment_rollup (period, region_code, as_of, judged_at, refreshed_at, ${COLUMNS.join(', ')})
     select ?, f.child, ?, ?, ?, ${COLUMNS.map((c) => `f.${c}`).join(', ')} from (${sql}) f
     on conflict (period, region_code) do update set as_of = excluded.as_of, judged_at = excluded.judged_at,
       refreshed_at = excluded.refreshed_at, ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    [p.label, p.asOf, p.now, p.now, ...params],
    'run',
  );
}

/** Rollup rows of villages that no longer have elders are dropped by a full refresh (as the report's are). */
export async function dropAssessmentVillages(em: EntityManager, periodLabel: string, keep: string): Promise<void> {
  await em.execute(
    `delete from assessment_rollup where period = ? and length(region_code) = 12 and not (region_code = any(?::text[]))`,
    [periodLabel, keep],
    'run',
  );
}

/**
 * Towns, counties, the city and the province summed from the village rows, in the report rollups' sum transaction:
 * an assessment reads one row per child whatever the number of elders below it. A sum row was judged when its
 * latest village was (every village's late alerts are counted up to then, its pending deadlines after).
 */
export async function sumAssessmentAncestors(tx: EntityManager, periodLabel: string, asOf: string, now: Date): Promise<void> {
  await tx.execute(`delete from assessment_rollup where period = ? and length(region_code) < 12`, [periodLabel], 'run');
  const summed = COLUMNS.filter((c) => c !== 'pending');
  await tx.execute(
    `with v as (select * from assessment_rollup where period = ? and length(region_code) = 12),
          l(len) as (values (2), (4), (6), (9)),
          sums as (
            select left(v.region_code, l.len) as code, max(v.judged_at) as judged_at, ${summed.map((c) => `sum(v.${c}) as ${c}`).join(', ')}
              from v cross join l group by 1
          ),
          pend as (
            select left(v.region_code, l.len) as code, array_agg(d order by d) as pending
              from v cross join l cross join unnest(v.pending) as d group by 1
          )
     insert into assessment_rollup (period, region_code, as_of, judged_at, refreshed_at, ${COLUMNS.join(', ')})
     select ?, s.code, ?, s.judged_at, ?, ${COLUMNS.map((c) => (c === 'pending' ? `coalesce(p.pending, '{}')` : `s.${c}`)).join(', ')}
       from sums s left join pend p on p.code = s.code`,
    [periodLabel, periodLabel, asOf, now],
    'run',
  );
}

/**
 * The rolled figures of every child of `prefix` (one statement), the late alerts brought up to `now`; null when a row
 * was judged after `now` (a clock behind the refresher's: its late count could hold alerts not yet late at `now`),
 * then the caller computes live.
 */
export async function readAssessmentRollup(
  em: EntityManager,
  periodLabel: string,
  prefix: string,
  childLength: number,
  now: Date,
): Promise<Map<string, RawAssessmentFigures> | null> {
  const rows = await em.execute<(FigureRow & { ahead: boolean })[]>(
    `select region_code as child, ${COLUMNS.filter((c) => c !== 'late_unacked' && c !== 'pending').join(', ')},
            late_unacked + (select count(*) from unnest(pending) as d where d <= ?::timestamptz) as late_unacked,
            judged_at > ?::timestamptz as ahead
       from assessment_rollup
      where period = ? and ${inSubtree('region_code')} and length(region_code) = ?`,
    [now, now, periodLabel, prefix, childLength],
  );
  if (rows.some((r) => r.ahead)) return null;
  return new Map(rows.map((r) => [r.child, toRaw(r)]));
}
