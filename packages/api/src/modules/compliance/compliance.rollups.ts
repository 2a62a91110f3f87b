import type { EntityManager } from '@mikro-orm/postgresql';
import { complianceSql } from '../standards/compliance.sql.js';
import { inSubtree, inSubtreeRange } from '../../shared/jurisdiction.js';
import { executeBound } from '../../shared/bound-sql.js';

/**
 * Region-wide figures of today kept with the compliance snapshot (tables in Migration20261206021000_snapshot_rollups):
 * a row per elder as the snapshot judged it, the workload per visitor and the overdue elders per village summed from
 * those rows. Writers (the snapshot refresh) rewrite an elder's row and the sums it is part of in one transaction, so a
 * sum always equals its rows. Readers take the elders marked dirty since the snapshot out of the sums (their stored
 * rows) and put them back as they are now (computed live): exact, and a city costs its visitors or villages, not its
 * million elders.
 */

/** An elder's per-elder verdict, as the workload and the overdue list read it (`?` = the day, for "due this week"). */
function perElderSql(source: string): string {
  return `select elder_id, min(cls) as cls, bool_or(overdue) as overdue,
                 max(days_overdue) filter (where overdue) as max_days,
                 bool_or(not met and due_by <= date_trunc('week', ?::date)::date + 6) as due
            from ${source} group by elder_id`;
}

/**
 * Writes the per-elder rows of the elders matching `scope` (a condition on alias `e`, with `params`) from their
 * snapshot rows, which the caller has just written in the same transaction. The caller deletes the old rows first.
 */
export async function writeElderRows(tx: EntityManager, asOf: string, scope: string, params: unknown[]): Promise<void> {
  await tx.execute(
    `insert into compliance_snapshot_elder (elder_id, region_code, active, cls, overdue, max_days, due, visitor_ids)
     select e.id, e.region_code, e.status = 'ACTIVE', pe.cls, coalesce(pe.overdue, false), pe.max_days, coalesce(pe.due, false),
            array(select a.visitor_id from assignment a where a.elder_id = e.id and a.ends_at is null)
       from elder e
       left join lateral (${perElderSql('compliance_snapshot s where s.elder_id = e.id')}) pe on true
      where ${scope}`,
    [asOf, ...params],
    'run',
  );
}

const WORKLOAD_SUMS = `count(*) filter (where s.active) as elders, count(*) filter (where s.cls = 'A') as class_a,
  count(*) filter (where s.cls = 'B') as class_b, count(*) filter (where s.cls = 'C') as class_c,
  count(*) filter (where s.due) as due, count(*) filter (where s.overdue) as overdue`;

/** Every sum from the per-elder rows (after a full refresh), in the caller's transaction. */
export async function rebuildRollups(tx: EntityManager): Promise<void> {
  await tx.execute(`delete from workload_rollup`, [], 'run');
  await tx.execute(
    `insert into workload_rollup (visitor_id, elders, class_a, class_b, class_c, due, overdue)
     select v.visitor_id, ${WORKLOAD_SUMS} from compliance_snapshot_elder s cross join unnest(s.visitor_ids) as v(visitor_id) group by v.visitor_id`,
    [],
    'run',
  );
  await tx.execute(`delete from overdue_rollup`, [], 'run');
  await tx.execute(
    `insert into overdue_rollup (region_code, elders) select region_code, count(*) from compliance_snapshot_elder where overdue group by region_code`,
    [],
    'run',
  );
}

/**
 * Rewrites the per-elder rows of `ids` (a uuid array literal) and every sum they were or are now part of, in the
 * caller's transaction (the incremental refresh, after it rewrote the same elders' snapshot rows).
 */
export async function rewriteElders(tx: EntityManager, asOf: string, ids: string): Promise<void> {
  const keysOf = async () =>
    (await tx.execute<{ visitors: string[] | string; regions: string[] | string }[]>(
      `select coalesce(array(select distinct v from compliance_snapshot_elder s cross join unnest(s.visitor_ids) v where s.elder_id = any(?::uuid[])), '{}')::text[] as visitors,
              coalesce(array(select distinct s.region_code from compliance_snapshot_elder s where s.elder_id = any(?::uuid[])), '{}')::text[] as regions`,
      [ids, ids],
    ))[0]!;
  const list = (v: string[] | string) => (typeof v === 'string' ? v.replace(/[{}]/g, '').split(',').filter(Boolean) : v);
  const before = await keysOf();
  await tx.execute(`delete from compliance_snapshot_elder where elder_id = any(?::uuid[])`, [ids], 'run');
  await writeElderRows(tx, asOf, 'e.id = any(?::uuid[])', [ids]);
  const after = await keysOf();
  const visitors = `{${[...new Set([...list(before.visitors), ...list(after.visitors)])].join(',')}}`;
  const regions = `{${[...new Set([...list(before.regions), ...list(after.regions)])].join(',')}}`;
  await tx.execute(`delete from workload_rollup where visitor_id = any(?::uuid[])`, [visitors], 'run');
  await tx.execute(
    `insert into workload_rollup (visitor_id, elders, class_a, class_b, class_c, due, overdue)
     select v.visitor_id, ${WORKLOAD_SUMS} from compliance_snapshot_elder s cross join unnest(s.visitor_ids) as v(visitor_id)
      where s.visitor_ids && ?::uuid[] and v.visitor_id = any(?::uuid[]) group by v.visitor_id`,
    [visitors, visitors],
    'run',
  );
  await tx.execute(`delete from overdue_rollup where region_code = any(?::text[])`, [regions], 'run');
  await tx.execute(
    `insert into overdue_rollup (region_code, elders)
     select region_code, count(*) from compliance_snapshot_elder where region_code = any(?::text[]) and overdue group by region_code`,
    [regions],
    'run',
  );
}

/**
 * The live per-elder verdicts of the dirty elders (CTE `live_elder`, columns as compliance_snapshot_elder's), whatever
 * their region: a dirty elder may have moved. Parameters: [asOf, dirty, asOf, dirty].
 */
function liveElderSql(): string {
  return `${complianceSql('e.id = any(?::uuid[])', { name: 'compliance_live' })},
  live_elder as materialized (
    select e.id as elder_id, e.region_code, e.status = 'ACTIVE' as active, pe.cls, coalesce(pe.overdue, false) as overdue,
           pe.max_days, coalesce(pe.due, false) as due
      from elder e left join (${perElderSql('compliance_live')}) pe on pe.elder_id = e.id
     where e.id = any(?::uuid[])
  )`;
}

export interface WorkloadRow {
  visitor_id: string;
  visitor_name: string;
  elders: string;
  a: string;
  b: string;
  c: string;
  due: string;
  overdue: string;
  /** The region's visitors in all (every row carries it: a page's total). */
  total: string;
}

/** A page of rows (limit and offset); none: every row. */
export interface RowPage {
  limit: number;
  offset: number;
}

/**
 * Workloads of the active visitors of a region subtree from the rollup, corrected by the dirty elders (stored rows
 * out, live rows in). One statement; the same answer as summing every assigned elder's compliance.
 */
export async function workloadFromRollup(em: EntityManager, asOf: string, region: string, dirty: string, page?: RowPage): Promise<WorkloadRow[]> {
  return em.execute<WorkloadRow[]>(
    `${liveElderSql()},
     delta as (
       select x.visitor_id, sum(x.sign * x.active::int) as elders, sum(x.sign * (x.cls = 'A')::int) as a,
              sum(x.sign * (x.cls = 'B')::int) as b, sum(x.sign * (x.cls = 'C')::int) as c,
              sum(x.sign * x.due::int) as due, sum(x.sign * x.overdue::int) as overdue
         from (
           select 1 as sign, a.visitor_id, le.active, le.cls, le.due, le.overdue
             from live_elder le join assignment a on a.elder_id = le.elder_id and a.ends_at is null
           union all
           select -1, v.visitor_id, s.active, s.cls, s.due, s.overdue
             from compliance_snapshot_elder s cross join unnest(s.visitor_ids) as v(visitor_id)
            where s.elder_id = any(?::uuid[])
         ) x
        group by x.visitor_id
     )
     select v.id as visitor_id, v.name as visitor_name,
            coalesce(r.elders, 0) + coalesce(d.elders, 0) as elders,
            coalesce(r.class_a, 0) + coalesce(d.a, 0) as a, coalesce(r.class_b, 0) + coalesce(d.b, 0) as b,
            coalesce(r.class_c, 0) + coalesce(d.c, 0) as c, coalesce(r.due, 0) + coalesce(d.due, 0) as due,
            coalesce(r.overdue, 0) + coalesce(d.overdue, 0) as overdue, count(*) over () as total
       from visitor v
       left join workload_rollup r on r.visitor_id = v.id
       left join delta d on d.visitor_id = v.id
      where ${inSubtree('v.region_code')} and v.active
      order by coalesce(r.overdue, 0) + coalesce(d.overdue, 0) desc, v.name, v.id${page ? ' limit ? offset ?' : ''}`,
    [asOf, dirty, asOf, dirty, dirty, region, ...(page ? [page.limit, page.offset] : [])],
  );
}

/**
 * A page of today's overdue elders of a region subtree in the list's order (most overdue first, class, id) and their
 * number, in one statement. The page: the per-elder rows from their partial index, the dirty elders' stored rows left
 * out and the dirty elders added as they are now. The number: the per-village rollup, minus the dirty elders' stored
 * verdicts, plus their live ones. Ids only (the caller reads the page's requirements).
 */
export async function overdueFromRollup(em: EntityManager, asOf: string, region: string, dirty: string, limit: number, offset: number, prepare = false): Promise<{ ids: string[]; total: number }> {
  // Bound, not formatted into the text, and prepared when asked: parsing and planning the live part's rules took
  // about 6 ms of every overdue page, against 0.5 ms to run it. On its generic plan: prepared, PostgreSQL still chose
  // a custom plan at every bind (6.3 ms of planning a page under load at 100k); the generic one runs in 0.7 ms.
  const [row] = await executeBound<{ ids: string[] | string; n: string }>(em,
    `${liveElderSql()},
     candidate as (
       -- By range, not starts_with: on the generic plan only a range bounds the index on (region, order), so a town's
       -- page reads the town's overdue elders, not the city's (3.2 ms against 0.5 at 1M, migration 025700).
       select s.elder_id, s.max_days, s.cls from compliance_snapshot_elder s
        where s.overdue and ${inSubtreeRange('s.region_code')} and not (s.elder_id = any(?::uuid[]))
       union all
       select le.elder_id, le.max_days, le.cls from live_elder le where le.overdue and ${inSubtree('le.region_code')}
     )
     select array(select elder_id from candidate order by max_days desc, cls, elder_id limit ? offset ?)::text[] as ids,
            (select coalesce(sum(r.elders), 0) from overdue_rollup r where ${inSubtree('r.region_code')})
          - (select count(*) from compliance_snapshot_elder s where s.elder_id = any(?::uuid[]) and s.overdue and ${inSubtree('s.region_code')})
          + (select count(*) from live_elder le where le.overdue and ${inSubtree('le.region_code')}) as n`,
    [asOf, dirty, asOf, dirty, region, region, dirty, region, limit, offset, region, dirty, region, region],
    { prepare, generic: true },
  );
  const ids = typeof row!.ids === 'string' ? row!.ids.replace(/[{}]/g, '').split(',').filter(Boolean) : row!.ids;
  return { ids, total: Number(row!.n) };
}

/**
 * Today's overdue elders of a region subtree as a condition on an elder alias (`e`), for the elder list's own page and
 * count statements: a semi-join on the per-elder rows (primary key by elder id), the dirty elders' stored rows left
 * out and the dirty elders that are overdue now put back by id. Only those few ids (the elders changed since the
 * snapshot) travel, never the region's overdue elders. With them, in the same one statement, the number of overdue
 * elders of the subtree: the per-village rollup, minus the dirty elders' stored verdicts, plus their live ones (as
 * overdueFromRollup counts them).
 */
export async function overdueConditionFromRollup(em: EntityManager, asOf: string, region: string, dirty: string, prepare = false): Promise<{
  sql: (e: string) => string;
  params: unknown[];
  total: number;
}> {
  const [row] = await executeBound<{ live: string[] | string; n: string }>(em,
    `${liveElderSql()}
     select coalesce(array(select le.elder_id from live_elder le where le.overdue and ${inSubtree('le.region_code')}), '{}')::text[] as live,
            (select coalesce(sum(r.elders), 0) from overdue_rollup r where ${inSubtree('r.region_code')})
          - (select count(*) from compliance_snapshot_elder s where s.elder_id = any(?::uuid[]) and s.overdue and ${inSubtree('s.region_code')})
          + (select count(*) from live_elder le where le.overdue and ${inSubtree('le.region_code')}) as n`,
    [asOf, dirty, asOf, dirty, region, region, dirty, region, region],
    { prepare },
  );
  const live = typeof row!.live === 'string' ? row!.live : `{${row!.live.join(',')}}`;
  // Said without the empty parts (no elder changed since the snapshot is the usual case): an `exists` alone is a
  // semi-join the planner may drive from either side; under `or` it would only be probed row by row.
  const noDirty = dirty === '{}';
  const noLive = live === '{}';
  const stored = (e: string) =>
    `exists (select 1 from compliance_snapshot_elder s where s.elder_id = ${e}.id and s.overdue and ${inSubtree('s.region_code')})`
    + (noDirty ? '' : ` and not (${e}.id = any(?::uuid[]))`);
  return {
    sql: noLive ? stored : (e) => `((${stored(e)}) or ${e}.id = any(?::uuid[]))`,
    params: [region, ...(noDirty ? [] : [dirty]), ...(noLive ? [] : [live])],
    total: Number(row!.n),
  };
}
