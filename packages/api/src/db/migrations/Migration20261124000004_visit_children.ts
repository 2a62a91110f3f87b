import { Migration } from '@mikro-orm/migrations';

/** A visit's care services are read with the visit (a correlated subquery per visit): by visit, from an index. */
export class Migration20261124000004_visit_children extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index care_service_visit_idx on care_service (visit_id, recorded_at) where visit_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index care_service_visit_idx;`);
  }
}
