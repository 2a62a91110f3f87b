import { Migration } from '@mikro-orm/migrations';

/**
 * Reporting upward (issue 16, item 1): the seeds have towns "于…前填好《统计表》报送市民政局". A region submits a
 * period's figures to the level above, which approves or returns them with a reason; a returned report is
 * resubmitted as a new version, the old versions kept.
 *
 * - `report_due_day`: the day of the month after a period ends by which it is due, per period kind, set on a region
 *   and inherited by its subtree (the nearest region above that has one wins; the defaults live in code).
 * - `report_submission`: one row per version. Its figures are frozen at submission (what `report` answered then);
 *   only the decision (status SUBMITTED → APPROVED or RETURNED, who, when, why) may be written afterwards, once.
 *   At most one version of a region's period may be pending or approved (a partial unique index), so two submissions
 *   racing each other cannot both get in.
 */
export class Migration20261205012000_report_submission extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table report_due_day (
        region_code varchar(12) collate "C" not null references region (code),
        kind varchar(10) not null check (kind in ('MONTH', 'QUARTER', 'HALF_YEAR', 'YEAR')),
        day smallint not null check (day between 1 and 28),
        set_by uuid not null references app_user (id),
        set_at timestamptz not null,
        primary key (region_code, kind)
      );`);
    this.addSql(`
      create table report_submission (
        id uuid primary key default gen_random_uuid(),
        region_code varchar(12) collate "C" not null references region (code),
        period varchar(10) not null,
        period_kind varchar(10) not null,
        period_from date not null,
        period_to date not null,
        version integer not null check (version >= 1),
        status varchar(10) not null check (status in ('SUBMITTED', 'RETURNED', 'APPROVED')),
        due_on date not null,
        submitted_late boolean not null,
        figures jsonb not null,
        as_of date not null,
        submitted_by uuid not null references app_user (id),
        submitted_at timestamptz not null,
        decided_by uuid references app_user (id),
        decided_at timestamptz,
        reason varchar(1000),
        unique (region_code, period, version),
        check ((status = 'SUBMITTED') = (decided_at is null)),
        check (status <> 'RETURNED' or reason is not null)
      );`);
    this.addSql(`create unique index report_submission_open_idx on report_submission (region_code, period) where status in ('SUBMITTED', 'APPROVED');`);
    // The level above lists its children's rows of one period: (period, region_code) as a range with starts_with.
    this.addSql(`create index report_submission_period_idx on report_submission (period, region_code);`);
    // Submitted is submitted: the figures and who sent them never change, a decision is taken once, nothing is deleted.
    this.addSql(`
      create function report_submission_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' or old.status <> 'SUBMITTED'
           or (old.region_code, old.period, old.version, old.figures, old.as_of, old.submitted_by, old.submitted_at, old.due_on, old.submitted_late)
              is distinct from (new.region_code, new.period, new.version, new.figures, new.as_of, new.submitted_by, new.submitted_at, new.due_on, new.submitted_late) then
          raise exception 'report_submission is append-only but for one decision: % is refused', tg_op using errcode = 'insufficient_privilege';
        end if;
        return new;
      end
      $$;`);
    this.addSql(`create trigger report_submission_guard before update or delete on report_submission for each row execute function report_submission_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table report_submission;');
    this.addSql('drop function report_submission_guard();');
    this.addSql('drop table report_due_day;');
  }
}
