import { Migration } from '@mikro-orm/migrations';

/**
 * The survey (摸底排查, issue 13 item 4): rounds over a town or county with dates and a team, and per round one task
 * per person, built from the archives due for re-verification, the pending agency candidates and the police's
 * household-registration roll of residents aged 60+ (agency_record kind RESIDENT_ROLL). One task per person and
 * round however many sources name them (`sources` says which); a result is written once, with who and when.
 *
 * Coverage (底数清) is roll people with a result ÷ roll people: `on_roll` marks them, and the progress query counts
 * per village from `survey_task_progress_idx` without reading the archives.
 */
export class Migration20261204004001_survey_rounds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table survey_round (
        id uuid primary key default gen_random_uuid(),
        region_code varchar(12) collate "C" not null references region (code) check (length(region_code) in (6, 9)),
        county_code varchar(6) collate "C" not null,
        name varchar(100) not null,
        starts_on date not null,
        ends_on date not null,
        team_user_ids uuid[] not null default '{}',
        team_visitor_ids uuid[] not null default '{}',
        created_by uuid not null,
        created_at timestamptz not null,
        check (ends_on >= starts_on),
        check (starts_with(region_code, county_code))
      );`);
    this.addSql(`create index survey_round_region_idx on survey_round (region_code, starts_on desc, id);`);

    this.addSql(`
      create table survey_task (
        id uuid primary key default gen_random_uuid(),
        round_id uuid not null references survey_round (id),
        region_code varchar(12) collate "C" not null references region (code),
        county_code varchar(6) collate "C" not null,
        id_number varchar(18) collate "C" not null,
        name varchar(50) null,
        elder_id uuid null references elder (id),
        candidate_id uuid null references candidate (id),
        on_roll boolean not null default false,
        sources text[] not null check (sources <@ array['NOT_VERIFIED', 'TEMPORARY_DIFFICULTY_ENDED', 'CANDIDATE', 'ROLL']::text[]),
        result varchar(16) null check (result in ('ELIGIBLE', 'NOT_ELIGIBLE', 'NOT_FOUND', 'REFUSED', 'DECEASED', 'MOVED_AWAY')),
        note varchar(500) null,
        recorded_by uuid null,
        recorded_at timestamptz null,
        created_at timestamptz not null,
        unique (round_id, id_number),
        check ((result is null) = (recorded_at is null)),
        check (result <> 'NOT_ELIGIBLE' or note is not null)
      );`);
    this.addSql(`create index survey_task_list_idx on survey_task (round_id, region_code, name, id);`);
    this.addSql(`create index survey_task_progress_idx on survey_task (round_id, region_code) include (on_roll, result);`);
    this.addSql(`create index survey_task_elder_idx on survey_task (elder_id) where elder_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table survey_task;`);
    this.addSql(`drop table survey_round;`);
  }
}
