import { useMutation, useQuery } from '@urql/vue';
import { computed, ref } from 'vue';
import { useSession } from '../../composables/useSession';
import { downloadFile } from '../../composables/downloadFile';
import { errorMessage } from '../../plugins/urql';
import { currentMonth } from './format';
import { monthInput, periodInputOf } from '../../format/period';
import { AmendReportPeriodMutation, CloseReportPeriodMutation, ReportQuery } from './reports.graphql';

export type Outcome = { ok: true; message?: string } | { ok: false; message: string };

/**
 * The statistics table of a region and a month: the user's own region at first, a region one level down when its
 * row is opened, back up by the trail. Closing and amending act on the region on view.
 */
export function useReport() {
  const session = useSession();
  const period = ref(currentMonth());
  const trail = ref<{ code: string; name: string }[]>([]);
  const regionCode = computed(() => (trail.value.length ? trail.value[trail.value.length - 1]!.code : null));

  const query = useQuery({ query: ReportQuery, variables: computed(() => ({ regionCode: regionCode.value, period: monthInput(period.value) })) });
  const close = useMutation(CloseReportPeriodMutation);
  const amend = useMutation(AmendReportPeriodMutation);
  const report = computed(() => query.data.value?.report ?? null);
  const downloading = ref(false);

  function reload() {
    query.executeQuery({ requestPolicy: 'network-only' });
  }

  return {
    period,
    trail,
    path: computed(() => [{ code: session.me.value?.regionCode ?? '', name: session.me.value?.region.name ?? '' }, ...trail.value]),
    report,
    fetching: query.fetching,
    error: computed(() => errorMessage(query.error.value)),
    reload,
    /** A period can be closed once it has ended (China time). */
    ended: computed(() => period.value < currentMonth()),
    acting: computed(() => close.fetching.value || amend.fetching.value),
    downloading,
    open(code: string, name: string) {
      trail.value = [...trail.value, { code, name }];
    },
    goUp(index: number) {
      trail.value = trail.value.slice(0, index);
    },
    async close(): Promise<Outcome> {
      const r = report.value;
      if (!r) return { ok: false, message: '' };
      const result = await close.executeMutation({ regionCode: r.region.code, period: periodInputOf(r.period) ?? monthInput(period.value) });
      reload();
      return result.data ? { ok: true } : { ok: false, message: errorMessage(result.error) ?? '' };
    },
    async amend(reason: string): Promise<Outcome & { version?: number | null }> {
      const r = report.value;
      if (!r) return { ok: false, message: '' };
      const result = await amend.executeMutation({ regionCode: r.region.code, period: periodInputOf(r.period) ?? monthInput(period.value), reason: reason.trim() });
      reload();
      return result.data ? { ok: true, version: result.data.amendReportPeriod.version } : { ok: false, message: errorMessage(result.error) ?? '' };
    },
    /**
     * The spreadsheet (GET /reports/<region>/<period>.xlsx) with the session's bearer token: a plain link cannot
     * carry it, so the file is fetched and handed to the browser as a blob.
     */
    async download(): Promise<Outcome & { file?: string }> {
      const r = report.value;
      if (!r) return { ok: false, message: '' };
      downloading.value = true;
      try {
        return await downloadFile(
          `/reports/${encodeURIComponent(r.region.code)}/${encodeURIComponent(r.period)}.xlsx`,
          (en) => `${en ? 'report' : '情况统计表'}-${r.region.name}-${r.period}.xlsx`,
        );
      } finally {
        downloading.value = false;
      }
    },
  };
}
