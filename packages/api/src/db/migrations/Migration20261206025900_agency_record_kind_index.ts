import { Migration } from '@mikro-orm/migrations';

/**
 * `agency_record_kind_idx` (agency, kind, updated_at) serves no statement: an agency's records of a kind are found by
 * the unique index (agency, kind, externalId), and its screens read by arrival (`agency_record_agency_received_idx`).
 * It was written for each of the millions of records partners send.
 */
export class Migration20261206025900_agency_record_kind_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index agency_record_kind_idx;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index agency_record_kind_idx on agency_record (agency_id, kind, updated_at);`);
  }
}
