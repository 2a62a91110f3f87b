import { Migration } from '@mikro-orm/migrations';

/**
 * The partner-data screen (`agencyRecords`) of a city sorted all 450,000 records of its jurisdiction by arrival and
 * counted them with `count(*) over ()` per page (1.2 s at a million elders, issue 17 item 1). Now:
 * - the page follows an index in the screen's order (newest first, then id) and stops after a page;
 * - the total is a sum of counts kept per agency, village and kind (`agency_record_count`), written by statement
 *   triggers in the transaction that adds, moves or removes records: exact at every commit. Counter rows are
 *   updated in key order, so two sync batches never deadlock on them.
 */
const ADDED = `select r.agency_id, coalesce(r.region_code, '') as region_code, r.kind, 1 as d from new_rows r`;
const REMOVED = `select o.agency_id, coalesce(o.region_code, '') as region_code, o.kind, -1 as d from old_rows o`;
const DELTAS: Record<'insert' | 'update' | 'delete', string> = { insert: ADDED, update: `${ADDED} union all ${REMOVED}`, delete: REMOVED };

export class Migration20261206021200_agency_record_counts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index agency_record_received_idx on agency_record (received_at desc, id);`);
    this.addSql(`create index agency_record_agency_received_idx on agency_record (agency_id, received_at desc, id);`);
    this.addSql(`
      create table agency_record_count (
        agency_id uuid not null,
        -- '' for records not (yet) placed in a region, as the screen's jurisdiction condition reads them.
        region_code varchar(12) collate "C" not null,
        kind varchar(30) not null,
        n bigint not null,
        primary key (agency_id, region_code, kind)
      );`);
    this.addSql(`create index agency_record_count_region_idx on agency_record_count (region_code);`);
    // One function per event: a transition table exists only for the events that have it.
    for (const [op, rows] of Object.entries(DELTAS)) {
      this.addSql(`
        create function agency_record_count_${op}() returns trigger language plpgsql as $$
        begin
          insert into agency_record_count (agency_id, region_code, kind, n)
          select x.agency_id, x.region_code, x.kind, sum(x.d) from (${rows}) x
          group by x.agency_id, x.region_code, x.kind
          having sum(x.d) <> 0
          order by x.agency_id, x.region_code, x.kind
          on conflict (agency_id, region_code, kind) do update set n = agency_record_count.n + excluded.n;
          return null;
        end
        $$;`);
      const tables = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      this.addSql(`create trigger agency_record_count_${op} after ${op} on agency_record referencing ${tables}
                   for each statement execute function agency_record_count_${op}();`);
    }
    this.addSql(`
      insert into agency_record_count (agency_id, region_code, kind, n)
      select agency_id, coalesce(region_code, ''), kind, count(*) from agency_record group by 1, 2, 3;`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger agency_record_count_${op} on agency_record;`);
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop function agency_record_count_${op}();`);
    this.addSql(`drop table agency_record_count;`);
    this.addSql(`drop index agency_record_agency_received_idx; drop index agency_record_received_idx;`);
  }
}
