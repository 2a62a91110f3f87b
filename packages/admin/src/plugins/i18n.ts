import { createI18n } from 'vue-i18n';
import zhCN from '../locales/messages.zh-CN';

export type Locale = 'zh-CN' | 'en';
const STORAGE_KEY = 'tanfang.locale';

export function savedLocale(): Locale {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

/**
 * Chinese is bundled and the default (src/locales/messages.zh-CN.ts merges the common strings and every module's).
 * English is a chunk of its own (messages.en.ts), loaded the first time it is needed: when the user switches, or at
 * start when English was the saved choice (`i18nReady`, which main.ts waits for before mounting, so an English user
 * never sees a flash of Chinese).
 */
export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as Record<Locale, typeof zhCN>,
});

let english: Promise<void> | null = null;

/** Loads the English strings once (later calls share the same import). */
export function loadEnglish(): Promise<void> {
  english ??= import('../locales/messages.en').then(
    (m) => i18n.global.setLocaleMessage('en', m.default as typeof zhCN),
    (e: unknown) => {
      english = null; // a failed download (a flaky line) may be tried again on the next switch
      throw e;
    },
  );
  return english;
}

/** Shows the console in `locale`, loading English first when needed, and remembers the choice. */
export async function setLocale(locale: Locale): Promise<void> {
  if (locale === 'en') await loadEnglish();
  localStorage.setItem(STORAGE_KEY, locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}

/** Settles once the saved language can be shown (at once for Chinese). On a failed download the console stays Chinese. */
export const i18nReady: Promise<void> = savedLocale() === 'en' ? setLocale('en').catch(() => undefined) : Promise.resolve();
