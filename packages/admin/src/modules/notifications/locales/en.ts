// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

const en: typeof zhCN = {
  notifications: {
    nav: 'Notifications',
    bell: 'Notifications, {n} unread',
    latest: 'Latest',
    none: 'No notifications',
    all: 'See all',
    markAllRead: 'Mark all read',
    markedAll: '{n} notifications marked read',
    show: 'Show',
    showAll: 'All',
    showUnread: 'Unread only',
    state: 'State',
    unread: 'Unread',
    read: 'Read',
    kindLabel: 'Kind',
    content: 'What happened',
    at: 'Time',
    open: 'Open',
    actions: 'Actions',
    empty: 'No notifications',
    kind: {
      ALERT_URGENT: 'Urgent alert',
      ALERT_ESCALATED: 'Alert escalated',
      ASSIGNMENT: 'New assignment',
      DATA_CONFLICT: 'Data conflict',
      TRANSFER: 'Transfer to accept',
      REPORT_DUE: 'Report due',
      REPORT_RETURNED: 'Report returned',
      REPORT_APPROVED: 'Report approved',
    },
  },
};

export default en;
