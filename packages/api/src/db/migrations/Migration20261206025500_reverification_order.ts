import { Migration } from '@mikro-orm/migrations';

/**
 * The re-verification list (动态管理) of a city: its page was ordered and counted in one statement (`count(*) over ()`),
 * so every due archive of the region was read from the heap to show twenty: 240 / 345 ms p50 / p95 for 15,199 due of a
 * million. An index in the list's own order serves a page with the rows it shows; the total is counted apart, from
 * the (region, date) indexes, as the dashboard's figure already was (survey/reverification.service.ts).
 */
export class Migration20261206025500_reverification_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index elder_reverify_order_idx on elder
                 ((least(last_verified_on, coalesce(temporary_difficulty_until, last_verified_on))), id)
                 where status = 'ACTIVE';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index elder_reverify_order_idx;`);
  }
}
