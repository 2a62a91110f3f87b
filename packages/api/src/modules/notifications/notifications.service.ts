import { requireActor, type RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { decodeCursor, encodeCursor, invalidCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { pgArray, toDate } from '../../shared/sql.js';
import type { NotificationKind, NotificationType } from './notifications.types.js';

interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  elder_id: string | null;
  alert_id: string | null;
  region_code: string | null;
  created_at: Date;
  read_at: Date | null;
}

const MAX_MARK = 500;

/** One's own notifications only: every statement is bound to the caller's user id, so no id of another's leaks. */
export class NotificationsService {
  constructor(private readonly ctx: RequestContext) {}

  /** Newest first, keyset-paged on (created_at, id). */
  async list(unreadOnly: boolean, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<NotificationType>> {
    const actor = requireActor(this.ctx);
    const size = pageSize(first);
    const where = ['n.user_id = ?'];
    const params: unknown[] = [actor.userId];
    if (unreadOnly) where.push('n.read_at is null');
    const filterParams = [...params];
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(at))) throw invalidCursor();
      where.push('(n.created_at, n.id) < (?::timestamptz, ?::uuid)');
      params.push(at, id);
    }
    const rows = await this.ctx.em.execute<NotificationRow[]>(
      `select n.id, n.kind, n.title, n.body, n.link, n.elder_id, n.alert_id, n.region_code, n.created_at, n.read_at
         from notification n where ${where.join(' and ')}
        order by n.created_at desc, n.id desc limit ?`,
      [...params, size + 1],
    );
    const [{ total }] = await this.ctx.em.execute<{ total: string }[]>(
      `select count(*) as total from notification n where ${where.slice(0, unreadOnly ? 2 : 1).join(' and ')}`,
      filterParams,
    );
    const nodes = rows.slice(0, size).map(toNode);
    return toConnection(nodes, (n) => encodeCursor([n.createdAt.toISOString(), n.id]), rows.length > size, !!after, Number(total));
  }

  async unreadCount(): Promise<number> {
    const actor = requireActor(this.ctx);
    const [{ n }] = await this.ctx.em.execute<{ n: string }[]>('select count(*) as n from notification where user_id = ? and read_at is null', [actor.userId]);
    return Number(n);
  }

  /** Marks some (by id) or all of one's unread notifications read; ids of others' are ignored. Returns how many changed. */
  async markRead(ids: string[] | null | undefined, all: boolean | null | undefined): Promise<number> {
    const actor = requireActor(this.ctx);
    if (!all && !ids?.length) throw badInput('请选择要标为已读的通知，或选择全部已读', 'Give the notifications to mark read, or all: true', 'ids');
    if (!all && ids!.length > MAX_MARK) throw badInput(`一次最多标记 ${MAX_MARK} 条`, `At most ${MAX_MARK} at a time`, 'ids');
    if (!all && ids!.some((id) => !isUuid(id))) throw badInput('通知编号格式不正确', 'A notification id is not valid', 'ids');
    const rows = await this.ctx.em.execute<{ id: string }[]>(
      `update notification set read_at = ? where user_id = ? and read_at is null ${all ? '' : 'and id = any(?::uuid[])'} returning id`,
      all ? [this.ctx.now(), actor.userId] : [this.ctx.now(), actor.userId, pgArray(ids!)],
    );
    return rows.length;
  }
}

function toNode(r: NotificationRow): NotificationType {
  return {
    id: r.id,
    kind: r.kind as NotificationKind,
    title: r.title,
    body: r.body,
    link: r.link,
    elderId: r.elder_id,
    alertId: r.alert_id,
    regionCode: r.region_code,
    createdAt: toDate(r.created_at),
    readAt: toDate(r.read_at),
  };
}
