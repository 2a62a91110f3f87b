import { Migration } from '@mikro-orm/migrations';

/**
 * The elder list's total of a whole city counted a million index entries per page (267 ms at a million elders,
 * issue 17 item 1). Counts of archives per village and status (`elder_region_count`), written by statement triggers in
 * the transaction that registers, moves or closes archives, make the total of a list filtered by region (and status)
 * a sum of at most a few thousand rows: exact at every commit. Counter rows are updated in key order (no deadlock
 * between two imports).
 */
const ADDED = `select r.region_code, r.status, 1 as d from new_rows r`;
const REMOVED = `select o.region_code, o.status, -1 as d from old_rows o`;
const DELTAS: Record<'insert' | 'update' | 'delete', string> = { insert: ADDED, update: `${ADDED} union all ${REMOVED}`, delete: REMOVED };

export class Migration20261206021300_elder_region_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table elder_region_count (
        region_code varchar(12) collate "C" not null,
        status varchar(20) not null,
        n bigint not null,
        primary key (region_code, status)
      );`);
    // One function per event: a transition table exists only for the events that have it.
    for (const [op, rows] of Object.entries(DELTAS)) {
      this.addSql(`
        create function elder_region_count_${op}() returns trigger language plpgsql as $$
        begin
          insert into elder_region_count (region_code, status, n)
          select x.region_code, x.status, sum(x.d) from (${rows}) x
          group by x.region_code, x.status
          having sum(x.d) <> 0
          order by x.region_code, x.status
          on conflict (region_code, status) do update set n = elder_region_count.n + excluded.n;
          return null;
        end
        $$;`);
      const tables = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(`create trigger elder_region_count_${op} after ${op} on elder referencing ${tables}
                   for each statement execute function elder_region_count_${op}();`);
    }
    this.addSql(`insert into elder_region_count (region_code, status, n) select region_code, status, count(*) from elder group by 1, 2;`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger elder_region_count_${op} on elder;`);
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop function elder_region_count_${op}();`);
    this.addSql(`drop table elder_region_count;`);
  }
}
