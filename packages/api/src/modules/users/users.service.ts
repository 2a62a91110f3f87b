import { isRole, ROLE_LABELS, ROLE_SCOPES, Scope, type RoleName } from '@tanfang/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireActor, requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, FieldErrors, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { likeContains, toDate } from '../../shared/sql.js';
import { AuditAction, diffSnapshots, writeAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { hashPassword } from '../auth/password.js';
import { RegionService } from '../regions/region.service.js';
import type { CreateUserInput, RoleType, UpdateUserInput, UserFilter, UserType } from './users.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { AGENCY_ROLES } from '../agencies/agency-kinds.js';

/** Agency roles (partners and service organisations) work for an agency of the same kind. */
const PARTNER_ROLES = AGENCY_ROLES;
const USERNAME = /^[a-z0-9_.-]{3,50}$/;

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  region_code: string;
  region_name: string;
  agency_id: string | null;
  agency_name: string | null;
  active: boolean;
  locked_until: Date | string | null;
  last_login_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const SELECT = `select u.id, u.username, u.display_name, u.role, u.region_code, r.full_name as region_name, u.agency_id, a.name as agency_name,
       u.active, u.locked_until, u.created_at, u.updated_at,
       (select max(s.created_at) from session s where s.user_id = u.id) as last_login_at
  from app_user u join region r on r.code = u.region_code left join agency a on a.id = u.agency_id`;

const toUser = (r: UserRow): UserType => ({
  id: r.id, username: r.username, displayName: r.display_name, role: r.role,
  roleLabel: isRole(r.role) ? ROLE_LABELS[r.role].zh : r.role, regionCode: r.region_code, regionName: r.region_name,
  agencyId: r.agency_id, agencyName: r.agency_name, active: r.active, lockedUntil: toDate(r.locked_until),
  lastLoginAt: toDate(r.last_login_at), createdAt: toDate(r.created_at), updatedAt: toDate(r.updated_at),
});

/** What the audit log keeps of a user (never password data). */
const snapshot = (u: UserType) => ({ displayName: u.displayName, role: u.role, regionCode: u.regionCode, agencyId: u.agencyId ?? null, active: u.active });

export function checkPassword(errors: FieldErrors, password: string, field = 'password'): void {
  if (password.length < 10 || password.length > 200 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    errors.add(field, '密码至少10位，且须同时包含字母和数字', 'The password needs at least 10 characters, with letters and digits');
  }
}

/**
 * Users and their roles, kept by admins inside their own region subtree: nobody sees or changes a user whose
 * jurisdiction lies outside theirs. No user is ever deleted (the audit log names them); deactivating ends access.
 */
export class UsersService {
  constructor(private readonly ctx: RequestContext) {}

  roles(): RoleType[] {
    requireActor(this.ctx);
    return (Object.keys(ROLE_SCOPES) as RoleName[]).map((name) => ({
      name, label: ROLE_LABELS[name].zh, labelEn: ROLE_LABELS[name].en, scopes: [...ROLE_SCOPES[name]], needsAgency: PARTNER_ROLES.has(name),
    }));
  }

  async list(filter: UserFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<UserType>> {
    const actor = this.manager();
    const size = pageSize(first);
    const start = decodeOffset(after);
    let region = actor.regionCode;
    if (filter?.regionCode?.trim()) region = (await new RegionService(this.ctx).requireRegionInJurisdiction(actor, filter.regionCode, 'filter.regionCode')).code;
    const role = filter?.role?.trim() || null;
    if (role && !isRole(role)) throw badInput(`未知的角色：${role.slice(0, 30)}`, `Unknown role: ${role.slice(0, 30)}`, 'filter.role');
    const text = filter?.text?.trim() ? likeContains(filter.text.trim()) : null;
    const rows = await this.ctx.em.execute<UserRow[]>(
      `${SELECT}
        where ${inSubtree('u.region_code')} and (?::text is null or u.role = ?)
          and (?::text is null or u.username ilike ? or u.display_name ilike ?) and (u.active or ?)
        order by u.region_code, u.username limit ? offset ?`,
      [region, role, role, text, text, text, !!filter?.includeInactive, size + 1, start],
    );
    const [{ total } = { total: '0' }] = await this.ctx.em.execute<{ total: string }[]>(
      `select count(*) as total from app_user u
        where ${inSubtree('u.region_code')} and (?::text is null or u.role = ?)
          and (?::text is null or u.username ilike ? or u.display_name ilike ?) and (u.active or ?)`,
      [region, role, role, text, text, text, !!filter?.includeInactive],
    );
    const nodes = rows.slice(0, size).map(toUser);
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(total));
  }

  async create(input: CreateUserInput): Promise<UserType> {
    const actor = this.manager();
    const errors = new FieldErrors();
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      errors.add('username', '用户名为3至50位小写字母、数字或 _ . -', 'A username has 3-50 characters: a-z, 0-9, _ . -');
    }
    const displayName = this.checkDisplayName(errors, input.displayName);
    checkPassword(errors, input.password);
    const role = this.checkRole(errors, input.role);
    if (!errors.has('username')) {
      const [taken] = await this.ctx.em.execute<{ id: string }[]>(`select id from app_user where username = ?`, [username]);
      if (taken) errors.add('username', '该用户名已被使用', 'This username is taken');
    }
    errors.throwIfAny();
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, input.regionCode);
    const agencyId = await this.checkAgency(actor, role!, input.agencyId ?? null);
    const passwordHash = await hashPassword(input.password);
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into app_user (username, display_name, password_hash, role, region_code, agency_id, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (username) do nothing returning id`,
        [username, displayName, passwordHash, role, region.code, agencyId, this.ctx.now(), this.ctx.now()],
      );
      if (!row) throw badInput('该用户名已被使用', 'This username is taken', 'username');
      const user = await this.load(row.id, em);
      await writeAudit(this.ctx, [{
        action: AuditAction.UserCreate, regionCode: user.regionCode,
        changes: diffSnapshots({}, snapshot(user)), detail: { userId: user.id, username: user.username },
      }], em);
      return user;
    });
  }

  /**
   * The first administrator of a new installation (`pnpm --filter @tanfang/api create-admin`). Production never loads
   * demo users, so without this a fresh database has nobody who may create users. It is refused (CONFLICT) once any
   * active ADMIN exists, so it cannot become a way around `user.manage`; it runs only from the server's shell, never
   * through the API. Audited as a user creation by `bootstrap`.
   */
  async bootstrapAdmin(input: { username: string; displayName: string; regionCode: string; password: string }): Promise<UserType> {
    const errors = new FieldErrors();
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) errors.add('username', '用户名为3至50位小写字母、数字或 _ . -', 'A username has 3-50 characters: a-z, 0-9, _ . -');
    const displayName = this.checkDisplayName(errors, input.displayName);
    checkPassword(errors, input.password);
    const [region] = await this.ctx.em.execute<{ code: string }[]>(`select code from region where code = ?`, [input.regionCode.trim()]);
    if (!region) errors.add('regionCode', '没有这个地区代码（先确认地区树已载入）', 'No region with this code (is the region tree loaded?)');
    errors.throwIfAny();
    const passwordHash = await hashPassword(input.password);
    return this.ctx.em.transactional(async (em) => {
      // One bootstrap at a time: two shells racing would otherwise both see "no admin yet".
      await em.execute(`select pg_advisory_xact_lock(hashtext('tanfang.bootstrap_admin'))`);
      const [existing] = await em.execute<{ username: string }[]>(`select username from app_user where role = 'ADMIN' and active limit 1`);
      if (existing) {
        throw conflict(
          `已有管理员账号（${existing.username}），请由管理员在后台创建用户`,
          `An administrator already exists (${existing.username}): create users in the console`,
        );
      }
      const [row] = await em.execute<{ id: string }[]>(
        `insert into app_user (username, display_name, password_hash, role, region_code, created_at, updated_at)
         values (?, ?, ?, 'ADMIN', ?, ?, ?) on conflict (username) do nothing returning id`,
        [username, displayName, passwordHash, region!.code, this.ctx.now(), this.ctx.now()],
      );
      if (!row) throw badInput('该用户名已被使用', 'This username is taken', 'username');
      const user = await this.load(row.id, em);
      await writeAudit(this.ctx, [{
        action: AuditAction.UserCreate, regionCode: user.regionCode, actorUsername: 'bootstrap',
        changes: diffSnapshots({}, snapshot(user)), detail: { userId: user.id, username: user.username, bootstrap: true },
      }], em);
      return user;
    });
  }

  async update(id: string, input: UpdateUserInput): Promise<UserType> {
    const actor = this.manager();
    const before = await this.target(id);
    const self = before.id === actor.userId;
    const errors = new FieldErrors();
    const displayName = input.displayName == null ? before.displayName : this.checkDisplayName(errors, input.displayName);
    const role = input.role == null ? (before.role as RoleName) : this.checkRole(errors, input.role);
    if (self && role !== before.role) errors.add('role', '不能修改自己的角色，请由其他管理员办理', 'You cannot change your own role: ask another administrator');
    if (self && input.active === false) errors.add('active', '不能停用自己的账号', 'You cannot deactivate your own account');
    errors.throwIfAny();
    const regionCode = input.regionCode == null ? before.regionCode : (await new RegionService(this.ctx).requireRegionInJurisdiction(actor, input.regionCode)).code;
    const agencyId = await this.checkAgency(actor, role!, input.agencyId !== undefined && input.agencyId !== null ? input.agencyId : PARTNER_ROLES.has(role!) ? before.agencyId ?? null : null);
    const active = input.active ?? before.active;
    return this.ctx.em.transactional(async (em) => {
      await em.execute(
        `update app_user set display_name = ?, role = ?, region_code = ?, agency_id = ?, active = ?, updated_at = ? where id = ?`,
        [displayName, role, regionCode, agencyId, active, this.ctx.now(), before.id],
        'run',
      );
      // Losing access ends every open session at once; so does a change of role or jurisdiction.
      if (!active || role !== before.role || regionCode !== before.regionCode) await this.endSessions(em, before.id);
      const after = await this.load(before.id, em);
      const changes = diffSnapshots(snapshot(before), snapshot(after));
      if (changes.length) {
        await writeAudit(this.ctx, [{
          action: before.active && !after.active ? AuditAction.UserDeactivate : AuditAction.UserUpdate, regionCode: after.regionCode,
          changes, detail: { userId: after.id, username: after.username },
        }], em);
      }
      return after;
    });
  }

  async resetPassword(id: string, password: string): Promise<UserType> {
    this.manager();
    const user = await this.target(id);
    const errors = new FieldErrors();
    checkPassword(errors, password);
    errors.throwIfAny();
    const hash = await hashPassword(password);
    return this.ctx.em.transactional(async (em) => {
      await em.execute(`update app_user set password_hash = ?, failed_logins = 0, locked_until = null, updated_at = ? where id = ?`, [hash, this.ctx.now(), user.id], 'run');
      const ended = await this.endSessions(em, user.id);
      await writeAudit(this.ctx, [{ action: AuditAction.UserPasswordReset, regionCode: user.regionCode, detail: { userId: user.id, username: user.username, sessionsEnded: ended } }], em);
      return this.load(user.id, em);
    });
  }

  async deactivate(id: string, reasonRaw: string): Promise<UserType> {
    const actor = this.manager();
    const user = await this.target(id);
    const reason = reasonRaw.trim();
    if (reason.length < 2 || reason.length > 500) throw badInput('请填写停用理由（2至500字）', 'Give the reason (2-500 characters)', 'reason');
    if (user.id === actor.userId) throw badInput('不能停用自己的账号', 'You cannot deactivate your own account', 'id');
    return this.ctx.em.transactional(async (em) => {
      await em.execute(`update app_user set active = false, updated_at = ? where id = ?`, [this.ctx.now(), user.id], 'run');
      const ended = await this.endSessions(em, user.id);
      await writeAudit(this.ctx, [{
        action: AuditAction.UserDeactivate, regionCode: user.regionCode,
        changes: user.active ? [{ field: 'active', old: true, new: false }] : [],
        detail: { userId: user.id, username: user.username, reason, sessionsEnded: ended },
      }], em);
      return this.load(user.id, em);
    });
  }

  // ---- helpers

  private manager(): Actor {
    // API keys act as partner agencies, which never hold this scope.
    return requireScope(this.ctx, Scope.UserManage);
  }

  /** A user in the caller's subtree, or NOT_FOUND (whether or not the id exists elsewhere). */
  private async target(id: string): Promise<UserType> {
    const actor = this.manager();
    const [row] = isUuid(id) ? await this.ctx.em.execute<UserRow[]>(`${SELECT} where u.id = ?`, [id]) : [];
    if (!row || !row.region_code.startsWith(actor.regionCode)) throw notFound('用户', 'user');
    return toUser(row);
  }

  private async load(id: string, em: EntityManager): Promise<UserType> {
    const [row] = await em.execute<UserRow[]>(`${SELECT} where u.id = ?`, [id]);
    return toUser(row!);
  }

  private async endSessions(em: EntityManager, userId: string): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `update session set revoked_at = ? where user_id = ? and revoked_at is null and expires_at > ? returning id`,
      [this.ctx.now(), userId, this.ctx.now()],
    );
    return rows.length;
  }

  private checkDisplayName(errors: FieldErrors, raw: string): string {
    const name = raw.trim();
    if (name.length < 1 || name.length > 100) errors.add('displayName', '请填写姓名或单位名称（1至100字）', 'Give a display name (1-100 characters)');
    return name;
  }

  private checkRole(errors: FieldErrors, raw: string): RoleName | null {
    const role = raw.trim();
    if (!isRole(role)) {
      errors.add('role', `未知的角色：${role.slice(0, 30)}`, `Unknown role: ${role.slice(0, 30)}`);
      return null;
    }
    return role;
  }

  /** Partner roles need an agency of their kind inside the caller's subtree; other roles have none. */
  private async checkAgency(actor: Actor, role: RoleName, agencyId: string | null): Promise<string | null> {
    if (!PARTNER_ROLES.has(role)) {
      if (agencyId) throw badInput('只有合作部门（公安、卫健、残联、住建）和服务机构（社工、心理、司法所）的账号属于部门', 'Only partner-agency and service-organisation roles belong to an agency', 'agencyId');
      return null;
    }
    if (!agencyId) throw badInput('请选择该账号所属的部门', 'Choose the agency this account works for', 'agencyId');
    const [agency] = isUuid(agencyId)
      ? await this.ctx.em.execute<{ id: string; kind: string; region_code: string }[]>(`select id, kind, region_code from agency where id = ?`, [agencyId])
      : [];
    if (!agency || !agency.region_code.startsWith(actor.regionCode)) throw badInput('所选部门不存在或不在您的管辖范围内', 'No such agency in your jurisdiction', 'agencyId');
    if (agency.kind !== role) throw badInput('所选部门与角色不符（如公安角色须选择公安部门）', 'The agency’s kind does not match the role', 'agencyId');
    return agency.id;
  }
}
