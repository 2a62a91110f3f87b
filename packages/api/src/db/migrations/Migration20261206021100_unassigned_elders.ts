import { Migration } from '@mikro-orm/migrations';

/**
 * The active elders without a responsible contact (未结对), kept as a set (issue 17 item 1): `unassignedElders`
 * anti-joined every active elder of the region against `assignment` per request, reading a whole city (1.2 s at a
 * million elders) to list the few left. The set is rewritten for the elders a statement touched, by statement
 * triggers on `elder` (insert, a status change) and `assignment` (any change), in the writing transaction: it is
 * exactly the anti-join at every commit. Writers that change an elder's contacts already lock the elder row first
 * (assign, reassign, close), so two transactions never rewrite one elder from different views.
 */
export class Migration20261206021100_unassigned_elders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table elder_unassigned (elder_id uuid primary key references elder (id));`);
    this.addSql(`
      create function elder_unassigned_sync(ids uuid[]) returns void language sql as $$
        delete from elder_unassigned where elder_id = any(ids);
        insert into elder_unassigned (elder_id)
        select e.id from elder e
         where e.id = any(ids) and e.status = 'ACTIVE'
           and not exists (select 1 from assignment a where a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null)
        on conflict do nothing;
      $$;`);
    this.addSql(`
      create function elder_unassigned_rows() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'elder' and tg_op = 'INSERT' then
          perform elder_unassigned_sync(array(select r.id from new_rows r));
        elsif tg_table_name = 'elder' then
          -- Only a status change moves an elder in or out (edits of other fields are the common case: skipped).
          perform elder_unassigned_sync(array(select r.id from new_rows r join old_rows o on o.id = r.id where r.status is distinct from o.status));
        elsif tg_op = 'INSERT' then
          perform elder_unassigned_sync(array(select distinct r.elder_id from new_rows r));
        elsif tg_op = 'UPDATE' then
          perform elder_unassigned_sync(array(select r.elder_id from new_rows r union select o.elder_id from old_rows o));
        else
          perform elder_unassigned_sync(array(select distinct o.elder_id from old_rows o));
        end if;
        return null;
      end
      $$;`);
    this.addSql(`create trigger elder_unassigned_insert after insert on elder referencing new table as new_rows
                 for each statement execute function elder_unassigned_rows();`);
    this.addSql(`create trigger elder_unassigned_update after update on elder referencing old table as old_rows new table as new_rows
                 for each statement execute function elder_unassigned_rows();`);
    this.addSql(`create trigger assignment_unassigned_insert after insert on assignment referencing new table as new_rows
                 for each statement execute function elder_unassigned_rows();`);
    this.addSql(`create trigger assignment_unassigned_update after update on assignment referencing old table as old_rows new table as new_rows
                 for each statement execute function elder_unassigned_rows();`);
    this.addSql(`create trigger assignment_unassigned_delete after delete on assignment referencing old table as old_rows
                 for each statement execute function elder_unassigned_rows();`);
    this.addSql(`
      insert into elder_unassigned (elder_id)
      select e.id from elder e
       where e.status = 'ACTIVE'
         and not exists (select 1 from assignment a where a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger elder_unassigned_insert on elder; drop trigger elder_unassigned_update on elder;`);
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger assignment_unassigned_${op} on assignment;`);
    this.addSql(`drop function elder_unassigned_rows(); drop function elder_unassigned_sync(uuid[]); drop table elder_unassigned;`);
  }
}
