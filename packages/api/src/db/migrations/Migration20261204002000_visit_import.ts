import { Migration } from '@mikro-orm/migrations';

/**
 * Historical visit ledgers (importVisits).
 * - `visit.visitor_name_as_written`: a ledger names its visitor by name; when no visitor of the elder's village or town
 *   matches, the visit is still kept and the name stays as the ledger wrote it (shown wherever the visitor is shown).
 * Answers to real imports are kept in `import_batch` (kind VISITS), like the elder import's.
 */
export class Migration20261204002000_visit_import extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table visit add column visitor_name_as_written varchar(50) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table visit drop column visitor_name_as_written;`);
  }
}
