import { randomBytes } from 'node:crypto';
import { Scope } from '@tanfang/schema';
import type { WebhookSettings } from '../../config/env.js';
import { requireActor, type RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { pgArray, toDate } from '../../shared/sql.js';
import type { Actor } from '../auth/actor.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { stampChanges } from '../changes/changes.stamp.js';
import { encodeCursor as encodeFeedCursor } from '../changes/changes.service.js';
import { checkWebhookUrl } from './webhooks.url.js';
import {
  WebhookEvent,
  type CreatedWebhookSubscriptionType,
  type CreateWebhookSubscriptionInput,
  type WebhookDeliveryStatus,
  type WebhookDeliveryType,
  type WebhookSubscriptionType,
} from './webhooks.types.js';

const MAX_SUBSCRIPTIONS = 20;

interface SubscriptionRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  owner_name: string;
  region_code: string;
  created_at: Date;
}

const SUBSCRIPTION_SELECT = `select s.id, s.url, s.events, s.active, coalesce(ag.name, u.display_name) as owner_name, s.region_code, s.created_at
  from webhook_subscription s left join agency ag on ag.id = s.agency_id left join app_user u on u.id = s.owner_user_id`;

/**
 * Outbound webhooks. An owner is a partner agency (its users and API keys manage the same subscriptions) or, for an
 * integrator, the user; `webhook.manage` reaches only one's own, `webhook.read:jurisdiction` (civil-affairs admins)
 * reads every owner's in the jurisdiction. Anything else is NOT_FOUND, like a missing subscription.
 */
export class WebhooksService {
  constructor(private readonly ctx: RequestContext, private readonly settings: WebhookSettings) {}

  private actor(): Actor {
    const actor = requireActor(this.ctx);
    if (!actor.scopes.has(Scope.WebhookManage) && !actor.scopes.has(Scope.WebhookRead)) {
      throw new AppError('FORBIDDEN', '您的账号没有此项权限', 'Your account does not have this permission', { requiredScope: Scope.WebhookManage });
    }
    return actor;
  }

  /** The SQL condition (and its parameters) of the subscriptions the actor may see. */
  private visible(actor: Actor): { where: string; params: unknown[] } {
    if (actor.scopes.has(Scope.WebhookManage)) {
      return actor.agencyId ? { where: 's.agency_id = ?', params: [actor.agencyId] } : { where: 's.owner_user_id = ?', params: [actor.userId] };
    }
    return { where: inSubtree('s.region_code'), params: [actor.regionCode] };
  }

  async list(): Promise<WebhookSubscriptionType[]> {
    const actor = this.actor();
    const { where, params } = this.visible(actor);
    const rows = await this.ctx.em.execute<SubscriptionRow[]>(`${SUBSCRIPTION_SELECT} where s.deleted_at is null and ${where} order by s.created_at desc, s.id`, params);
    return rows.map(toSubscription);
  }

  async create(input: CreateWebhookSubscriptionInput): Promise<CreatedWebhookSubscriptionType> {
    const actor = requireManage(this.ctx);
    const verdict = await checkWebhookUrl(input.url, this.settings.allowPrivate);
    if (!verdict.ok) throw badInput(verdict.zh, verdict.en, 'url');
    const events = [...new Set(input.events)];
    if (events.length === 0) throw badInput('请至少选择一个事件', 'Choose at least one event', 'events');
    // Alert referrals and the change feed belong to a partner agency's duty; an integrator has neither.
    if (!actor.agencyId && events.some((e) => e !== WebhookEvent.REPORT_APPROVED)) {
      throw badInput('“预警转介”和“变更流”事件只适用于合作部门', 'ALERT_REFERRED and FEED_CHANGED are for partner agencies only', 'events');
    }
    if (events.includes(WebhookEvent.FEED_CHANGED) && !actor.scopes.has(Scope.ChangesRead)) {
      throw badInput('您的账号不能读取变更流，不能订阅“变更流”事件', 'Your account cannot read the change feed', 'events');
    }
    const owner = actor.agencyId ? { agency: actor.agencyId, user: null } : { agency: null, user: actor.userId };
    const [{ n }] = await this.ctx.em.execute<{ n: string }[]>(
      `select count(*) as n from webhook_subscription where active and ${owner.agency ? 'agency_id = ?' : 'owner_user_id = ?'}`,
      [owner.agency ?? owner.user],
    );
    if (Number(n) >= MAX_SUBSCRIPTIONS) throw badInput(`最多 ${MAX_SUBSCRIPTIONS} 个订阅，请先删除不用的`, `At most ${MAX_SUBSCRIPTIONS} subscriptions: delete one first`, 'url');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    // FEED_CHANGED starts at the feed's present end: a new subscriber is told of what comes, not of all history.
    let feedCursor: string | null = null;
    if (events.includes(WebhookEvent.FEED_CHANGED)) {
      await stampChanges(this.ctx.em);
      const [{ pos }] = await this.ctx.em.execute<{ pos: string | null }[]>('select max(pos)::text as pos from change_log');
      feedCursor = pos ? encodeFeedCursor(pos) : null;
    }
    const id = await this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into webhook_subscription (agency_id, owner_user_id, region_code, url, events, secret, feed_cursor, created_by, created_at)
         values (?, ?, ?, ?, ?::text[], ?, ?, ?, ?) returning id`,
        [owner.agency, owner.user, actor.regionCode, verdict.url.toString(), pgArray(events), secret, feedCursor, actor.userId, this.ctx.now()],
      );
      await writeAudit(this.ctx, [{ action: AuditAction.WebhookCreate, detail: { subscriptionId: row!.id, url: verdict.url.toString(), events } }], em);
      return row!.id;
    });
    return { subscription: await this.one(actor, id), secret };
  }

  /** Deletes (deactivates) one's own subscription; its pending deliveries stop. The log stays readable to admins. */
  async delete(id: string): Promise<boolean> {
    const actor = requireManage(this.ctx);
    await this.one(actor, id);
    await this.ctx.em.transactional(async (em) => {
      await em.execute(`update webhook_subscription set active = false, deleted_at = ? where id = ? and deleted_at is null`, [this.ctx.now(), id], 'run');
      await writeAudit(this.ctx, [{ action: AuditAction.WebhookDelete, detail: { subscriptionId: id } }], em);
    });
    return true;
  }

  async deliveries(subscriptionId: string, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<WebhookDeliveryType>> {
    const actor = this.actor();
    const size = pageSize(first);
    await this.one(actor, subscriptionId, true);
    const start = decodeOffset(after);
    const rows = await this.ctx.em.execute<{
      id: string; subscription_id: string; event: string; payload: unknown; status: string; attempts: number; last_http_status: number | null;
      last_error: string | null; next_attempt_at: Date | null; created_at: Date; delivered_at: Date | null; total: string;
    }[]>(
      `select d.*, count(*) over () as total from webhook_delivery d where d.subscription_id = ?
        order by d.created_at desc, d.id desc limit ? offset ?`,
      [subscriptionId, size + 1, start],
    );
    const nodes: WebhookDeliveryType[] = rows.slice(0, size).map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      event: r.event as WebhookEvent,
      payload: JSON.stringify(r.payload),
      status: r.status as WebhookDeliveryStatus,
      attempts: r.attempts,
      lastHttpStatus: r.last_http_status,
      lastError: r.last_error,
      nextAttemptAt: toDate(r.next_attempt_at),
      createdAt: toDate(r.created_at),
      deliveredAt: toDate(r.delivered_at),
    }));
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  private async one(actor: Actor, id: string, includeDeleted = false): Promise<WebhookSubscriptionType> {
    const { where, params } = this.visible(actor);
    const [row] = isUuid(id)
      ? await this.ctx.em.execute<SubscriptionRow[]>(
          `${SUBSCRIPTION_SELECT} where s.id = ? and ${includeDeleted ? 'true' : 's.deleted_at is null'} and ${where}`,
          [id, ...params],
        )
      : [];
    if (!row) throw notFound('回调订阅', 'webhook subscription');
    return toSubscription(row);
  }
}

function requireManage(ctx: RequestContext): Actor {
  const actor = requireActor(ctx);
  if (!actor.scopes.has(Scope.WebhookManage)) {
    throw new AppError('FORBIDDEN', '您的账号没有此项权限', 'Your account does not have this permission', { requiredScope: Scope.WebhookManage });
  }
  return actor;
}

function toSubscription(r: SubscriptionRow): WebhookSubscriptionType {
  return {
    id: r.id,
    url: r.url,
    events: r.events as WebhookEvent[],
    active: r.active,
    ownerName: r.owner_name,
    regionCode: r.region_code,
    createdAt: toDate(r.created_at),
  };
}
