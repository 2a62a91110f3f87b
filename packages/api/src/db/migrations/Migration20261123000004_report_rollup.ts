import { Migration } from '@mikro-orm/migrations';

/**
 * Report rollups: each village's figures of a running period, kept current by a background refresh that recomputes
 * only the villages whose data changed (from the change log), so a city report sums rows instead of recomputing a
 * city. Derived and disposable: dropping every row only makes the next refresh rebuild them.
 */
export class Migration20261123000004_report_rollup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table report_rollup (
        period varchar(10) not null,
        region_code varchar(12) collate "C" not null,
        as_of date not null,
        figures jsonb not null,
        refreshed_at timestamptz not null,
        primary key (period, region_code)
      );`);
    this.addSql(`
      create table report_rollup_state (
        period varchar(10) primary key,
        as_of date not null,
        last_seq bigint not null,
        refreshed_at timestamptz not null
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table report_rollup_state;');
    this.addSql('drop table report_rollup;');
  }
}
