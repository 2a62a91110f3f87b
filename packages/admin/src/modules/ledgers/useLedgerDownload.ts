import { ref } from 'vue';
import { currentToken } from '../../composables/useSession';
import { i18n } from '../../plugins/i18n';

export type LedgerKind = 'visits' | 'contacts' | 'teams';
/** The saved file's name: the ledger's official name in Chinese (what a town files it as). */
const FILE_NAMES: Record<'zh' | 'en', Record<LedgerKind, string>> = {
  zh: { visits: '探访台账', contacts: '联系人名单', teams: '组建队伍情况' },
  en: { visits: 'visit-ledger', contacts: 'contact-list', teams: 'team-roster' },
};

export type DownloadOutcome = { ok: true; file: string } | { ok: false; message: string };

/**
 * The ledger spreadsheets (GET /ledgers/<region>/<kind>.xlsx) with the session's bearer token: a plain link cannot
 * carry it, so the file is fetched and handed to the browser as a blob. `busy` names the file on its way, so the
 * page can disable every button while one downloads and show which one spins.
 */
export function useLedgerDownload() {
  const busy = ref<LedgerKind | null>(null);

  async function download(kind: LedgerKind, region: { code: string; name: string }, period?: { from: string; to: string }): Promise<DownloadOutcome> {
    busy.value = kind;
    const en = i18n.global.locale.value === 'en';
    try {
      const query = period ? `?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}` : '';
      const res = await fetch(`/ledgers/${encodeURIComponent(region.code)}/${kind}.xlsx${query}`, {
        headers: { Authorization: `Bearer ${currentToken() ?? ''}`, 'Accept-Language': en ? 'en' : 'zh-CN' },
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { message?: string } | null;
        return { ok: false, message: body?.message ?? `HTTP ${res.status}` };
      }
      const blob = await res.blob();
      const name = (en ? FILE_NAMES.en : FILE_NAMES.zh)[kind];
      const file = `${name}-${region.name || region.code}${period ? `-${period.from}至${period.to}` : ''}.xlsx`;
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
      busy.value = null;
    }
  }

  return { busy, download };
}
