import { currentToken } from './useSession';
import { i18n } from '../plugins/i18n';

export type DownloadOutcome = { ok: true; file: string } | { ok: false; message: string; field?: string };

/**
 * Saves a file the API serves behind the session (the report's spreadsheet, the ledgers, an exported list). A plain
 * link cannot carry the bearer token, so the file is fetched and handed to the browser as a blob under `fileName`
 * (told whether the console is in English). A refusal comes back as the server's message in the user's language, with
 * the field it names; a lost network as a sentence saying so. One place for every download of the console.
 */
export async function downloadFile(
  url: string,
  fileName: (en: boolean) => string,
  post?: unknown,
): Promise<DownloadOutcome> {
  const en = i18n.global.locale.value === 'en';
  try {
    const headers: Record<string, string> = { Authorization: `Bearer ${currentToken() ?? ''}`, 'Accept-Language': en ? 'en' : 'zh-CN' };
    if (post !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, post === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(post) });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { message?: string; fieldErrors?: { field: string }[] } | null;
      return { ok: false, message: body?.message ?? `HTTP ${res.status}`, field: body?.fieldErrors?.[0]?.field };
    }
    const blob = await res.blob();
    const file = fileName(en);
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = file;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
    return { ok: true, file };
  } catch {
    return { ok: false, message: en ? 'Cannot reach the server. Check the network and retry.' : '无法连接服务器，请检查网络后重试' };
  }
}
