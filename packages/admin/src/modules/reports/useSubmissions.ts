import { Scope } from '@tanfang/schema';
import { useMutation, useQuery } from '@urql/vue';
import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useSession } from '../../composables/useSession';
import { currentMonth, previousMonth } from '../../format/time';
import { errorMessage } from '../../plugins/urql';
import {
  ApproveReportMutation,
  ChildSubmissionsQuery,
  OwnSubmissionQuery,
  ReportDueDaysQuery,
  ReturnReportMutation,
  SetReportDueDayMutation,
  SubmissionPeriodsQuery,
  SubmitReportMutation,
} from './submissions.graphql';

export type Outcome = { ok: true } | { ok: false; message: string };

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * 报送 of monthly reports: the user's own region (its recent months, the chosen month's state, the figures it will
 * submit) and, for the level above, its regions one level down. The month is in the address (`?p=2026-10`) so a
 * reload or a shared link shows the same month; by default last month, the one due now.
 */
export function useSubmissions() {
  const route = useRoute();
  const router = useRouter();
  const session = useSession();
  const canSubmit = computed(() => session.can(Scope.ReportSubmit));
  const canApprove = computed(() => session.can(Scope.ReportApprove));
  /** Setting due days for one's region and the regions below (civil affairs above the towns). */
  const canSchedule = computed(() => session.can(Scope.ReportSchedule));
  const ownCode = computed(() => session.me.value?.regionCode ?? '');
  const period = computed(() => {
    const p = route.query.p;
    return typeof p === 'string' && MONTH.test(p) && p <= currentMonth() ? p : previousMonth(currentMonth());
  });
  const periodInput = computed(() => ({ kind: 'MONTH' as const, date: `${period.value}-01` }));
  /** A month can be submitted once it has ended (China time). */
  const ended = computed(() => period.value < currentMonth());

  const periods = useQuery({
    query: SubmissionPeriodsQuery,
    variables: computed(() => ({ regionCode: ownCode.value, count: 6 })),
    pause: computed(() => !canSubmit.value || !ownCode.value),
  });
  const own = useQuery({
    query: OwnSubmissionQuery,
    variables: computed(() => ({ regionCode: ownCode.value, period: periodInput.value })),
    pause: computed(() => !canSubmit.value || !ownCode.value),
  });
  const children = useQuery({
    query: ChildSubmissionsQuery,
    variables: computed(() => ({ period: periodInput.value, regionCode: ownCode.value })),
    pause: computed(() => !canApprove.value || !ownCode.value),
  });
  // What the level above has: the frozen figures of the version pending or approved (else the page shows the
  // report's figures now, what a submission would freeze).
  const sent = computed(() => {
    const s = own.data.value?.reportSubmission;
    return s && (s.status === 'SUBMITTED' || s.status === 'APPROVED') ? (s.versions[0] ?? null) : null;
  });
  const dueDays = useQuery({
    query: ReportDueDaysQuery,
    variables: computed(() => ({ regionCode: ownCode.value })),
    pause: computed(() => !canSchedule.value || !ownCode.value),
  });
  const setDue = useMutation(SetReportDueDayMutation);
  const submit = useMutation(SubmitReportMutation);
  const approve = useMutation(ApproveReportMutation);
  const ret = useMutation(ReturnReportMutation);

  function reload() {
    if (canSubmit.value) {
      periods.executeQuery({ requestPolicy: 'network-only' });
      own.executeQuery({ requestPolicy: 'network-only' });
    }
    if (canApprove.value) children.executeQuery({ requestPolicy: 'network-only' });
    if (canSchedule.value) dueDays.executeQuery({ requestPolicy: 'network-only' });
  }
  const outcome = (result: { data?: unknown; error?: Parameters<typeof errorMessage>[0] }): Outcome => {
    reload();
    return result.data ? { ok: true } : { ok: false, message: errorMessage(result.error) ?? '' };
  };

  return {
    canSubmit,
    canApprove,
    period,
    ended,
    setPeriod(p: string) {
      void router.replace({ query: { ...route.query, p } });
    },
    periods: computed(() => periods.data.value?.reportSubmissionPeriods ?? []),
    periodsFetching: periods.fetching,
    own: computed(() => own.data.value?.reportSubmission ?? null),
    sent,
    figures: computed(() => sent.value?.figures ?? own.data.value?.report.figures ?? null),
    asOf: computed(() => sent.value?.asOf ?? own.data.value?.report.asOf ?? null),
    ownFetching: own.fetching,
    ownError: computed(() => errorMessage(own.error.value)),
    children: computed(() => children.data.value?.reportSubmissions ?? []),
    childrenFetching: children.fetching,
    childrenError: computed(() => errorMessage(children.error.value)),
    canSchedule,
    /** The due day of each kind sent upward in force for one's region, and where each is set (null: the default). */
    dueDays: computed(() => dueDays.data.value?.reportDueDays ?? []),
    dueDaysFetching: dueDays.fetching,
    dueDaysError: computed(() => errorMessage(dueDays.error.value)),
    acting: computed(() => submit.fetching.value || approve.fetching.value || ret.fetching.value || setDue.fetching.value),
    reload,
    async submit(): Promise<Outcome> {
      return outcome(await submit.executeMutation({ regionCode: ownCode.value, period: periodInput.value }));
    },
    async approve(regionCode: string, version: number): Promise<Outcome> {
      return outcome(await approve.executeMutation({ regionCode, period: periodInput.value, version }));
    },
    async returnIt(regionCode: string, version: number, reason: string): Promise<Outcome> {
      return outcome(await ret.executeMutation({ regionCode, period: periodInput.value, version, reason: reason.trim() }));
    },
    /** Sets the due day of a kind for one's region; regions below that set none of their own follow it. */
    async setDueDay(kind: 'MONTH' | 'QUARTER' | 'YEAR', day: number): Promise<Outcome> {
      return outcome(await setDue.executeMutation({ regionCode: ownCode.value, kind, day }));
    },
  };
}
