import { useQuery } from '@urql/vue';
import { computed, reactive, ref } from 'vue';
import type { Circumstance, ElderClass, ElderFilter, ElderSortField, ElderStatus, SortDirection } from '../../gql/graphql';
import { ElderListQuery } from './elders.graphql';

export interface ElderListFilters {
  regionCode: string | null;
  text: string;
  circumstances: Circumstance[];
  status: ElderStatus[];
  ageMin: number | null;
  ageMax: number | null;
  classes: ElderClass[];
  overdue: boolean;
}

const emptyFilters = (): ElderListFilters => ({
  regionCode: null,
  text: '',
  circumstances: [],
  status: ['ACTIVE'],
  ageMin: null,
  ageMax: null,
  classes: [],
  overdue: false,
});

/**
 * The elder list with cursor pagination. Cursors only go forward, so "previous" walks back a stack of the cursors
 * each page started from. Changing a filter, the sort or the page size starts again from page one.
 */
export function useElderList() {
  const form = reactive(emptyFilters());
  const applied = ref<ElderListFilters>(emptyFilters());
  const sort = reactive<{ field: ElderSortField; direction: SortDirection }>({ field: 'NAME', direction: 'ASC' });
  const pageSize = ref(20);
  const cursors = ref<(string | null)[]>([null]);

  const filter = computed<ElderFilter>(() => {
    const f = applied.value;
    return {
      regionCode: f.regionCode ?? undefined,
      text: f.text.trim() || undefined,
      circumstances: f.circumstances.length ? f.circumstances : undefined,
      status: f.status.length ? f.status : undefined,
      ageMin: f.ageMin ?? undefined,
      ageMax: f.ageMax ?? undefined,
      classes: f.classes.length ? f.classes : undefined,
      overdue: f.overdue || undefined,
    };
  });

  const query = useQuery({
    query: ElderListQuery,
    variables: computed(() => ({
      filter: filter.value,
      sort: { field: sort.field, direction: sort.direction },
      first: pageSize.value,
      after: cursors.value[cursors.value.length - 1],
    })),
  });

  const connection = computed(() => query.data.value?.elders);

  return {
    form,
    sort,
    pageSize,
    fetching: query.fetching,
    error: query.error,
    rows: computed(() => connection.value?.nodes ?? []),
    totalCount: computed(() => connection.value?.totalCount ?? 0),
    page: computed(() => cursors.value.length),
    pageCount: computed(() => Math.max(1, Math.ceil((connection.value?.totalCount ?? 0) / pageSize.value))),
    hasNext: computed(() => connection.value?.pageInfo.hasNextPage ?? false),
    hasPrev: computed(() => cursors.value.length > 1),
    search() {
      applied.value = { ...form, circumstances: [...form.circumstances], status: [...form.status], classes: [...form.classes] };
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
    retry() {
      query.executeQuery({ requestPolicy: 'network-only' });
    },
  };
}
