import { computed, ref } from 'vue';
import { chunkKey, shortHash, type PreparedRow } from '../../spreadsheets';

// Sends an import in chunks of at most 500 records, one after another, for a dry run (the server's verdicts for the
// preview) or for real. Each real chunk's idempotency key is derived from the file's content hash and the chunk index
// (plus the verdicts the dry run gave that chunk): a retry after a network failure replays the stored answer instead
// of writing twice, while importing the same file again another day, when the registry has changed, is a new request
// that the server answers with 已存在.

export const CHUNK_SIZE = 500;

export type ImportStatus = 'CREATED' | 'UPDATED' | 'EXISTS' | 'REJECTED';
export interface FieldProblem {
  field: string;
  message: string;
}
export interface RecordVerdict {
  status: ImportStatus;
  elderName?: string | null;
  inJurisdiction?: boolean | null;
  differences?: readonly string[];
  errors: readonly FieldProblem[];
  warnings?: readonly FieldProblem[];
}
export interface BatchAnswer {
  replayed: boolean;
  records: readonly (RecordVerdict & { index: number })[];
}
export interface SendBatch {
  idempotencyKey: string;
  dryRun: boolean;
  records: Record<string, unknown>[];
}
/** Sends one chunk; a thrown error or an error message is a failed chunk (network, or a whole-batch refusal). */
export type Sender = (batch: SendBatch) => Promise<BatchAnswer | { error: string }>;

export function useImportRun(send: Sender, keyPrefix: string) {
  const running = ref(false);
  const dryRun = ref(true);
  const done = ref(0);
  const total = ref(0);
  const failure = ref<{ chunk: number; message: string } | null>(null);
  const replayedChunks = ref(0);
  /** Verdicts by sheet line, for the last run. */
  const verdicts = ref(new Map<number, RecordVerdict>());
  const finished = ref(false);

  async function run(rows: readonly PreparedRow[], opts: { dryRun: boolean; fileHash: string; variant?: string; recordOf: (row: PreparedRow) => Record<string, unknown>; previous?: Map<number, RecordVerdict> }) {
    const good = rows.filter((r) => r.record);
    running.value = true;
    finished.value = false;
    dryRun.value = opts.dryRun;
    failure.value = null;
    replayedChunks.value = 0;
    done.value = 0;
    total.value = good.length;
    const out = new Map<number, RecordVerdict>();
    try {
      for (let i = 0; i * CHUNK_SIZE < good.length; i++) {
        const chunk = good.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
        const records = chunk.map(opts.recordOf);
        const judged = shortHash(JSON.stringify([opts.variant ?? '', chunk.map((r) => opts.previous?.get(r.line)?.status ?? '')]));
        const idempotencyKey = opts.dryRun ? `dry:${keyPrefix}:${opts.fileHash.slice(0, 40)}:${i + 1}` : chunkKey(`${keyPrefix}-${judged}`, opts.fileHash, i, records);
        let answer: BatchAnswer | { error: string };
        try {
          answer = await send({ idempotencyKey, dryRun: opts.dryRun, records });
        } catch (e) {
          answer = { error: e instanceof Error ? e.message : String(e) };
        }
        if ('error' in answer) {
          failure.value = { chunk: i + 1, message: answer.error };
          break;
        }
        if (answer.replayed) replayedChunks.value++;
        for (const r of answer.records) out.set(chunk[r.index]!.line, r);
        done.value += chunk.length;
      }
      finished.value = !failure.value;
    } finally {
      verdicts.value = out;
      running.value = false;
    }
  }

  return {
    running,
    dryRun,
    done,
    total,
    failure,
    replayedChunks,
    verdicts,
    finished,
    percent: computed(() => (total.value ? Math.round((done.value / total.value) * 100) : 0)),
    chunks: computed(() => Math.ceil(total.value / CHUNK_SIZE)),
    run,
  };
}
