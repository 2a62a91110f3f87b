import { useQuery } from '@urql/vue';
import { periodInputOf } from '../../format/period';
import { computed } from 'vue';
import { useListQuery } from '../../composables/useListQuery';
import zhCN from '../../locales/zh-CN';
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
  // A figure's conditions when the list was opened from a count (drill.ts): a report period and what was counted.
  period: string;
  /** 'no': not visited in the period (in the visit rate's denominator, not its numerator); 'yes': visited. */
  visited: string;
  alertsRaised: boolean;
  unresolvedAlerts: boolean;
  refused: boolean;
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
  period: '',
  visited: '',
  alertsRaised: false,
  unresolvedAlerts: false,
  refused: false,
});

const CIRCUMSTANCES = Object.keys(zhCN.circumstance) as Circumstance[];
const STATUSES = Object.keys(zhCN.status) as ElderStatus[];
export const ELDER_SORT_FIELDS = Object.keys(zhCN.sort) as ElderSortField[];
export const ELDER_PAGE_SIZES = [20, 50, 100] as const;

/**
 * The elder list with cursor pagination, its filters, sort and page kept in the URL (useListQuery), so coming back
 * from an elder returns to the same filters, order and page. Cursors only go forward, so "previous" walks back the
 * stack of cursors each page started from. Changing a filter, the sort or the page size starts again from page one.
 */
export function useElderList() {
  const state = useListQuery<ElderListFilters, ElderSortField>({
    fields: {
      regionCode: { kind: 'string' },
      text: { kind: 'string' },
      circumstances: { kind: 'list', values: CIRCUMSTANCES },
      status: { kind: 'list', values: STATUSES },
      ageMin: { kind: 'number' },
      ageMax: { kind: 'number' },
      classes: { kind: 'list', values: ['A', 'B', 'C'] },
      overdue: { kind: 'boolean' },
      period: { kind: 'string' },
      visited: { kind: 'string' },
      alertsRaised: { kind: 'boolean' },
      unresolvedAlerts: { kind: 'boolean' },
      refused: { kind: 'boolean' },
    },
    defaults: emptyFilters,
    sortFields: ELDER_SORT_FIELDS,
    defaultSort: { field: 'NAME', direction: 'ASC' },
    pageSizes: ELDER_PAGE_SIZES,
  });
  const { form, sort, pageSize, cursors } = state;

  const filter = computed<ElderFilter>(() => {
    const f = state.applied.value;
    return {
      regionCode: f.regionCode || undefined,
      text: f.text.trim() || undefined,
      circumstances: f.circumstances.length ? f.circumstances : undefined,
      status: f.status.length ? f.status : undefined,
      ageMin: f.ageMin ?? undefined,
      ageMax: f.ageMax ?? undefined,
      classes: f.classes.length ? f.classes : undefined,
      overdue: f.overdue || undefined,
      // The URL keeps the period's label (a link shares it); the API takes its one period shape.
      periodInput: periodInputOf(f.period) ?? undefined,
      visited: f.visited === 'yes' ? true : f.visited === 'no' ? false : undefined,
      alertsRaised: f.alertsRaised || undefined,
      unresolvedAlerts: f.unresolvedAlerts || undefined,
      refused: f.refused || undefined,
    };
  });

  const query = useQuery({
    query: ElderListQuery,
    variables: computed(() => ({
      filter: filter.value,
      sort: { field: sort.value.field, direction: sort.value.direction },
      first: pageSize.value,
      after: cursors.value[cursors.value.length - 1],
    })),
  });

  const connection = computed(() => query.data.value?.elders);

  return {
    form,
    /** The filters the list runs with (the URL's), and as the API's ElderFilter (for the export). */
    applied: state.applied,
    filter,
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
      state.apply();
    },
    reset() {
      state.apply(emptyFilters());
    },
    /** Removes a figure's conditions (the drill tag's close button); the region and the form's filters stay. */
    clearDrill() {
      state.apply({ ...state.applied.value, period: '', visited: '', alertsRaised: false, unresolvedAlerts: false, refused: false });
    },
    setSort(field: ElderSortField, direction: SortDirection) {
      state.setSort({ field, direction });
    },
    setPageSize(size: number) {
      state.setPageSize(size);
    },
    /** Back to page one, e.g. when a cursor from a stale link is refused. */
    firstPage() {
      state.firstPage();
    },
    next() {
      const end = connection.value?.pageInfo.endCursor;
      if (end && connection.value?.pageInfo.hasNextPage) state.pushCursor(end);
    },
    prev() {
      state.popCursor();
    },
    retry() {
      query.executeQuery({ requestPolicy: 'network-only' });
    },
  };
}
