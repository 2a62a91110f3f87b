import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isRole } from '@tanfang/schema';
import { AppError, tooManyRequests } from '../../graphql/errors.js';
import type { RequestContext } from '../../graphql/context.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { actorFor, type Actor } from './actor.js';
import { clearFailures, releaseIpAttempt, reserveIpAttempt, reserveLoginAttempt } from './login-throttle.js';
import { burnVerification, verifyPassword } from './password.js';
import { Session } from './session.entity.js';
import { ROLE_OF_AGENCY } from '../agencies/agency-kinds.js';
import { User } from './user.entity.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** API keys of partner systems start with this prefix; sessions of people never do. */
export const API_KEY_PREFIX = 'tfk_';

/** An API key acts with the role of its agency's kind (partners and service organisations; never civil affairs). */
const AGENCY_ROLE: Partial<Record<string, string>> = ROLE_OF_AGENCY;

/** A token's actor, and until when it may act (a session's expiry; null for an API key, which does not expire). */
export interface ResolvedToken {
  actor: Actor;
  expiresAt: Date | null;
}

/**
 * Resolves a bearer token to its actor in one statement; an unknown, expired or revoked token is no actor.
 * A partner system's API key acts as its agency (role of the agency's kind, the agency's region), and its last use
 * is recorded at most once a minute, in the same statement.
 */
export async function authenticate(em: EntityManager, token: string | null, now: Date): Promise<Actor | null> {
  return (await resolveToken(em, token, now))?.actor ?? null;
}

/** `authenticate` with the token's expiry, for the session cache (auth/session-cache.ts). */
export async function resolveToken(em: EntityManager, token: string | null, now: Date): Promise<ResolvedToken | null> {
  if (!token || token.length > 200) return null;
  if (token.startsWith(API_KEY_PREFIX)) {
    const rows = await em.getConnection().execute<{ id: string; name: string; agency_id: string; kind: string; region_code: string }[]>(
      `with c as (
         select c.id, c.name, a.id as agency_id, a.kind, a.region_code
           from api_client c join agency a on a.id = c.agency_id
          where c.key_hash = ? and c.revoked_at is null
       ), touched as (
         update api_client set last_used_at = ?
          where id in (select id from c) and (last_used_at is null or last_used_at < ?::timestamptz - interval '1 minute')
       )
       select * from c`,
      [hashToken(token), now, now],
    );
    const client = rows[0];
    const role = client && AGENCY_ROLE[client.kind];
    if (!client || !role || !isRole(role)) return null;
    const actor = actorFor({
      id: client.id, username: `api:${client.name}`.slice(0, 50), displayName: client.name, role, regionCode: client.region_code,
      agencyId: client.agency_id, apiClient: true,
    });
    return { actor, expiresAt: null };
  }
  const rows = await em.getConnection().execute<
    { id: string; username: string; display_name: string; role: string; region_code: string; agency_id: string | null; expires_at: Date | string }[]
  >(
    `select u.id, u.username, u.display_name, u.role, u.region_code, u.agency_id, s.expires_at
       from session s join app_user u on u.id = s.user_id
      where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and u.active`,
    [hashToken(token), now],
  );
  const row = rows[0];
  if (!row || !isRole(row.role)) return null;
  const actor = actorFor({ id: row.id, username: row.username, displayName: row.display_name, role: row.role, regionCode: row.region_code, agencyId: row.agency_id });
  return { actor, expiresAt: new Date(row.expires_at) };
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: User;
}

export class AuthService {
  constructor(
    private readonly ctx: RequestContext,
    private readonly sessionHours: number,
  ) {}

  /**
   * Every name, an account's or not, is answered alike: one attempt is reserved before any hash is verified (so
   * parallel guesses cannot outrun the limit), a name that is no active account is verified against a dummy hash of
   * the same cost, and after MAX_FAILED_LOGINS failures in a row any name answers TOO_MANY_ATTEMPTS until its lock
   * ends. Neither the code, the message nor the time tells whether the name exists.
   * Before the name, the client's address (through trusted proxies only: TANFANG_TRUSTED_PROXIES) is counted the same
   * way: MAX_FAILED_LOGINS_PER_IP failures in its 15-minute window answer TOO_MANY_REQUESTS (HTTP 429, Retry-After), so
   * one address cannot try a few passwords on every name.
   */
  async login(usernameRaw: string, password: string): Promise<LoginResult> {
    const username = usernameRaw.trim();
    const { em } = this.ctx;
    const now = this.ctx.now();
    const ip = this.ctx.meta.ip;

    const ipAttempt = ip ? await reserveIpAttempt(em, ip, now) : null;
    if (ipAttempt && !ipAttempt.reserved) {
      throw tooManyRequests(Math.max(1, Math.ceil((ipAttempt.windowEnd.getTime() - now.getTime()) / 1000)));
    }

    const attempt = await reserveLoginAttempt(em, username, now);
    if (!attempt.reserved) {
      const minutes = Math.max(1, Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 60_000));
      throw new AppError(
        'TOO_MANY_ATTEMPTS',
        `登录失败次数过多，已暂时锁定，请于 ${minutes} 分钟后再试；忘记密码请联系管理员重置`,
        `Too many failed logins: locked for now, try again in ${minutes} minutes, or ask an administrator to reset the password`,
        { lockedUntil: attempt.lockedUntil.toISOString() },
      );
    }
    const account = attempt.account;
    let verified = false;
    if (account) verified = await verifyPassword(account.passwordHash, password);
    else await burnVerification(password);
    if (!account || !verified) {
      await writeAudit(this.ctx, [{
        action: AuditAction.LoginFailed, actorUsername: username.slice(0, 50), detail: { reason: account ? 'wrong password' : 'unknown user' },
      }]);
      throw new AppError('UNAUTHENTICATED', '用户名或密码错误', 'Wrong username or password');
    }

    await clearFailures(em, account.id);
    if (ip && ipAttempt?.reserved) await releaseIpAttempt(em, ip, ipAttempt.windowStart);
    const user = await em.findOneOrFail(User, { id: account.id });
    const token = `tf_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + this.sessionHours * 3600_000);
    em.create(Session, { tokenHash: hashToken(token), user, createdAt: now, expiresAt });
    await em.flush();
    this.ctx.actor = actorFor({ ...user, regionCode: user.region.unwrap().code });
    await writeAudit(this.ctx, [{ action: AuditAction.Login }]);
    return { token, expiresAt, user };
  }

  /** Revokes the session of the token the request came with. Always succeeds: logging out twice is harmless. */
  async logout(): Promise<boolean> {
    const token = this.ctx.meta.token;
    if (!token) return true;
    const revoked = await this.ctx.em.nativeUpdate(
      Session,
      { tokenHash: hashToken(token), revokedAt: null },
      { revokedAt: this.ctx.now() },
    );
    if (revoked > 0) await writeAudit(this.ctx, [{ action: AuditAction.Logout }]);
    return true;
  }
}
