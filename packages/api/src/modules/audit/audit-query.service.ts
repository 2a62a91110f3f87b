import type { FilterQuery } from '@mikro-orm/core';
import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { decodeCursor, encodeCursor, invalidCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { likePrefix } from '../../shared/sql.js';
import { levelOfCode } from '../regions/region.entity.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditAction } from './audit.service.js';
import type { AuditEventType, AuditFilter } from './audit.types.js';

const ACTIONS = new Set<string>(Object.values(AuditAction));

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
        ? { $or: [{ regionCode: { $like: `${actor.regionCode}%` } }, { regionCode: null }] }
        : { regionCode: { $like: `${actor.regionCode}%` } };
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
      and.push({ regionCode: { $like: likePrefix(filter.regionCode) } });
    }
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
    const [rows, total] = await Promise.all([
      this.ctx.em.find(AuditEvent, pageWhere, { orderBy: { id: 'desc' }, limit: size + 1 }),
      this.ctx.em.count(AuditEvent, where),
    ]);
    const page = rows.slice(0, size).map((r) => ({ ...r, id: String(r.id), changes: r.changes ?? [] }));
    return toConnection(page, (r) => encodeCursor([r.id]), rows.length > size, !!after, total);
  }
}
