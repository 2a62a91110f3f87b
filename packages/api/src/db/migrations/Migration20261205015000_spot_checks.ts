import { Migration } from '@mikro-orm/migrations';

/**
 * Spot checks (四不两直 抽查回访, issue 16 item 4a): civil affairs draws a random sample of a period's visits in a region
 * and calls the elders back to confirm that each visit happened.
 *
 * - `spot_check_draw`: one draw per region and period (a partial unique index: at most one that is not superseded),
 *   with the seed it was drawn with. The sample is the visits ordered by md5(seed || visit id), so anyone can derive it
 *   again from the seed and see that nobody picked the visits by hand; drawing again replaces the draw only when asked
 *   (the old one stays, marked superseded, with its results).
 * - `spot_check`: one row per drawn visit with the call-back's result, who recorded it and when, and a version for
 *   optimistic concurrency (two checkers on the same line: the second gets CONFLICT, not a silent overwrite).
 *   `region_code` is the visit's village at draw time, so the per-town rates group without joining back to visits.
 */
export class Migration20261205015000_spot_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table spot_check_draw (
        id uuid primary key default gen_random_uuid(),
        region_code varchar(12) collate "C" not null references region (code),
        period_label varchar(10) not null,
        period_from date not null,
        period_to date not null,
        seed varchar(32) not null,
        size integer not null check (size between 1 and 500),
        population integer not null check (population >= 0),
        drawn_at timestamptz not null,
        drawn_by uuid not null references app_user (id),
        superseded_at timestamptz null,
        check (period_from <= period_to)
      );`);
    this.addSql(`create unique index spot_check_draw_current on spot_check_draw (region_code, period_label) where superseded_at is null;`);

    this.addSql(`
      create table spot_check (
        id uuid primary key default gen_random_uuid(),
        draw_id uuid not null references spot_check_draw (id),
        visit_id uuid not null references visit (id),
        elder_id uuid not null references elder (id),
        region_code varchar(12) collate "C" not null,
        rank integer not null check (rank >= 1),
        result varchar(16) null check (result in ('CONFIRMED', 'NOT_CONFIRMED', 'UNREACHABLE')),
        note varchar(500) null,
        checked_at timestamptz null,
        checked_by uuid null references app_user (id),
        version integer not null default 1,
        unique (draw_id, visit_id),
        unique (draw_id, rank),
        check ((result is null) = (checked_at is null) and (result is null) = (checked_by is null))
      );`);
    this.addSql(`create index spot_check_region_idx on spot_check (region_code) include (draw_id, result);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table spot_check;`);
    this.addSql(`drop table spot_check_draw;`);
  }
}
