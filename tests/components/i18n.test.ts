import { describe, expect, it } from 'vitest';
import { i18n, setLocale } from '../../packages/admin/src/plugins/i18n';

describe('console languages', () => {
  it('starts in Chinese with no English loaded, and loads English on the first switch', async () => {
    // A plain lookup: vue-i18n's typed `t` over the whole message tree is too deep for tsc.
    const t = (i18n.global as unknown as { t: (key: string) => string }).t;
    expect(i18n.global.locale.value).toBe('zh-CN');
    expect(i18n.global.availableLocales).toEqual(['zh-CN']);
    expect(t('alerts.title')).toBe('预警队列');
    expect(t('survey.title')).not.toMatch(/[A-Za-z]/);

    await setLocale('en');
    expect(i18n.global.availableLocales).toContain('en');
    expect(t('alerts.title')).toBe('Alert queue');
    expect(t('common.retry')).toBe('Retry');
    expect(localStorage.getItem('tanfang.locale')).toBe('en');
    expect(document.documentElement.lang).toBe('en');

    await setLocale('zh-CN');
    expect(t('alerts.title')).toBe('预警队列');
    expect(localStorage.getItem('tanfang.locale')).toBe('zh-CN');
  });

  it('has every Chinese key in English too, for the modules split by language', async () => {
    await setLocale('en');
    const zh = i18n.global.getLocaleMessage('zh-CN') as Record<string, unknown>;
    const en = i18n.global.getLocaleMessage('en') as Record<string, unknown>;
    const keys = (o: unknown, prefix = ''): string[] =>
      o && typeof o === 'object' ? Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];
    expect(keys(en).sort()).toEqual(keys(zh).sort());
    await setLocale('zh-CN');
  });
});
