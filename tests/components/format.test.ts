import { describe, expect, it } from 'vitest';
import { count, countOf, percent, total } from '../../packages/admin/src/format/numbers';
import { chinaDate, chinaDateTime, chinaDay, chinaMonth, currentMonth, fromChinaWallClock, monthDay, previousMonth } from '../../packages/admin/src/format/time';
import { codeLabel, fmtValue } from '../../packages/admin/src/format/values';

describe('China time, whatever the zone of the machine', () => {
  it('puts a moment late in the UTC evening on the next China day', () => {
    // 2026-12-04 16:30Z is 00:30 on the 5th in Beijing; 15:59Z is still the 4th.
    expect(chinaDateTime('2026-12-04T16:30:00Z')).toBe('2026-12-05 00:30');
    expect(chinaDate('2026-12-04T16:30:00Z')).toBe('2026-12-05');
    expect(chinaDate('2026-12-04T15:59:59Z')).toBe('2026-12-04');
    expect(chinaDay('2026-12-04T16:00:00.000Z')).toBe('2026-12-05');
    // A date-only value is a China day already: never shifted.
    expect(chinaDay('2026-12-04')).toBe('2026-12-04');
  });

  it('crosses months and years at China midnight, not UTC midnight', () => {
    expect(chinaMonth('2026-11-30T16:00:00Z')).toBe('2026-12');
    expect(currentMonth(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01');
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
  });

  it('reads a China wall-clock time as +08:00 and shows nothing as a dash', () => {
    expect(fromChinaWallClock('2026-12-05 09:30')?.toISOString()).toBe('2026-12-05T01:30:00.000Z');
    expect(fromChinaWallClock('not a time')).toBeNull();
    expect(chinaDateTime(null)).toBe('—');
    expect(chinaDateTime('')).toBe('—');
  });

  it('says a day briefly in the page language, with the year only when it is not this China year', () => {
    const now = new Date('2026-12-31T17:00:00Z'); // already 2027 in China
    expect(monthDay('2027-01-05', 'zh-CN', now)).toBe('1月5日');
    expect(monthDay('2026-10-31', 'zh-CN', now)).toBe('2026年10月31日');
    expect(monthDay('2027-01-05', 'en', now)).toBe('Jan 5');
  });
});

describe('counts and codes in words', () => {
  it('shows withheld counts as * and sums them as a lower bound', () => {
    expect(count(null)).toBe('*');
    expect(count(0)).toBe('0');
    expect(percent(0.4567)).toBe('45.7%');
    expect(percent(null)).toBe('—');
    expect(total([{ count: 3 }, { count: null }, { count: 2 }])).toBe('≥6');
    expect(total([{ count: null }])).toBe('*');
    expect(countOf([{ key: 'A', count: 4 }], 'B')).toBe(0);
  });

  it('puts a known code in words and leaves an unknown one as it is', () => {
    const messages: Record<string, string> = { 'circumstance.C_OTHER': '其他困难情形' };
    const t = (key: string) => messages[key] ?? `!${key}`;
    const te = (key: string) => key in messages;
    expect(codeLabel(t, te, 'circumstance', 'C_OTHER')).toBe('其他困难情形');
    expect(codeLabel(t, te, 'circumstance', 'C_NEW_ONE')).toBe('C_NEW_ONE');
    expect(codeLabel(t, te, 'circumstance', null)).toBe('—');
    expect(fmtValue({ grade: 2, category: ['PHYSICAL', 'VISUAL'], certified: true })).toBe('grade: 2，category: PHYSICAL；VISUAL，certified: 是');
  });
});
