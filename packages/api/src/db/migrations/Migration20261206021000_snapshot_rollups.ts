import { Migration } from '@mikro-orm/migrations';

/**
 * Figures over a whole region read from rollups kept with today's compliance snapshot (issue 17 item 1): the
 * assignments screen's workloads summed every assigned elder of a city per request (2.5 s at a million elders) and
 * the dashboard's overdue count counted the city's overdue snapshot rows.
 *
 * - `compliance_snapshot_elder`: one row per elder as the snapshot judged it (class, overdue, due this week, the
 *   visitors of its open assignments when the row was written), written in the same transaction as the elder's
 *   snapshot rows.
 * - `workload_rollup` (per visitor) and `overdue_rollup` (overdue elders per village): sums of those rows, rewritten
 *   in the same transaction as the rows they sum, so a rollup always equals the sum of its rows.
 * Readers stay exact the way snapshot readers already are: the elders marked dirty since the snapshot are taken out
 * (their stored row subtracted) and put back as they are now (computed live). An assignment change now marks its
 * elder dirty too, since a workload depends on it.
 */
export class Migration20261206021000_snapshot_rollups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table compliance_snapshot_elder (
        elder_id uuid primary key,
        region_code varchar(12) collate "C" not null,
        active boolean not null,
        cls char(1) null,
        overdue boolean not null,
        -- Days overdue of the most overdue requirement (null when not overdue): the overdue list's order.
        max_days integer null,
        due boolean not null,
        -- One entry per open assignment (a visitor holds an elder once), as the workload counts them.
        visitor_ids uuid[] not null
      );`);
    this.addSql(`create index compliance_snapshot_elder_region_idx on compliance_snapshot_elder (region_code);`);
    this.addSql(`create index compliance_snapshot_elder_visitors_idx on compliance_snapshot_elder using gin (visitor_ids);`);
    // The overdue list of a large region in its order (most overdue first, class, id) straight from an index.
    this.addSql(`create index compliance_snapshot_elder_overdue_idx on compliance_snapshot_elder (max_days desc, cls, elder_id) include (region_code) where overdue;`);
    this.addSql(`
      create table workload_rollup (
        visitor_id uuid primary key,
        elders integer not null,
        class_a integer not null,
        class_b integer not null,
        class_c integer not null,
        due integer not null,
        overdue integer not null
      );`);
    this.addSql(`
      create table overdue_rollup (
        region_code varchar(12) collate "C" primary key,
        elders integer not null
      );`);
    // A workload depends on who holds whom: an assignment change marks its elder dirty (one insert per statement).
    this.addSql(`create trigger assignment_compliance_dirty_insert after insert on assignment referencing new table as new_rows
                 for each statement execute function compliance_mark_dirty_rows();`);
    this.addSql(`create trigger assignment_compliance_dirty_update after update on assignment referencing old table as old_rows new table as new_rows
                 for each statement execute function compliance_mark_dirty_rows();`);
    this.addSql(`create trigger assignment_compliance_dirty_delete after delete on assignment referencing old table as old_rows
                 for each statement execute function compliance_mark_dirty_rows();`);
    // Readers must not use rollups that were never built: the next refresh is a full one.
    this.addSql(`update compliance_snapshot_state set valid = false;`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'update', 'delete']) this.addSql(`drop trigger assignment_compliance_dirty_${op} on assignment;`);
    this.addSql(`drop table overdue_rollup; drop table workload_rollup; drop table compliance_snapshot_elder;`);
  }
}
