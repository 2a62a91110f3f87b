import { Migration } from '@mikro-orm/migrations';

/**
 * The visit engine: classification, visit standards and campaigns, teams and visitors, assignments, visit records,
 * care services, alerts.
 *
 * Compliance (due, met, overdue) is never stored: it is computed in SQL from requirements and visits as of a date,
 * with the window helpers below. Stored overdue flags drift (the top complaint of DHIS2's tracker users).
 */
export class Migration20261123000001_visits extends Migration {
  override async up(): Promise<void> {
    // ---- classification: the rules' result lives on the archive, exact for any date (see classification.rules.ts)
    this.addSql(`
      alter table elder
        add column computed_class char(1) null check (computed_class in ('A', 'B', 'C')),
        add column class_reasons jsonb not null default '[]',
        add column class_at_80 char(1) null check (class_at_80 in ('A', 'B', 'C')),
        add column class_reasons_at_80 jsonb null,
        add column turns_80_on date null,
        add column class_rule_version varchar(20) null,
        add column class_computed_at timestamptz null;`);
    this.addSql(`create index elder_computed_class_idx on elder (computed_class);`);
    this.addSql(`
      create table class_override (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        class char(1) not null check (class in ('A', 'B', 'C')),
        reason varchar(500) not null,
        starts_on date not null,
        expires_on date not null,
        created_by uuid not null,
        created_at timestamptz not null,
        revoked_at timestamptz null,
        revoked_by uuid null,
        check (expires_on > starts_on)
      );`);
    this.addSql(`create index class_override_elder_idx on class_override (elder_id, created_at desc);`);
    this.addSql(`
      create table class_history (
        id bigint generated always as identity primary key,
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        at timestamptz not null,
        source varchar(20) not null check (source in ('RULES', 'OVERRIDE', 'OVERRIDE_REVOKED')),
        class char(1) not null,
        reasons jsonb not null default '[]',
        class_at_80 char(1) null,
        turns_80_on date null,
        rule_version varchar(20) null,
        override_id uuid null,
        expires_on date null,
        actor_id uuid null
      );`);
    this.addSql(`create index class_history_elder_idx on class_history (elder_id, id desc);`);
    // The class on a date: an override in force wins; otherwise the rules' result, which turns at the 80th birthday.
    this.addSql(`
      create function elder_class_on(p_elder uuid, p_class char, p_class_at_80 char, p_turns_80 date, p_on date)
      returns char language sql stable as $$
        select coalesce(
          (select o.class from class_override o
            where o.elder_id = p_elder and o.starts_on <= p_on and o.expires_on > p_on
              -- A revoked (or replaced) override still held on the days before its revocation: the past stays as it was.
              and (o.revoked_at is null or p_on < (o.revoked_at at time zone 'Asia/Shanghai')::date)
            order by o.created_at desc limit 1),
          case when p_turns_80 is not null and p_on >= p_turns_80 then p_class_at_80 else p_class end)
      $$;`);

    // ---- windows: calendar periods that requirements count in
    this.addSql(`
      create function visit_window_start(p_kind text, p_days int, p_on date) returns date
      language sql immutable as $$
        select case p_kind
          when 'DAY' then p_on
          when 'WEEK' then date_trunc('week', p_on)::date
          when 'HALF_MONTH' then date_trunc('month', p_on)::date + case when extract(day from p_on) > 15 then 15 else 0 end
          when 'MONTH' then date_trunc('month', p_on)::date
          when 'QUARTER' then date_trunc('quarter', p_on)::date
          when 'HALF_YEAR' then make_date(extract(year from p_on)::int, case when extract(month from p_on) > 6 then 7 else 1 end, 1)
          when 'YEAR' then date_trunc('year', p_on)::date
          -- N-day windows are counted from a fixed Monday, so every elder's windows line up.
          when 'DAYS' then date '2024-01-01' + (floor((p_on - date '2024-01-01')::numeric / p_days) * p_days)::int
        end
      $$;`);
    this.addSql(`
      create function visit_window_end(p_kind text, p_days int, p_start date) returns date
      language sql immutable as $$
        select case p_kind
          when 'DAY' then p_start
          when 'WEEK' then p_start + 6
          when 'HALF_MONTH' then case when extract(day from p_start) = 1 then p_start + 14
                                      else (date_trunc('month', p_start) + interval '1 month')::date - 1 end
          when 'MONTH' then (p_start + interval '1 month')::date - 1
          when 'QUARTER' then (p_start + interval '3 months')::date - 1
          when 'HALF_YEAR' then (p_start + interval '6 months')::date - 1
          when 'YEAR' then (p_start + interval '1 year')::date - 1
          when 'DAYS' then p_start + p_days - 1
        end
      $$;`);

    // ---- standards and campaigns: data, not code
    this.addSql(`
      create table visit_standard (
        id uuid primary key default gen_random_uuid(),
        code varchar(40) collate "C" not null unique,
        name varchar(100) not null,
        description varchar(1000) null,
        source varchar(300) null,
        region_code varchar(12) collate "C" null references region (code),
        template boolean not null default false,
        baseline boolean not null default false,
        effective_from date not null,
        retired_at timestamptz null,
        created_by uuid null,
        created_at timestamptz not null,
        check (template or region_code is not null),
        check (not (template and baseline))
      );`);
    this.addSql(`create index visit_standard_region_idx on visit_standard (region_code) where not template and retired_at is null;`);
    this.addSql(`
      create table visit_requirement (
        id uuid primary key default gen_random_uuid(),
        standard_id uuid not null references visit_standard (id),
        position smallint not null,
        class char(1) null check (class in ('A', 'B', 'C')),
        circumstance varchar(30) null,
        activity varchar(10) not null default 'VISIT' check (activity in ('VISIT', 'CLEANING', 'LAUNDRY', 'HAIRCUT')),
        min_count smallint not null check (min_count between 1 and 31),
        window_kind varchar(10) not null
          check (window_kind in ('DAY', 'WEEK', 'HALF_MONTH', 'MONTH', 'QUARTER', 'HALF_YEAR', 'YEAR', 'DAYS')),
        window_days smallint null check ((window_kind = 'DAYS') = (window_days is not null) and coalesce(window_days, 1) between 1 and 366),
        home_only boolean not null default false,
        unique (standard_id, position)
      );`);
    this.addSql(`create index visit_requirement_standard_idx on visit_requirement (standard_id);`);
    this.addSql(`
      create table campaign (
        id uuid primary key default gen_random_uuid(),
        name varchar(100) not null,
        region_code varchar(12) collate "C" not null references region (code),
        classes char(1)[] not null default '{}',
        reason_kind varchar(20) not null
          check (reason_kind in ('EXTREME_WEATHER', 'FESTIVAL', 'DISASTER', 'EPIDEMIC', 'OTHER')),
        reason varchar(500) not null,
        starts_on date not null,
        ends_on date not null,
        min_count smallint not null check (min_count between 1 and 31),
        window_kind varchar(10) not null
          check (window_kind in ('DAY', 'WEEK', 'HALF_MONTH', 'MONTH', 'DAYS', 'PERIOD')),
        window_days smallint null check ((window_kind = 'DAYS') = (window_days is not null)),
        home_only boolean not null default false,
        created_by uuid not null,
        created_at timestamptz not null,
        cancelled_at timestamptz null,
        check (ends_on >= starts_on)
      );`);
    this.addSql(`create index campaign_region_idx on campaign (region_code, starts_on, ends_on) where cancelled_at is null;`);

    // ---- teams, visitors, assignments (结对)
    this.addSql(`
      create table team (
        id uuid primary key default gen_random_uuid(),
        name varchar(100) not null,
        kind varchar(20) not null check (kind in ('SURVEY', 'DAILY_CONTACT', 'VISITING')),
        region_code varchar(12) collate "C" not null references region (code),
        county_code varchar(6) collate "C" not null,
        created_at timestamptz not null
      );`);
    this.addSql(`create index team_region_idx on team (region_code);`);
    this.addSql(`
      create table visitor (
        id uuid primary key default gen_random_uuid(),
        name varchar(50) not null,
        kind varchar(24) not null check (kind in ('VILLAGE_STAFF', 'SOCIAL_WORKER', 'GRID_WORKER', 'CIVIL_AFFAIRS_CADRE',
          'VOLUNTEER', 'FAMILY_DOCTOR', 'PROPERTY_STAFF', 'COMMUNITY_POLICE', 'DELIVERY_WORKER', 'PEER_ELDER', 'PARTY_MEMBER')),
        phone varchar(20) null,
        region_code varchar(12) collate "C" not null references region (code),
        county_code varchar(6) collate "C" not null,
        team_id uuid null references team (id),
        user_id uuid null unique references app_user (id),
        active boolean not null default true,
        left_on date null,
        created_at timestamptz not null,
        check (active = (left_on is null))
      );`);
    this.addSql(`create index visitor_region_idx on visitor (region_code, name);`);
    this.addSql(`
      create table assignment (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        visitor_id uuid not null references visitor (id),
        county_code varchar(6) collate "C" not null,
        role varchar(10) not null check (role in ('PRIMARY', 'HELPER')),
        starts_at timestamptz not null,
        ends_at timestamptz null,
        assigned_by uuid null,
        end_reason varchar(200) null
      );`);
    // One responsible contact per elder at a time, and a visitor holds an elder once.
    this.addSql(`create unique index assignment_one_primary on assignment (elder_id) where role = 'PRIMARY' and ends_at is null;`);
    this.addSql(`create unique index assignment_once on assignment (elder_id, visitor_id) where ends_at is null;`);
    this.addSql(`create index assignment_visitor_idx on assignment (visitor_id) where ends_at is null;`);
    this.addSql(`create index assignment_elder_idx on assignment (elder_id, starts_at desc);`);

    // ---- visit records (探访关爱服务记录表) and care services
    this.addSql(`
      create table visit (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        region_code varchar(12) collate "C" not null,
        seq integer not null,
        visited_at timestamptz not null,
        visited_on date not null,
        method varchar(8) not null check (method in ('HOME', 'PHONE', 'VIDEO', 'REMOTE', 'OTHER')),
        visitor_id uuid null references visitor (id),
        entered_by uuid not null,
        entered_at timestamptz not null,
        campaign_id uuid null references campaign (id),
        location varchar(200) null,
        latitude numeric(9, 6) null,
        longitude numeric(9, 6) null,
        duration_minutes smallint null check (duration_minutes between 1 and 1440),
        household_change varchar(10) null check (household_change in ('UNCHANGED', 'INCREASED', 'DECREASED')),
        household_change_count smallint null check (household_change_count between 1 and 20),
        expression varchar(10) null, mobility varchar(10) null, mood varchar(10) null,
        personal_hygiene varchar(10) null, home_hygiene varchar(10) null, indoor_environment varchar(10) null,
        disease varchar(10) null check (disease in ('UNCHANGED', 'SERIOUS', 'BETTER')),
        disease_name varchar(100) null,
        gas_safety varchar(12) null, water_heating_safety varchar(12) null, electricity_safety varchar(12) null,
        housing_unsafe boolean null,
        unattended boolean null,
        service_needs varchar(1000) null,
        care_suggestions varchar(1000) null,
        visitor_signed boolean not null default false,
        elder_signed boolean not null default false,
        satisfaction varchar(20) null,
        notes varchar(1000) null,
        idempotency_key varchar(100) null,
        request_hash varchar(64) null,
        unique (elder_id, seq)
      );`);
    this.addSql(`create unique index visit_idempotency on visit (entered_by, idempotency_key) where idempotency_key is not null;`);
    this.addSql(`create index visit_elder_on_idx on visit (elder_id, visited_on, method);`);
    this.addSql(`create index visit_region_on_idx on visit (region_code, visited_on);`);
    this.addSql(`create index visit_visitor_on_idx on visit (visitor_id, visited_on) where visitor_id is not null;`);
    this.addSql(`
      create table care_service (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        visit_id uuid null references visit (id),
        kind varchar(10) not null check (kind in ('CLEANING', 'LAUNDRY', 'HAIRCUT', 'MEAL', 'MEDICAL', 'ERRAND', 'OTHER')),
        content varchar(300) null,
        delivered_on date not null,
        recorded_by uuid not null,
        recorded_at timestamptz not null
      );`);
    this.addSql(`create index care_service_elder_idx on care_service (elder_id, kind, delivered_on);`);

    // ---- alerts: rules are data; escalation is derived from the clock (see alerts.service.ts)
    this.addSql(`
      create table alert_rule (
        code varchar(30) collate "C" primary key,
        finding varchar(30) not null,
        finding_value varchar(12) not null,
        severity varchar(8) not null check (severity in ('URGENT', 'NORMAL')),
        title varchar(100) not null,
        title_en varchar(100) not null,
        suggested_referral varchar(16) null,
        active boolean not null default true
      );`);
    this.addSql(`
      create table alert (
        id uuid primary key default gen_random_uuid(),
        elder_id uuid not null references elder (id),
        county_code varchar(6) collate "C" not null,
        region_code varchar(12) collate "C" not null,
        visit_id uuid null references visit (id),
        rule_code varchar(30) collate "C" null references alert_rule (code),
        title varchar(100) not null,
        detail varchar(1000) null,
        severity varchar(8) not null check (severity in ('URGENT', 'NORMAL')),
        status varchar(12) not null default 'OPEN' check (status in ('OPEN', 'ACKNOWLEDGED', 'REFERRED', 'RESOLVED')),
        raised_at timestamptz not null,
        raised_by uuid null,
        acknowledged_at timestamptz null,
        acknowledged_by uuid null,
        referred_to varchar(16) null check (referred_to in ('SOCIAL_WORKER', 'COUNSELLOR', 'HEALTH', 'HOUSING', 'POLICE', 'LEGAL_AID', 'DISABILITY')),
        referred_at timestamptz null,
        referred_by uuid null,
        resolved_at timestamptz null,
        resolved_by uuid null,
        resolution varchar(1000) null,
        version integer not null default 1,
        unique (visit_id, rule_code)
      );`);
    this.addSql(`create index alert_region_idx on alert (region_code, raised_at desc);`);
    this.addSql(`create index alert_open_idx on alert (region_code, raised_at) where status <> 'RESOLVED';`);
    this.addSql(`create index alert_elder_idx on alert (elder_id, raised_at desc);`);
    this.addSql(`
      create table alert_event (
        id bigint generated always as identity primary key,
        alert_id uuid not null references alert (id),
        at timestamptz not null,
        actor_id uuid null,
        status varchar(12) not null,
        note varchar(1000) null,
        referred_to varchar(16) null
      );`);
    this.addSql(`create index alert_event_alert_idx on alert_event (alert_id, id);`);
  }

  override async down(): Promise<void> {
    throw new Error('The visits migration cannot be reverted: visit records and alerts are never deleted.');
  }
}
