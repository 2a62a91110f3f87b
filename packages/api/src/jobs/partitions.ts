import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { AuditAction } from '../modules/audit/audit.service.js';

/**
 * Upkeep of the partitioned history tables (issue 18.3; the partitions themselves: migration 20261206016000).
 *
 * `audit_event`, `change_log` and `visit` have one partition per China month and a DEFAULT partition. A month's
 * partition must exist before its first row arrives, or that row lands in the default (still stored, but the default
 * grows and a later partition for that month has to move the rows out under a brief exclusive lock). So every start
 * and a daily job create the partitions of the current month and the next `PARTITION_MONTHS_AHEAD` months; the SQL
 * function only creates what is missing, so any number of runs, on any number of instances, make each partition once.
 */
export const PARTITION_MONTHS_AHEAD = 3;

/** The tables kept in monthly partitions, with the column that picks the month. */
export const HISTORY_TABLES = [
  { table: 'audit_event', key: 'at' },
  { table: 'change_log', key: 'at' },
  { table: 'visit', key: 'visited_at' },
] as const;

/** Anything that runs a parameterised statement: a pg client or pool, or graphile-worker's helpers.query. */
export type Query = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/** Creates the missing monthly partitions from the month of `now` (China time) to `monthsAhead` months after it. */
export async function ensureHistoryPartitions(query: Query, now: Date, monthsAhead = PARTITION_MONTHS_AHEAD): Promise<number> {
  const { rows } = await query(
    `select ensure_month_partitions((($1::timestamptz) at time zone 'Asia/Shanghai')::date, $2::int) as made`,
    [now.toISOString(), monthsAhead + 1],
  );
  return Number((rows[0] as { made: number }).made);
}

export interface ArchivedMonth {
  partition: string;
  /** The month, YYYY-MM (China time). */
  month: string;
  rows: number;
  file: string;
  bytes: number;
  sha256: string;
}

/** Runs of retention never overlap (two instances, or a run slower than the schedule): the second one skips. */
const RETENTION_LOCK = '20261206, 16000';

/**
 * Audit retention (TANFANG_AUDIT_RETENTION_MONTHS = N): each monthly partition of `audit_event` whose month ended
 * before the last N months (China time; the current month and N before it are kept, future months are never touched)
 * is detached, written to `<dir>/audit_event_pYYYYMM.csv.gz` (COPY ... TO STDOUT as CSV with a header, gzipped),
 * the file fsynced and renamed into place (and the folder fsynced), and only then dropped, in the same transaction as
 * the AUDIT_ARCHIVE audit row that names the file, its row count, size and sha256.
 *
 * A run cut off half-way leaves either an attached partition (nothing happened) or a detached one with or without a
 * complete file: the next run finds detached month tables too, and exports again before dropping, so no row is
 * dropped without a file that holds it. Rows of old months in the DEFAULT partition (none unless a partition was
 * missing) are left alone.
 */
export async function archiveOldAuditPartitions(
  client: pg.ClientBase,
  options: { months: number; dir: string; now: Date },
): Promise<ArchivedMonth[]> {
  if (!Number.isInteger(options.months) || options.months < 1) throw new Error('audit retention needs at least 1 month');
  const { rows: locked } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${RETENTION_LOCK}) as ok`);
  if (!locked[0]?.ok) return [];
  try {
    // Month tables (attached or left detached by an interrupted run) of months before the cutoff month.
    const { rows: candidates } = await client.query<{ name: string; attached: boolean; month: string }>(
      `select c.relname as name, c.relispartition as attached, substr(c.relname, 14, 4) || '-' || substr(c.relname, 18, 2) as month
         from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname ~ '^audit_event_p[0-9]{6}$'
          and to_date(substr(c.relname, 14, 6), 'YYYYMM')
              < (date_trunc('month', ($1::timestamptz) at time zone 'Asia/Shanghai') - make_interval(months => $2::int))::date
        order by c.relname`,
      [options.now.toISOString(), options.months],
    );
    fs.mkdirSync(options.dir, { recursive: true });
    const archived: ArchivedMonth[] = [];
    for (const part of candidates) {
      if (part.attached) await client.query(`alter table audit_event detach partition ${quoteIdent(part.name)}`);
      const written = await exportTable(client, part.name, options.dir);
      await client.query('begin');
      try {
        await client.query(`drop table ${quoteIdent(part.name)}`);
        await client.query(
          `insert into audit_event (action, detail) values ($1, $2::jsonb)`,
          [AuditAction.AuditArchive, JSON.stringify({ partition: part.name, month: part.month, rows: written.rows, file: written.file, bytes: written.bytes, sha256: written.sha256, retentionMonths: options.months })],
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
      archived.push({ partition: part.name, month: part.month, ...written });
    }
    return archived;
  } finally {
    await client.query(`select pg_advisory_unlock(${RETENTION_LOCK})`);
  }
}

/** COPY of one table to `<dir>/<table>.csv.gz`, durable before this returns (file and folder fsynced). */
async function exportTable(client: pg.ClientBase, table: string, dir: string): Promise<Omit<ArchivedMonth, 'partition' | 'month'>> {
  const file = path.join(dir, `${table}.csv.gz`);
  const partial = `${file}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  const copy = client.query(copyTo(`copy (select * from ${quoteIdent(table)} order by id) to stdout with (format csv, header)`));
  await pipeline(
    copy,
    createGzip(),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
    fs.createWriteStream(partial),
  );
  // Written and closed; now on disk (fsync of any descriptor of the file flushes its data) before the rename.
  const handle = await fs.promises.open(partial, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(partial, file);
  // The rename itself must survive a crash before the drop: fsync the folder that holds the new name.
  const folder = await fs.promises.open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
  return { rows: copy.rowCount, file, bytes, sha256: hash.digest('hex') };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
