import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';
import { badInput, conflict } from '../../graphql/errors.js';
import { executeBound } from '../../shared/bound-sql.js';
import { stableJson } from '../../shared/json.js';

/**
 * What the imports of issue 13 share: the per-record verdict, the batch limits and the idempotency store
 * (`import_batch`). The elder import and the visit import both answer each record in input order with one of these.
 */
export enum ImportStatus {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  EXISTS = 'EXISTS',
  REJECTED = 'REJECTED',
}
registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  description: 'What happened to one imported record.',
  valuesConfig: labelled(ImportStatus, {
    CREATED: '新建：已写入（试运行时为“将写入”）一条新档案或探访记录 / a new archive or visit was (in a dry run: would be) written',
    UPDATED: '已更新：仅老年人导入且 updateExisting 为 true 时，本辖区内已有档案采用了不同的字段 / elders only, with updateExisting: the archive in your jurisdiction took the differing fields',
    EXISTS: '已存在：未写入任何内容（见 inJurisdiction、differences） / already there: nothing written (see inJurisdiction and differences)',
    REJECTED: '被拒绝：未写入，errors 列出全部问题；其余记录不受影响 / not written: every problem is in errors; other records are not affected',
  }),
});

/** Records per import call: big enough for a town's ledger, small enough for one transaction of a few seconds. */
export const MAX_IMPORT_RECORDS = 5000;
/** Rows per set-based insert statement (one JSON parameter each). */
export const IMPORT_CHUNK = 2500;

export type ImportKind = 'ELDERS' | 'VISITS';

/** The batch-level checks both imports make before looking at any record (BAD_USER_INPUT, nothing else is done). */
export function checkImportBatch(idempotencyKey: string, records: readonly unknown[]): string {
  const key = idempotencyKey.trim();
  if (!key || key.length > 100) {
    throw badInput('批次编号（idempotencyKey）应为 1 至 100 个字符', 'idempotencyKey must be 1 to 100 characters', 'idempotencyKey');
  }
  if (records.length === 0) throw badInput('批次中没有记录', 'The batch has no records', 'records');
  if (records.length > MAX_IMPORT_RECORDS) {
    throw badInput(
      `一次最多导入 ${MAX_IMPORT_RECORDS} 条记录（本批 ${records.length} 条），请拆分后分批导入`,
      `At most ${MAX_IMPORT_RECORDS} records a call (this batch has ${records.length}): split it`,
      'records',
    );
  }
  return key;
}

/** The fingerprint of a request: what decides "same records" for a replay (field order and nulls do not matter). */
export function importRequestHash(kind: ImportKind, request: unknown): string {
  return createHash('sha256').update(`${kind}\n${stableJson(request)}`).digest('hex');
}

/**
 * The stored answer for (caller, kind, key): null if none; the answer with `replayed: true` if the request is the
 * same; CONFLICT if the key was used for other records. Pass the transaction's EntityManager to read inside it.
 */
export async function replayImport<T extends { replayed: boolean }>(
  em: EntityManager,
  kind: ImportKind,
  actorId: string,
  key: string,
  hash: string,
): Promise<T | null> {
  const [prior] = await em.execute<{ request_hash: string; response: T | string }[]>(
    `select request_hash, response from import_batch where actor_id = ? and kind = ? and idempotency_key = ?`,
    [actorId, kind, key],
  );
  if (!prior) return null;
  if (prior.request_hash !== hash) {
    throw conflict(
      '该批次编号（idempotencyKey）已用于另一批不同的数据，请换一个编号',
      'This idempotencyKey was already used for a different batch: use a new key',
      { field: 'idempotencyKey' },
    );
  }
  const response = typeof prior.response === 'string' ? (JSON.parse(prior.response) as T) : prior.response;
  return { ...response, replayed: true };
}

/**
 * Serializes twins: two calls with the same caller and key wait for each other (a transaction-level advisory lock),
 * so the second one finds the first one's stored answer instead of importing twice. Different keys run side by side.
 */
export async function lockImportKey(em: EntityManager, kind: ImportKind, actorId: string, key: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`import:${kind}:${actorId}:${key}`]);
}

/** Stores the answer of a real run, in its transaction: no answer without its writes, no writes without their answer. */
export async function storeImport(
  em: EntityManager,
  row: { id: string; kind: ImportKind; actorId: string; key: string; hash: string; response: unknown; records: number; regionCode: string; at: Date },
): Promise<void> {
  await executeBound(
    em,
    `insert into import_batch (id, kind, actor_id, idempotency_key, request_hash, response, records, region_code, created_at)
     values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)`,
    [row.id, row.kind, row.actorId, row.key, row.hash, JSON.stringify(row.response), row.records, row.regionCode, row.at],
  );
}

