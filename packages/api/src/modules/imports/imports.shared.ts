import { registerEnumType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';
import { badInput } from '../../graphql/errors.js';

/** What happened to one imported record (archives and visits alike). */
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
    CREATED: '新建：档案或探访记录已写入（试导入时为“将写入”）',
    UPDATED: '已更新（仅档案，updateExisting）：本辖区档案采用了不同的字段',
    EXISTS: '已存在：未写入任何内容',
    REJECTED: '被拒绝：见 errors，其余记录不受影响',
  }),
});

/** Records one import call takes: the same bound as agency sync batches. */
export const MAX_IMPORT_RECORDS = 5000;

/** The batch-level checks every import makes before looking at a record: a usable key and 1 to 5,000 records. */
export function checkImportBatch(batch: { idempotencyKey: string; records: unknown[] }): string {
  const key = batch.idempotencyKey.trim();
  if (!key || key.length > 100) throw badInput('批次编号（idempotencyKey）应为1至100个字符', 'idempotencyKey must be 1 to 100 characters', 'idempotencyKey');
  if (batch.records.length === 0) throw badInput('批次中没有记录', 'The batch has no records', 'records');
  if (batch.records.length > MAX_IMPORT_RECORDS) {
    throw badInput(
      `一次最多导入 ${MAX_IMPORT_RECORDS} 条记录（本批 ${batch.records.length} 条），请拆分后分批导入`,
      `At most ${MAX_IMPORT_RECORDS} records a batch (this one has ${batch.records.length}): split it`,
      'records',
    );
  }
  return key;
}
