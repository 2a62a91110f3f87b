import { Migration } from '@mikro-orm/migrations';

/**
 * The housing agency's view (AGENCY_VIEWS.HOUSING: a flagged archive, a visit that found the housing unsafe, or an
 * alert about housing) is decided per elder by two EXISTS probes. Without an index that holds only the flagged rows,
 * PostgreSQL either probes every visit of every elder of the subtree or hashes every visit ever recorded (measured on
 * the demo's 2,000 elders: 16 ms of a 17 ms page were the sequential scan of 14,300 visits for none flagged; the visit
 * table grows by one row per elder per month). Partial indexes on the few flagged rows make both plans small; the
 * predicates are the view's own, so the planner can prove them. The change feed's view kinds (viewKindsSql) use the
 * same conditions.
 */
export class Migration20261206023000_agency_view_indexes extends Migration {
  override async up(): Promise<void> {
    // On the partitioned parent: one index per monthly partition, and on every partition created later.
    this.addSql(`create index visit_housing_unsafe_idx on visit (elder_id) where housing_unsafe;`);
    this.addSql(`create index alert_housing_idx on alert (elder_id) where (rule_code like 'HOUSING%' or referred_to = 'HOUSING');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index alert_housing_idx;`);
    this.addSql(`drop index visit_housing_unsafe_idx;`);
  }
}
