import { Migration } from '@mikro-orm/migrations';

/**
 * The registry: regions, users and sessions, the elder's archive and its child rows, the audit log.
 *
 * Region codes use the "C" collation so that a subtree (`region_code LIKE '440783101%'`) is an index range scan.
 * Every table that grows with people carries `county_code`, the future partition/distribution key.
 */
export class Migration20261122000001_registry extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`
      create table region (
        code varchar(12) collate "C" primary key,
        name varchar(100) not null,
        level smallint not null check (level between 1 and 5),
        parent_code varchar(12) collate "C" references region (code),
        full_name varchar(255) not null,
        check (length(code) = (array[2, 4, 6, 9, 12])[level]),
        check (parent_code is null or starts_with(code, parent_code))
      );`);
    this.addSql(`create index region_parent_code_idx on region (parent_code);`);

    this.addSql(`
      create table app_user (
        id uuid primary key default gen_random_uuid(),
        username varchar(50) not null unique,
        display_name varchar(100) not null,
        password_hash text not null,
        role varchar(30) not null,
        region_code varchar(12) collate "C" not null references region (code),
        active boolean not null default true,
        failed_logins integer not null default 0,
        locked_until timestamptz null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index app_user_region_code_idx on app_user (region_code);`);

    this.addSql(`
      create table session (
        id uuid primary key default gen_random_uuid(),
        token_hash varchar(64) not null unique,
        user_id uuid not null references app_user (id),
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz null
      );`);
    this.addSql(`create index session_user_id_idx on session (user_id);`);

    this.addSql(`
      create table elder (
        id uuid primary key default gen_random_uuid(),
        county_code varchar(6) collate "C" not null,
        region_code varchar(12) collate "C" not null references region (code),
        name varchar(50) collate "C" not null,
        gender varchar(6) not null check (gender in ('MALE', 'FEMALE')),
        birth_date date not null,
        id_number varchar(18) collate "C" not null,
        phone varchar(20) null,
        address_detail varchar(200) null,
        lives_at_registered_residence boolean null,
        circumstances text[] not null default '{}' check (circumstances <@ array[
          'LIVING_ALONE', 'EMPTY_NEST', 'LEFT_BEHIND', 'PURE_ELDERLY_HOUSEHOLD', 'INCAPACITATED', 'DEMENTIA',
          'DISABLED', 'FAMILY_PLANNING_SPECIAL', 'MINIMUM_ALLOWANCE', 'EXTREME_POVERTY',
          'CARER_OF_DEPENDENT_CHILD', 'TEMPORARY_DIFFICULTY']::text[]),
        incapacity_level varchar(10) null check (incapacity_level in ('PARTIAL', 'FULL')),
        disability_certificate_number varchar(20) null,
        disability_category varchar(12) null,
        disability_grade smallint null check (disability_grade between 1 and 4),
        family_planning_kind varchar(20) null,
        extreme_poverty_kind varchar(15) null,
        temporary_difficulty varchar(200) null,
        water_safe boolean null,
        electricity_safe boolean null,
        housing_safe boolean null,
        household_monthly_income numeric(12, 2) null check (household_monthly_income >= 0),
        monthly_benefits numeric(12, 2) null check (monthly_benefits >= 0),
        benefits_note varchar(500) null,
        accepts_visits boolean not null default true,
        status varchar(16) not null default 'ACTIVE'
          check (status in ('ACTIVE', 'IN_INSTITUTION', 'MOVED_AWAY', 'DECEASED')),
        status_date date null,
        status_reason varchar(500) null,
        registered_at timestamptz not null default now(),
        registered_by uuid null,
        updated_at timestamptz not null default now(),
        version integer not null default 1,
        check (starts_with(region_code, county_code)),
        check ((status = 'ACTIVE') = (status_date is null))
      );`);
    // One archive per person, for life: closed archives keep their ID number, so a second one is a conflict.
    this.addSql(`create unique index elder_id_number_unique on elder (id_number);`);
    this.addSql(`create index elder_region_code_name_idx on elder (region_code, name, id);`);
    this.addSql(`create index elder_name_idx on elder (name, id);`);
    // Search on the last digits of an ID number: a prefix match on the reversed number.
    this.addSql(`create index elder_id_number_reversed_idx on elder (reverse(id_number));`);
    this.addSql(`create index elder_circumstances_idx on elder using gin (circumstances);`);
    this.addSql(`create index elder_birth_date_idx on elder (birth_date, id);`);
    this.addSql(`create index elder_registered_at_idx on elder (registered_at, id);`);
    this.addSql(`create index elder_status_idx on elder (status);`);
    this.addSql(`create index elder_county_code_idx on elder (county_code);`);

    this.addSql(`
      create table elder_contact (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id) on delete cascade,
        county_code varchar(6) collate "C" not null,
        position smallint not null,
        kind varchar(16) not null check (kind in ('CHILD', 'RELATIVE', 'VILLAGE_WORKER')),
        name varchar(50) not null,
        relation varchar(20) null,
        phone varchar(20) not null
      );`);
    this.addSql(`create index elder_contact_elder_id_idx on elder_contact (elder_id, position);`);

    this.addSql(`
      create table household_member (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id) on delete cascade,
        county_code varchar(6) collate "C" not null,
        position smallint not null,
        name varchar(50) not null,
        gender varchar(6) null check (gender in ('MALE', 'FEMALE')),
        id_number varchar(18) collate "C" null,
        relation varchar(20) not null,
        health varchar(50) null,
        assistance varchar(20) not null default 'NONE'
          check (assistance in ('NONE', 'MINIMUM_ALLOWANCE', 'EXTREME_POVERTY'))
      );`);
    this.addSql(`create index household_member_elder_id_idx on household_member (elder_id, position);`);
    this.addSql(`create index household_member_id_number_idx on household_member (id_number) where id_number is not null;`);

    this.addSql(`
      create table help_record (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id) on delete cascade,
        county_code varchar(6) collate "C" not null,
        position smallint not null,
        unit_type varchar(30) not null,
        unit_name varchar(100) null,
        measures varchar(500) not null
      );`);
    this.addSql(`create index help_record_elder_id_idx on help_record (elder_id, position);`);

    this.addSql(`
      create table elder_refusal (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        refused_on date not null,
        reason varchar(500) not null,
        talked_with varchar(50) not null,
        recorded_by uuid not null,
        recorded_at timestamptz not null default now(),
        withdrawn_on date null,
        withdrawn_note varchar(500) null
      );`);
    this.addSql(`create index elder_refusal_elder_id_idx on elder_refusal (elder_id, recorded_at desc);`);

    this.addSql(`
      create table audit_event (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        actor_id uuid null,
        actor_username varchar(50) null,
        actor_role varchar(30) null,
        action varchar(40) not null,
        elder_id uuid null,
        region_code varchar(12) collate "C" null,
        county_code varchar(6) collate "C" null,
        purpose varchar(200) null,
        changes jsonb null,
        detail jsonb null,
        request_id varchar(64) null,
        ip varchar(64) null
      );`);
    this.addSql(`create index audit_event_elder_idx on audit_event (elder_id, id desc) where elder_id is not null;`);
    this.addSql(`create index audit_event_region_idx on audit_event (region_code, id desc);`);
    this.addSql(`create index audit_event_actor_idx on audit_event (actor_id, id desc);`);
    this.addSql(`create index audit_event_action_idx on audit_event (action, id desc);`);
    this.addSql(`create index audit_event_at_idx on audit_event (at);`);

    // Append-only, enforced by the database itself.
    this.addSql(`
      create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is refused', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$;`);
    this.addSql(`
      create trigger audit_event_no_update_delete before update or delete on audit_event
        for each row execute function audit_event_append_only();`);
    this.addSql(`
      create trigger audit_event_no_truncate before truncate on audit_event
        for each statement execute function audit_event_append_only();`);
  }

  override async down(): Promise<void> {
    // Dropping the registry would destroy archives and the audit log: refuse, as the archive rules require.
    throw new Error('The registry migration cannot be reverted: archives and audit rows are never deleted.');
  }
}
