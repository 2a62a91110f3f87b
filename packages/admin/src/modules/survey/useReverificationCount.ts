import { Scope } from '@tanfang/schema';
import { useQuery } from '@urql/vue';
import { computed, type Ref } from 'vue';
import { useSession } from '../../composables/useSession';
import { errorMessage } from '../../plugins/urql';
import { ReverificationSummaryQuery } from './survey.graphql';

/**
 * The dashboard's figure of archives due for re-verification (动态管理): counts only, read by the API from the
 * (village, last verified) index of active archives, so loading the dashboard never walks the region's archives.
 */
export function useReverificationCount(regionCode: Ref<string | null>) {
  const session = useSession();
  const shown = computed(() => session.can(Scope.ElderRead));
  const query = useQuery({
    query: ReverificationSummaryQuery,
    variables: computed(() => ({ regionCode: regionCode.value })),
    pause: computed(() => !shown.value),
  });
  return {
    shown,
    data: computed(() => query.data.value?.reverificationSummary ?? null),
    fetching: query.fetching,
    error: computed(() => errorMessage(query.error.value)),
    retry: () => query.executeQuery({ requestPolicy: 'network-only' }),
  };
}
