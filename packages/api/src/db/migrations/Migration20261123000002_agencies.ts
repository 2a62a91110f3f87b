import { Migration } from '@mikro-orm/migrations';

/**
 * Partner agencies: organisations and their API clients, each agency's own records with provenance, sync batches
 * (idempotent), survey candidates, transfers between villages, data conflicts for civil affairs to settle, and the
 * change log that partner systems mirror from.
 */
export class Migration20261123000002_agencies extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table agency (
        id uuid primary key default gen_random_uuid(),
        kind varchar(16) not null check (kind in ('POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'CIVIL_AFFAIRS')),
        name varchar(100) not null,
        region_code varchar(12) collate "C" not null references region (code),
        created_at timestamptz not null,
        unique (kind, region_code)
      );`);
    this.addSql(`alter table app_user add column agency_id uuid null references agency (id);`);
    this.addSql(`
      create table api_client (
        id uuid primary key default gen_random_uuid(),
        agency_id uuid not null references agency (id),
        name varchar(100) not null,
        key_prefix varchar(16) not null,
        key_hash varchar(64) not null unique,
        created_by uuid null,
        created_at timestamptz not null,
        last_used_at timestamptz null,
        revoked_at timestamptz null,
        revoked_by uuid null
      );`);
    this.addSql(`create index api_client_agency_idx on api_client (agency_id);`);

    // One row per record an agency sent, keyed by the agency's own id. `payload` holds the kind's fields as sent
    // (validated); typed columns hold what queries filter on.
    this.addSql(`
      create table agency_record (
        id uuid primary key default gen_random_uuid(),
        agency_id uuid not null references agency (id),
        agency_kind varchar(16) not null,
        kind varchar(30) not null,
        external_id varchar(100) not null,
        id_number varchar(18) collate "C" not null,
        name varchar(50) null,
        region_code varchar(12) collate "C" null,
        elder_id uuid null references elder (id),
        county_code varchar(6) collate "C" not null,
        effective_on date not null,
        source_version integer not null,
        payload jsonb not null,
        payload_hash varchar(64) not null,
        batch_id uuid not null,
        received_at timestamptz not null,
        updated_at timestamptz not null,
        unique (agency_id, kind, external_id)
      );`);
    this.addSql(`create index agency_record_elder_idx on agency_record (elder_id, effective_on) where elder_id is not null;`);
    this.addSql(`create index agency_record_id_number_idx on agency_record (id_number) where elder_id is null;`);
    this.addSql(`create index agency_record_kind_idx on agency_record (agency_id, kind, updated_at);`);
    this.addSql(`
      create table sync_batch (
        id uuid primary key default gen_random_uuid(),
        agency_id uuid not null references agency (id),
        kind varchar(30) not null,
        idempotency_key varchar(100) not null,
        request_hash varchar(64) not null,
        response jsonb not null,
        records integer not null,
        created_by uuid null,
        created_at timestamptz not null,
        unique (agency_id, idempotency_key)
      );`);

    this.addSql(`
      create table candidate (
        id uuid primary key default gen_random_uuid(),
        id_number varchar(18) collate "C" not null,
        name varchar(50) null,
        region_code varchar(12) collate "C" not null,
        county_code varchar(6) collate "C" not null,
        reasons jsonb not null default '[]',
        status varchar(10) not null default 'PENDING' check (status in ('PENDING', 'ENROLLED', 'DISMISSED')),
        first_seen_at timestamptz not null,
        last_seen_at timestamptz not null,
        decided_by uuid null,
        decided_at timestamptz null,
        dismiss_reason varchar(500) null,
        elder_id uuid null references elder (id)
      );`);
    // One open candidate per person, however many agencies report them.
    this.addSql(`create unique index candidate_pending_unique on candidate (id_number) where status = 'PENDING';`);
    this.addSql(`create index candidate_region_idx on candidate (region_code, status, first_seen_at);`);

    this.addSql(`
      create table transfer (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        from_region_code varchar(12) collate "C" not null,
        to_region_code varchar(12) collate "C" not null references region (code),
        record_id uuid null references agency_record (id),
        moved_on date not null,
        status varchar(10) not null default 'PROPOSED' check (status in ('PROPOSED', 'ACCEPTED', 'REJECTED')),
        proposed_at timestamptz not null,
        decided_by uuid null,
        decided_at timestamptz null,
        note varchar(500) null
      );`);
    this.addSql(`create unique index transfer_open_unique on transfer (elder_id) where status = 'PROPOSED';`);
    this.addSql(`create index transfer_to_idx on transfer (to_region_code, status);`);

    this.addSql(`
      create table data_conflict (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        region_code varchar(12) collate "C" not null,
        kind varchar(30) not null,
        field varchar(40) null,
        archive_value text null,
        agency_value text null,
        record_ids uuid[] not null default '{}',
        detail varchar(1000) not null,
        status varchar(10) not null default 'OPEN' check (status in ('OPEN', 'SETTLED')),
        raised_at timestamptz not null,
        settled_by uuid null,
        settled_at timestamptz null,
        decision varchar(20) null,
        note varchar(1000) null
      );`);
    this.addSql(`create index data_conflict_region_idx on data_conflict (region_code, status, raised_at);`);
    this.addSql(`create unique index data_conflict_open_unique on data_conflict (elder_id, kind, coalesce(field, '')) where status = 'OPEN';`);

    // Archive columns agencies feed: where a value came from, so reasons can name it and conflicts can be told apart.
    this.addSql(`alter table elder add column incapacity_source varchar(200) null, add column disability_source varchar(200) null;`);

    // The change log partner systems mirror from: written by triggers, so no write path can forget it.
    this.addSql(`
      create table change_log (
        seq bigint generated always as identity primary key,
        at timestamptz not null default clock_timestamp(),
        entity varchar(16) not null,
        entity_id uuid not null,
        elder_id uuid null,
        region_code varchar(12) collate "C" null,
        agency_id uuid null,
        referred_to varchar(16) null,
        op varchar(8) not null,
        -- The writing transaction: a reader serves only rows of transactions older than every one still running, so
        -- a long transaction that commits a lower seq later is never skipped by a mirror that moved past it.
        xid xid8 not null default pg_current_xact_id()
      );`);
    this.addSql(`create index change_log_region_idx on change_log (region_code, seq);`);
    this.addSql(`
      create function change_log_write() returns trigger language plpgsql as $$
      declare
        r record;
      begin
        r := new;
        if tg_table_name = 'elder' then
          insert into change_log (entity, entity_id, elder_id, region_code, op)
          values ('ELDER', r.id, r.id, r.region_code, lower(tg_op));
        elsif tg_table_name = 'visit' then
          insert into change_log (entity, entity_id, elder_id, region_code, op)
          values ('VISIT', r.id, r.elder_id, r.region_code, lower(tg_op));
        elsif tg_table_name = 'alert' then
          insert into change_log (entity, entity_id, elder_id, region_code, referred_to, op)
          values ('ALERT', r.id, r.elder_id, r.region_code, r.referred_to, lower(tg_op));
        elsif tg_table_name = 'class_history' then
          insert into change_log (entity, entity_id, elder_id, region_code, op)
          select 'CLASS', r.elder_id, r.elder_id, e.region_code, 'update' from elder e where e.id = r.elder_id;
        elsif tg_table_name = 'agency_record' then
          insert into change_log (entity, entity_id, elder_id, region_code, agency_id, op)
          values ('AGENCY_RECORD', r.id, r.elder_id, r.region_code, r.agency_id, lower(tg_op));
        end if;
        return null;
      end
      $$;`);
    for (const table of ['elder', 'visit', 'alert', 'agency_record']) {
      this.addSql(`create trigger ${table}_change_log after insert or update on ${table} for each row execute function change_log_write();`);
    }
    this.addSql(`create trigger class_history_change_log after insert on class_history for each row execute function change_log_write();`);
  }

  override async down(): Promise<void> {
    throw new Error('The agencies migration cannot be reverted: agency records carry provenance that must be kept.');
  }
}
