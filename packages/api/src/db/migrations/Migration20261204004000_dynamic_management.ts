import { Migration } from '@mikro-orm/migrations';

/**
 * Dynamic management (动态管理, issue 13 item 5): every archive carries the date it was last verified, and a temporary
 * difficulty (阶段性临时困难) its end date, so that archives nobody has confirmed for a period, and difficulties past
 * their end, come back to the town (re-verification list, dashboard, the next survey round's tasks).
 *
 * Where "verified" is written, and why here: one SQL function, `mark_elders_verified(ids, on)`, set-based and only
 * ever moving the date forward. Three writers use it:
 * - a home visit (上门入户) confirms the archive: a statement trigger on `visit` inserts, so that every path that
 *   records visits (the visit form, offline replays, the historical visit import built beside this) verifies without
 *   each remembering to, one UPDATE per statement however many visits it inserts;
 * - an edit of the archive by a person and a survey result call it from their services (ElderService.update,
 *   SurveyService): a trigger on `elder` cannot tell a person's edit from an agency record's effect or a
 *   reclassification, which are not verifications;
 * - a new archive starts verified on its registration date (a BEFORE INSERT trigger, so imports with a past
 *   registration date get that date, not today).
 *
 * Existing archives are backfilled from the latest of their registration, the last edit by a civil-affairs user
 * (ELDER_UPDATE in the audit log by ADMIN, TOWN_OPERATOR or VILLAGE_WORKER) and their last home visit.
 *
 * The re-verification list and the dashboard count read `elder_verification_idx` (village, date) of active archives:
 * a town's count is an index range scan, not a pass over every archive of the region.
 */
export class Migration20261204004000_dynamic_management extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table elder add column temporary_difficulty_until date null;`);
    this.addSql(`alter table elder add column last_verified_on date null;`);
    this.addSql(`
      update elder e set last_verified_on = greatest(
               (e.registered_at at time zone 'Asia/Shanghai')::date,
               (select max((a.at at time zone 'Asia/Shanghai')::date) from audit_event a
                 where a.elder_id = e.id and a.action = 'ELDER_UPDATE' and a.actor_role in ('ADMIN', 'TOWN_OPERATOR', 'VILLAGE_WORKER')),
               (select max(v.visited_on) from visit v where v.elder_id = e.id and v.method = 'HOME'));`);
    this.addSql(`alter table elder alter column last_verified_on set not null;`);
    this.addSql(`create index elder_verification_idx on elder (region_code, last_verified_on) where status = 'ACTIVE';`);
    this.addSql(`create index elder_temporary_until_idx on elder (region_code, temporary_difficulty_until)
                   where status = 'ACTIVE' and temporary_difficulty_until is not null;`);

    this.addSql(`
      create function mark_elders_verified(ids uuid[], verified_on date) returns integer language sql as $$
        with done as (
          update elder set last_verified_on = verified_on
           where id = any(ids) and last_verified_on < verified_on
          returning 1)
        select count(*)::int from done
      $$;`);

    this.addSql(`
      create function elder_starts_verified() returns trigger language plpgsql as $$
      begin
        new.last_verified_on := coalesce(new.last_verified_on, (new.registered_at at time zone 'Asia/Shanghai')::date);
        return new;
      end
      $$;`);
    this.addSql(`create trigger elder_starts_verified before insert on elder for each row execute function elder_starts_verified();`);

    this.addSql(`
      create function home_visit_verifies() returns trigger language plpgsql as $$
      begin
        update elder e set last_verified_on = v.visited_on
          from (select elder_id, max(visited_on) as visited_on from new_rows where method = 'HOME' group by elder_id) v
         where e.id = v.elder_id and e.last_verified_on < v.visited_on;
        return null;
      end
      $$;`);
    this.addSql(`create trigger visit_home_verifies after insert on visit referencing new table as new_rows
                 for each statement execute function home_visit_verifies();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger visit_home_verifies on visit;`);
    this.addSql(`drop function home_visit_verifies();`);
    this.addSql(`drop trigger elder_starts_verified on elder;`);
    this.addSql(`drop function elder_starts_verified();`);
    this.addSql(`drop function mark_elders_verified(uuid[], date);`);
    this.addSql(`drop index elder_temporary_until_idx;`);
    this.addSql(`drop index elder_verification_idx;`);
    this.addSql(`alter table elder drop column last_verified_on;`);
    this.addSql(`alter table elder drop column temporary_difficulty_until;`);
  }
}
