import { computed } from 'vue';
import type { VisitFlag } from '../../gql/graphql';
import { usePagedQuery } from '../../composables/usePagedQuery';
import { FlaggedVisitsQuery } from './visit-checks.graphql';

const ALL_FLAGS: VisitFlag[] = ['FAR_FROM_REFERENCE', 'LATE_ENTRY', 'SHORT_DURATION'];

/**
 * The flagged visits of the user's area, newest first, a page at a time; the flag filter (?flag=LATE_ENTRY) and
 * the page are in the address (usePagedQuery), so a reload or the back button keeps them.
 */
export function useFlaggedVisits() {
  const list = usePagedQuery({
    query: FlaggedVisitsQuery,
    fields: { flag: { kind: 'string', values: ALL_FLAGS } },
    defaults: () => ({ flag: '' as VisitFlag | '' }),
    variables: ({ filters, first, after }) => ({ filter: { flags: filters.flag ? [filters.flag] : ALL_FLAGS }, first, after }),
    connection: (data) => data.visits,
    pageSizes: [20],
    requestPolicy: 'cache-and-network',
  });
  return {
    ...list,
    flag: computed<VisitFlag | null>(() => list.applied.value.flag || null),
    setFlag: (flag: VisitFlag | '' | null) => list.apply({ flag: flag ?? '' }),
    thresholds: computed(() => list.data.value?.visitFlagThresholds ?? { maxDistanceMeters: 500, lateEntryHours: 48, minMinutes: 10 }),
    allFlags: ALL_FLAGS,
  };
}
