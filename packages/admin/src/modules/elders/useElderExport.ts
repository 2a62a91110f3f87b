import { ref } from 'vue';
import { downloadFile, type DownloadOutcome } from '../../composables/downloadFile';
import type { ElderFilter } from '../../gql/graphql';

export type ExportOutcome = DownloadOutcome;

/**
 * 导出名单: every page of the list's filter as xlsx from POST /elders/export.xlsx (the server masks, checks the reveal
 * scope and writes the audit before the file leaves). The bearer token cannot ride on a plain link, so the file is
 * fetched and handed to the browser as a blob, as the report's spreadsheet is.
 */
export function useElderExport() {
  const exporting = ref(false);

  async function run(filter: ElderFilter, purpose: string | null, fileLabel: string): Promise<ExportOutcome> {
    exporting.value = true;
    try {
      return await downloadFile('/elders/export.xlsx', (en) => `${en ? 'elders' : '老年人名单'}-${fileLabel}.xlsx`, { filter, purpose });
    } finally {
      exporting.value = false;
    }
  }

  return { exporting, run };
}
