import { Migration } from '@mikro-orm/migrations';

/**
 * Refreshers remember the snapshot they read in (`seen`): a transaction it did not see as committed may commit a
 * change-log or dirty row with a lower seq than rows already read, so the next refresh also takes the rows of every
 * such transaction, whatever their seq. Before, a "max seq of finished transactions" horizon could step over one.
 */
export class Migration20261124000007_refresh_pending extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index change_log_xid_idx on change_log (xid);`);
    this.addSql(`alter table report_rollup_state add column seen pg_snapshot null;`);
    this.addSql(`alter table compliance_snapshot_state add column seen pg_snapshot null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table compliance_snapshot_state drop column seen;`);
    this.addSql(`alter table report_rollup_state drop column seen;`);
    this.addSql(`drop index change_log_xid_idx;`);
  }
}
