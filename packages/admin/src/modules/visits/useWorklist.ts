import { useQuery } from '@urql/vue';
import { computed, ref, watch } from 'vue';
import { useSession } from '../../composables/useSession';
import { loadOfflineCopy, saveOfflineCopy } from '../../offline';
import type { MyWorklistQuery as MyWorklistData } from '../../gql/graphql';
import { errorMessage } from '../../plugins/urql';
import { MyWorklistQuery } from './visits.graphql';

export type WorklistRow = MyWorklistData['myWorklist'][number];

/**
 * The visitor's worklist as the API orders it (overdue longest first, then due soonest), a name filter over it and
 * its counts. Only a login linked to a visitor has one: the API answers FORBIDDEN for the others, shown as such.
 */
export function useWorklist() {
  const query = useQuery({ query: MyWorklistQuery });
  const session = useSession();
  const search = ref('');
  // The field app: each answer is kept (sealed, on this device) for the next time there is no network; without one,
  // the list shows that copy and says when it was saved. It is what this screen shows, nothing more.
  const copy = ref<{ rows: WorklistRow[]; savedAt: Date } | null>(null);
  watch(
    () => query.data.value?.myWorklist,
    (rows) => {
      const me = session.me.value;
      if (rows && me) void saveOfflineCopy(WORKLIST_COPY, me.id, rows).catch(() => undefined);
    },
  );
  watch(
    () => query.error.value,
    async (error) => {
      const me = session.me.value;
      if (!error?.networkError || !me) return;
      const saved = await loadOfflineCopy<WorklistRow[]>(WORKLIST_COPY, me.id).catch(() => null);
      copy.value = saved ? { rows: saved.value, savedAt: saved.savedAt } : null;
    },
    { immediate: true },
  );
  const all = computed<WorklistRow[]>(() => query.data.value?.myWorklist ?? copy.value?.rows ?? []);
  const needle = computed(() => search.value.trim());
  const rows = computed(() => (needle.value ? all.value.filter((r) => r.elder.name.includes(needle.value)) : all.value));
  const notVisitor = computed(() => !!query.error.value?.graphQLErrors.some((e) => e.extensions?.code === 'FORBIDDEN'));
  return {
    search,
    rows,
    total: computed(() => all.value.length),
    overdueCount: computed(() => all.value.filter((r) => r.overdue).length),
    dueCount: computed(() => all.value.filter((r) => !r.overdue).length),
    loaded: computed(() => !!query.data.value || !!copy.value),
    /** Set when the rows are the offline copy: when it was saved. */
    offlineSince: computed(() => (query.data.value ? null : (copy.value?.savedAt ?? null))),
    fetching: query.fetching,
    notVisitor,
    error: computed(() => (notVisitor.value || copy.value ? null : errorMessage(query.error.value))),
    retry: () => query.executeQuery({ requestPolicy: 'network-only' }),
  };
}

const WORKLIST_COPY = 'worklist';

/** One elder's line of the offline worklist copy: the visit form's header when the archive cannot be fetched. */
export async function offlineWorklistRow(userId: string, elderId: string): Promise<WorklistRow | null> {
  const saved = await loadOfflineCopy<WorklistRow[]>(WORKLIST_COPY, userId).catch(() => null);
  return saved?.value.find((r) => r.elder.id === elderId) ?? null;
}
