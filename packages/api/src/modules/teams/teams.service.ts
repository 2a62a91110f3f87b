import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { likePrefix, pgArray, toDate } from '../../shared/sql.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { AppError, badInput, conflict, FieldErrors, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { groupByKeys } from '../../shared/loaders.js';
import { maskPhone } from '../../shared/masking.js';
import type { Actor } from '../auth/actor.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { notify } from '../notifications/notifications.write.js';
import { Elder } from '../elders/elder.entity.js';
import { personName, phone as checkPhone } from '../elders/elder.validation.js';
import { isRealDate } from '../elders/id-number.js';
import { countyOf } from '../regions/region.entity.js';
import { RegionService } from '../regions/region.service.js';
import type {
  AssignmentResultType,
  AssignmentType,
  AssignVisitorInput,
  CreateTeamInput,
  CreateVisitorInput,
  TeamKind,
  TeamType,
  VisitorKind,
  VisitorType,
} from './teams.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';

/** A bulk assignment is one set-based statement per step; past this size, split the work. */
export const MAX_BULK_ASSIGN = 1000;

interface VisitorRow {
  id: string;
  name: string;
  kind: string;
  phone: string | null;
  region_code: string;
  team_id: string | null;
  user_id: string | null;
  active: boolean;
  left_on: string | null;
}

const VISITOR_COLUMNS = `v.id, v.name, v.kind, v.phone, v.region_code, v.team_id, v.user_id, v.active, to_char(v.left_on, 'YYYY-MM-DD') as left_on`;

export function toVisitor(v: VisitorRow): VisitorType {
  return {
    id: v.id,
    name: v.name,
    kind: v.kind as VisitorKind,
    phone: maskPhone(v.phone),
    regionCode: v.region_code,
    teamId: v.team_id,
    hasLogin: v.user_id !== null,
    active: v.active,
    leftOn: v.left_on,
  };
}

export class TeamsService {
  constructor(private readonly ctx: RequestContext) {}

  async teams(regionCode: string | null | undefined): Promise<TeamType[]> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const region = await this.regionIn(actor, regionCode);
    const rows = await this.ctx.em.execute<{ id: string; name: string; kind: string; region_code: string }[]>(
      `select id, name, kind, region_code from team where ${inSubtree('region_code')} order by region_code, kind, name`,
      [region],
    );
    return rows.map((t) => ({ id: t.id, name: t.name, kind: t.kind as TeamKind, regionCode: t.region_code }));
  }

  async createTeam(input: CreateTeamInput): Promise<TeamType> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const name = input.name.trim();
    if (name.length < 2 || name.length > 100) throw badInput('请填写队伍名称（2至100字）', 'Name the team (2-100 characters)', 'name');
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, input.regionCode);
    if (region.level < 3) throw badInput('队伍应建在县（区）及以下', 'Teams belong to a county or below', 'regionCode');
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into team (name, kind, region_code, county_code, created_at) values (?, ?, ?, ?, ?) returning id`,
        [name, input.kind, region.code, countyOf(region.code), this.ctx.now()],
      );
      await writeAudit(this.ctx, [{ action: AuditAction.TeamCreate, regionCode: region.code, detail: { teamId: row!.id, name } }], em);
      return { id: row!.id, name, kind: input.kind, regionCode: region.code };
    });
  }

  async visitors(
    filter: { regionCode?: string | null; kind?: VisitorKind | null; includeInactive?: boolean | null; text?: string | null; serving?: string | null } | null,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<ConnectionShape<VisitorType>> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const region = await this.regionIn(actor, filter?.regionCode);
    const size = pageSize(first);
    const offset = decodeOffset(after);
    const text = filter?.text?.trim() || null;
    const pattern = text ? likePrefix(text) : null;
    const serving = filter?.serving?.trim() || null;
    if (serving !== null && !/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(serving)) {
      throw badInput('行政区划代码应为 2、4、6、9 或 12 位数字', 'A region code has 2, 4, 6, 9 or 12 digits', 'filter.serving');
    }
    // A visitor serves a region when the visitor's area contains it: the region's code starts with the area's.
    const rows = await this.ctx.em.execute<(VisitorRow & { total: string })[]>(
      `select ${VISITOR_COLUMNS}, count(*) over () as total from visitor v
        where ${inSubtree('v.region_code')} and (?::text is null or v.kind = ?) and (? or v.active)
          and (?::text is null or v.name like ?)
          and (?::text is null or starts_with(?::text, v.region_code))
        order by v.name, v.id limit ? offset ?`,
      [region, filter?.kind ?? null, filter?.kind ?? null, filter?.includeInactive ?? false, pattern, pattern, serving, serving, size + 1, offset],
    );
    const nodes = rows.slice(0, size).map(toVisitor);
    const start = offset;
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  async createVisitor(input: CreateVisitorInput): Promise<VisitorType> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const errors = new FieldErrors();
    const name = personName(errors, 'name', input.name, ['姓名', 'Name']);
    const phone = input.phone?.trim() ? checkPhone(errors, 'phone', input.phone, ['联系电话', 'Phone']) : null;
    errors.throwIfAny();
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, input.regionCode);
    if (region.level < 3) throw badInput('探访人员应属于县（区）及以下', 'A visitor belongs to a county or below', 'regionCode');
    if (input.teamId) {
      const [team] = isUuid(input.teamId)
        ? await this.ctx.em.execute<{ region_code: string }[]>(`select region_code from team where id = ?`, [input.teamId])
        : [];
      if (!team || !team.region_code.startsWith(actor.regionCode)) throw notFound('队伍', 'team');
    }
    let userId: string | null = null;
    if (input.username?.trim()) {
      const [user] = await this.ctx.em.execute<{ id: string; region_code: string }[]>(
        `select id, region_code from app_user where username = ? and active`,
        [input.username.trim()],
      );
      if (!user || !user.region_code.startsWith(actor.regionCode)) {
        throw badInput(`没有用户名为 ${input.username.trim()} 的账号，或不在您的管辖范围内`, 'No such login in your jurisdiction', 'username');
      }
      userId = user.id;
    }
    try {
      return await this.ctx.em.transactional(async (em) => {
        const [row] = await em.execute<VisitorRow[]>(
          `insert into visitor as v (name, kind, phone, region_code, county_code, team_id, user_id, created_at)
           values (?, ?, ?, ?, ?, ?, ?, ?) returning ${VISITOR_COLUMNS}`,
          [name, input.kind, phone, region.code, countyOf(region.code), input.teamId ?? null, userId, this.ctx.now()],
        );
        await writeAudit(this.ctx, [{ action: AuditAction.VisitorCreate, regionCode: region.code, detail: { visitorId: row!.id, name } }], em);
        return toVisitor(row!);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw conflict('该账号已关联了另一名探访人员', 'That login is already linked to another visitor', { field: 'username' });
      }
      throw error;
    }
  }

  /**
   * Assign one visitor to many elders: validated as a whole (every elder in the jurisdiction and inside the visitor's
   * area), then three set-based statements whatever the count. A new responsible contact replaces the previous one.
   */
  async assign(input: AssignVisitorInput): Promise<AssignmentResultType> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const ids = [...new Set(input.elderIds)];
    if (ids.length === 0) throw badInput('请至少选择一位老年人', 'Choose at least one elder', 'elderIds');
    if (ids.length > MAX_BULK_ASSIGN) {
      throw badInput(`一次最多分配 ${MAX_BULK_ASSIGN} 位老年人，请分批进行`, `At most ${MAX_BULK_ASSIGN} elders at a time: split the batch`, 'elderIds');
    }
    if (ids.some((id) => !isUuid(id))) throw badInput('老年人编号格式不正确', 'An elder id is not valid', 'elderIds');
    const visitor = await this.activeVisitor(actor, input.visitorId, 'visitorId');
    const elders = await this.ctx.em.execute<{ id: string; region_code: string; status: string }[]>(
      `select id, region_code, status from elder where id = any(?::uuid[]) and ${inSubtree('region_code')}`,
      [pgArray(ids), actor.regionCode],
    );
    if (elders.length !== ids.length) {
      // Outside the jurisdiction is NOT_FOUND, like a missing archive (as on every operation on an elder).
      throw new AppError(
        'NOT_FOUND',
        `有 ${ids.length - elders.length} 位老年人未找到，或不在您的管辖范围内，未做任何分配`,
        `${ids.length - elders.length} elders were not found or are outside your jurisdiction; nothing was assigned`,
        { field: 'elderIds' },
      );
    }
    const closed = elders.filter((e) => e.status !== 'ACTIVE');
    if (closed.length > 0) {
      throw badInput(`有 ${closed.length} 位老年人已销档，未做任何分配`, `${closed.length} elders are closed; nothing was assigned`, 'elderIds');
    }
    const outside = elders.filter((e) => !e.region_code.startsWith(visitor.region_code));
    if (outside.length > 0) {
      throw badInput(
        `有 ${outside.length} 位老年人不在该探访人员负责的区域内，未做任何分配`,
        `${outside.length} elders are outside the visitor's area; nothing was assigned`,
        'elderIds',
      );
    }
    const now = this.ctx.now();
    const reason = input.reason?.trim() || null;
    return this.ctx.em.transactional(async (em) => {
      // Visitors before elders, as in `reassign`: a visitor who is being marked as left cannot take elders meanwhile.
      const [still] = await em.execute<{ active: boolean }[]>(`select active from visitor where id = ? for share`, [visitor.id]);
      if (!still?.active) throw badInput(`${visitor.name}已离岗，不能再分配老年人`, `${visitor.name} has left and cannot take elders`, 'visitorId');
      // Lock the elders' current assignments: two bulk assignments of the same elders queue up instead of racing.
      await em.execute(`select id from elder where id = any(?::uuid[]) order by id for update`, [pgArray(ids)]);
      if (input.expectPrimary) await this.checkPrimaryUnchanged(em, ids, input.expectPrimary.visitorId ?? null);
      const endReason = input.role === 'PRIMARY' ? `由${visitor.name}接任结对联系人${reason ? `：${reason}` : ''}` : null;
      const ended = input.role === 'PRIMARY'
        ? await em.execute<{ id: string }[]>(
            `update assignment set ends_at = ?, end_reason = ?
              where elder_id = any(?::uuid[]) and ends_at is null
                and ((role = 'PRIMARY' and visitor_id <> ?) or (role = 'HELPER' and visitor_id = ?))
             returning id`,
            [now, endReason, pgArray(ids), visitor.id, visitor.id],
          )
        : []; // A helper who is already the responsible contact stays the contact.
      const inserted = await em.execute<{ id: string; elder_id: string }[]>(
        `insert into assignment (elder_id, visitor_id, county_code, role, starts_at, assigned_by)
         select e.id, ?, e.county_code, ?, ?, ? from elder e
          where e.id = any(?::uuid[])
            and not exists (select 1 from assignment a where a.elder_id = e.id and a.visitor_id = ? and a.ends_at is null)
         returning id, elder_id`,
        [visitor.id, input.role, now, actor.userId, pgArray(ids), visitor.id],
      );
      await writeAudit(
        this.ctx,
        inserted.map((r) => ({
          action: AuditAction.AssignmentChange,
          elderId: r.elder_id,
          regionCode: elders.find((e) => e.id === r.elder_id)!.region_code,
          detail: { visitorId: visitor.id, visitorName: visitor.name, role: input.role, reason },
        })),
        em,
      );
      // The visitor learns of new elders in the bell (a visitor without a login has no inbox). The first new
      // assignment's id names the event: a retried request that assigns nothing new notifies nobody again.
      if (visitor.user_id && inserted.length > 0) {
        await notify(em, [{
          kind: 'ASSIGNMENT',
          title: `新分配给您 ${inserted.length} 位老年人`,
          body: `${input.role === 'PRIMARY' ? '您已成为结对联系人（责任探访人）' : '您已成为协助探访人'}，请在探访任务中查看并按时探访。`,
          link: '/worklist',
          regionCode: visitor.region_code,
          dedupeKey: `assignment:${inserted.map((r) => r.id).sort()[0]}`,
          recipients: { userIds: [visitor.user_id] },
        }], now);
      }
      return { assigned: inserted.length, unchanged: ids.length - inserted.length, ended: ended.length };
    });
  }

  /**
   * The optimistic check of `assign`, run under the elders' row locks: each elder's responsible contact is still the
   * one the caller saw. Someone else's change in between is CONFLICT naming who is responsible now, not overwritten.
   */
  private async checkPrimaryUnchanged(em: EntityManager, ids: string[], expected: string | null): Promise<void> {
    const rows = await em.execute<{ elder_id: string; visitor_id: string | null; name: string | null }[]>(
      `select e.id as elder_id, a.visitor_id, v.name from elder e
         left join assignment a on a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null
         left join visitor v on v.id = a.visitor_id
        where e.id = any(?::uuid[])`,
      [pgArray(ids)],
    );
    const changed = rows.find((r) => (r.visitor_id ?? null) !== expected);
    if (!changed) return;
    const now = changed.name ? `现在的责任探访人是${changed.name}` : '现在没有责任探访人';
    const nowEn = changed.name ? `${changed.name} is responsible now` : 'nobody is responsible now';
    throw conflict(
      `责任探访人刚被他人修改（${now}），未做任何更改；请刷新页面后重新选择`,
      `The responsible visitor was just changed by someone else (${nowEn}); nothing was changed: reload the page and choose again`,
      { field: 'expectPrimary', currentVisitorId: changed.visitor_id, currentVisitorName: changed.name },
    );
  }

  async unassign(elderId: string, visitorId: string, reasonRaw: string): Promise<number> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const reason = reasonRaw.trim();
    if (reason.length < 2) throw badInput('请填写解除结对的理由', 'Give a reason', 'reason');
    if (!isUuid(elderId) || !isUuid(visitorId)) throw notFound('结对关系', 'assignment');
    return this.ctx.em.transactional(async (em) => {
      const ended = await em.execute<{ id: string; region_code: string }[]>(
        `update assignment a set ends_at = ?, end_reason = ? from elder e
          where a.elder_id = ? and a.visitor_id = ? and a.ends_at is null and e.id = a.elder_id and ${inSubtree('e.region_code')}
         returning a.id, e.region_code`,
        [this.ctx.now(), reason, elderId, visitorId, actor.regionCode],
      );
      if (ended.length === 0) throw notFound('结对关系', 'assignment');
      await writeAudit(this.ctx, [{ action: AuditAction.AssignmentChange, elderId, regionCode: ended[0]!.region_code, detail: { visitorId, ended: true, reason } }], em);
      return ended.length;
    });
  }

  /**
   * Moves every elder of a leaving visitor to another, in one transaction: no elder is left without a contact, and
   * nothing moves if anything is wrong. Optionally marks the first visitor as left.
   */
  async reassign(fromId: string, toId: string, reasonRaw: string, leftOn: string | null | undefined): Promise<AssignmentResultType> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const reason = reasonRaw.trim();
    if (reason.length < 2) throw badInput('请填写调整理由（如工作变动）', 'Give a reason (e.g. left the job)', 'reason');
    if (fromId === toId) throw badInput('请选择另一名探访人员接手', 'Choose a different visitor to take over', 'to');
    if (leftOn && (!isRealDate(leftOn) || leftOn > today(this.ctx))) throw badInput('离岗日期无效或晚于今天', 'leftOn is invalid or in the future', 'leftOn');
    const from = await this.visitorIn(actor, fromId);
    const to = await this.activeVisitor(actor, toId, 'to');
    const now = this.ctx.now();
    return this.ctx.em.transactional(async (em) => {
      const locked = await em.execute<{ id: string; active: boolean }[]>(`select id, active from visitor where id in (?, ?) order by id for update`, [from.id, to.id]);
      // `to` may have been marked as left by a reassignment that committed while this one waited for the lock.
      if (!locked.find((v) => v.id === to.id)?.active) throw badInput(`${to.name}已离岗，不能再分配老年人`, `${to.name} has left and cannot take elders`, 'to');
      // Then the elders, in the order `assign` locks them: a concurrent assignment of one of them waits instead of
      // deadlocking or colliding with the moved PRIMARY (it used to surface as an internal error).
      await em.execute(
        `select e.id from elder e where e.id in (select elder_id from assignment where visitor_id = ? and ends_at is null) order by e.id for update`,
        [from.id],
      );
      const held = await em.execute<{ elder_id: string; role: string; region_code: string }[]>(
        `select a.elder_id, a.role, e.region_code from assignment a join elder e on e.id = a.elder_id
          where a.visitor_id = ? and a.ends_at is null`,
        [from.id],
      );
      const outside = held.filter((h) => !h.region_code.startsWith(to.region_code));
      if (outside.length > 0) {
        throw badInput(
          `${to.name}负责的区域不包括其中 ${outside.length} 位老年人，未做任何调整；请选择覆盖这些村（社区）的人员`,
          `${outside.length} of the elders are outside ${to.name}'s area; nothing moved`,
          'to',
        );
      }
      const endNote = `${reason}（移交给${to.name}）`;
      await em.execute(`update assignment set ends_at = ?, end_reason = ? where visitor_id = ? and ends_at is null`, [now, endNote, from.id], 'run');
      const primaries = held.filter((h) => h.role === 'PRIMARY').map((h) => h.elder_id);
      // Where the new visitor was only a helper of an elder the old one was responsible for, they become responsible.
      const promoted = await em.execute<{ id: string }[]>(
        `update assignment set ends_at = ?, end_reason = '升为结对联系人'
          where visitor_id = ? and ends_at is null and role = 'HELPER' and elder_id = any(?::uuid[]) returning id`,
        [now, to.id, pgArray(primaries)],
      );
      const inserted = await em.execute<{ elder_id: string }[]>(
        `insert into assignment (elder_id, visitor_id, county_code, role, starts_at, assigned_by)
         select h.elder_id, ?, e.county_code, h.role, ?, ?
           from jsonb_to_recordset(?::jsonb) as h(elder_id uuid, role text) join elder e on e.id = h.elder_id
          where not exists (select 1 from assignment a where a.elder_id = h.elder_id and a.visitor_id = ? and a.ends_at is null)
         returning elder_id`,
        [to.id, now, actor.userId, JSON.stringify(held.map((h) => ({ elder_id: h.elder_id, role: h.role }))), to.id],
      );
      if (leftOn) await em.execute(`update visitor set active = false, left_on = ? where id = ?`, [leftOn, from.id], 'run');
      await writeAudit(
        this.ctx,
        [
          ...held.map((h) => ({
            action: AuditAction.AssignmentChange,
            elderId: h.elder_id,
            regionCode: h.region_code,
            detail: { from: from.id, to: to.id, role: h.role, reason },
          })),
          ...(leftOn ? [{ action: AuditAction.VisitorLeave, regionCode: from.region_code, detail: { visitorId: from.id, leftOn, reason } }] : []),
        ],
        em,
      );
      return { assigned: inserted.length, unchanged: held.length - inserted.length, ended: held.length + promoted.length };
    });
  }

  /** Active elders in a region subtree without a responsible contact, class A first. */
  async unassigned(regionCode: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<Elder>> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const region = await this.regionIn(actor, regionCode);
    const size = pageSize(first);
    const start = decodeOffset(after);
    // From the maintained set of active elders without a responsible contact (elder_unassigned, kept exact by
    // triggers in the writing transaction): a city reads the few left, not every elder it has.
    const rows = await this.ctx.em.execute<{ id: string; total: string }[]>(
      `select e.id, count(*) over () as total from elder_unassigned u join elder e on e.id = u.elder_id
        where ${inSubtree('e.region_code')}
        order by e.computed_class nulls last, e.region_code, e.name, e.id limit ? offset ?`,
      [region, size + 1, start],
    );
    const ids = rows.slice(0, size).map((r) => r.id);
    const found = ids.length ? await this.ctx.em.find(Elder, { id: { $in: ids } }, { populate: ['region'] }) : [];
    const byId = new Map<string, Elder>(found.map((e) => [e.id, e]));
    const nodes: Elder[] = ids.flatMap((id) => byId.get(id) ?? []);
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  /** Assignments of the elders of a page, batched: one statement. */
  async assignmentsOf(elder: Elder, includeEnded: boolean): Promise<AssignmentType[]> {
    requireScope(this.ctx, Scope.VisitRead);
    const rows = await this.ctx.loaders
      .get<string, (VisitorRow & { assignment_id: string; elder_id: string; role: string; starts_at: Date; ends_at: Date | null; end_reason: string | null })[]>(
        `teams.assignments.${includeEnded}`,
        async (ids) => {
          const all = await this.ctx.em.execute<(VisitorRow & { assignment_id: string; elder_id: string; role: string; starts_at: Date; ends_at: Date | null; end_reason: string | null })[]>(
            `select a.id as assignment_id, a.elder_id, a.role, a.starts_at, a.ends_at, a.end_reason, ${VISITOR_COLUMNS}
               from assignment a join visitor v on v.id = a.visitor_id
              where a.elder_id = any(?::uuid[]) and (? or a.ends_at is null)
              order by a.elder_id, a.ends_at is not null, a.role desc, a.starts_at desc`,
            [pgArray(ids), includeEnded],
          );
          return groupByKeys(ids, all, (r) => r.elder_id);
        },
      )
      .load(elder.id);
    return rows.map((r) => ({
      id: r.assignment_id,
      elderId: r.elder_id,
      visitor: toVisitor(r),
      role: r.role as AssignmentType['role'],
      startsAt: toDate(r.starts_at),
      endsAt: toDate(r.ends_at),
      endReason: r.end_reason,
    }));
  }

  private async visitorIn(actor: Actor, id: string, em: EntityManager = this.ctx.em): Promise<VisitorRow> {
    const [row] = isUuid(id)
      ? await em.execute<VisitorRow[]>(`select ${VISITOR_COLUMNS} from visitor v where v.id = ? and ${inSubtree('v.region_code')}`, [id, actor.regionCode])
      : [];
    if (!row) throw notFound('探访人员', 'visitor');
    return row;
  }

  private async activeVisitor(actor: Actor, id: string, field: string): Promise<VisitorRow> {
    const row = await this.visitorIn(actor, id);
    if (!row.active) throw badInput(`${row.name}已离岗，不能再分配老年人`, `${row.name} has left and cannot take elders`, field);
    return row;
  }

  private async regionIn(actor: Actor, regionCode: string | null | undefined): Promise<string> {
    if (!regionCode) return actor.regionCode;
    return (await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode)).code;
  }
}
