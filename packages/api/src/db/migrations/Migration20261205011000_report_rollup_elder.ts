import { Migration } from '@mikro-orm/migrations';

/**
 * The people behind the rolled-up visit-rate figures (issue 15, item 2): per running period, each elder's verdict
 * (`ok`: counted in the rate's numerator; `late`: overdue) as the village rollup that counted them computed it, written
 * by the same refresh. A city's "not visited this month" list then reads rows instead of recomputing the compliance
 * of every elder of the city (6.5 s at 100k elders), and has the length of the figure it was opened from. Derived
 * and disposable like `report_rollup`: dropping every row only makes the next refresh rebuild them.
 */
export class Migration20261205011000_report_rollup_elder extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table report_rollup_elder (
        period varchar(10) not null,
        elder_id uuid not null,
        region_code varchar(12) collate "C" not null,
        ok boolean not null,
        late boolean not null,
        primary key (period, elder_id)
      );`);
    // A subtree's rows of a period: starts_with on a "C" column uses this index as a range.
    this.addSql('create index report_rollup_elder_region_idx on report_rollup_elder (period, region_code);');
    // Rollups already there have no per-elder rows: forgetting their state makes the next refresh a full one (as on a
    // new day), and until it has run the reports and their lists compute live, as before rollups existed.
    this.addSql('delete from report_rollup_state;');
  }

  override async down(): Promise<void> {
    this.addSql('drop table report_rollup_elder;');
  }
}
