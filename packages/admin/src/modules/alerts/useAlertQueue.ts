import { useClientHandle, useMutation } from '@urql/vue';
import { computed, reactive, watch } from 'vue';
import { RegionChildrenQuery } from '../../composables/regions.graphql';
import { usePagedQuery } from '../../composables/usePagedQuery';
import { useSession } from '../../composables/useSession';
import type { AlertFieldsFragment, AlertFilter, AlertSeverity, AlertStatus, Referral } from '../../gql/graphql';
import { errorMessage } from '../../plugins/urql';
import { AcknowledgeAlertMutation, AlertQueueQuery, ReferAlertMutation, ResolveAlertMutation } from './alerts.graphql';

export interface AlertQueueFilters {
  status: AlertStatus[];
  severity: AlertSeverity | null;
  escalated: boolean;
  /** Only the alerts now in the user's own level's queue (after escalation), not the whole subtree's. */
  myQueue: boolean;
  /** An elder's name or the last 4+ characters of the ID number (the API's filter.elder). */
  elder: string;
  /**
   * Alerts of the elders of this region subtree (`?region=`; the API's filter.regionCode). The dashboard passes the
   * region its counts are of, so a village's "open alerts" opens that village's alerts, not the whole town's.
   */
  region: string | null;
}

export const UNRESOLVED: AlertStatus[] = ['OPEN', 'ACKNOWLEDGED', 'REFERRED'];

export const ALERT_STATUSES: AlertStatus[] = ['OPEN', 'ACKNOWLEDGED', 'REFERRED', 'RESOLVED'];
export const ALERT_SEVERITIES: AlertSeverity[] = ['URGENT', 'NORMAL'];

const emptyFilters = (): AlertQueueFilters => ({ status: [...UNRESOLVED], severity: null, escalated: false, myQueue: false, elder: '', region: null });

/** The outcome of an action: done, or the API's message (with `stale` when someone else moved the alert first). */
export type ActionResult = { ok: true; alert: AlertFieldsFragment } | { ok: false; message: string; stale: boolean };

/**
 * The alert queue of the user's jurisdiction, in the API's order (urgent first, then what is still to be dealt with
 * here, then the nearest deadline), a page at a time with its filters and page in the URL (usePagedQuery: the
 * dashboard links here with ?escalated=1 or ?status=OPEN and the region it counts, ?region=<code>, and back from
 * an elder returns to the same page).
 * Actions pass the version the user saw: a stale one is CONFLICT, and the queue reloads.
 */
export function useAlertQueue() {
  const session = useSession();
  const list = usePagedQuery({
    query: AlertQueueQuery,
    fields: {
      status: { kind: 'list', values: ALERT_STATUSES },
      severity: { kind: 'string', values: ALERT_SEVERITIES },
      escalated: { kind: 'boolean' },
      myQueue: { kind: 'boolean' },
      elder: { kind: 'string' },
      region: { kind: 'string' },
    },
    defaults: emptyFilters,
    variables: ({ filters: f, first, after }) => ({
      filter: {
        status: f.status.length ? f.status : undefined,
        severity: f.severity || undefined,
        escalated: f.escalated || undefined,
        queueRegionCode: f.myQueue ? session.me.value?.regionCode : undefined,
        elder: f.elder.trim() || undefined,
        regionCode: f.region || undefined,
      } satisfies AlertFilter,
      first,
      after,
    }),
    connection: (data) => data.alerts,
  });

  const acknowledge = useMutation(AcknowledgeAlertMutation);
  const refer = useMutation(ReferAlertMutation);
  const resolve = useMutation(ResolveAlertMutation);
  const reload = list.reload;

  function outcome(result: { data?: unknown; error?: Parameters<typeof errorMessage>[0] }, alert: AlertFieldsFragment | undefined): ActionResult {
    if (alert) {
      reload();
      return { ok: true, alert };
    }
    const stale = !!result.error?.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');
    // Someone else handled it (or it moved on): show what it is now.
    if (stale) reload();
    return { ok: false, message: errorMessage(result.error) ?? '', stale };
  }

  return {
    ...list,
    /** Removes the region (its tag's close button); the other filters stay. */
    clearRegion(): void {
      list.apply({ ...list.applied.value, region: null });
    },
    acting: computed(() => acknowledge.fetching.value || refer.fetching.value || resolve.fetching.value),
    async acknowledge(alert: AlertFieldsFragment, note: string): Promise<ActionResult> {
      const result = await acknowledge.executeMutation({ id: alert.id, version: alert.version, note: note.trim() || null });
      return outcome(result, result.data?.acknowledgeAlert);
    },
    async refer(alert: AlertFieldsFragment, to: Referral, note: string): Promise<ActionResult> {
      const result = await refer.executeMutation({ id: alert.id, version: alert.version, to, note: note.trim() || null });
      return outcome(result, result.data?.referAlert);
    },
    async resolve(alert: AlertFieldsFragment, resolution: string): Promise<ActionResult> {
      const result = await resolve.executeMutation({ id: alert.id, version: alert.version, resolution: resolution.trim() });
      return outcome(result, result.data?.resolveAlert);
    },
  };
}

/**
 * Names of the villages on the page. An alert carries only its village code, so the names come from the region
 * tree, one request per town (cached), never one per alert.
 */
export function useVillageNames(rows: () => readonly { regionCode: string }[]) {
  const { client } = useClientHandle();
  const names = reactive(new Map<string, string>());
  const asked = new Set<string>();
  watch(
    () => rows().map((r) => r.regionCode),
    async (codes) => {
      const towns = [...new Set(codes.map((c) => c.slice(0, 9)))].filter((t) => !asked.has(t));
      for (const t of towns) asked.add(t);
      await Promise.all(
        towns.map(async (town) => {
          const result = await client.query(RegionChildrenQuery, { parentCode: town }, { requestPolicy: 'cache-first' }).toPromise();
          if (!result.data) asked.delete(town);
          for (const r of result.data?.regions ?? []) names.set(r.code, r.name);
        }),
      );
    },
    { immediate: true },
  );
  return (code: string) => names.get(code) ?? code;
}
