import { Client, type Exchange, type OperationResult } from '@urql/core';
import urql from '@urql/vue';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { pipe, map } from 'wonka';
import PagedTable from '../../packages/admin/src/components/PagedTable.vue';
import { useListQuery, type ListQueryState } from '../../packages/admin/src/composables/useListQuery';
import { usePagedQuery } from '../../packages/admin/src/composables/usePagedQuery';
import { AlertQueueQuery } from '../../packages/admin/src/modules/alerts/alerts.graphql';
import { i18n } from '../../packages/admin/src/plugins/i18n';

interface Filters {
  text: string;
  status: string[];
  ageMin: number | null;
  overdue: boolean;
}
type Sort = 'NAME' | 'AGE';

function makeRouter(): Router {
  const Empty = defineComponent({ render: () => h('div') });
  return createRouter({ history: createMemoryHistory(), routes: [{ path: '/list', component: Empty }, { path: '/elder/:id', component: Empty }] });
}

/** The URL's query with one-value lists as plain values (as the address bar reads: `after=c1`). */
function queryOf(router: Router): Record<string, unknown> {
  return Object.fromEntries(Object.entries(router.currentRoute.value.query).map(([k, v]) => [k, Array.isArray(v) && v.length === 1 ? v[0] : v]));
}

/** Mounts a component that holds the list state (as a view would) and hands it back. */
async function mountList(router: Router, prefix?: string) {
  let state!: ListQueryState<Filters, Sort>;
  const View = defineComponent({
    setup() {
      state = useListQuery<Filters, Sort>({
        fields: { text: { kind: 'string' }, status: { kind: 'list', values: ['ACTIVE', 'DECEASED'] }, ageMin: { kind: 'number' }, overdue: { kind: 'boolean' } },
        defaults: () => ({ text: '', status: ['ACTIVE'], ageMin: null, overdue: false }),
        sortFields: ['NAME', 'AGE'],
        defaultSort: { field: 'NAME', direction: 'ASC' },
        pageSizes: [20, 50],
        prefix,
      });
      return () => h('div');
    },
  });
  mount(View, { global: { plugins: [router] } });
  await flushPromises();
  return state;
}

describe('useListQuery: a list kept in the URL', () => {
  it('writes filters, sort, size and page into the URL and reads them back after leaving and coming back', async () => {
    const router = makeRouter();
    await router.push('/list');
    const list = await mountList(router);
    expect(router.currentRoute.value.fullPath).toBe('/list');

    Object.assign(list.form, { text: ' 关秀英 ', status: ['ACTIVE', 'DECEASED'], ageMin: 70, overdue: true });
    list.apply();
    await flushPromises();
    list.setSort({ field: 'AGE', direction: 'DESC' });
    await flushPromises();
    list.setPageSize(50);
    await flushPromises();
    list.pushCursor('c1');
    await flushPromises();
    list.pushCursor('c2');
    await flushPromises();
    const query = queryOf(router);
    expect(query).toEqual({ text: '关秀英', status: 'ACTIVE,DECEASED', ageMin: '70', overdue: '1', sort: 'AGE', dir: 'DESC', size: '50', after: ['c1', 'c2'] });
    expect(list.page.value).toBe(3);
    expect(list.after.value).toBe('c2');

    // Open an elder, then the back button: a new view reads the same place from the URL.
    const listUrl = router.currentRoute.value.fullPath;
    await router.push('/elder/1');
    router.back();
    await new Promise((r) => setTimeout(r, 20));
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe(listUrl);
    const again = await mountList(router);
    expect(again.applied.value).toEqual({ text: '关秀英', status: ['ACTIVE', 'DECEASED'], ageMin: 70, overdue: true });
    expect(again.form.text).toBe('关秀英');
    expect(again.sort.value).toEqual({ field: 'AGE', direction: 'DESC' });
    expect(again.pageSize.value).toBe(50);
    expect(again.cursors.value).toEqual([null, 'c1', 'c2']);
  });

  it('adds a history entry per page (back is the page before) but none for a filter, which starts at page one', async () => {
    const router = makeRouter();
    await router.push('/list');
    const list = await mountList(router);
    list.pushCursor('c1');
    await flushPromises();
    expect(list.page.value).toBe(2);
    router.back();
    await new Promise((r) => setTimeout(r, 20));
    await flushPromises();
    expect(list.page.value).toBe(1);

    list.pushCursor('c1');
    await flushPromises();
    list.form.text = '李';
    list.apply();
    await flushPromises();
    expect(queryOf(router)).toEqual({ text: '李' });
    expect(list.page.value).toBe(1);
  });

  it('drops what a hand-edited URL made up and leaves defaults out of the URL', async () => {
    const router = makeRouter();
    await router.push('/list?status=ACTIVE,NOPE&ageMin=abc&sort=SALARY&dir=UP&size=7');
    const list = await mountList(router);
    expect(list.applied.value).toEqual({ text: '', status: ['ACTIVE'], ageMin: null, overdue: false });
    expect(list.sort.value).toEqual({ field: 'NAME', direction: 'ASC' });
    expect(list.pageSize.value).toBe(20);
    list.apply();
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/list');
  });

  it('keeps keys it does not own, and two lists with prefixes keep apart', async () => {
    const router = makeRouter();
    await router.push('/list?v=440783001020');
    const tasks = await mountList(router, 't.');
    const other = await mountList(router, 'o.');
    tasks.pushCursor('c9');
    await flushPromises();
    other.form.text = '王';
    other.apply();
    await flushPromises();
    expect(queryOf(router)).toEqual({ v: '440783001020', 't.after': 'c9', 'o.text': '王' });
    expect(tasks.page.value).toBe(2);
    expect(tasks.applied.value.text).toBe('');
    expect(other.page.value).toBe(1);
  });
});

describe('usePagedQuery with PagedTable: the API page in the table, the page in the URL', () => {
  it('asks for the page the URL names, moves with the pager, and retries after an error', async () => {
    const asked: { after: unknown; first: unknown; status: unknown }[] = [];
    let failNext = true;
    const nodes = (from: number) => Array.from({ length: 2 }, (_, i) => ({ id: `a${from + i}`, title: `预警 ${from + i}` }));
    // The API, as far as this list sees it: two alerts a page, three pages; the first answer is a network failure.
    const api: Exchange = () => (ops$) =>
      pipe(
        ops$,
        map((op): OperationResult => {
          const v = op.variables as { after: string | null; first: number; filter: { status?: string[] } };
          asked.push({ after: v.after, first: v.first, status: v.filter.status });
          if (failNext) {
            failNext = false;
            return { operation: op, data: undefined, error: { name: 'CombinedError', message: 'offline', graphQLErrors: [], networkError: new Error('offline') } as never, stale: false, hasNext: false };
          }
          const from = v.after ? Number(v.after) : 0;
          const data = { alerts: { totalCount: 6, nodes: nodes(from), pageInfo: { hasNextPage: from + 2 < 6, endCursor: String(from + 2) } } };
          return { operation: op, data, error: undefined, stale: false, hasNext: false };
        }),
      );
    const client = new Client({ url: '/graphql', exchanges: [api] });
    const router = makeRouter();
    await router.push('/list?status=OPEN&after=2');

    const View = defineComponent({
      setup() {
        const list = usePagedQuery({
          query: AlertQueueQuery,
          fields: { status: { kind: 'list' } },
          defaults: () => ({ status: [] as string[] }),
          variables: ({ filters, first, after }) => ({ filter: { status: filters.status.length ? (filters.status as never) : undefined }, first, after }),
          connection: (data) => data.alerts as never,
          pageSizes: [2],
        });
        return () =>
          h(
            PagedTable,
            { ...list.table.value, 'data-test': 'alerts', onRetry: list.retry, onNext: list.next, onPrev: list.prev },
            () => [],
          );
      },
    });
    const wrapper = mount(View, { global: { plugins: [router, i18n, [urql, client]] } });
    await flushPromises();
    // The URL's page and filter went into the first request; it failed: the error and its retry are shown.
    expect(asked[0]).toEqual({ after: '2', first: 2, status: ['OPEN'] });
    expect(wrapper.find('[data-test=list-error]').text()).toContain('无法连接服务器');
    await wrapper.find('[data-test=retry]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=list-error]').exists()).toBe(false);
    expect(wrapper.find('[data-test=page]').text()).toBe('第 2 页 / 3');

    await wrapper.find('[data-test=next]').trigger('click');
    await flushPromises();
    expect(queryOf(router)).toEqual({ status: 'OPEN', after: ['2', '4'] });
    expect(asked.at(-1)).toEqual({ after: '4', first: 2, status: ['OPEN'] });
    expect(wrapper.find('[data-test=page]').text()).toBe('第 3 页 / 3');
    expect(wrapper.find('[data-test=next]').attributes('disabled')).toBeDefined();

    await wrapper.find('[data-test=prev]').trigger('click');
    await flushPromises();
    expect(queryOf(router)).toEqual({ status: 'OPEN', after: '2' });
    expect(wrapper.find('[data-test=page]').text()).toBe('第 2 页 / 3');
  });
});
