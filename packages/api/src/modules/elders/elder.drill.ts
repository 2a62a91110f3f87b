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
    const verdict = [drill.visited === null ? '' : drill.visited ? ' and pe.ok' : ' and not pe.ok', drill.overdue ? ' and pe.late' : ''].join('');
    add((e) => `exists (select 1 from report_rollup_elder pe where pe.elder_id = ${e}.id and pe.period = ?${verdict})`, drill.period!.label);
  }
  conditionsOnElder(drill, add);
  return { kind: 'sql', condition: { sql: (e) => parts.map((part) => part(e)).join(' and ') || 'true', params } };
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
