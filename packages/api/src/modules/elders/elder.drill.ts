import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../graphql/errors.js';
import { periodOfArgs } from '../../graphql/period.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { asOfPeriod, perElderRateParams, perElderRateSql, type Period } from '../reports/reports.service.js';
import type { ElderFilter } from './elder.inputs.js';
import { usableRollupState } from '../reports/reports.rollup.js';

/**
 * The people behind a figure (issue 15): the elder list narrowed to those a report or dashboard count is made of.
 * Each condition is the report's own: the visit rate's numerator and denominator and the overdue figure come from
 * the same per-elder SQL (reports.service.ts `perElderRateSql`), alerts raised in the period and refusals in force
 * from the same conditions as its figures, and "in the registry" from its `inRegistry`. So a list opened from a count
 * has that count's length.
 */
export interface Drill {
  period: Period | null;
  /** The day figures are judged on: the period's last day once it ended, else today. */
  asOf: string;
  visited: boolean | null;
  /** Overdue as the report counts it for the period (only with a period; today's overdue is ElderService's). */
  overdue: boolean;
  alertsRaised: boolean;
  unresolvedAlerts: boolean;
  refused: boolean;
}

/** The drill conditions of a filter, checked; null when the filter asks for none (the list works as before). */
export function drillOf(filter: ElderFilter | null | undefined, today: string): Drill | null {
  if (!filter) return null;
  let period: Period | null = null;
  const label = filter.period?.trim() || null; // an empty label was "no period" and stays so
  if (label || filter.periodInput) {
    // The one period shape: the deprecated label or periodInput, the same Period either way.
    period = periodOfArgs(label, filter.periodInput, { label: 'filter.period', input: 'filter.periodInput' });
    if (period.from > today) {
      throw badInput('该时段尚未开始', 'The period has not started yet', filter.periodInput ? 'filter.periodInput' : 'filter.period');
    }
  }
  const visited = filter.visited ?? null;
  const alertsRaised = filter.alertsRaised === true;
  if (!period && (visited !== null || alertsRaised)) {
    throw badInput(
      '按“是否已探访”或“新增预警”筛选时，请同时给出时段（如 2026 年 10 月）',
      'visited and alertsRaised are judged for a period: give filter.periodInput too (e.g. MONTH + 2026-10-01)',
      'filter.period',
    );
  }
  const drill: Drill = {
    period,
    asOf: period ? asOfPeriod(period, today) : today,
    visited,
    overdue: !!period && filter.overdue === true,
    alertsRaised,
    unresolvedAlerts: filter.unresolvedAlerts === true,
    refused: filter.refused === true,
  };
  const any = drill.period || drill.unresolvedAlerts || drill.refused;
  return any ? drill : null;
}

/**
 * A derived condition as SQL on an elder alias (`e` is the alias the caller's query gives the elder table), with its
 * parameters in text order: the list adds it to its own statements (page and count) as a semi-join, so PostgreSQL
 * walks the list's name index and stops after the page, instead of the API first reading every matching id of the
 * region into Node and sending them back as one array (tens or hundreds of thousands of ids for a city, per page).
 * `ids` is the rare exact fallback that cannot be said as a condition on the elder row (a period computed live):
 * the ids that meet it.
 */
export interface DerivedCondition {
  sql: (e: string) => string;
  params: unknown[];
}

export type DrillCondition = { kind: 'sql'; condition: DerivedCondition } | { kind: 'ids'; ids: string[] };

/**
 * The elders of the subtree `prefix` that meet every drill condition. Each condition is per elder (`exists` on the
 * rollup's per-elder verdicts, on the alert and refusal indexes by elder id, and the report's `inRegistry`), so it is
 * returned as SQL for the list's own statements, with no statement of its own beyond the rollups' state. The subtree
 * itself is not repeated: the list restricts the elder to the asked region and the jurisdiction, which is `prefix`
 * (ElderService.derived).
 *
 * Only when the report computes the period's rates live (a period not rolled up, an older period, a village whose
 * rollup is not today's) are they computed live for the region, as the report then does; that rare path still reads
 * the ids (one statement), exactly as before.
 */
export async function drillCondition(em: EntityManager, prefix: string, asked: Drill, now: Date): Promise<DrillCondition> {
  const rated = !!asked.period && (asked.visited !== null || asked.overdue);
  let drill = asked;
  if (rated) {
    const rolled = await usableRollupState(em, asked.period!.label, asked.asOf, prefix, now);
    if (!rolled) return { kind: 'ids', ids: await drillIdsLive(em, prefix, asked) };
    // A stale figure (the report answers from the last refresh, judged on an earlier day: issue 17) counts the
    // registry of that day: so does its list, with the verdicts of the same refresh, and it keeps the figure's length.
    if (rolled.asOf !== asked.asOf) drill = { ...asked, asOf: rolled.asOf };
  }
  const parts: ((e: string) => string)[] = [];
  const params: unknown[] = [];
  const add = (sql: (e: string) => string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (rated) {
    // The report answers this period from its rollups: so does its list, from the verdicts the same refresh kept per
    // elder (one row per period and elder: the primary key answers the probe), and its length is the figure's.
    add((e) => `exists (select 1 from report_rollup_elder pe where pe.elder_id = ${e}.id and pe.period = ?${verdictSql(drill, 'pe')})`, drill.period!.label);
  }
  conditionsOnElder(drill, add);
  return { kind: 'sql', condition: { sql: (e) => parts.map((part) => part(e)).join(' and ') || 'true', params } };
}

/** The rate verdicts a drill asks for, as conditions on the per-elder rows `pe` (each with its leading ` and`). */
function verdictSql(drill: Drill, pe: string): string {
  return [drill.visited === null ? '' : drill.visited ? ` and ${pe}.ok` : ` and not ${pe}.ok`, drill.overdue ? ` and ${pe}.late` : ''].join('');
}

/**
 * The length of a rated drill's list (visited or overdue in a period, inside the subtree `prefix`, nothing else
 * narrowing it) without reading the subtree's archives, or null when it cannot be said so (then the list counts as
 * before). Counting the list itself read every archive of the subtree to test the registry condition beside the
 * semi-join (a sequential scan of the city's elder table: 199 / 231 ms p50 / p95 for the city at 100k elders).
 *
 * The per-elder verdicts were written by the rollup refresh from the archives as they were then, and only for elders
 * in the registry on the day judged (its `as_of`). So for an archive unchanged since that refresh, "its verdict row
 * is in `prefix` with the asked verdict" is exactly "the list shows it". Archives changed since (the change log after
 * the refresh's `last_seq`, or in a transaction its snapshot did not see, as the refresh itself reads them) are
 * judged on their row with the list's own conditions. So: the verdict rows of the subtree (the figure's own source,
 * summed from their per-village counts, report_rollup_verdict_count) minus the changed archives', plus the changed
 * archives the list shows; exactly the list's length, in one statement
 * that reads the verdict rows and the few changed archives only. Only when the rollups were judged on the drill's
 * day (not in the grace half hour of a new day, when they are yesterday's).
 */
export async function drillTotalFromRollup(em: EntityManager, prefix: string, drill: Drill): Promise<number | null> {
  const rated = !!drill.period && (drill.visited !== null || drill.overdue);
  if (!rated || drill.alertsRaised || drill.unresolvedAlerts || drill.refused) return null;
  const label = drill.period!.label;
  const verdict = verdictSql(drill, 'pe');
  const onElder: string[] = [];
  const elderParams: unknown[] = [];
  conditionsOnElder(drill, (sql, ...values) => {
    onElder.push(sql('e'));
    elderParams.push(...values);
  });
  const [row] = await em.execute<{ usable: boolean; n: number }[]>(
    `with s as (select last_seq, seen from report_rollup_state where period = ? and as_of = ?::date),
     changed as materialized (
       select c.entity_id as id from change_log c where c.entity = 'ELDER' and c.seq > (select last_seq from s)
       union
       select c.entity_id from change_log c
        where c.entity = 'ELDER' and c.xid >= (select pg_snapshot_xmin(seen) from s) and not pg_visible_in_snapshot(c.xid, (select seen from s))
     )
     select exists (select 1 from s) as usable,
       -- The subtree's verdicts from the per-village counts kept with them (a few thousand rows for a city, where
       -- counting the verdicts themselves read 200,000 at a million elders)...
       ((select coalesce(sum(pe.n), 0) from report_rollup_verdict_count pe where pe.period = ? and ${inSubtree('pe.region_code')}${verdict})
        -- ...minus the changed archives' (one probe each by the primary key: they are few)...
        - (select count(*) from changed c join report_rollup_elder pe on pe.period = ? and pe.elder_id = c.id
            where ${inSubtree('pe.region_code')}${verdict})
        -- ...plus the changed archives the list shows, one at a time (lateral), never a scan of the subtree.
        + (select count(*) from changed c cross join lateral (
             select 1 from elder e
              where e.id = c.id and ${inSubtree('e.region_code')} and ${onElder.join(' and ')}
                and exists (select 1 from report_rollup_elder pe where pe.elder_id = e.id and pe.period = ?${verdict})) shown))::int as n`,
    [label, drill.asOf, label, prefix, label, prefix, prefix, ...elderParams, label],
  );
  return row?.usable ? row.n : null;
}

/** The conditions every drill puts on the elder row itself, in text order (`add` takes the SQL and its values). */
function conditionsOnElder(drill: Drill, add: (sql: (e: string) => string, ...values: unknown[]) => void): void {
  if (drill.period) {
    // The report's `inRegistry`: registered by the day judged and not closed before it.
    add((e) => `(${e}.registered_at at time zone 'Asia/Shanghai')::date <= ?::date and (${e}.status = 'ACTIVE' or ${e}.status_date > ?::date)`,
      drill.asOf, drill.asOf);
  }
  if (drill.alertsRaised && drill.period) {
    add((e) => `exists (select 1 from alert a where a.elder_id = ${e}.id
                          and (a.raised_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date)`,
      drill.period.from, drill.period.to);
  }
  if (drill.unresolvedAlerts) add((e) => `exists (select 1 from alert a where a.elder_id = ${e}.id and a.status <> 'RESOLVED')`);
  if (drill.refused) {
    add((e) => `exists (select 1 from elder_refusal r where r.elder_id = ${e}.id and r.refused_on <= ?::date
                          and (r.withdrawn_on is null or r.withdrawn_on > ?::date))`,
      drill.asOf, drill.asOf);
  }
}

/**
 * The live fallback: the ids of the elders of the subtree `prefix` that meet every drill condition, the rate rule
 * computed for the region as the report computes it live. One statement.
 */
async function drillIdsLive(em: EntityManager, prefix: string, drill: Drill): Promise<string[]> {
  const params: unknown[] = [...perElderRateParams(drill.period!, drill.asOf, [prefix]), prefix];
  const where: string[] = [inSubtree('e.region_code')];
  if (drill.visited !== null) where.push(drill.visited ? 'pe.ok' : 'not pe.ok');
  if (drill.overdue) where.push('pe.late');
  conditionsOnElder(drill, (sql, ...values) => {
    where.push(sql('e'));
    params.push(...values);
  });
  const rows = await em.execute<{ id: string }[]>(
    `${perElderRateSql(inSubtree('e.region_code'))} select e.id from elder e join per_elder pe on pe.elder_id = e.id where ${where.join(' and ')}`,
    params,
  );
  return rows.map((r) => r.id);
}
