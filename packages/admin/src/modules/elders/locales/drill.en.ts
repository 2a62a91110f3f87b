// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './drill.zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const en: Shape<typeof zhCN> = {
  drill: {
    thisMonth: 'This month: ',
    inPeriod: '{period}: ',
    notVisited: 'not visited',
    visited: 'visited',
    overdue: 'overdue',
    alertsRaised: 'alerts raised',
    unresolvedAlerts: 'With unresolved alerts',
    refused: 'refused visits',
    inRegistry: 'in the registry',
    class: 'Class {c}',
    tagLabel: 'Filter: {words}; the close button removes it',
    remove: 'Remove the filter “{words}”',
    linkLabel: '{words}: {n} elders, open the list',
    alertLinkLabel: '{what}: {n} alerts, open the queue',
    alertsRaisedLabel: '{words}: {n} alerts, open the elders concerned',
    people: '',
    alertPeople: 'the elders concerned',
    classCount: 'Class {c}: {n}',
    regionRows: 'Lists by region one level down',
    regionCol: 'Region',
    eldersCol: 'In the registry',
    notVisitedCol: 'Not visited this month',
    overdueCol: 'Overdue',
    export: {
      button: 'Export list',
      title: 'Export the list',
      intro: 'Exports all {n} elders of the current filter (every page), at most 20,000 at a time.',
      masked: 'Masked (ID and phone numbers partly hidden)',
      full: 'Full identity (state the purpose; it is written to the audit log)',
      purpose: 'Purpose',
      purposePlaceholder: 'e.g. checking the visit list with the community',
      purposeRequired: 'State the purpose (2 to 200 characters)',
      submit: 'Export',
      cancel: 'Cancel',
      done: 'Exported {file}',
      failed: 'Export failed: {message}',
    },
  },
};

export default en;
