import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/**
 * Forward-only cursors kept in the address (`?p=cursor1,cursor2`): each page is a history entry, so the browser's
 * back button returns to the page before, and a reload or a shared link opens the same page. `key` names the query
 * parameter, so two lists on one page keep their own.
 */
export function usePagedRoute(key = 'p') {
  const route = useRoute();
  const router = useRouter();
  const stack = computed<string[]>(() => {
    const raw = route.query[key];
    return typeof raw === 'string' && raw ? raw.split(',') : [];
  });
  const go = (next: string[], replace = false) => {
    const query = { ...route.query, [key]: next.length ? next.join(',') : undefined };
    return replace ? router.replace({ query }) : router.push({ query });
  };
  return {
    after: computed(() => stack.value[stack.value.length - 1] ?? null),
    page: computed(() => stack.value.length + 1),
    hasPrev: computed(() => stack.value.length > 0),
    next: (endCursor: string | null | undefined) => (endCursor ? go([...stack.value, endCursor]) : undefined),
    prev: () => go(stack.value.slice(0, -1)),
    /** Back to page one (a filter changed): replaces the entry, the old pages would not match the filter. */
    reset: () => go([], true),
  };
}
