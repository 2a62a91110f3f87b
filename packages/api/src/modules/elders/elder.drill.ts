import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../graphql/errors.js';
import { periodOfArgs } from '../../graphql/period.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { asOfPeriod, perElderRateParams, perElderRateSql, type Period } from '../reports/reports.service.js';
import type { ElderFilter } from './elder.inputs.js';
import { rollupsUsable } from '../reports/reports.rollup.js';

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
 * The ids of the elders of the subtree `prefix` that meet every drill condition: one statement, whatever the
 * conditions. Its conditions are per elder (`exists` on the alert and refusal indexes by elder id); the rate rule
 * is the compliance computation the report runs for the same region and period.
 */
export async function drillIds(em: EntityManager, prefix: string, drill: Drill, now: Date): Promise<string[]> {
  const params: unknown[] = [];
  let head = '';
  let join = '';
  const where: string[] = [inSubtree('e.region_code')];
  if (drill.period && (drill.visited !== null || drill.overdue)) {
    if (await rollupsUsable(em, drill.period.label, drill.asOf, now)) {
      // The report answers this period from its rollups: so does its list, from the verdicts the same refresh kept
      // per elder (rows, not a city's compliance computed live), and its length is the figure's.
      join = 'join report_rollup_elder pe on pe.elder_id = e.id and pe.period = ?';
      params.push(drill.period.label);
    } else {
      head = perElderRateSql(inSubtree('e.region_code'));
      params.push(...perElderRateParams(drill.period, drill.asOf, [prefix]));
      join = 'join per_elder pe on pe.elder_id = e.id';
    }
    if (drill.visited !== null) where.push(drill.visited ? 'pe.ok' : 'not pe.ok');
    if (drill.overdue) where.push('pe.late');
  }
  params.push(prefix);
  if (drill.period) {
    // The report's `inRegistry`: registered by the day judged and not closed before it.
    where.push(`(e.registered_at at time zone 'Asia/Shanghai')::date <= ?::date and (e.status = 'ACTIVE' or e.status_date > ?::date)`);
    params.push(drill.asOf, drill.asOf);
  }
  if (drill.alertsRaised && drill.period) {
    where.push(`exists (select 1 from alert a where a.elder_id = e.id
                          and (a.raised_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date)`);
    params.push(drill.period.from, drill.period.to);
  }
  if (drill.unresolvedAlerts) where.push(`exists (select 1 from alert a where a.elder_id = e.id and a.status <> 'RESOLVED')`);
  if (drill.refused) {
    where.push(`exists (select 1 from elder_refusal r where r.elder_id = e.id and r.refused_on <= ?::date
                          and (r.withdrawn_on is null or r.withdrawn_on > ?::date))`);
    params.push(drill.asOf, drill.asOf);
  }
  const rows = await em.execute<{ id: string }[]>(
    `${head} select e.id from elder e ${join} where ${where.join(' and ')}`,
    params,
  );
  return rows.map((r) => r.id);
}
