import { Migration } from '@mikro-orm/migrations';

/**
 * Since `025700` every overdue page reads today's overdue elders through the index by region and the list's order
 * (`compliance_snapshot_elder_region_overdue_idx`), the city's as much as a village's. The index by the list's order
 * alone served no statement after it (no scan in the benchmark databases' statistics since, over every scenario and
 * the console's own operations at 100k and 1M) and was written by each snapshot refresh: 16 MB at 1M elders.
 */
export class Migration20261206026000_snapshot_overdue_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index compliance_snapshot_elder_overdue_idx;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index compliance_snapshot_elder_overdue_idx on compliance_snapshot_elder (max_days desc, cls, elder_id) include (region_code) where overdue;`);
  }
}
