import { Migration } from '@mikro-orm/migrations';

/**
 * A global index of visits by elder. Since `visit` is partitioned by month (migration 016000), PostgreSQL keeps each
 * index per partition: "an elder's newest visits" and "an elder's visits in a window" became one probe per month of
 * history (17 at the bench's data, 60 after five years) instead of one. A 50-elder page with each elder's last five
 * visits went from 3 to 15-19 ms of PostgreSQL CPU, and the compliance windows (one lookup per elder and requirement)
 * slowed the live overdue and worklist reads alike (bench/RESULTS.md, 2026-12-05).
 *
 * `visit_by_elder` is the index PostgreSQL cannot keep on a partitioned table: one small unpartitioned row per visit,
 * (elder, time, id) with the visit's date and method carried for index-only scans. Readers find an elder's visits
 * here in one probe and fetch the few rows they show from `visit` by (id, visited_at), which prunes to one partition.
 * Statement triggers with transition tables keep it in the writing transaction, whatever the writer (the API, an
 * import, psql); visits are never moved between elders today, but an update of these columns is followed anyway.
 *
 * `visit_on_is_china_date` makes explicit what every writer already did (visited_on is the China date of visited_at),
 * so readers may bound a window of dates by time, which is what the index and the partitions are ordered by.
 */
export class Migration20261206022000_visit_by_elder extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table visit add constraint visit_on_is_china_date
                   check (visited_on = (visited_at at time zone 'Asia/Shanghai')::date);`);
    this.addSql(`
      create table visit_by_elder (
        elder_id uuid not null,
        visited_at timestamptz not null,
        id uuid not null,
        visited_on date not null,
        method varchar(8) not null,
        primary key (elder_id, visited_at, id) include (visited_on, method)
      );`);
    this.addSql(`insert into visit_by_elder (elder_id, visited_at, id, visited_on, method)
                 select elder_id, visited_at, id, visited_on, method from visit order by elder_id, visited_at, id;`);
    this.addSql(`
      create function visit_by_elder_insert() returns trigger language plpgsql as $$
      begin
        insert into visit_by_elder (elder_id, visited_at, id, visited_on, method)
        select n.elder_id, n.visited_at, n.id, n.visited_on, n.method from new_rows n;
        return null;
      end $$;`);
    this.addSql(`
      create function visit_by_elder_delete() returns trigger language plpgsql as $$
      begin
        delete from visit_by_elder k using old_rows o
         where k.elder_id = o.elder_id and k.visited_at = o.visited_at and k.id = o.id;
        return null;
      end $$;`);
    // Only rows whose indexed columns changed are rewritten: the seq renumbering of an import or a proof's distance
    // touch none of them.
    this.addSql(`
      create function visit_by_elder_update() returns trigger language plpgsql as $$
      begin
        delete from visit_by_elder k using old_rows o join new_rows n on n.id = o.id
         where (o.elder_id, o.visited_at, o.visited_on, o.method) is distinct from (n.elder_id, n.visited_at, n.visited_on, n.method)
           and k.elder_id = o.elder_id and k.visited_at = o.visited_at and k.id = o.id;
        insert into visit_by_elder (elder_id, visited_at, id, visited_on, method)
        select n.elder_id, n.visited_at, n.id, n.visited_on, n.method from new_rows n join old_rows o on o.id = n.id
         where (o.elder_id, o.visited_at, o.visited_on, o.method) is distinct from (n.elder_id, n.visited_at, n.visited_on, n.method);
        return null;
      end $$;`);
    this.addSql(`
      create function visit_by_elder_truncate() returns trigger language plpgsql as $$
      begin
        truncate visit_by_elder;
        return null;
      end $$;`);
    this.addSql(`create trigger visit_by_elder_insert after insert on visit referencing new table as new_rows
                 for each statement execute function visit_by_elder_insert();`);
    this.addSql(`create trigger visit_by_elder_delete after delete on visit referencing old table as old_rows
                 for each statement execute function visit_by_elder_delete();`);
    this.addSql(`create trigger visit_by_elder_update after update on visit referencing old table as old_rows new table as new_rows
                 for each statement execute function visit_by_elder_update();`);
    this.addSql(`create trigger visit_by_elder_truncate after truncate on visit for each statement execute function visit_by_elder_truncate();`);
    this.addSql(`analyze visit_by_elder;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger visit_by_elder_insert on visit; drop trigger visit_by_elder_delete on visit;
                 drop trigger visit_by_elder_update on visit; drop trigger visit_by_elder_truncate on visit;`);
    this.addSql(`drop function visit_by_elder_insert(); drop function visit_by_elder_delete();
                 drop function visit_by_elder_update(); drop function visit_by_elder_truncate();`);
    this.addSql(`drop table visit_by_elder;`);
    this.addSql(`alter table visit drop constraint visit_on_is_china_date;`);
  }
}
