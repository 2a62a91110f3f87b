import { useQuery } from '@urql/vue';
import { computed, ref } from 'vue';
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
  const search = ref('');
  const all = computed<WorklistRow[]>(() => query.data.value?.myWorklist ?? []);
  const needle = computed(() => search.value.trim());
  const rows = computed(() => (needle.value ? all.value.filter((r) => r.elder.name.includes(needle.value)) : all.value));
  const notVisitor = computed(() => !!query.error.value?.graphQLErrors.some((e) => e.extensions?.code === 'FORBIDDEN'));
  return {
    search,
    rows,
    total: computed(() => all.value.length),
    overdueCount: computed(() => all.value.filter((r) => r.overdue).length),
    dueCount: computed(() => all.value.filter((r) => !r.overdue).length),
    loaded: computed(() => !!query.data.value),
    fetching: query.fetching,
    notVisitor,
    error: computed(() => (notVisitor.value ? null : errorMessage(query.error.value))),
    retry: () => query.executeQuery({ requestPolicy: 'network-only' }),
  };
}
