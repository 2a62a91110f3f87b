import { Scope } from '@tanfang/schema';
import { monthInput } from '../../format/period';
import { useQuery } from '@urql/vue';
import { computed, ref, type Ref } from 'vue';
import { useSession } from '../../composables/useSession';
import { errorMessage } from '../../plugins/urql';
import { chinaToday, currentMonth } from '../reports/format';
import { DashboardAlertsQuery, DashboardReportQuery, DashboardVisitsQuery } from './dashboard.graphql';

/**
 * The dashboard's sources, each loaded only when the user's scopes allow it (a widget the user cannot load is not
 * shown, never shown failing): the statistics table of the region on view (report.read:aggregate), the visit rate
 * and overdue count without it (visit.read:jurisdiction) and the alert counts (alert.read:jurisdiction). The
 * visitor's worklist is its own page (visits module, /worklist): asked here it failed with FORBIDDEN on every load
 * of every town and admin dashboard, whose users are not visitors.
 */
export function useDashboard(regionCode: Ref<string | null>) {
  const session = useSession();
  const canReport = computed(() => session.can(Scope.ReportRead));
  const canVisits = computed(() => session.can(Scope.VisitRead));
  const canAlerts = computed(() => session.can(Scope.AlertRead));
  const period = ref(currentMonth());

  const report = useQuery({
    query: DashboardReportQuery,
    variables: computed(() => ({ regionCode: regionCode.value, period: monthInput(period.value) })),
    pause: computed(() => !canReport.value),
  });
  // The statistics table already has the visit rate and the overdue count; without it, ask the visit engine.
  const visits = useQuery({
    query: DashboardVisitsQuery,
    variables: computed(() => ({ regionCode: regionCode.value, period: { kind: 'MONTH' as const, date: chinaToday() } })),
    pause: computed(() => canReport.value || !canVisits.value),
  });
  const alerts = useQuery({
    query: DashboardAlertsQuery,
    variables: computed(() => ({ regionCode: regionCode.value })),
    pause: computed(() => !canAlerts.value),
  });
  const rate = computed(() => {
    if (canReport.value) {
      const f = report.data.value?.report.figures;
      return f ? { rate: f.visitRate.rate ?? null, numerator: f.visitRate.numerator ?? null, denominator: f.visitRate.denominator ?? null } : null;
    }
    const v = visits.data.value?.visitRate;
    return v ? { rate: v.rate ?? null, numerator: v.numerator, denominator: v.denominator } : null;
  });
  const overdue = computed<number | null | undefined>(() =>
    canReport.value ? report.data.value?.report.figures.overdueElders : visits.data.value?.overdueElders.totalCount,
  );

  return {
    period,
    canReport,
    canVisits,
    canAlerts,
    report: {
      data: computed(() => report.data.value?.report ?? null),
      fetching: report.fetching,
      error: computed(() => errorMessage(report.error.value)),
      retry: () => report.executeQuery({ requestPolicy: 'network-only' }),
    },
    figures: {
      shown: computed(() => canReport.value || canVisits.value),
      rate,
      overdue,
      asOf: computed(() => (canReport.value ? report.data.value?.report.asOf : visits.data.value?.visitRate.asOf) ?? null),
      // When the figures were computed: the last background refresh's time on a new day before it is done (StaleMarker).
      computedAt: computed(() => (canReport.value ? report.data.value?.report.computedAt : visits.data.value?.visitRate.computedAt) ?? null),
      fetching: computed(() => (canReport.value ? report.fetching.value : visits.fetching.value)),
      error: computed(() => errorMessage(canReport.value ? report.error.value : visits.error.value)),
      retry: () => (canReport.value ? report : visits).executeQuery({ requestPolicy: 'network-only' }),
    },
    alerts: {
      data: computed(() => alerts.data.value ?? null),
      fetching: alerts.fetching,
      error: computed(() => errorMessage(alerts.error.value)),
      retry: () => alerts.executeQuery({ requestPolicy: 'network-only' }),
    },
  };
}
