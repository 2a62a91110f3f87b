import { Migration } from '@mikro-orm/migrations';

/**
 * The report's "visitors by kind" of a whole city counted every visitor row at each request: at a million elders a
 * city keeps 13,480 village visitors, most of the report's PostgreSQL time (bench/RESULTS.md, issue 17). Counts of
 * visitors per place, kind and active flag (`visitor_region_count`), written by statement triggers in the transaction
 * that adds a visitor or marks one as left, make today's figure a sum of a few thousand rows: exact at every commit.
 * A past day's figure (who had joined and not yet left on that day) is still counted from the visitors themselves.
 */
const ADDED = `select r.region_code, r.kind, r.active, 1 as d from new_rows r`;
const REMOVED = `select o.region_code, o.kind, o.active, -1 as d from old_rows o`;
const DELTAS: Record<'insert' | 'update' | 'delete', string> = { insert: ADDED, update: `${ADDED} union all ${REMOVED}`, delete: REMOVED };

export class Migration20261206025600_visitor_region_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table visitor_region_count (
        region_code varchar(12) collate "C" not null,
        kind varchar(24) not null,
        active boolean not null,
        n bigint not null,
        primary key (region_code, kind, active)
      );`);
    // One function per event: a transition table exists only for the events that have it. Counter rows are updated
    // in key order (no deadlock between two transactions adding visitors).
    for (const [op, rows] of Object.entries(DELTAS)) {
      this.addSql(`
        create function visitor_region_count_${op}() returns trigger language plpgsql as $$
        begin
          insert into visitor_region_count (region_code, kind, active, n)
          select x.region_code, x.kind, x.active, sum(x.d) from (${rows}) x
          group by x.region_code, x.kind, x.active
          having sum(x.d) <> 0
          order by x.region_code, x.kind, x.active
          on conflict (region_code, kind, active) do update set n = visitor_region_count.n + excluded.n;
          return null;
        end
        $$;`);
      const tables = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(`create trigger visitor_region_count_${op} after ${op} on visitor referencing ${tables}
                   for each statement execute function visitor_region_count_${op}();`);
    }
    this.addSql(`insert into visitor_region_count (region_code, kind, active, n) select region_code, kind, active, count(*) from visitor group by 1, 2, 3;`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger visitor_region_count_${op} on visitor;`);
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop function visitor_region_count_${op}();`);
    this.addSql(`drop table visitor_region_count;`);
  }
}
