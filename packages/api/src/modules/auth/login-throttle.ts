import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Failures in a row that lock a name. */
export const MAX_FAILED_LOGINS = 5;
/** How long a locked name stays locked. */
export const LOCK_MINUTES = 15;
/** A run of failures whose last attempt is older than this starts over (and an unknown name's row is pruned). */
export const FAILURE_WINDOW_HOURS = 24;

export type Reservation =
  /** The attempt is counted; verify the password (of the account, or the dummy one when `account` is null). */
  | { reserved: true; account: { id: string; passwordHash: string } | null }
  /** The name is locked: verify nothing. */
  | { reserved: false; lockedUntil: Date };

/**
 * The counting rule, written once and applied to both tables (`x` is app_user or login_attempt), so that a name that
 * is an account and one that is not lock after the same attempts, for the same time, with the same answer.
 * `now` is an SQL expression of the request's time.
 */
const fresh = (x: string, now: string) =>
  `(${x}.failed_login_at is null or ${x}.failed_login_at < ${now} - interval '${FAILURE_WINDOW_HOURS} hours' or ${x}.locked_until <= ${now})`;
const nextCount = (x: string, now: string) => `case when ${fresh(x, now)} then 1 else ${x}.failed_logins + 1 end`;
const nextLock = (x: string, now: string) =>
  `case when ${nextCount(x, now)} >= ${MAX_FAILED_LOGINS} then ${now} + interval '${LOCK_MINUTES} minutes' end`;
const mayTry = (x: string, now: string) =>
  `((${x}.locked_until is null or ${x}.locked_until <= ${now}) and (${fresh(x, now)} or ${x}.failed_logins < ${MAX_FAILED_LOGINS}))`;

/**
 * Reserves one attempt for a name in ONE statement, before any password is verified: the counter goes up (or the
 * name is refused) under the row's lock, so N parallel guesses get at most MAX_FAILED_LOGINS verifications between
 * them; the one that reaches the limit also sets the lock. A successful login then clears the counter
 * (`clearFailures`); a failed one needs no second write, its attempt is already counted.
 *
 * Names that are no account (and deactivated accounts, which answer like unknown names) are counted in
 * `login_attempt` by the SHA-256 of the name; the same statement prunes a few rows past the failure window, which a
 * fresh run would ignore anyway, so the table holds about one day of unknown names.
 */
export async function reserveLoginAttempt(em: EntityManager, username: string, now: Date): Promise<Reservation> {
  const key = createHash('sha256').update(username).digest('hex');
  const rows = await em.getConnection().execute<
    { reserved: boolean; user_id: string | null; active: boolean | null; password_hash: string | null; locked_until: Date | string | null }[]
  >(
    `with p as (select ?::timestamptz as now, ?::text as username, ?::text as key),
     target as (select u.id, u.active from app_user u, p where u.username = p.username),
     known as (
       update app_user u set
         failed_logins = ${nextCount('u', 'p.now')},
         locked_until = ${nextLock('u', 'p.now')},
         failed_login_at = p.now
         from p
        where u.id = (select id from target) and ${mayTry('u', 'p.now')}
       returning u.id, u.active, u.password_hash
     ),
     unknown as (
       insert into login_attempt as a (key_hash, failed_logins, locked_until, failed_login_at)
       select p.key, 1, case when 1 >= ${MAX_FAILED_LOGINS} then p.now + interval '${LOCK_MINUTES} minutes' end, p.now
         from p where not exists (select 1 from target)
       on conflict (key_hash) do update set
         failed_logins = ${nextCount('a', 'excluded.failed_login_at')},
         locked_until = ${nextLock('a', 'excluded.failed_login_at')},
         failed_login_at = excluded.failed_login_at
        where ${mayTry('a', 'excluded.failed_login_at')}
       returning a.key_hash
     ),
     pruned as (
       delete from login_attempt where key_hash in (
         select l.key_hash from login_attempt l, p
          where l.failed_login_at < p.now - interval '${FAILURE_WINDOW_HOURS} hours' and l.key_hash <> p.key
            and (l.locked_until is null or l.locked_until <= p.now)
          limit 20 for update skip locked)
     )
     select exists (select 1 from known) or exists (select 1 from unknown) as reserved,
            k.id as user_id, k.active, k.password_hash,
            coalesce((select u.locked_until from app_user u where u.id = (select id from target)),
                     (select l.locked_until from login_attempt l, p where l.key_hash = p.key)) as locked_until
       from p left join known k on true`,
    [now, username, key],
  );
  const row = rows[0]!;
  if (!row.reserved) {
    // The statement's snapshot may predate the lock a parallel attempt has just set: then it runs from now.
    const seen = row.locked_until ? new Date(row.locked_until) : null;
    const lockedUntil = seen && seen > now ? seen : new Date(now.getTime() + LOCK_MINUTES * 60_000);
    return { reserved: false, lockedUntil };
  }
  return { reserved: true, account: row.user_id && row.active && row.password_hash ? { id: row.user_id, passwordHash: row.password_hash } : null };
}

/** A successful login ends the run of failures (no write when there was none). */
export async function clearFailures(em: EntityManager, userId: string): Promise<void> {
  await em.getConnection().execute(
    `update app_user set failed_logins = 0, locked_until = null, failed_login_at = null
      where id = ? and (failed_logins <> 0 or locked_until is not null or failed_login_at is not null)`,
    [userId],
    'run',
  );
}

/** Failed logins one client address may make per window, whatever names it tries (issue 18: lockouts were per name). */
export const MAX_FAILED_LOGINS_PER_IP = 30;
/** The fixed window of the per-address count. */
export const IP_WINDOW_MINUTES = 15;

export type IpReservation = { reserved: true; windowStart: Date } | { reserved: false; windowEnd: Date };

/**
 * Counts one attempt of a client address in its current fixed window, before any password is verified, in ONE upsert
 * (so parallel guesses from one address cannot outrun the limit, on one instance or many); refused when the window
 * already holds MAX_FAILED_LOGINS_PER_IP. A successful login gives its attempt back (`releaseIpAttempt`): only failures
 * count. The same statement prunes a few windows that ended, so the table holds about one window of addresses.
 */
export async function reserveIpAttempt(em: EntityManager, ip: string, now: Date): Promise<IpReservation> {
  const rows = await em.getConnection().execute<{ reserved: boolean; window_start: Date | string }[]>(
    `with p as (select ?::timestamptz as now, ?::text as ip),
     w as (select p.ip, date_bin(interval '${IP_WINDOW_MINUTES} minutes', p.now, timestamptz '2000-01-01 00:00:00+00') as start from p),
     counted as (
       insert into login_ip_window as l (ip, window_start, failures)
       select w.ip, w.start, 1 from w
       on conflict (ip, window_start) do update set failures = l.failures + 1
        where l.failures < ${MAX_FAILED_LOGINS_PER_IP}
       returning l.window_start
     ),
     pruned as (
       delete from login_ip_window where (ip, window_start) in (
         select l.ip, l.window_start from login_ip_window l, w
          where l.window_start < w.start
          limit 20 for update skip locked)
     )
     select exists (select 1 from counted) as reserved, w.start as window_start from w`,
    [now, ip.slice(0, 45)],
  );
  const row = rows[0]!;
  const start = new Date(row.window_start);
  return row.reserved ? { reserved: true, windowStart: start } : { reserved: false, windowEnd: new Date(start.getTime() + IP_WINDOW_MINUTES * 60_000) };
}

/** A successful login's attempt is not a failure: taken back from the window it was counted in. */
export async function releaseIpAttempt(em: EntityManager, ip: string, windowStart: Date): Promise<void> {
  await em.getConnection().execute(
    `update login_ip_window set failures = failures - 1 where ip = ? and window_start = ? and failures > 0`,
    [ip.slice(0, 45), windowStart],
    'run',
  );
}
