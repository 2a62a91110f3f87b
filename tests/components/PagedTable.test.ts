import { mount, flushPromises } from '@vue/test-utils';
import { ElTableColumn } from 'element-plus';
import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import PagedTable from '../../packages/admin/src/components/PagedTable.vue';
import { i18n } from '../../packages/admin/src/plugins/i18n';

const rows = [
  { id: '1', name: '关秀英' },
  { id: '2', name: '李桂兰' },
];

function mountTable(props: Record<string, unknown>) {
  return mount(PagedTable, {
    props: { rows: [], ...props },
    attrs: { 'data-test': 'people', 'row-key': 'id' },
    slots: { default: () => h(ElTableColumn, { prop: 'name', label: '姓名' }) },
    global: { plugins: [i18n] },
  });
}

describe('PagedTable', () => {
  it('shows the rows in the slot columns, the total and the page, and passes its attributes to the table', async () => {
    const wrapper = mountTable({ rows, total: 42, page: 2, pageCount: 3, hasPrev: true, hasNext: true });
    await flushPromises();
    const table = wrapper.find('[data-test=people]');
    expect(table.classes()).toContain('el-table');
    expect(table.text()).toContain('关秀英');
    expect(table.text()).toContain('李桂兰');
    expect(wrapper.find('[data-test=total]').text()).toBe('共 42 条');
    expect(wrapper.find('[data-test=page]').text()).toBe('第 2 页 / 3');
    expect(wrapper.find('[data-test=list-error]').exists()).toBe(false);
  });

  it('a capped total reads "10,000+ 条" and the pager shows the page without a page count, next still on', async () => {
    const wrapper = mountTable({ rows, total: 10000, totalCapped: true, page: 501, pageCount: 500, hasPrev: true, hasNext: true });
    await flushPromises();
    expect(wrapper.find('[data-test=total]').text()).toBe('10,000+ 条');
    expect(wrapper.find('[data-test=page]').text()).toBe('第 501 页');
    await wrapper.find('[data-test=next]').trigger('click');
    expect(wrapper.emitted('next')).toHaveLength(1);
  });

  it('says the list is empty in its own words, or the common ones', async () => {
    const own = mountTable({ emptyText: '没有待处理的预警' });
    await flushPromises();
    expect(own.find('.el-table__empty-text').text()).toBe('没有待处理的预警');
    const common = mountTable({});
    await flushPromises();
    expect(common.find('.el-table__empty-text').text()).toBe('没有符合条件的记录');
  });

  it('shows a loading mask while loading and keeps the pager buttons off', async () => {
    const wrapper = mountTable({ rows, loading: true, hasPrev: true, hasNext: true });
    await flushPromises();
    expect(wrapper.find('.el-loading-mask').exists()).toBe(true);
    expect(wrapper.find('[data-test=prev]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-test=next]').attributes('disabled')).toBeDefined();
  });

  it('shows an error with a retry that emits retry, and no empty text under it', async () => {
    const wrapper = mountTable({ error: '无法连接服务器，请检查网络后重试', errorTest: 'alert-error' });
    await flushPromises();
    const alert = wrapper.find('[data-test=alert-error]');
    expect(alert.text()).toContain('无法连接服务器，请检查网络后重试');
    expect(wrapper.find('.el-table__empty-text').text().trim()).toBe('');
    await alert.find('[data-test=retry]').trigger('click');
    expect(wrapper.emitted('retry')).toHaveLength(1);
  });

  it('emits next and prev only when there is a page that way', async () => {
    const first = mountTable({ rows, hasPrev: false, hasNext: true });
    await flushPromises();
    await first.find('[data-test=prev]').trigger('click');
    await first.find('[data-test=next]').trigger('click');
    expect(first.emitted('prev')).toBeUndefined();
    expect(first.emitted('next')).toHaveLength(1);

    const last = mountTable({ rows, hasPrev: true, hasNext: false });
    await flushPromises();
    await last.find('[data-test=next]').trigger('click');
    await last.find('[data-test=prev]').trigger('click');
    expect(last.emitted('next')).toBeUndefined();
    expect(last.emitted('prev')).toHaveLength(1);
  });

  it('offers the page sizes when there are several, and emits the one chosen', async () => {
    const one = mountTable({ pageSizes: [20] });
    expect(one.find('[data-test=page-size]').exists()).toBe(false);
    const wrapper = mountTable({ pageSizes: [20, 50, 100], pageSize: 20 });
    await flushPromises();
    const select = wrapper.findComponent({ name: 'ElSelect' });
    expect(select.exists()).toBe(true);
    select.vm.$emit('update:modelValue', 50);
    expect(wrapper.emitted('update:pageSize')).toEqual([[50]]);
  });
});
