import { Migration } from '@mikro-orm/migrations';

/**
 * Console reads that stop after their page (issue 17). The audit log's "by user" filter (actor_username) had no index:
 * a page of a rare user's events walked the city's whole log backwards by id (1.4 s at 100k elders, 980,000 rows) and
 * its count read every row. With (actor_username, id desc) the page is a range scan that stops after the page, and the
 * capped count (AuditQueryService.countUpTo) reads at most cap + 1 entries of it.
 * On the partitioned parent: one index per monthly partition, and on every partition created later.
 */
export class Migration20261206025100_console_counts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index audit_event_actor_username_idx on audit_event (actor_username, id desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index audit_event_actor_username_idx;`);
  }
}
