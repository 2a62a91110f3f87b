import agencyData from '../modules/agency-data/locales/zh-CN';
import alerts from '../modules/alerts/locales/zh-CN';
import assessment from '../modules/assessment/locales/zh-CN';
import assignments from '../modules/assignments/locales/zh-CN';
import audit from '../modules/audit/locales/zh-CN';
import dashboard from '../modules/dashboard/locales/zh-CN';
import elderDetail from '../modules/elders/locales/zh-CN';
import imports from '../modules/imports/locales/zh-CN';
import outbox from '../modules/outbox/locales/zh-CN';
import reports from '../modules/reports/locales/zh-CN';
import submissions from '../modules/reports/locales/submissions.zh-CN';
import drill from '../modules/elders/locales/drill.zh-CN';
import ledgers from '../modules/ledgers/locales/zh-CN';
import standards from '../modules/standards/locales/zh-CN';
import survey from '../modules/survey/locales/zh-CN';
import users from '../modules/users/locales/zh-CN';
import notifications from '../modules/notifications/locales/zh-CN';
import webhooks from '../modules/webhooks/locales/zh-CN';
import visitChecks from '../modules/visit-checks/locales/zh-CN';
import visitForm from '../modules/visits/locales/zh-CN';
import common from './zh-CN';

/**
 * Every Chinese string of the console, bundled with it (Chinese is the default). Each module keeps its strings per
 * language (src/modules/<module>/locales/zh-CN.ts and en.ts, one top-level namespace); add a module here and in
 * messages.en.ts. No English is imported here: it stays out of the Chinese bundle.
 */
const messages = Object.assign(
  {},
  common,
  dashboard,
  alerts,
  reports,
  assessment,
  submissions,
  elderDetail,
  visitForm,
  assignments,
  standards,
  agencyData,
  imports,
  survey,
  visitChecks,
  outbox,
  users,
  notifications,
  webhooks,
  audit,
  drill,
  ledgers,
);

export default messages;
