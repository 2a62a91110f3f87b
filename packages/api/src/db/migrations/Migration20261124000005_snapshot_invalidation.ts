import { Migration } from '@mikro-orm/migrations';

/**
 * Standards, campaigns and regions set the compliance snapshot aside only when a row really changes: the statement
 * triggers also fired for the reference-data loads at every start (insert ... on conflict do nothing, no row), so
 * each restart forced a full refresh and minutes of live overdue lists in a large city.
 */
const TABLES = ['visit_standard', 'visit_requirement', 'campaign', 'region'];

export class Migration20261124000005_snapshot_invalidation extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(`drop trigger ${table}_compliance_invalidate on ${table};`);
      this.addSql(`create trigger ${table}_compliance_invalidate after insert or update or delete on ${table}
                   for each row execute function compliance_invalidate();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of TABLES) {
      this.addSql(`drop trigger ${table}_compliance_invalidate on ${table};`);
      this.addSql(`create trigger ${table}_compliance_invalidate after insert or update or delete on ${table}
                   for each statement execute function compliance_invalidate();`);
    }
  }
}
