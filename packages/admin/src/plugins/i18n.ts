import { createI18n } from 'vue-i18n';
import alerts from '../modules/alerts/locales';
import dashboard from '../modules/dashboard/locales';
import elderDetail from '../modules/elders/locales';
import reports from '../modules/reports/locales';
import visitForm from '../modules/visits/locales';
import users from '../modules/users/locales';
import audit from '../modules/audit/locales';
import assignments from '../modules/assignments/locales';
import standards from '../modules/standards/locales';
import agencyData from '../modules/agency-data/locales';
import imports from '../modules/imports/locales';
import survey from '../modules/survey/locales';
import outbox from '../modules/outbox/locales';
import visitChecks from '../modules/visit-checks/locales';
import drill from '../modules/elders/drill.locales';
import ledgers from '../modules/ledgers/locales';
import en from '../locales/en';
import zhCN from '../locales/zh-CN';

export type Locale = 'zh-CN' | 'en';
const STORAGE_KEY = 'tanfang.locale';

export function savedLocale(): Locale {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

/**
 * Each console module keeps its own strings (src/modules/<module>/locales.ts exports `{ zhCN, en }` with one
 * top-level namespace); they are merged here. Add a module by adding it to this list.
 */
const moduleMessages: { zhCN: Record<string, unknown>; en: Record<string, unknown> }[] = [dashboard, alerts, reports, elderDetail, visitForm, assignments, standards, agencyData, imports, survey, visitChecks, outbox, users, audit, drill, ledgers];

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': Object.assign({}, zhCN, ...moduleMessages.map((m) => m.zhCN)),
    en: Object.assign({}, en, ...moduleMessages.map((m) => m.en)),
  },
});

export function setLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}
