import { Migration } from '@mikro-orm/migrations';

/**
 * The day's compliance, kept so that overdue lists and worklists read rows instead of recomputing every elder's
 * windows (minutes for a city of a million). Exactness does not depend on the snapshot being fresh: every write that
 * can change an elder's compliance marks the elder dirty (triggers, so no write path can forget), and readers
 * recompute dirty elders live and take the rest from the snapshot. A change to standards or campaigns invalidates
 * the whole snapshot (readers go live until the next full refresh); so does a new day.
 */
export class Migration20261124000001_compliance_snapshot extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table compliance_snapshot (
        elder_id uuid not null,
        region_code varchar(12) collate "C" not null,
        cls char(1) null,
        requirement_id uuid not null,
        source text not null,
        source_id uuid not null,
        source_name text not null,
        activity text not null,
        min_count integer not null,
        window_kind text not null,
        window_days integer null,
        home_only boolean not null,
        w_start date null,
        w_end date null,
        counted integer not null,
        met boolean not null,
        overdue boolean not null,
        days_overdue integer null,
        due_by date null,
        primary key (elder_id, requirement_id)
      );`);
    this.addSql(`create index compliance_snapshot_region_idx on compliance_snapshot (region_code, elder_id);`);
    this.addSql(`create index compliance_snapshot_overdue_idx on compliance_snapshot (region_code, days_overdue desc, cls, elder_id) where overdue;`);
    this.addSql(`
      create table compliance_snapshot_state (
        id smallint primary key default 1 check (id = 1),
        as_of date not null,
        last_seq bigint not null,
        valid boolean not null,
        -- Bumped by every change to standards, campaigns or regions: a refresh that began under another generation
        -- does not mark its result valid.
        generation integer not null default 0,
        refreshed_at timestamptz not null
      );`);
    // Elders whose compliance may have changed since the snapshot: read by queries, trimmed by the refresher.
    this.addSql(`
      create table compliance_dirty (
        seq bigint generated always as identity primary key,
        elder_id uuid not null,
        xid xid8 not null default pg_current_xact_id()
      );`);
    this.addSql(`
      create function compliance_mark_dirty() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'elder' then
          insert into compliance_dirty (elder_id) values (new.id);
        elsif tg_op = 'DELETE' then
          insert into compliance_dirty (elder_id) values (old.elder_id);
        else
          insert into compliance_dirty (elder_id) values (new.elder_id);
          if tg_op = 'UPDATE' and old.elder_id is distinct from new.elder_id then
            insert into compliance_dirty (elder_id) values (old.elder_id);
          end if;
        end if;
        return null;
      end
      $$;`);
    this.addSql(`create trigger elder_compliance_dirty after insert or update on elder for each row execute function compliance_mark_dirty();`);
    for (const table of ['visit', 'care_service', 'elder_refusal', 'class_override']) {
      this.addSql(`create trigger ${table}_compliance_dirty after insert or update or delete on ${table} for each row execute function compliance_mark_dirty();`);
    }
    this.addSql(`
      create function compliance_invalidate() returns trigger language plpgsql as $$
      begin
        update compliance_snapshot_state set valid = false, generation = generation + 1;
        return null;
      end
      $$;`);
    for (const table of ['visit_standard', 'visit_requirement', 'campaign', 'region']) {
      this.addSql(`create trigger ${table}_compliance_invalidate after insert or update or delete on ${table} for each statement execute function compliance_invalidate();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['visit_standard', 'visit_requirement', 'campaign', 'region']) this.addSql(`drop trigger ${table}_compliance_invalidate on ${table};`);
    for (const table of ['elder', 'visit', 'care_service', 'elder_refusal', 'class_override']) this.addSql(`drop trigger ${table}_compliance_dirty on ${table};`);
    this.addSql('drop function compliance_invalidate(); drop function compliance_mark_dirty();');
    this.addSql('drop table compliance_dirty; drop table compliance_snapshot_state; drop table compliance_snapshot;');
  }
}
