// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const en: Shape<typeof zhCN> = {
  ledgers: {
    nav: 'Ledgers',
    title: 'Ledgers',
    intro: 'Pick a region and a period to download the visit ledger, the contact list and the team roster, or print a village’s forms.',
    region: 'Region',
    regionPlaceholder: 'Choose a town or a village',
    period: 'Period',
    from: 'From',
    to: 'To',
    lists: 'Lists (xlsx)',
    prints: 'Forms to print (A4)',
    visits: 'Visit ledger',
    visitsHint: 'One row per visit in the period: day, elder, village, visitor, method and findings; ID numbers partly hidden.',
    contacts: 'Contact list',
    contactsHint: 'Each village’s responsible contacts and helpers with their phones.',
    teams: 'Team roster',
    teamsHint: 'Survey, daily-contact and visiting teams and their members.',
    download: 'Download',
    downloaded: 'Downloaded {file}',
    downloadFailed: 'Download failed: {message}',
    needRegion: 'Choose a region first',
    needVillage: 'Choose one village to print its forms',
    needPeriod: 'Choose the first and last day',
    printRegistration: 'Print the village’s registration forms',
    printVisits: 'Print the village’s visit records of the period',
    printLimit: 'At most 200 forms per print; more are printed in parts.',
    printOneRegistration: 'Print registration form',
    printOneVisit: 'Print visit record',
    print: {
      title: 'Print preview',
      registrationTitle: 'Registration forms',
      visitTitle: 'Visit records',
      back: 'Back',
      print: 'Print',
      count: '{n} forms, one A4 page each',
      empty: 'Nothing to print',
      masked: 'ID and phone numbers are partly hidden. To print them in full for the file, state the purpose (recorded in the audit log).',
      revealed: 'This print shows full ID and phone numbers and was recorded in the audit log (purpose: {purpose}).',
      purpose: 'Purpose',
      purposePlaceholder: 'e.g. county civil-affairs file (two copies)',
      reveal: 'Show in full',
      badLink: 'The print address is incomplete: open it from an elder, a visit or the ledgers page.',
      partsNeeded: '{forms} forms, at most {size} per print: print them in {parts} parts, opening and printing each in turn.',
      part: 'Part {k} (forms {from}–{to})',
      partOf: 'Part {k} of {parts}',
      partsLabel: 'Print in parts',
    },
  },
};

export default en;
