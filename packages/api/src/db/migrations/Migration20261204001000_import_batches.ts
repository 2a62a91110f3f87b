import { Migration } from '@mikro-orm/migrations';

/**
 * The answers of imports (issue 13: the registry and visit ledgers an office already keeps), stored under
 * (caller, kind, idempotency key) with a hash of the request, in the transaction that wrote the batch. A retry of the
 * same batch (the console lost the answer, a script ran twice) gets the stored answer and writes nothing; the same key
 * with other records is a CONFLICT. Like sync_batch, but keyed by the user rather than the agency: any civil-affairs
 * user with the right scope imports, and one user's keys are not another's. Dry runs store nothing.
 */
export class Migration20261204001000_import_batches extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table import_batch (
        id uuid primary key default gen_random_uuid(),
        kind varchar(20) not null check (kind in ('ELDERS', 'VISITS')),
        actor_id uuid not null,
        idempotency_key varchar(100) not null,
        request_hash varchar(64) not null,
        response jsonb not null,
        records integer not null,
        region_code varchar(12) collate "C" not null,
        created_at timestamptz not null,
        unique (actor_id, kind, idempotency_key)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table import_batch;`);
  }
}
