import { Migration } from '@mikro-orm/migrations';

/**
 * Closed reporting periods: the figures and the eligibility list (denominator, with who counted in the numerator)
 * frozen when a period is closed, in versions; a correction after the close is an amendment with who, why and the
 * figures before and after. Live data can change afterwards without rewriting a closed month.
 */
export class Migration20261123000003_reports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table report_close (
        id uuid primary key default gen_random_uuid(),
        region_code varchar(12) collate "C" not null references region (code),
        period varchar(10) not null,
        period_from date not null,
        period_to date not null,
        version integer not null default 1,
        closed_at timestamptz not null,
        closed_by uuid not null,
        unique (region_code, period)
      );`);
    this.addSql(`
      create table report_snapshot (
        close_id uuid not null references report_close (id),
        version integer not null,
        region_code varchar(12) collate "C" not null,
        figures jsonb not null,
        primary key (close_id, version, region_code)
      );`);
    this.addSql(`
      create table report_eligibility (
        close_id uuid not null references report_close (id),
        version integer not null,
        elder_id uuid not null,
        region_code varchar(12) collate "C" not null,
        counted boolean not null,
        primary key (close_id, version, elder_id)
      );`);
    this.addSql(`
      create table report_amendment (
        id uuid primary key default gen_random_uuid(),
        close_id uuid not null references report_close (id),
        version integer not null,
        reason varchar(1000) not null,
        amended_by uuid not null,
        amended_at timestamptz not null,
        before jsonb not null,
        after jsonb not null
      );`);
    this.addSql(`create index report_amendment_close_idx on report_amendment (close_id, version);`);
    // Frozen is frozen: snapshots, eligibility lists and amendments are never changed or deleted.
    this.addSql(`
      create function report_frozen() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % is refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
      end
      $$;`);
    for (const table of ['report_snapshot', 'report_eligibility', 'report_amendment']) {
      this.addSql(`create trigger ${table}_frozen before update or delete on ${table} for each row execute function report_frozen();`);
    }
  }

  override async down(): Promise<void> {
    throw new Error('Closed reporting periods are records of what was reported: they cannot be reverted.');
  }
}
