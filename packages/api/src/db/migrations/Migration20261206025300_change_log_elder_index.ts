import { Migration } from '@mikro-orm/migrations';

/**
 * The archives changed since a rollup refresh (the drill lists' total, elders/elder.drill.ts `drillTotalFromRollup`)
 * are found in the change log by `entity = 'ELDER'` past the refresh's `seq`, or in a transaction its snapshot did not
 * see (by `xid`). Through the plain `seq` and `xid` indexes that walked every change since the refresh, partners'
 * record syncs included: after a day of 5,000-record batches (685,000 agency-record changes at 100k elders) a drill
 * list took 250 ms for a single village. Partial indexes on the archives' changes alone make it a few rows: 773 ms
 * -> 7.5 ms for that statement.
 */
export class Migration20261206025300_change_log_elder_index extends Migration {
  override async up(): Promise<void> {
    // On the partitioned parent: one index per monthly partition, and on every partition created later.
    this.addSql(`create index change_log_elder_seq_idx on change_log (seq) where entity = 'ELDER';`);
    this.addSql(`create index change_log_elder_xid_idx on change_log (xid) where entity = 'ELDER';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index change_log_elder_xid_idx;`);
    this.addSql(`drop index change_log_elder_seq_idx;`);
  }
}
