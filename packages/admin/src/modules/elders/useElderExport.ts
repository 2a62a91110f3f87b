import { ref } from 'vue';
import { currentToken } from '../../composables/useSession';
import type { ElderFilter } from '../../gql/graphql';
import { i18n } from '../../plugins/i18n';

export type ExportOutcome = { ok: true; file: string } | { ok: false; message: string; field?: string };

/**
 * 导出名单: every page of the list's filter as xlsx from POST /elders/export.xlsx (the server masks, checks the reveal
 * scope and writes the audit before the file leaves). The bearer token cannot ride on a plain link, so the file is
 * fetched and handed to the browser as a blob, as the report's spreadsheet is.
 */
export function useElderExport() {
  const exporting = ref(false);

  async function run(filter: ElderFilter, purpose: string | null, fileLabel: string): Promise<ExportOutcome> {
    exporting.value = true;
    const en = i18n.global.locale.value === 'en';
    try {
      const res = await fetch('/elders/export.xlsx', {
        method: 'POST',
        headers: { Authorization: `Bearer ${currentToken() ?? ''}`, 'Content-Type': 'application/json', 'Accept-Language': en ? 'en' : 'zh-CN' },
        body: JSON.stringify({ filter, purpose }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { message?: string; fieldErrors?: { field: string }[] } | null;
        return { ok: false, message: body?.message ?? `HTTP ${res.status}`, field: body?.fieldErrors?.[0]?.field };
      }
      const blob = await res.blob();
      const file = `${en ? 'elders' : '老年人名单'}-${fileLabel}.xlsx`;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return { ok: true, file };
    } catch {
      return { ok: false, message: en ? 'Cannot reach the server. Check the network and retry.' : '无法连接服务器，请检查网络后重试' };
    } finally {
      exporting.value = false;
    }
  }

  return { exporting, run };
}
