// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

const en: typeof zhCN = {
  webhooks: {
    nav: 'Webhooks',
    intro: 'When an event happens, a signed POST (X-Tanfang-Signature) goes to your URL, with ids and cursors only, never personal data.',
    add: 'Register a URL',
    url: 'URL',
    urlHint: 'A full https:// address',
    events: 'Events',
    owner: 'Owner',
    createdAt: 'Registered',
    actions: 'Actions',
    log: 'Deliveries',
    delete: 'Delete',
    deleteTitle: 'Delete webhook',
    deleteConfirm: 'Nothing more will be sent to {url}; this cannot be undone (the log stays). Delete it?',
    deleted: 'Deleted',
    cancel: 'Cancel',
    save: 'Register',
    empty: 'No webhooks yet',
    secretTitle: 'Keep the signing secret',
    secretIntro: 'It is shown only now. The receiver checks every request\'s signature with it.',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy: select it and copy by hand',
    secretDone: 'I have kept it',
    deliveriesOf: 'Deliveries to {url}',
    chooseOne: 'Choose a webhook\'s "Deliveries" to see them',
    deliveryId: 'Delivery id',
    event: 'Event',
    status: 'Status',
    attempts: 'Attempts',
    lastResult: 'Last result',
    nextAttempt: 'Next attempt',
    deliveredAt: 'Delivered',
    emptyLog: 'No deliveries yet',
    eventName: {
      ALERT_REFERRED: 'Alert referred to us',
      FEED_CHANGED: 'Change feed has news',
      REPORT_APPROVED: 'Report approved',
    },
    statusName: {
      PENDING: 'Pending',
      DELIVERED: 'Delivered',
      FAILED: 'Failed',
    },
  },
};

export default en;
