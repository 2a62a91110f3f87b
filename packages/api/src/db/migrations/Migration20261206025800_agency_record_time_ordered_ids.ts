import { Migration } from '@mikro-orm/migrations';

/**
 * Agency records get time-ordered ids (UUID version 7: a millisecond clock, then random bits) instead of random ones.
 * A 5,000-record sync batch put 5,000 keys at random places of the primary key, whose pages at a few million records
 * no longer fit the cache and were each written to the WAL whole after a checkpoint: 130 of the insert's 560 ms at
 * 1.3M records (bench/RESULTS.md). Time-ordered keys land on the index's last pages. The ids stay opaque UUIDs; the
 * time they carry is the record's `receivedAt`, which its readers already see.
 *
 * PostgreSQL 18 has `uuidv7()`; for 15 to 17 the same layout is built from a random UUID (version bits 0111).
 */
/** UUID version 7 without `uuidv7()` (PostgreSQL 15 to 17): a random UUID with its first 48 bits set to the clock's milliseconds and its version nibble to 0111. */
export const UUID_V7_SQL = `select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
         placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6),
       52, 1), 53, 1), 'hex')::uuid`;

export class Migration20261206025800_agency_record_time_ordered_ids extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$
      begin
        if current_setting('server_version_num')::int >= 180000 then
          create function uuid_v7() returns uuid language sql volatile parallel safe as 'select uuidv7()';
        else
          create function uuid_v7() returns uuid language sql volatile parallel safe as $f$ ${UUID_V7_SQL} $f$;
        end if;
      end
      $$;`);
    this.addSql(`alter table agency_record alter column id set default uuid_v7();`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table agency_record alter column id set default gen_random_uuid();`);
    this.addSql(`drop function uuid_v7();`);
  }
}
