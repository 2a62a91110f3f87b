import { Migration } from '@mikro-orm/migrations';

/**
 * The change log and the compliance dirty marks, written once per statement from its transition table instead of
 * once per row: a 5,000-record sync batch or a bulk assignment then costs one insert into each log, not 5,000
 * trigger calls (set-based, like the writes themselves). What is logged is unchanged. Transition tables allow one
 * event per trigger, hence separate insert, update and delete triggers.
 */
const CHANGE_LOGGED = ['elder', 'visit', 'alert', 'agency_record'];
const DIRTY_MARKED = ['visit', 'care_service', 'elder_refusal', 'class_override'];

export class Migration20261124000003_statement_triggers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function change_log_write_rows() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'elder' then
          insert into change_log (entity, entity_id, elder_id, region_code, op)
          select 'ELDER', r.id, r.id, r.region_code, lower(tg_op) from new_rows r;
        elsif tg_table_name = 'visit' then
          insert into change_log (entity, entity_id, elder_id, region_code, op)
          select 'VISIT', r.id, r.elder_id, r.region_code, lower(tg_op) from new_rows r;
        elsif tg_table_name = 'alert' then
          insert into change_log (entity, entity_id, elder_id, region_code, referred_to, op)
          select 'ALERT', r.id, r.elder_id, r.region_code, r.referred_to, lower(tg_op) from new_rows r;
        elsif tg_table_name = 'class_history' then
          insert into change_log (entity, entity_id, elder_id, region_code, op)
          select 'CLASS', r.elder_id, r.elder_id, e.region_code, 'update' from new_rows r join elder e on e.id = r.elder_id;
        elsif tg_table_name = 'agency_record' then
          insert into change_log (entity, entity_id, elder_id, region_code, agency_id, op)
          select 'AGENCY_RECORD', r.id, r.elder_id, r.region_code, r.agency_id, lower(tg_op) from new_rows r;
        end if;
        return null;
      end
      $$;`);
    for (const table of CHANGE_LOGGED) {
      this.addSql(`drop trigger ${table}_change_log on ${table};`);
      for (const op of ['insert', 'update']) {
        this.addSql(`create trigger ${table}_change_log_${op} after ${op} on ${table} referencing new table as new_rows
                     for each statement execute function change_log_write_rows();`);
      }
    }
    this.addSql(`drop trigger class_history_change_log on class_history;`);
    this.addSql(`create trigger class_history_change_log_insert after insert on class_history referencing new table as new_rows
                 for each statement execute function change_log_write_rows();`);
    this.addSql(`drop function change_log_write();`);

    this.addSql(`
      create function compliance_mark_dirty_rows() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'elder' then
          insert into compliance_dirty (elder_id) select r.id from new_rows r;
        elsif tg_op = 'INSERT' then
          insert into compliance_dirty (elder_id) select distinct r.elder_id from new_rows r;
        elsif tg_op = 'UPDATE' then
          insert into compliance_dirty (elder_id)
          select r.elder_id from new_rows r union select o.elder_id from old_rows o;
        else
          insert into compliance_dirty (elder_id) select distinct o.elder_id from old_rows o;
        end if;
        return null;
      end
      $$;`);
    this.addSql(`drop trigger elder_compliance_dirty on elder;`);
    for (const op of ['insert', 'update']) {
      this.addSql(`create trigger elder_compliance_dirty_${op} after ${op} on elder referencing new table as new_rows
                   for each statement execute function compliance_mark_dirty_rows();`);
    }
    for (const table of DIRTY_MARKED) {
      this.addSql(`drop trigger ${table}_compliance_dirty on ${table};`);
      this.addSql(`create trigger ${table}_compliance_dirty_insert after insert on ${table} referencing new table as new_rows
                   for each statement execute function compliance_mark_dirty_rows();`);
      this.addSql(`create trigger ${table}_compliance_dirty_update after update on ${table} referencing old table as old_rows new table as new_rows
                   for each statement execute function compliance_mark_dirty_rows();`);
      this.addSql(`create trigger ${table}_compliance_dirty_delete after delete on ${table} referencing old table as old_rows
                   for each statement execute function compliance_mark_dirty_rows();`);
    }
    this.addSql(`drop function compliance_mark_dirty();`);
  }

  override async down(): Promise<void> {
    throw new Error('Not reversible: restore from a backup taken before this migration.');
  }
}
