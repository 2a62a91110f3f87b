import agencyData from '../modules/agency-data/locales/en';
import alerts from '../modules/alerts/locales/en';
import assessment from '../modules/assessment/locales/en';
import assignments from '../modules/assignments/locales/en';
import audit from '../modules/audit/locales/en';
import dashboard from '../modules/dashboard/locales/en';
import elderDetail from '../modules/elders/locales/en';
import imports from '../modules/imports/locales/en';
import outbox from '../modules/outbox/locales/en';
import reports from '../modules/reports/locales/en';
import submissions from '../modules/reports/locales/submissions.en';
import drill from '../modules/elders/locales/drill.en';
import ledgers from '../modules/ledgers/locales/en';
import standards from '../modules/standards/locales/en';
import survey from '../modules/survey/locales/en';
import users from '../modules/users/locales/en';
import notifications from '../modules/notifications/locales/en';
import webhooks from '../modules/webhooks/locales/en';
import visitChecks from '../modules/visit-checks/locales/en';
import visitForm from '../modules/visits/locales/en';
import common from './en';

/**
 * Every English string of the console, in a chunk of its own: plugins/i18n.ts imports this file dynamically when
 * the user switches to English or English was the saved choice, so the Chinese bundle carries no English. Add a
 * module here and in messages.zh-CN.ts.
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
