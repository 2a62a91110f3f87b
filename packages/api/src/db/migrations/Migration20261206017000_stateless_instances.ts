import { Migration } from '@mikro-orm/migrations';

/**
 * N API instances behind a load balancer (issue 18 items 4 and 5, issue 17 item 2): what one instance knows, every
 * instance must know, so it lives here.
 *
 * - `login_ip_window`: failed logins per client address in fixed 15-minute windows (login lockouts were per user name
 *   only: one address could try 5 passwords on every name). One upsert counts an attempt before its password is
 *   verified; the same statement prunes windows that ended. Kept per address, not per instance, so a guesser gains
 *   nothing from the load balancer spreading its requests.
 * - `tanfang_session` notifications: each instance keeps the actors of recent tokens for a few seconds
 *   (auth/session-cache.ts) and drops them when told. Triggers, not the write paths, send the news, so that any
 *   change that ends or alters what a token may do (logout, revocation of a user's sessions, deactivation, a new
 *   password, role, region or agency, an API key revoked, an agency's kind or region changed, a row deleted) reaches
 *   every instance, whoever made it, also by hand in psql. NOTIFY is sent at commit and collapses duplicates within a
 *   transaction, so a statement over many rows sends each payload once. Payloads: `u:<user id or API client id>`,
 *   `a:<agency id>`.
 */
export class Migration20261206017000_stateless_instances extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table login_ip_window (
        ip varchar(45) collate "C" not null,
        window_start timestamptz not null,
        failures integer not null check (failures >= 0),
        primary key (ip, window_start)
      );`);
    this.addSql(`create index login_ip_window_start_idx on login_ip_window (window_start);`);

    this.addSql(`
      create function tanfang_notify_session() returns trigger language plpgsql as $$
      declare
        row_ record;
      begin
        if tg_op = 'DELETE' then row_ := old; else row_ := new; end if;
        if tg_table_name = 'session' then
          perform pg_notify('tanfang_session', 'u:' || row_.user_id::text);
        elsif tg_table_name = 'agency' then
          perform pg_notify('tanfang_session', 'a:' || row_.id::text);
        else
          perform pg_notify('tanfang_session', 'u:' || row_.id::text);
        end if;
        return null;
      end $$;`);
    this.addSql(`
      create trigger session_revoked_notify after update of revoked_at, expires_at, user_id on session for each row
        when (old.revoked_at is distinct from new.revoked_at or old.expires_at is distinct from new.expires_at or old.user_id <> new.user_id)
        execute function tanfang_notify_session();`);
    this.addSql(`create trigger session_deleted_notify after delete on session for each row execute function tanfang_notify_session();`);
    // Not on failed_logins / locked_until / failed_login_at: every login attempt writes those, and they change no actor.
    this.addSql(`
      create trigger app_user_changed_notify
        after update of active, role, region_code, agency_id, password_hash, username, display_name on app_user for each row
        when (old.active is distinct from new.active or old.role is distinct from new.role
              or old.region_code is distinct from new.region_code or old.agency_id is distinct from new.agency_id
              or old.password_hash is distinct from new.password_hash or old.username is distinct from new.username
              or old.display_name is distinct from new.display_name)
        execute function tanfang_notify_session();`);
    this.addSql(`create trigger app_user_deleted_notify after delete on app_user for each row execute function tanfang_notify_session();`);
    // Not on last_used_at, which authentication itself touches once a minute.
    this.addSql(`
      create trigger api_client_changed_notify after update of revoked_at, agency_id, key_hash, name on api_client for each row
        when (old.revoked_at is distinct from new.revoked_at or old.agency_id is distinct from new.agency_id
              or old.key_hash is distinct from new.key_hash or old.name is distinct from new.name)
        execute function tanfang_notify_session();`);
    this.addSql(`create trigger api_client_deleted_notify after delete on api_client for each row execute function tanfang_notify_session();`);
    this.addSql(`
      create trigger agency_changed_notify after update of kind, region_code on agency for each row
        when (old.kind is distinct from new.kind or old.region_code is distinct from new.region_code)
        execute function tanfang_notify_session();`);
    this.addSql(`create trigger agency_deleted_notify after delete on agency for each row execute function tanfang_notify_session();`);
  }

  override async down(): Promise<void> {
    for (const [trigger, table] of [
      ['session_revoked_notify', 'session'], ['session_deleted_notify', 'session'],
      ['app_user_changed_notify', 'app_user'], ['app_user_deleted_notify', 'app_user'],
      ['api_client_changed_notify', 'api_client'], ['api_client_deleted_notify', 'api_client'],
      ['agency_changed_notify', 'agency'], ['agency_deleted_notify', 'agency'],
    ] as const) this.addSql(`drop trigger ${trigger} on ${table};`);
    this.addSql(`drop function tanfang_notify_session();`);
    this.addSql(`drop table login_ip_window;`);
  }
}
