import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useQuery, type UseQueryArgs } from '@urql/vue';
import type { AnyVariables } from '@urql/core';
import { computed, type ComputedRef, type Ref } from 'vue';
import { errorMessage } from '../forms/errorMessage';
import { useListQuery, type ListFields, type ListQueryState, type ListSort } from './useListQuery';

/** What every paged list of the API answers with (a Relay-style connection with its total). */
export interface PagedConnection<N> {
  nodes: readonly N[];
  totalCount: number;
  /** True when the API stopped counting at a cap (the audit log): `totalCount` is then a floor. */
  totalCountCapped?: boolean;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** The state a query's variables are built from: the filters, sort and page the URL says. */
export interface PagedVariablesState<F, S extends string> {
  filters: F;
  sort: ListSort<S>;
  first: number;
  after: string | null;
}

export interface PagedQueryOptions<F extends object, S extends string, Q, V extends AnyVariables, N> {
  query: TypedDocumentNode<Q, V>;
  variables: (state: PagedVariablesState<F, S>) => V;
  connection: (data: Q) => PagedConnection<N> | null | undefined;
  /** Filters kept in the URL (none for a plain paged list). */
  fields?: ListFields<F>;
  defaults?: () => F;
  /** Column sorting, when the API offers it. */
  sort?: { fields: readonly S[]; default: ListSort<S> };
  /** The first is the default (and left out of the URL). */
  pageSizes?: readonly number[];
  /** Put before the list's URL keys: two lists on one page, or other state in the URL. */
  prefix?: string;
  requestPolicy?: UseQueryArgs['requestPolicy'];
  /** Do not run yet (e.g. no village chosen). */
  pause?: Ref<boolean> | ComputedRef<boolean>;
}

/** The props a PagedTable takes, ready to `v-bind`. */
export interface PagedTableState<N> {
  rows: readonly N[];
  loading: boolean;
  error: string | null;
  total: number;
  /** `total` is a floor ("10,000+"): the number of pages is not known, only whether another follows. */
  totalCapped: boolean;
  page: number;
  pageCount: number;
  hasNext: boolean;
  hasPrev: boolean;
  pageSize: number;
  pageSizes: readonly number[];
}

export const DEFAULT_PAGE_SIZES = [20, 50, 100] as const;

/**
 * One paged list of the API: its query, its rows and total, its error as a message a person can act on, a retry,
 * and its filters, sort and page kept in the URL through useListQuery (so the back button, a reload or a shared link
 * return to the same place). Cursors only go forward: "previous" walks back the stack of cursors in the URL. Views
 * show it with PagedTable (`v-bind="list.table.value"` and its four events) instead of repeating the
 * alert/retry/table/pager block.
 */
export function usePagedQuery<F extends object, S extends string, Q, V extends AnyVariables, N>(options: PagedQueryOptions<F, S, Q, V, N>) {
  const pageSizes = options.pageSizes ?? DEFAULT_PAGE_SIZES;
  const state: ListQueryState<F, S> = useListQuery<F, S>({
    fields: options.fields ?? ({} as ListFields<F>),
    defaults: options.defaults ?? (() => ({}) as F),
    // A list without sorting has one order, the API's: nothing about it goes into the URL.
    sortFields: options.sort?.fields ?? [],
    defaultSort: options.sort?.default ?? { field: '' as S, direction: 'ASC' },
    pageSizes,
    prefix: options.prefix,
  });

  const query = useQuery<Q, V>({
    query: options.query,
    variables: computed(() =>
      options.variables({ filters: state.applied.value, sort: state.sort.value, first: state.pageSize.value, after: state.after.value }),
    ) as UseQueryArgs<Q, V>['variables'],
    requestPolicy: options.requestPolicy,
    pause: options.pause,
  } as UseQueryArgs<Q, V>);

  const connection = computed(() => (query.data.value ? (options.connection(query.data.value) ?? null) : null));
  const rows = computed<readonly N[]>(() => connection.value?.nodes ?? []);
  const totalCount = computed(() => connection.value?.totalCount ?? 0);
  const totalCapped = computed(() => connection.value?.totalCountCapped ?? false);
  const pageCount = computed(() => Math.max(1, Math.ceil(totalCount.value / state.pageSize.value)));
  const hasNext = computed(() => connection.value?.pageInfo.hasNextPage ?? false);
  const hasPrev = computed(() => state.page.value > 1);
  const errorText = computed(() => errorMessage(query.error.value));

  function retry(): void {
    query.executeQuery({ requestPolicy: 'network-only' });
  }

  return {
    ...state,
    data: query.data,
    fetching: query.fetching,
    error: query.error,
    /** The error as a message for people, or null. */
    errorText,
    rows,
    totalCount,
    totalCapped,
    pageCount,
    hasNext,
    hasPrev,
    table: computed<PagedTableState<N>>(() => ({
      rows: rows.value,
      loading: query.fetching.value,
      error: errorText.value,
      total: totalCount.value,
      totalCapped: totalCapped.value,
      page: state.page.value,
      pageCount: pageCount.value,
      hasNext: hasNext.value,
      hasPrev: hasPrev.value,
      pageSize: state.pageSize.value,
      pageSizes,
    })),
    /** Run the filters in the form (back to page one). */
    search: () => state.apply(),
    /** The default filters (back to page one). */
    reset: () => state.apply((options.defaults ?? (() => ({}) as F))()),
    next(): void {
      const end = connection.value?.pageInfo.endCursor;
      if (end && hasNext.value) state.pushCursor(end);
    },
    prev(): void {
      if (hasPrev.value) state.popCursor();
    },
    retry,
    /** Fetch again after a change this page made (the cache would serve the old page). */
    reload: retry,
  };
}

export type PagedQuery<F extends object, S extends string, N> = ReturnType<typeof usePagedQuery<F, S, unknown, AnyVariables, N>>;
