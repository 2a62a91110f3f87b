import { useClientHandle, useMutation, useQuery } from '@urql/vue';
import { computed, reactive, ref, watch } from 'vue';
import { RegionChildrenQuery } from '../../composables/regions.graphql';
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
}

export const UNRESOLVED: AlertStatus[] = ['OPEN', 'ACKNOWLEDGED', 'REFERRED'];

const emptyFilters = (): AlertQueueFilters => ({ status: [...UNRESOLVED], severity: null, escalated: false, myQueue: false, elder: '' });

/** The outcome of an action: done, or the API's message (with `stale` when someone else moved the alert first). */
export type ActionResult = { ok: true; alert: AlertFieldsFragment } | { ok: false; message: string; stale: boolean };

/**
 * The alert queue of the user's jurisdiction, in the API's order (urgent first, then what is still to be dealt with
 * here, then the nearest deadline), with cursor pagination (forward cursors, a stack
 * to go back). Actions pass the version the user saw: a stale one is CONFLICT, and the queue reloads.
 */
export function useAlertQueue(initial: Partial<AlertQueueFilters> = {}) {
  const session = useSession();
  const form = reactive({ ...emptyFilters(), ...initial });
  const applied = ref<AlertQueueFilters>({ ...emptyFilters(), ...initial });
  const pageSize = ref(20);
  const cursors = ref<(string | null)[]>([null]);

  const filter = computed<AlertFilter>(() => {
    const f = applied.value;
    return {
      status: f.status.length ? f.status : undefined,
      severity: f.severity ?? undefined,
      escalated: f.escalated || undefined,
      queueRegionCode: f.myQueue ? session.me.value?.regionCode : undefined,
      elder: f.elder.trim() || undefined,
    };
  });

  const query = useQuery({
    query: AlertQueueQuery,
    variables: computed(() => ({ filter: filter.value, first: pageSize.value, after: cursors.value[cursors.value.length - 1] })),
  });
  const connection = computed(() => query.data.value?.alerts);
  const rows = computed(() => connection.value?.nodes ?? []);

  const acknowledge = useMutation(AcknowledgeAlertMutation);
  const refer = useMutation(ReferAlertMutation);
  const resolve = useMutation(ResolveAlertMutation);

  function reload() {
    query.executeQuery({ requestPolicy: 'network-only' });
  }

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
    form,
    pageSize,
    fetching: query.fetching,
    error: query.error,
    rows,
    totalCount: computed(() => connection.value?.totalCount ?? 0),
    page: computed(() => cursors.value.length),
    pageCount: computed(() => Math.max(1, Math.ceil((connection.value?.totalCount ?? 0) / pageSize.value))),
    hasNext: computed(() => connection.value?.pageInfo.hasNextPage ?? false),
    hasPrev: computed(() => cursors.value.length > 1),
    acting: computed(() => acknowledge.fetching.value || refer.fetching.value || resolve.fetching.value),
    search() {
      applied.value = { ...form, status: [...form.status] };
      cursors.value = [null];
    },
    reset() {
      Object.assign(form, emptyFilters());
      applied.value = emptyFilters();
      cursors.value = [null];
    },
    restart() {
      cursors.value = [null];
    },
    next() {
      const end = connection.value?.pageInfo.endCursor;
      if (end && connection.value?.pageInfo.hasNextPage) cursors.value = [...cursors.value, end];
    },
    prev() {
      if (cursors.value.length > 1) cursors.value = cursors.value.slice(0, -1);
    },
    reload,
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
