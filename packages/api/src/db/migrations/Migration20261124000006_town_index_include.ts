import { Migration } from '@mikro-orm/migrations';

/**
 * The town list index carries region_code, so counting a town's elders is an index-only scan (an expression index
 * alone cannot answer it: PostgreSQL wants the column the expression reads).
 */
export class Migration20261124000006_town_index_include extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index elder_town_name_idx;`);
    this.addSql(`create index elder_town_name_idx on elder ((left(region_code, 9)), name, id) include (region_code);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index elder_town_name_idx;`);
    this.addSql(`create index elder_town_name_idx on elder ((left(region_code, 9)), name, id);`);
  }
}
