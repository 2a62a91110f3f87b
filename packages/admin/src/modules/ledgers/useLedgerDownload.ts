import { ref } from 'vue';
import { downloadFile, type DownloadOutcome } from '../../composables/downloadFile';

export type LedgerKind = 'visits' | 'contacts' | 'teams';
/** The saved file's name: the ledger's official name in Chinese (what a town files it as). */
const FILE_NAMES: Record<'zh' | 'en', Record<LedgerKind, string>> = {
  zh: { visits: '探访台账', contacts: '联系人名单', teams: '组建队伍情况' },
  en: { visits: 'visit-ledger', contacts: 'contact-list', teams: 'team-roster' },
};

export type { DownloadOutcome };

/**
 * The ledger spreadsheets (GET /ledgers/<region>/<kind>.xlsx) with the session's bearer token: a plain link cannot
 * carry it, so the file is fetched and handed to the browser as a blob. `busy` names the file on its way, so the
 * page can disable every button while one downloads and show which one spins.
 */
export function useLedgerDownload() {
  const busy = ref<LedgerKind | null>(null);

  async function download(kind: LedgerKind, region: { code: string; name: string }, period?: { from: string; to: string }): Promise<DownloadOutcome> {
    busy.value = kind;
    try {
      const query = period ? `?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}` : '';
      return await downloadFile(
        `/ledgers/${encodeURIComponent(region.code)}/${kind}.xlsx${query}`,
        (en) => `${(en ? FILE_NAMES.en : FILE_NAMES.zh)[kind]}-${region.name || region.code}${period ? `-${period.from}至${period.to}` : ''}.xlsx`,
      );
    } finally {
      busy.value = null;
    }
  }

  return { busy, download };
}
