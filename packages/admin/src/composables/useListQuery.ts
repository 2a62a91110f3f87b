import { computed, reactive, watch, type ComputedRef } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';

/** How one filter is written in the URL; `values` (for lists and enums) drops anything a hand-edited URL made up. */
export type ListFieldKind =
  | { kind: 'string'; values?: readonly string[] }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'list'; values?: readonly string[] };

export type ListFields<F> = { [K in keyof F]: ListFieldKind };

export interface ListSort<S extends string> {
  field: S;
  direction: 'ASC' | 'DESC';
}

export interface ListQueryOptions<F, S extends string> {
  fields: ListFields<F>;
  defaults: () => F;
  sortFields: readonly S[];
  defaultSort: ListSort<S>;
  pageSizes: readonly number[];
  /**
   * Put before every key this list writes (`t.after`, `t.status`), so two lists on one page, or a list on a page
   * that keeps other state in the URL (the survey round's village `v`), never overwrite each other's keys.
   */
  prefix?: string;
}

export interface ListQueryState<F, S extends string> {
  /** The filters the query runs with (what the URL says). */
  applied: ComputedRef<F>;
  /** The form the user edits; `apply()` copies it into the URL. Reset from the URL whenever the URL changes. */
  form: F;
  sort: ComputedRef<ListSort<S>>;
  pageSize: ComputedRef<number>;
  /** Cursors each page started from: [null] on page one; the last one is the current page's `after`. */
  cursors: ComputedRef<(string | null)[]>;
  /** The current page's cursor (null on page one). */
  after: ComputedRef<string | null>;
  /** 1 on the first page. */
  page: ComputedRef<number>;
  apply(filters?: F): void;
  setSort(sort: ListSort<S>): void;
  setPageSize(size: number): void;
  /** Go to the page that starts after `cursor` (next page). */
  pushCursor(cursor: string): void;
  popCursor(): void;
  firstPage(): void;
}

// Reserved query keys (after the list's prefix); filters use their own names, which never collide with these.
const RESERVED = { sort: 'sort', dir: 'dir', size: 'size', after: 'after' } as const;

const first = (v: LocationQuery[string]): string | null => (Array.isArray(v) ? (v[0] ?? null) : v);
const all = (v: LocationQuery[string]): string[] =>
  (Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]).filter((s): s is string => s !== null);

/**
 * A list's filters, sort and page kept in the URL query, so the back button (or a shared link, or a reload)
 * returns to the same place. The URL is the one source of truth: changes go through `router.replace` (a list
 * adds no history entries of its own), and the state is read back from the route. Values equal to the defaults
 * are left out, so a plain `/elders` is the default list. Pages are cursor-based: the URL carries the stack of
 * cursors each page started from (`after`, repeated), so "previous" still works after coming back.
 *
 * Moving to another page adds a history entry (`router.push`: the back button returns to the page before, as the
 * survey lists did with their own usePagedRoute, now merged here); a new filter, sort or page size replaces the
 * entry, since the old pages belong to the old order. Keys the list does not own (another list's, a selected
 * village) are kept as they are.
 */
export function useListQuery<F extends object, S extends string>(options: ListQueryOptions<F, S>): ListQueryState<F, S> {
  const route = useRoute();
  const router = useRouter();
  const keys = Object.keys(options.fields) as (keyof F & string)[];
  const prefix = options.prefix ?? '';
  const SORT = prefix + RESERVED.sort;
  const DIR = prefix + RESERVED.dir;
  const SIZE = prefix + RESERVED.size;
  const AFTER = prefix + RESERVED.after;
  const owned = new Set([SORT, DIR, SIZE, AFTER, ...keys.map((k) => prefix + k)]);

  function parseFilters(query: LocationQuery): F {
    const out = options.defaults();
    for (const key of keys) {
      if (!(prefix + key in query)) continue;
      const spec = options.fields[key];
      const raw = query[prefix + key];
      const target = out as Record<string, unknown>;
      if (spec.kind === 'list') {
        // An empty value is an explicitly empty list (e.g. every status), different from the default.
        const values = all(raw).flatMap((s) => s.split(',')).filter((s) => s !== '');
        target[key] = spec.values ? values.filter((s) => spec.values!.includes(s)) : values;
      } else if (spec.kind === 'number') {
        const n = Number(first(raw));
        if (first(raw) !== '' && Number.isFinite(n)) target[key] = n;
      } else if (spec.kind === 'boolean') {
        target[key] = first(raw) === '1';
      } else {
        const text = first(raw) ?? '';
        if (!spec.values || spec.values.includes(text)) target[key] = text;
      }
    }
    return out;
  }

  function writeFilters(filters: F): LocationQueryRaw {
    const defaults = options.defaults() as Record<string, unknown>;
    const values = filters as Record<string, unknown>;
    const out: LocationQueryRaw = {};
    for (const key of keys) {
      const value = values[key];
      const spec = options.fields[key];
      if (spec.kind === 'list') {
        const list = (value as string[] | null) ?? [];
        if (list.join(',') !== ((defaults[key] as string[] | null) ?? []).join(',')) out[prefix + key] = list.join(',');
      } else if (spec.kind === 'boolean') {
        if (Boolean(value) !== Boolean(defaults[key])) out[prefix + key] = value ? '1' : '0';
      } else if (spec.kind === 'string') {
        const text = typeof value === 'string' ? value.trim() : '';
        if (text !== (defaults[key] ?? '')) out[prefix + key] = text;
      } else if (value !== defaults[key]) {
        out[prefix + key] = value === null || value === undefined ? '' : String(value);
      }
    }
    return out;
  }

  const applied = computed(() => parseFilters(route.query));
  const sort = computed<ListSort<S>>(() => {
    const field = first(route.query[SORT]);
    const dir = first(route.query[DIR]);
    return {
      field: options.sortFields.includes(field as S) ? (field as S) : options.defaultSort.field,
      direction: dir === 'ASC' || dir === 'DESC' ? dir : options.defaultSort.direction,
    };
  });
  const pageSize = computed(() => {
    const n = Number(first(route.query[SIZE]));
    return options.pageSizes.includes(n) ? n : options.pageSizes[0]!;
  });
  const cursors = computed<(string | null)[]>(() => [null, ...all(route.query[AFTER]).filter((c) => c !== '')]);

  const form = reactive(options.defaults()) as F;
  const copy = (f: F): F => {
    const out = { ...f } as Record<string, unknown>;
    for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [...(v as unknown[])];
    return out as F;
  };
  watch(applied, (f) => Object.assign(form, copy(f)), { immediate: true });

  function go(parts: { filters?: F; sort?: ListSort<S>; size?: number; after?: string[] }, push = false): void {
    const s = parts.sort ?? sort.value;
    const size = parts.size ?? pageSize.value;
    const others = Object.fromEntries(Object.entries(route.query).filter(([k]) => !owned.has(k)));
    const query: LocationQueryRaw = { ...others, ...writeFilters(parts.filters ?? applied.value) };
    if (s.field !== options.defaultSort.field || s.direction !== options.defaultSort.direction) {
      query[SORT] = s.field;
      query[DIR] = s.direction;
    }
    if (size !== options.pageSizes[0]) query[SIZE] = String(size);
    const after = parts.after ?? (cursors.value.slice(1) as string[]);
    if (after.length) query[AFTER] = after;
    void (push ? router.push({ query }) : router.replace({ query }));
  }

  return {
    applied,
    form,
    sort,
    pageSize,
    cursors,
    after: computed(() => cursors.value[cursors.value.length - 1] ?? null),
    page: computed(() => cursors.value.length),
    // A new filter, sort or page size starts again from page one: old cursors belong to the old order.
    apply: (filters) => go({ filters: copy(filters ?? form), after: [] }),
    setSort: (s) => go({ sort: s, after: [] }),
    setPageSize: (size) => go({ size, after: [] }),
    pushCursor: (cursor) => go({ after: [...(cursors.value.slice(1) as string[]), cursor] }, true),
    popCursor: () => go({ after: cursors.value.slice(1, -1) as string[] }, true),
    firstPage: () => go({ after: [] }),
  };
}
