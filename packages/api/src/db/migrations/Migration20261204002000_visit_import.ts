import { Migration } from '@mikro-orm/migrations';

/**
 * Historical visit ledgers (importVisits).
 * - `visit.visitor_name_as_written`: a ledger names its visitor by name; when no visitor of the elder's village or town
 *   matches, the visit is still kept and the name stays as the ledger wrote it (shown wherever the visitor is shown).
 * - `visit_import_batch`: the answer to each real import under its idempotency key (per user), so a retried batch gets
 *   the same answer and changes nothing, and the same key with other records is refused.
 */
export class Migration20261204002000_visit_import extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table visit add column visitor_name_as_written varchar(50) null;`);
    this.addSql(`
      create table visit_import_batch (
        id uuid primary key,
        created_by uuid not null references app_user (id),
        idempotency_key varchar(100) not null,
        request_hash char(64) collate "C" not null,
        records integer not null,
        response jsonb not null,
        created_at timestamptz not null,
        unique (created_by, idempotency_key)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table visit_import_batch;`);
    this.addSql(`alter table visit drop column visitor_name_as_written;`);
  }
}
