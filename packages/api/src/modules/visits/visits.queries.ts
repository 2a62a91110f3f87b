/**
 * Reads of one elder's visits, through `visit_by_elder` (migration 022000): `visit` is partitioned by month and
 * PostgreSQL keeps its indexes per partition, so "this elder's visits" asked of `visit` itself probes every month of
 * history. These fragments find the elder's rows in the global index in one probe and fetch from `visit` only the
 * rows shown, by (id, visited_at), which prunes to the one partition of each.
 */

/**
 * The newest `limit` visits of the elder `elder` (an SQL expression), newest first (visited_at, then id, descending),
 * as rows of `visit` aliased `alias` with the columns `select` (over `alias`). Use as a FROM item or a LATERAL one.
 */
export function newestVisitsSql(elder: string, limit: string, alias = 'v', select = `${alias}.*`): string {
  return `(select ${select} from (select k.id, k.visited_at from visit_by_elder k where k.elder_id = ${elder}
            order by k.visited_at desc, k.id desc limit ${limit}) k
          join lateral (select * from visit x where x.id = k.id and x.visited_at = k.visited_at) ${alias} on true
          order by k.visited_at desc, k.id desc)`;
}

/**
 * newestVisitsSql when only the index's own columns are read (elder_id, visited_at, id, visited_on, method): `visit`
 * is not joined, so its partitions are neither planned nor probed.
 */
export function newestVisitKeysSql(elder: string, limit: string): string {
  return `(select k.elder_id, k.visited_at, k.id, k.visited_on, k.method from visit_by_elder k where k.elder_id = ${elder}
            order by k.visited_at desc, k.id desc limit ${limit})`;
}

/** How many visits the elder `elder` has (an index-only count). */
export const visitCountSql = (elder: string): string => `(select count(*) from visit_by_elder vc where vc.elder_id = ${elder})`;

/** Whether the elder `elder` has any visit. */
export const hasVisitSql = (elder: string): string => `exists (select 1 from visit_by_elder vh where vh.elder_id = ${elder})`;

/** The date of the elder's latest visit (`after` a date expression, if given), or null. */
export function lastVisitOnSql(elder: string, after?: string): string {
  return `(select max(vl.visited_on) from visit_by_elder vl where vl.elder_id = ${elder}${after ? ` and vl.visited_on > ${after}` : ''})`;
}

/**
 * The elder's visits with a date in [from, to] (date expressions), as rows (visited_on, method) of the global index:
 * bounded by time too (visited_on is the China date of visited_at: constraint visit_on_is_china_date), so the index
 * range is the window's and nothing before or after it is read.
 */
export function visitDatesSql(elder: string, from: string, to: string): string {
  return `(select vd.visited_on, vd.method from visit_by_elder vd
           where vd.elder_id = ${elder}
             and vd.visited_at >= (${from})::timestamp at time zone 'Asia/Shanghai'
             and vd.visited_at < ((${to}) + 1)::timestamp at time zone 'Asia/Shanghai'
             and vd.visited_on between ${from} and ${to})`;
}

/** The time of the elder's latest visit, or null: `visit.visited_at = ` this reads the latest from one partition. */
export const lastVisitAtSql = (elder: string): string => `(select max(va.visited_at) from visit_by_elder va where va.elder_id = ${elder})`;

/**
 * The period's days (parameters: first, last day) as times of `v.visited_at`, beside `v.visited_on between`: the same
 * visits (a check keeps visited_on the China date of visited_at), but visit is partitioned by visited_at, so only the
 * period's partitions are read. Without it the visits figures of a town probed all 18 monthly partitions: 45% of a
 * full rollup refresh at 100k elders (issue 17); a village's print of 500 visit forms planned over all of them (33 ms).
 */
export const VISITED_IN_PERIOD = `v.visited_at >= (?::date)::timestamp at time zone 'Asia/Shanghai' and v.visited_at < (?::date + 1)::timestamp at time zone 'Asia/Shanghai'`;
