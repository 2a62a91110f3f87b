import { Migration } from '@mikro-orm/migrations';

/**
 * Login throttling that cannot be raced and does not reveal which usernames exist.
 * - `app_user.failed_login_at`: when the last attempt was reserved; a run of failures older than the window starts over,
 *   exactly as an unknown name's row below is forgotten, so both kinds of name count the same way.
 * - `login_attempt`: the same counter for names that are no (active) account's, keyed by the SHA-256 of the name as
 *   typed (people type passwords into the username box: the name itself is not kept). Rows past the window are pruned
 *   by the login statement itself.
 */
export class Migration20261204000300_login_attempts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column failed_login_at timestamptz null;`);
    this.addSql(`
      create table login_attempt (
        key_hash char(64) collate "C" primary key,
        failed_logins integer not null check (failed_logins >= 0),
        locked_until timestamptz null,
        failed_login_at timestamptz not null
      );`);
    this.addSql(`create index login_attempt_failed_login_at_idx on login_attempt (failed_login_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table login_attempt;`);
    this.addSql(`alter table app_user drop column failed_login_at;`);
  }
}
