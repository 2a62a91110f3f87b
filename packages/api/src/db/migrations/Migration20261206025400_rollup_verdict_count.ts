import { Migration } from '@mikro-orm/migrations';

/**
 * A drill list's total (visited / not visited / overdue in a rolled period) counted the subtree's per-elder verdicts:
 * 200,000 rows for a city at a million elders, 150–160 ms hashed beside the changed archives. Counts of verdicts per
 * period, village and verdict (`report_rollup_verdict_count`), written by statement triggers in the transaction that
 * writes the verdicts (a town's refresh, a village's, a moved elder re-keyed by the upsert), make it a sum of a few
 * thousand rows, exact at every commit as elder_region_count is. Counter rows are updated in key order.
 */
const ADDED = `select r.period, r.region_code, r.ok, r.late, 1 as d from new_rows r`;
const REMOVED = `select o.period, o.region_code, o.ok, o.late, -1 as d from old_rows o`;
const DELTAS: Record<'insert' | 'update' | 'delete', string> = { insert: ADDED, update: `${ADDED} union all ${REMOVED}`, delete: REMOVED };

export class Migration20261206025400_rollup_verdict_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table report_rollup_verdict_count (
        period varchar(10) not null,
        region_code varchar(12) collate "C" not null,
        ok boolean not null,
        late boolean not null,
        n bigint not null,
        primary key (period, region_code, ok, late)
      );`);
    // One function per event: a transition table exists only for the events that have it.
    for (const [op, rows] of Object.entries(DELTAS)) {
      this.addSql(`
        create function report_rollup_verdict_count_${op}() returns trigger language plpgsql as $$
        begin
          insert into report_rollup_verdict_count (period, region_code, ok, late, n)
          select x.period, x.region_code, x.ok, x.late, sum(x.d) from (${rows}) x
          group by x.period, x.region_code, x.ok, x.late
          having sum(x.d) <> 0
          order by x.period, x.region_code, x.ok, x.late
          on conflict (period, region_code, ok, late) do update set n = report_rollup_verdict_count.n + excluded.n;
          return null;
        end
        $$;`);
      const tables = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(`create trigger report_rollup_verdict_count_${op} after ${op} on report_rollup_elder referencing ${tables}
                   for each statement execute function report_rollup_verdict_count_${op}();`);
    }
    this.addSql(`insert into report_rollup_verdict_count (period, region_code, ok, late, n)
                 select period, region_code, ok, late, count(*) from report_rollup_elder group by 1, 2, 3, 4;`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger report_rollup_verdict_count_${op} on report_rollup_elder;`);
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop function report_rollup_verdict_count_${op}();`);
    this.addSql(`drop table report_rollup_verdict_count;`);
  }
}
