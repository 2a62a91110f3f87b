import { Migration } from '@mikro-orm/migrations';
import { viewKindsSql } from '../../modules/agencies/agency-views.js';

/**
 * The change feed in commit order (issue 12). A row's `seq` is taken when it is written, so a transaction that
 * commits late can hold seqs below those of rows already served: a cursor on `seq` steps over them for good (the
 * old `xid < xmin` guard did not help when the older transaction committed first). Now each row also gets `pos`,
 * stamped only once its transaction has committed, by stampers that take an advisory lock held until their own
 * commit (`ChangeStamper`): a reader that sees pos N committed has seen every pos below N, so a cursor on `pos`
 * never passes a row that can still appear.
 *
 * With the stamp, the entry records whom it concerned: `view_region` (the elder's region) and `views` (the partner
 * kinds whose duty view held the elder), both as of the stamp. Comparing an elder's entry with its previous one tells
 * a partner when the elder left (or came into) its view.
 *
 * Existing rows keep their order (pos = seq) so that cursors already handed out stay valid; their view columns are
 * filled from the archives as they are now.
 */
export class Migration20261204000100_change_feed_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table change_log add column pos bigint null, add column view_region varchar(12) collate "C" null, add column views text[] null;`);
    this.addSql(`
      update change_log c
         set pos = c.seq,
             (view_region, views) = (select e.region_code, ${viewKindsSql()} from elder e where e.id = c.elder_id);`);
    this.addSql(`create unique index change_log_pos_idx on change_log (pos);`);
    // Rows waiting for their stamp: the stamper and its "anything to do?" probe read only these.
    this.addSql(`create index change_log_unstamped_idx on change_log (seq) where pos is null;`);
    // Civil affairs read their subtree in pos order; a partner looks up an elder's previous entry.
    this.addSql(`create index change_log_region_pos_idx on change_log (region_code, pos);`);
    this.addSql(`create index change_log_elder_pos_idx on change_log (elder_id, pos) where elder_id is not null;`);
    this.addSql(`drop index change_log_region_idx;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index change_log_region_idx on change_log (region_code, seq);`);
    this.addSql(`drop index change_log_elder_pos_idx;`);
    this.addSql(`drop index change_log_region_pos_idx;`);
    this.addSql(`drop index change_log_unstamped_idx;`);
    this.addSql(`drop index change_log_pos_idx;`);
    this.addSql(`alter table change_log drop column views, drop column view_region, drop column pos;`);
  }
}
