import type { EntityManager } from '@mikro-orm/postgresql';
import { chinaDate } from '../../graphql/context.js';
import { COMPLIANCE_SNAPSHOT_COLUMNS, complianceSql } from '../standards/compliance.sql.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { pgArray } from '../../shared/sql.js';
import { rebuildRollups, rewriteElders, writeElderRows } from './compliance.rollups.js';

/**
 * The day's compliance snapshot (table compliance_snapshot, see its migration): refreshed in the background, read by
 * overdue lists, worklists and workloads judged on today. Reads stay exact: elders marked dirty since the snapshot
 * are recomputed live in the same statement and the snapshot's rows for them are ignored.
 */

/** The tables a full refresh rewrites, analyzed after it. */
export const SNAPSHOT_TABLES = ['compliance_snapshot', 'compliance_snapshot_elder', 'workload_rollup', 'overdue_rollup'] as const;

/** A condition on alias `e` (elder) for live rows and the same condition on alias `s` (snapshot), with parameters. */
export interface ComplianceScope {
  live: string;
  snapshot: string;
  params: unknown[];
}

/** A region subtree as a compliance scope. */
export function subtree(region: string): ComplianceScope {
  return { live: inSubtree('e.region_code'), snapshot: inSubtree('s.region_code'), params: [region] };
}

export interface ComplianceSource {
  /** A `with ...` prefix whose last CTE is `compliance` (columns of complianceSql). */
  sql: string;
  params: unknown[];
  fromSnapshot: boolean;
}

/**
 * The elders marked dirty since today's snapshot (a `{...}` uuid array literal), or null when no valid snapshot of
 * `asOf` exists (readers then compute live). One statement. Readers of the snapshot and of its rollups take these
 * elders out of what was stored and put them back as they are now, which keeps every answer exact.
 */
export async function snapshotDirty(em: EntityManager, asOf: string): Promise<string | null> {
  const [state] = await em.execute<{ dirty: string[] | string }[]>(
    `select coalesce(array(select distinct d.elder_id from compliance_dirty d
                             where d.seq > s.last_seq or not pg_visible_in_snapshot(d.xid, s.seen)), '{}')::text[] as dirty
       from compliance_snapshot_state s where s.as_of = ? and s.valid`,
    [asOf],
  );
  if (!state) return null;
  return typeof state.dirty === 'string' ? state.dirty : `{${state.dirty.join(',')}}`;
}

/**
 * The compliance CTE for `scope` on `asOf`: from the snapshot plus the dirty elders when a valid snapshot of that day
 * exists, else computed live. One extra statement (the snapshot's state and the dirty elders). `rows` (a condition on
 * the columns, e.g. `overdue`) keeps only the rows the caller reads: the snapshot then answers from its partial
 * index instead of a whole region's rows (callers still filter: the live path returns every row).
 */
export async function complianceSource(em: EntityManager, asOf: string, scope: ComplianceScope, rows?: string): Promise<ComplianceSource> {
  return sourceOf(asOf, scope, await snapshotDirty(em, asOf), rows);
}

/** complianceSource with the snapshot's dirty elders already read (snapshotDirty): no statement of its own. */
export function sourceOf(asOf: string, scope: ComplianceScope, dirty: string | null, rows?: string): ComplianceSource {
  if (dirty === null) return { sql: complianceSql(scope.live), params: [asOf, ...scope.params], fromSnapshot: false };
  return {
    sql: `${complianceSql(`(${scope.live}) and e.id = any(?::uuid[])`, { name: 'compliance_live' })},
compliance as (
  select ${COMPLIANCE_SNAPSHOT_COLUMNS} from compliance_live${rows ? ` where ${rows}` : ''}
  union all
  select ${COMPLIANCE_SNAPSHOT_COLUMNS} from compliance_snapshot s
   where (${scope.snapshot}) and not (s.elder_id = any(?::uuid[]))${rows ? ` and (${rows})` : ''}
)`,
    params: [asOf, ...scope.params, dirty, ...scope.params, dirty],
    fromSnapshot: true,
  };
}

export interface SnapshotRefresh {
  asOf: string;
  full: boolean;
  villages: number;
  elders: number;
  /** False when standards changed during the refresh: readers stay live until the next one. */
  valid: boolean;
  ms: number;
}

/**
 * What a refresh covers, read in one snapshot: every dirty mark visible now (up to seq). Marks of transactions not
 * committed in this snapshot (seen) may carry a lower seq: the next refresh and every reader take them too.
 */
async function dirtyHorizon(em: EntityManager): Promise<{ seq: string; seen: string }> {
  const [row] = await em.execute<{ seq: string; seen: string }[]>(
    `select coalesce((select max(seq) from compliance_dirty), 0) as seq, pg_current_snapshot()::text as seen`,
  );
  return { seq: String(row!.seq), seen: row!.seen };
}

/**
 * Brings the snapshot to today: every village on a new day or after standards changed (one short transaction per
 * town, so requests never wait long behind it), otherwise only the dirty elders. Until a full refresh finishes, readers
 * compute live (the state still names the previous day or is invalid). Idempotent; two refreshers only repeat work.
 * `signal` (a stopping worker's) ends a full refresh between towns: the state stays invalid, the next run starts over.
 */
export async function refreshComplianceSnapshot(root: EntityManager, now: Date, signal?: AbortSignal): Promise<SnapshotRefresh> {
  const started = Date.now();
  const asOf = chinaDate(now);
  const em = root.fork();
  type State = { as_of: string; last_seq: string; seen: string | null; valid: boolean; generation: number };
  const readState = async () =>
    (await em.execute<State[]>(`select to_char(as_of, 'YYYY-MM-DD') as as_of, last_seq, seen::text as seen, valid, generation from compliance_snapshot_state`))[0];
  let state = await readState();
  if (!state) {
    await em.execute(`insert into compliance_snapshot_state (id, as_of, last_seq, valid, refreshed_at) values (1, ?, 0, false, ?) on conflict (id) do nothing`, [asOf, now], 'run');
    state = await readState();
  }
  const full = state!.as_of !== asOf || !state!.valid;
  const generation = state!.generation;
  // Taken before reading anything: what changes while we work stays dirty for readers and the next refresh.
  const horizon = await dirtyHorizon(em);
  const insert = (scope: string) =>
    `${complianceSql(scope)} insert into compliance_snapshot select ${COMPLIANCE_SNAPSHOT_COLUMNS} from compliance`;
  let villages = 0;
  let elders = 0;
  if (full) {
    // Readers must not use a half-built snapshot: mark it invalid first (a new day already fails their as_of check).
    await em.execute(`update compliance_snapshot_state set valid = false where generation = ?`, [generation], 'run');
    const codes = (await em.execute<{ code: string }[]>(`select distinct region_code as code from elder`)).map((r) => r.code);
    // Town by town: the villages of a town in one short transaction of four statements. Village by village the
    // statements' fixed cost (planning the compliance rule, round trips) was most of a full refresh: 88 s at 100k
    // elders, about 15 minutes at 1M, all of it a window in which readers compute live.
    const towns = new Map<string, string[]>();
    for (const code of codes) {
      const town = code.length === 12 ? code.slice(0, 9) : code;
      towns.set(town, [...(towns.get(town) ?? []), code]);
    }
    for (const villagesOfTown of towns.values()) {
      signal?.throwIfAborted();
      const array = pgArray(villagesOfTown);
      await em.transactional(async (tx) => {
        await tx.execute(`delete from compliance_snapshot where region_code = any(?::text[]) or elder_id in (select id from elder where region_code = any(?::text[]))`, [array, array], 'run');
        await tx.execute(insert('e.region_code = any(?::text[])'), [asOf, array], 'run');
        // The villages' per-elder rows (workloads, overdue counts) from the rows just written, in the same transaction.
        await tx.execute(`delete from compliance_snapshot_elder where region_code = any(?::text[]) or elder_id in (select id from elder where region_code = any(?::text[]))`, [array, array], 'run');
        await writeElderRows(tx, asOf, 'e.region_code = any(?::text[])', [array]);
      });
    }
    await em.execute(`delete from compliance_snapshot s where not exists (select 1 from elder e where e.id = s.elder_id and e.region_code = s.region_code)`, [], 'run');
    await em.transactional(async (tx) => {
      await tx.execute(`delete from compliance_snapshot_elder s where not exists (select 1 from elder e where e.id = s.elder_id and e.region_code = s.region_code)`, [], 'run');
      // The sums from the rows, before the state says valid: readers never see sums of another set of rows.
      await rebuildRollups(tx);
    });
    villages = codes.length;
  } else {
    const ids = (await em.execute<{ elder_id: string }[]>(
      `select distinct elder_id from compliance_dirty
        where (seq > ? and seq <= ?) or (?::pg_snapshot is not null and not pg_visible_in_snapshot(xid, ?::pg_snapshot))`,
      [state!.last_seq, horizon.seq, state!.seen, state!.seen],
    )).map((r) => r.elder_id);
    elders = ids.length;
    if (ids.length) {
      const array = `{${ids.join(',')}}`;
      await em.transactional(async (tx) => {
        await tx.execute(`delete from compliance_snapshot where elder_id = any(?::uuid[])`, [array], 'run');
        await tx.execute(insert('e.id = any(?::uuid[])'), [asOf, array], 'run');
        await rewriteElders(tx, asOf, array);
      });
    }
  }
  // Valid only if no standard, campaign or region changed while we worked (else the next refresh starts over).
  const marked = await em.execute(
    `update compliance_snapshot_state set as_of = ?, last_seq = ?, seen = ?::pg_snapshot, valid = true, refreshed_at = ? where generation = ?`,
    [asOf, horizon.seq, horizon.seen, now, generation],
    'run',
  );
  const valid = Number((marked as { affectedRows?: number }).affectedRows ?? 0) > 0;
  // Every row was rewritten: the planner's statistics describe yesterday's rows, or none at all on a new database
  // (the first plans then assume a handful of rows: on a city just generated, the drill lists took 120 ms instead of
  // 15 at 100k until autovacuum came round). ANALYZE reads a sample of each table (30,000 rows), once a day.
  if (full) await em.execute(`analyze ${SNAPSHOT_TABLES.join(', ')}`, [], 'run');
  // What every reader has moved past is no longer needed (marks of still-running transactions are kept).
  await em.execute(`delete from compliance_dirty where seq <= ? and pg_visible_in_snapshot(xid, ?::pg_snapshot)`, [horizon.seq, horizon.seen], 'run');
  return { asOf, full, villages, elders, valid, ms: Date.now() - started };
}
