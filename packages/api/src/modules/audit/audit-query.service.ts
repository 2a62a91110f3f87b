import { raw, type FilterQuery } from '@mikro-orm/core';
import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { DEFAULT_AUDIT_COUNT_CAP } from '../../config/env.js';
import { badInput } from '../../graphql/errors.js';
import { decodeCursor, encodeCursor, invalidCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { levelOfCode } from '../regions/region.entity.js';
import { localPaths } from '../regions/region.service.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditAction } from './audit.service.js';
import { pgArray } from '../../shared/sql.js';
import type { AuditEventType, AuditFilter } from './audit.types.js';
import { inSubtree, subtreeFilter } from '../../shared/jurisdiction.js';

const ACTIONS = new Set<string>(Object.values(AuditAction));

/**
 * Archives inside a jurisdiction named by `text`: the last 4-18 characters of an ID number (through the reversed-ID
 * index) or an exact name. At most 500: a search that matches more must be narrowed. Shared by every "find by elder"
 * filter (the audit log, the alert queue) so that a name or an ID tail finds the same people everywhere.
 */
export async function elderIdsMatching(em: RequestContext['em'], raw: string, regionCode: string, field = 'filter.elder'): Promise<string[]> {
  const text = raw.trim();
  const tail = text.toUpperCase();
  let rows: { id: string }[];
  if (/^\d{3,17}[\dX]?$/.test(tail) && tail.length >= 4) {
    rows = await em.execute<{ id: string }[]>(
      `select id from elder where reverse(id_number) like ? and ${inSubtree('region_code')} limit 501`,
      // digits and X only (checked above): nothing to escape in the pattern.
      [`${[...tail].reverse().join('')}%`, regionCode],
    );
  } else if (text.length >= 1 && text.length <= 50 && !/\d/.test(text)) {
    rows = await em.execute<{ id: string }[]>(
      `select id from elder where name = ? and ${inSubtree('region_code')} limit 501`,
      [text, regionCode],
    );
  } else {
    throw badInput(
      '请输入老人姓名，或身份证号码的后 4 至 18 位',
      'Give an elder\'s name, or the last 4 to 18 characters of the ID number',
      field,
    );
  }
  if (rows.length > 500) {
    throw badInput('匹配的老人超过 500 人，请输入更多位身份证号码或加上地区', 'More than 500 elders match: give more ID digits or a region', field);
  }
  return rows.map((r) => r.id);
}

/** Reading the audit log: auditors and admins, their own region subtree only. */
export class AuditQueryService {
  constructor(private readonly ctx: RequestContext) {}

  async list(filter: AuditFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<AuditEventType>> {
    const actor = requireScope(this.ctx, Scope.AuditRead);
    const size = pageSize(first);
    // Events with no region (a failed login under an unknown name) belong to no village: county-level
    // auditors and above see them.
    const regionScope: FilterQuery<AuditEvent> =
      (levelOfCode(actor.regionCode) ?? 5) <= 3
        ? { $or: [{ regionCode: subtreeFilter(actor.regionCode) }, { regionCode: null }] }
        : { regionCode: subtreeFilter(actor.regionCode) };
    const and: FilterQuery<AuditEvent>[] = [regionScope];
    if (filter?.elderId) and.push({ elderId: filter.elderId });
    if (filter?.actorUsername) and.push({ actorUsername: filter.actorUsername.trim() });
    if (filter?.actions?.length) {
      const unknown = filter.actions.filter((a) => !ACTIONS.has(a));
      if (unknown.length) {
        throw badInput(`未知的操作类型：${unknown.join('，')}`, `Unknown actions: ${unknown.join(', ')}`, 'filter.actions');
      }
      and.push({ action: { $in: filter.actions } });
    }
    if (filter?.regionCode) {
      if (!levelOfCode(filter.regionCode)) {
        throw badInput('行政区划代码应为 2、4、6、9 或 12 位数字', 'A region code has 2, 4, 6, 9 or 12 digits', 'filter.regionCode');
      }
      and.push({ regionCode: subtreeFilter(filter.regionCode) });
    }
    if (filter?.elder !== null && filter?.elder !== undefined) and.push({ elderId: { $in: await elderIdsMatching(this.ctx.em, filter.elder, actor.regionCode) } });
    if (filter?.from) and.push({ at: { $gte: filter.from } });
    if (filter?.to) and.push({ at: { $lt: filter.to } });
    if (filter?.elderId && !/^[0-9a-f-]{36}$/i.test(filter.elderId)) {
      throw badInput('老人档案编号格式不正确', 'elderId is not a valid id', 'filter.elderId');
    }
    const where: FilterQuery<AuditEvent> = { $and: and };
    let pageWhere = where;
    if (after) {
      const [id] = decodeCursor(after, 1);
      if (typeof id !== 'string' || !/^\d{1,18}$/.test(id)) throw invalidCursor(); // 18 digits always fit a bigint
      pageWhere = { $and: [...and, { id: { $lt: id } }] };
    }
    const cap = this.ctx.auditCountCap ?? DEFAULT_AUDIT_COUNT_CAP;
    const [rows, counted] = await Promise.all([
      this.ctx.em.find(AuditEvent, pageWhere, { orderBy: { id: 'desc' }, limit: size + 1 }),
      this.countUpTo(where, cap),
    ]);
    // More than the cap: the total says "at least cap" (totalCountCapped), never a figure it did not count.
    const capped = counted > cap;
    const total = capped ? cap : counted;
    const shown = rows.slice(0, size);
    // Names for the page in three set-based statements (elders, users, regions), never one per row.
    const [names, actors, paths] = await Promise.all([
      this.namesOf(shown.map((r) => r.elderId).filter((id): id is string => !!id)),
      this.actorNamesOf(shown.map((r) => r.actorId).filter((id): id is string => !!id)),
      localPaths(this.ctx.em, [...new Set(shown.map((r) => r.regionCode).filter((c): c is string => !!c))]),
    ]);
    const page = shown.map((r) => ({
      ...r,
      id: String(r.id),
      changes: r.changes ?? [],
      elderName: r.elderId ? names.get(r.elderId) ?? null : null,
      actorName: r.actorId ? actors.get(r.actorId) ?? null : null,
      regionPath: r.regionCode ? paths.get(r.regionCode) ?? null : null,
    }));
    return toConnection(page, (r) => encodeCursor([r.id]), rows.length > size, !!after, total, capped);
  }

  /**
   * The events matching `where`, counted up to `cap + 1` and no further. The log gains a row for every audited read
   * (lists included), so an exact count of a city's events read every row of the filter on every page: 157 ms p95 at
   * 100k elders and growing without end. A count that stops after `cap + 1` rows costs at most that many index or heap
   * rows whatever the log's size; below the cap it is exact.
   */
  private async countUpTo(where: FilterQuery<AuditEvent>, cap: number): Promise<number> {
    const inner = this.ctx.em.createQueryBuilder(AuditEvent, 'a').select(raw('1')).where(where).limit(cap + 1).getKnexQuery();
    const knex = this.ctx.em.getKnex();
    const [row] = await this.ctx.em.execute<{ n: number }[]>(knex.select(knex.raw('count(*)::int as n')).from(inner.as('capped')));
    return row?.n ?? 0;
  }

  /** Display names of the users on one page, in one statement. */
  private async actorNamesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ctx.em.execute<{ id: string; display_name: string }[]>(`select id, display_name from app_user where id = any(?::uuid[])`, [pgArray([...new Set(ids)])]);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  /** Names of the archives on one page, in one statement. */
  private async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ctx.em.execute<{ id: string; name: string }[]>(`select id, name from elder where id = any(?::uuid[])`, [pgArray([...new Set(ids)])]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
