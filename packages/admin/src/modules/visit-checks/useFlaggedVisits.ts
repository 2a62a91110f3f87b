import { useQuery } from '@urql/vue';
import { computed, type Ref } from 'vue';
import type { VisitFlag } from '../../gql/graphql';
import { errorMessage } from '../../plugins/urql';
import { usePagedRoute } from '../survey/usePagedRoute';
import { FlaggedVisitsQuery } from './visit-checks.graphql';

const ALL_FLAGS: VisitFlag[] = ['FAR_FROM_REFERENCE', 'LATE_ENTRY', 'SHORT_DURATION'];
const PAGE = 20;

/** The flagged visits of the user's area, newest first, a page at a time (cursors in the address), by flag. */
export function useFlaggedVisits(flag: Ref<VisitFlag | null>) {
  const paging = usePagedRoute();
  const query = useQuery({
    query: FlaggedVisitsQuery,
    variables: computed(() => ({ filter: { flags: flag.value ? [flag.value] : ALL_FLAGS }, first: PAGE, after: paging.after.value })),
    requestPolicy: 'cache-and-network',
  });
  const connection = computed(() => query.data.value?.visits);
  return {
    paging,
    fetching: query.fetching,
    rows: computed(() => connection.value?.nodes ?? []),
    totalCount: computed(() => connection.value?.totalCount ?? 0),
    hasNextPage: computed(() => connection.value?.pageInfo.hasNextPage ?? false),
    endCursor: computed(() => connection.value?.pageInfo.endCursor ?? null),
    thresholds: computed(() => query.data.value?.visitFlagThresholds ?? { maxDistanceMeters: 500, lateEntryHours: 48, minMinutes: 10 }),
    error: computed(() => errorMessage(query.error.value)),
    refetch: () => query.executeQuery({ requestPolicy: 'network-only' }),
    allFlags: ALL_FLAGS,
  };
}
