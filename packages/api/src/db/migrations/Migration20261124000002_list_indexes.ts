import { Migration } from '@mikro-orm/migrations';

/**
 * Elder lists of a county or a town, in name order, read the first page from an index instead of sorting the whole
 * subtree (143,000 rows for a county of a million-elder city). The village level already has (region_code, name, id).
 */
export class Migration20261124000002_list_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index elder_county_name_idx on elder (county_code, name, id);`);
    this.addSql(`create index elder_town_name_idx on elder ((left(region_code, 9)), name, id);`);
    // The last visits of a page of elders, newest first, straight from the index.
    this.addSql(`create index visit_elder_at_idx on visit (elder_id, visited_at desc, id desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index visit_elder_at_idx; drop index elder_town_name_idx; drop index elder_county_name_idx;`);
  }
}
