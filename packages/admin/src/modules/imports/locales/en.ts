// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const en: Shape<typeof zhCN> = {
  imports: {
    nav: { elders: 'Import archives', visits: 'Import visits' },
    title: { elders: 'Import elders’ archives (基本信息登记表)', visits: 'Import past visits (探访关爱服务记录表)' },
    intro: {
      elders: 'Fill the template, or upload your own ledger: the header may sit below a title row, Chinese column names and values are understood. The sheet is checked first; archives already registered are never registered twice.',
      visits: 'Upload a ledger of past visits, one visit a row; the elder is identified by the ID number (the archive must be in your jurisdiction). The sheet is checked first; visits already recorded are not imported twice.',
    },
    steps: { template: 'Template', upload: 'Upload', check: 'Check', import: 'Import', done: 'Done' },
    template: 'Download template (.xlsx)',
    choose: 'Choose a file (.xlsx or .csv)',
    reading: 'Reading the sheet…',
    checking: 'Checking (row {done}/{total})…',
    checkFailed: 'The check stopped (batch {n}): {msg}',
    recheck: 'Check again',
    previewTitle: 'Check results',
    counts: {
      create: 'To create {n}',
      exists: 'Already there {n}',
      differ: 'of which differ in your area {n}',
      elsewhere: 'In another area {n}',
      rejected: 'Cannot import {n}',
    },
    updateExisting: 'Update these archives with the sheet’s data',
    updateExistingHint: '{n} archives in your area differ from the sheet. Unticked, they stay as they are.',
    confirmUpdateTitle: 'Confirm updates',
    confirm: 'Update',
    confirmUpdate: 'The sheet’s data will update {n} existing archives ({fields}). Updates are recorded in each archive’s history. Go ahead?',
    cancel: 'Cancel',
    start: 'Import {n} rows',
    nothingToImport: 'No row can be imported: correct the sheet as the check says and upload it again',
    importing: 'Importing: batch {chunk}/{chunks}, {done}/{total} rows done',
    importedRows: '{done}/{total} rows done ({chunks} batches)',
    importFailed: 'Batch {n} failed: {msg}. The batches before it are saved.',
    retry: 'Retry (saved batches are not imported twice)',
    summaryTitle: 'Import finished',
    summary: { created: 'Created {n}', updated: 'Updated {n}', exists: 'Already there {n}', rejected: 'Not imported {n}' },
    replayed: '{n} batches were retries, answered as before',
    resultFile: 'Download the result file',
    another: 'Import another file',
    empty: 'No file chosen yet',
  },
};

export default en;
