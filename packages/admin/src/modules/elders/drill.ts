import type { RouteLocationRaw } from 'vue-router';
import type { Circumstance, ElderClass } from '../../gql/graphql';
import { currentMonth } from '../reports/format';

/**
 * Every count drills to its people (issue 15): a dashboard or report figure links to the elder list filtered to
 * exactly the elders behind it (the API's ElderFilter `period`, `visited`, `overdue`, `alertsRaised`, `refused`,
 * `unresolvedAlerts`, with the region and class or circumstance). The list keeps its filters in the URL
 * (useListQuery), so the link is just a URL: it opens in a new tab, can be shared, and back returns to the figure.
 */
export interface Drill {
  regionCode?: string | null;
  period?: string | null;
  /** 'no': in the visit rate's denominator but not its numerator; 'yes': in its numerator. */
  visited?: 'yes' | 'no' | null;
  overdue?: boolean;
  alertsRaised?: boolean;
  unresolvedAlerts?: boolean;
  refused?: boolean;
  classes?: ElderClass[];
  circumstances?: Circumstance[];
}

/** The elder list's URL for a drill. Every status: a period's figures count elders closed after it too. */
export function elderListLink(d: Drill): RouteLocationRaw {
  const query: Record<string, string> = { status: '' };
  if (d.regionCode) query.regionCode = d.regionCode;
  if (d.period) query.period = d.period;
  if (d.visited) query.visited = d.visited;
  if (d.overdue) query.overdue = '1';
  if (d.alertsRaised) query.alertsRaised = '1';
  if (d.unresolvedAlerts) query.unresolvedAlerts = '1';
  if (d.refused) query.refused = '1';
  if (d.classes?.length) query.classes = d.classes.join(',');
  if (d.circumstances?.length) query.circumstances = d.circumstances.join(',');
  return { name: 'elders', query };
}

/** Does the filter carry a drill (a figure's conditions), as opposed to the list's own form filters? */
export function hasDrill(d: Drill): boolean {
  return !!(d.period || d.visited || d.alertsRaised || d.unresolvedAlerts || d.refused);
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * The drill in words, for the list's tag and a link's accessible name: 「本月未探访 · 东河社区居委会」. The month in
 * words when it is this month (as the dashboard says it), else the period itself.
 */
export function drillWords(d: Drill, regionName: string | null, t: Translate): string {
  const when = d.period ? (d.period === currentMonth() ? t('drill.thisMonth') : t('drill.inPeriod', { period: d.period })) : '';
  const parts: string[] = [];
  if (d.visited === 'no') parts.push(when + t('drill.notVisited'));
  else if (d.visited === 'yes') parts.push(when + t('drill.visited'));
  if (d.overdue) parts.push(when + t('drill.overdue'));
  if (d.alertsRaised) parts.push(when + t('drill.alertsRaised'));
  if (d.refused) parts.push((when ? when : '') + t('drill.refused'));
  if (d.unresolvedAlerts) parts.push(t('drill.unresolvedAlerts'));
  if (d.classes?.length) parts.push(d.classes.map((c) => t('drill.class', { c })).join('、'));
  if (d.circumstances?.length) parts.push(d.circumstances.map((c) => t(`circumstance.${c}`)).join('、'));
  if (!parts.length && when) parts.push(when + t('drill.inRegistry'));
  if (regionName) parts.push(regionName);
  return parts.join(' · ');
}
