// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const en: Shape<typeof zhCN> = {
  dashboard: {
    nav: 'Dashboard',
    title: 'Dashboard',
    period: '{period}',
    asOf: 'As of {date}',
    visitRate: 'Visit rate this month',
    visitRateHint: '{n} of {d} elders visited as required',
    visitRateNone: 'No elder here needs visits',
    overdue: 'Overdue elders',
    overdueHint: 'At least one visit requirement overdue',
    openAlerts: 'Open alerts',
    unresolvedHint: '{n} not yet resolved',
    escalated: 'Escalated alerts',
    escalatedHint: 'Not acknowledged in time, passed up a level',
    classes: 'Elders by class',
    classTotal: '{n} in the registry',
    byRegion: 'Visit rate by region one level down',
    drillHint: 'Click a bar to open that region',
    noChildren: 'This region has no regions below it',
    chartRate: 'Visit rate',
    chartAxis: 'Visit rate (%)',
    chartTooltip: '{name}: {rate} ({n} / {d})',
    viewAlerts: 'Handle',
    withheldNote: 'To protect personal data, counts of 1 to 4, and the figures they could be worked out from, show as "*"',
    withheldBar: 'Withheld',
    nothing: 'Your role has nothing to show on the dashboard.',
    classLabel: { A: 'Class A', B: 'Class B', C: 'Class C', NONE: 'Unclassified' },
  },
};

export default en;
