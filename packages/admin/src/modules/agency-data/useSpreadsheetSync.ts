import { useClientHandle } from '@urql/vue';
import { computed, reactive, ref } from 'vue';
import type { MatchKind, SyncStatus } from '../../gql/graphql';
import { errorMessage } from '../../plugins/urql';
import { chunkKey, type PreparedRow, type Problem } from '../../spreadsheets';
import { SYNC_MUTATIONS } from './agency-data.graphql';
import type { RecordKindName } from './recordKinds';

export const CHUNK_SIZE = 1000;

export interface RowResult {
  line: number;
  externalId: string;
  /** null: kept back in the browser (problems in the sheet), never sent. */
  status: SyncStatus | null;
  match: MatchKind | null;
  /** The API's answer; `field` is the input path (turned into the sheet's header by the view). */
  errors: { field: string; message: string; messageEn?: string }[];
  localErrors: Problem[];
}

type Counts = { created: number; updated: number; unchanged: number; rejected: number; conflicts: number };

/**
 * Sends prepared rows in chunks of up to 1,000 records, one after another, each with its own idempotency key
 * (content hash of the file + chunk index): a retry after a failure replays the chunks already stored.
 * With `dryRun` the same chunks under the same keys are checked and nothing is written: the server's verdicts for the
 * preview, and a chunk already stored answers as its replay would (what confirming would give).
 */
export function useSpreadsheetSync() {
  const { client } = useClientHandle();
  const results = ref<RowResult[]>([]);
  const sent = ref(0);
  const total = ref(0);
  const running = ref(false);
  const failure = ref<{ chunk: number; message: string } | null>(null);
  const replayedChunks = ref(0);
  const counts = reactive<Counts>({ created: 0, updated: 0, unchanged: 0, rejected: 0, conflicts: 0 });
  /** Every row was answered (no chunk failed) by the last run that was not superseded. */
  const finished = ref(false);
  // A newer run (another file or mapping while a check is under way) makes an older one's answers stale.
  let generation = 0;

  async function run(kind: RecordKindName, fileHash: string, rows: readonly PreparedRow[], opts: { dryRun?: boolean } = {}) {
    const mine = ++generation;
    const stale = () => mine !== generation;
    running.value = true;
    finished.value = false;
    failure.value = null;
    replayedChunks.value = 0;
    Object.assign(counts, { created: 0, updated: 0, unchanged: 0, rejected: 0, conflicts: 0 });
    const local = rows.filter((r) => !r.record);
    const good = rows.filter((r) => r.record);
    const byLine = new Map<number, RowResult>();
    for (const r of local) byLine.set(r.line, { line: r.line, externalId: '', status: null, match: null, errors: [], localErrors: r.problems });
    counts.rejected = local.length;
    total.value = good.length;
    sent.value = 0;
    results.value = [];
    const mutation = SYNC_MUTATIONS[kind];
    try {
      for (let i = 0; i * CHUNK_SIZE < good.length; i++) {
        const chunk = good.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
        const records = chunk.map((r) => r.record!);
        const batch = { idempotencyKey: chunkKey(kind, fileHash, i, records), records, dryRun: opts.dryRun === true };
        // Each kind's mutation has its own input type; the records were shaped for it by the kind's column spec.
        const result = await client.mutation(mutation as typeof SYNC_MUTATIONS.DISABILITY_CERTIFICATE, { batch: batch as never }).toPromise();
        if (stale()) return;
        const data = result.data ? (Object.values(result.data)[0] as { replayed: boolean; results: { externalId: string; status: SyncStatus; match: MatchKind; errors: RowResult['errors'] }[] } & Counts) : null;
        if (!data) {
          failure.value = { chunk: i + 1, message: errorMessage(result.error) ?? '' };
          break;
        }
        if (data.replayed) replayedChunks.value++;
        for (const key of ['created', 'updated', 'unchanged', 'rejected', 'conflicts'] as const) counts[key] += data[key];
        data.results.forEach((res, j) => {
          const row = chunk[j]!;
          byLine.set(row.line, { line: row.line, externalId: res.externalId, status: res.status, match: res.match, errors: res.errors, localErrors: [] });
        });
        sent.value += chunk.length;
      }
      finished.value = !failure.value;
    } finally {
      if (!stale()) {
        results.value = [...byLine.values()].sort((a, b) => a.line - b.line);
        running.value = false;
      }
    }
  }

  return {
    results,
    sent,
    total,
    running,
    counts,
    replayedChunks,
    /** Which chunk failed (1-based) and the API's message; the chunks before it are stored. */
    failure,
    percent: computed(() => (total.value ? Math.round((sent.value / total.value) * 100) : 0)),
    finished,
    run,
    clear() {
      generation++;
      running.value = false;
      finished.value = false;
      results.value = [];
      failure.value = null;
      sent.value = 0;
      total.value = 0;
    },
  };
}
