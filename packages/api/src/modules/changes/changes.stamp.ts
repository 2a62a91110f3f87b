import type { EntityManager } from '@mikro-orm/postgresql';
import { viewKindsSql } from '../agencies/agency-views.js';

/**
 * The commit-order sequencer of the change log (issue 12).
 *
 * A change-log row takes its `seq` when it is written, long before its transaction commits; a feed on `seq` can
 * therefore pass a row that appears later below the cursor. Here every row gets its `pos` only once it is
 * committed: the stamp runs in its own short transaction, takes an advisory lock held until its commit (stampers
 * run one at a time), and numbers every committed row without a `pos` above the highest `pos` so far, in `seq`
 * order. A reader that sees pos N committed has therefore seen every pos below N, and rows that commit later get
 * higher positions: a cursor on `pos` never passes a row that can still appear, and every row gets one `pos`, so it
 * is served once.
 *
 * The stamp also records whom the entry concerned, as of the stamp: the elder's region and the partner kinds whose
 * duty view held the elder (`viewKindsSql`), so that the feed can tell a partner when an elder leaves its view.
 *
 * One statement (a DO block in autocommit: each statement inside takes a fresh snapshot, so the update sees every
 * stamp committed before the lock was granted). A probe on the partial index of unstamped rows skips the lock when
 * there is nothing to do, so idle polling does not queue on it.
 */
export const STAMP_LOCK = '20261204, 100';
/**
 * At most this many rows per stamp (about 2.5 s here), so that a backlog (a bulk load nobody has read yet) never
 * holds the lock or a transaction for long: it is numbered over successive calls, oldest first. Any subset of the
 * committed rows may be stamped without breaking the order argument above.
 */
export const STAMP_CHUNK = 50_000;

/** The stamp, numbering at most `chunk` rows (tests pass a small one). */
export function stampSql(chunk: number = STAMP_CHUNK): string {
  return `do $stamp$
declare
  top bigint;
begin
  if not exists (select 1 from change_log where pos is null) then
    return;
  end if;
  perform pg_advisory_xact_lock(${STAMP_LOCK});
  select coalesce(max(pos), 0) into top from change_log;
  update change_log c
     set pos = top + s.n, view_region = s.region_code, views = s.views
    from (select u.seq, row_number() over (order by u.seq) as n, e.region_code,
                 case when e.id is not null then ${viewKindsSql()} end as views
            from change_log u
            left join elder e on e.id = u.elder_id
           where u.pos is null
           order by u.seq
           limit ${Math.max(1, Math.trunc(chunk))}) s
   where c.seq = s.seq;
end
$stamp$`;
}

const STAMP_SQL = stampSql();

/**
 * Stamps the committed, unstamped change-log rows (up to STAMP_CHUNK, oldest first). Must not run inside a
 * transaction that wrote change-log rows (they are not committed yet): call it on an EntityManager outside one.
 */
export async function stampChanges(em: EntityManager): Promise<void> {
  await em.execute(STAMP_SQL, [], 'run');
}
