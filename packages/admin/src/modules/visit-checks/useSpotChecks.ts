import { useQuery } from '@urql/vue';
import { computed, type Ref } from 'vue';
import { usePagedQuery } from '../../composables/usePagedQuery';
import { errorMessage } from '../../forms/errorMessage';
import { SpotCheckDrawQuery, SpotChecksQuery } from './spot-checks.graphql';

/** The period the page works on: a calendar month (YYYY-MM), sent as the API's one period shape. */
export const monthPeriod = (month: string) => ({ kind: 'MONTH' as const, date: `${month}-01` });

/**
 * 抽查回访: the current draw of a region and month with the per-child verification rates, and the drawn visits a
 * page at a time (the page in the address, under the `s` prefix, like every list of the console).
 */
export function useSpotChecks(region: Ref<string | null>, month: Ref<string>) {
  const draw = useQuery({
    query: SpotCheckDrawQuery,
    variables: computed(() => ({ regionCode: region.value, period: monthPeriod(month.value) })),
    requestPolicy: 'cache-and-network',
  });
  const current = computed(() => draw.data.value?.spotCheckDraw ?? null);
  const drawId = computed(() => current.value?.id ?? null);
  const list = usePagedQuery({
    query: SpotChecksQuery,
    variables: ({ first, after }) => ({ drawId: drawId.value ?? '', first, after }),
    connection: (data) => data.spotChecks,
    pageSizes: [20],
    prefix: 's',
    requestPolicy: 'cache-and-network',
    pause: computed(() => !drawId.value),
  });
  return {
    current,
    rates: computed(() => draw.data.value?.spotCheckRates ?? []),
    drawError: computed(() => errorMessage(draw.error.value)),
    drawLoading: draw.fetching,
    list,
    reloadDraw: () => draw.executeQuery({ requestPolicy: 'network-only' }),
  };
}
