import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import StaleMarker from '../../packages/admin/src/components/StaleMarker.vue';
import { staleSince } from '../../packages/admin/src/format/staleness';
import { i18n } from '../../packages/admin/src/plugins/i18n';

// Issue 17: figures from an earlier day's refresh (a city's report while the new day's refresh runs) say so in
// Chinese; today's figures show nothing more. Days and times are China time, whatever the test machine's zone.
const NOW = new Date('2026-12-05T02:00:00Z'); // 10:00 on 5 December in China

function marker(computedAt: string | null) {
  return mount(StaleMarker, { props: { computedAt, now: NOW }, global: { plugins: [i18n] } });
}

describe('StaleMarker', () => {
  it('says in Chinese when figures of an earlier day were computed, and nothing for today\'s', () => {
    // 15:10Z on 4 December is 23:10 that day in China.
    expect(marker('2026-12-04T15:10:00.000Z').find('[data-test=stale-marker]').text()).toBe('统计截至 12月4日 23:10');
    // 16:30Z on 4 December is already 00:30 on 5 December in China: today's.
    expect(marker('2026-12-04T16:30:00.000Z').find('[data-test=stale-marker]').exists()).toBe(false);
    expect(marker(null).find('[data-test=stale-marker]').exists()).toBe(false);
  });

  it('gives the parts for any language, the month and day without leading zeros', () => {
    expect(staleSince('2026-11-30T23:05:00Z', NOW)).toEqual({ month: 12, day: 1, time: '07:05' });
    expect(staleSince('2026-12-05T01:59:00Z', NOW)).toBeNull();
  });
});
