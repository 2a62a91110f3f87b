import { createI18n } from 'vue-i18n';
import en from '../locales/en';
import zhCN from '../locales/zh-CN';

export type Locale = 'zh-CN' | 'en';
const STORAGE_KEY = 'tanfang.locale';

export function savedLocale(): Locale {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}
