import { createHmac } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebhookSettings } from '../../config/env.js';
import type { RequestContext } from '../../graphql/context.js';
import { executeBound } from '../../shared/bound-sql.js';
import { isAncestorOrSelf } from '../../shared/jurisdiction.js';
import { Loaders } from '../../shared/loaders.js';
import { actorFor } from '../auth/actor.js';
import { ReadLedger } from '../audit/read-audit.js';
import { PARTNER_OF_ROLE } from '../agencies/agency-views.js';
import { ChangesService, MAX_CHANGES } from '../changes/changes.service.js';
import { checkWebhookUrl } from './webhooks.url.js';

export type WebhookEventName = 'ALERT_REFERRED' | 'FEED_CHANGED' | 'REPORT_APPROVED';

/**
 * The signature a receiver checks: HMAC-SHA256 with the subscription's secret over `<t>.<body>`, sent as
 * `X-Tanfang-Signature: t=<unix seconds>,v1=<hex>`. The timestamp lets a receiver refuse replays (say, older than
 * five minutes); the delivery id (`X-Tanfang-Delivery`) stays the same across retries, so it can drop repeats.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Graphile-worker's own retries are for the job failing unexpectedly (the database away); HTTP failures are ours. */
const JOB_MAX_ATTEMPTS = 5;

/**
 * Which subscriptions an event goes to: those of agencies of `agencyKind` (if given), listening to the event, whose
 * jurisdiction holds `regionCode`; or one subscription by id (FEED_CHANGED is per subscriber).
 */
export type WebhookTarget = { regionCode: string; agencyKind?: string | null } | { subscriptionId: string };

/**
 * The one way webhook deliveries are created: in the event's own transaction, one statement writes a delivery per
 * matching subscription (the event's `dedupeKey` once per subscription) and queues its graphile-worker job with the
 * delivery id as job key, so a delivery is queued exactly once and never lost if the process dies after commit.
 * The payload carries ids and cursors only, never personal data. Returns the new delivery ids.
 */
export async function queueWebhookEvent(
  em: EntityManager,
  event: WebhookEventName,
  target: WebhookTarget,
  payload: Record<string, unknown>,
  dedupeKey: string,
  at: Date,
): Promise<string[]> {
  const byId = 'subscriptionId' in target;
  const rows = await executeBound<{ id: string }>(
    em,
    `with ins as (
       insert into webhook_delivery (subscription_id, event, payload, dedupe_key, created_at, next_attempt_at)
       select s.id, ?, ?::jsonb, ?, ?, ?
         from webhook_subscription s left join agency ag on ag.id = s.agency_id
        where s.active and ? = any(s.events)
          and ${byId ? 's.id = ?::uuid' : `${isAncestorOrSelf('s.region_code', '?::text')} and (?::text is null or ag.kind = ?::text)`}
       on conflict (subscription_id, dedupe_key) do nothing
       returning id
     ),
     jobs as (
       select graphile_worker.add_job('deliver_webhook', json_build_object('deliveryId', ins.id), job_key := ins.id::text,
                                      max_attempts := ${JOB_MAX_ATTEMPTS}) from ins
     )
     select ins.id, (select count(*) from jobs) as queued from ins`,
    [
      event, JSON.stringify(payload), dedupeKey, at, at, event,
      ...(byId ? [target.subscriptionId] : [target.regionCode, target.agencyKind ?? null, target.agencyKind ?? null]),
    ],
  );
  return rows.map((r) => r.id);
}

interface DeliveryRow {
  id: string;
  event: string;
  payload: Record<string, unknown>;
  status: string;
  created_at: Date;
  url: string;
  secret: string;
  active: boolean;
}

/**
 * The `deliver_webhook` job: POST the delivery once. 2xx = delivered (and never sent again: a delivery not PENDING is
 * left alone, whoever runs the job again). Anything else (another status, a timeout, a refused connection, the
 * worker stopping mid-request) counts an attempt and queues the next one after `retrySeconds · 2^(attempt-1)` (at
 * most an hour) under the same job key, until `maxAttempts`, then FAILED. At least once: a receiver that got the
 * body but whose answer was lost sees the same `X-Tanfang-Delivery` again.
 */
export async function deliverWebhook(em: EntityManager, settings: WebhookSettings, job: { deliveryId: string }, abort: AbortSignal): Promise<void> {
  const [d] = await executeBound<DeliveryRow>(
    em,
    `select d.id, d.event, d.payload, d.status, d.created_at, s.url, s.secret, s.active
       from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id where d.id = ?::uuid`,
    [job.deliveryId],
  );
  if (!d || d.status !== 'PENDING') return;
  if (!d.active) {
    await executeBound(em, `update webhook_delivery set status = 'FAILED', last_error = ?, next_attempt_at = null where id = ? and status = 'PENDING'`, ['订阅已删除 (subscription deleted)', d.id]);
    return;
  }
  const verdict = await checkWebhookUrl(d.url, settings.allowPrivate);
  let httpStatus: number | null = null;
  let error: string | null = null;
  if (!verdict.ok) error = `${verdict.zh} (${verdict.en})`;
  else {
    const body = JSON.stringify({ id: d.id, event: d.event, createdAt: new Date(d.created_at).toISOString(), data: d.payload });
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(verdict.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tanfang-Webhooks/1',
          'x-tanfang-delivery': d.id,
          'x-tanfang-event': d.event,
          'x-tanfang-signature': signWebhook(d.secret, timestamp, body),
        },
        body,
        // A redirect could lead to an address the check refused: the receiver must answer at its registered URL.
        redirect: 'manual',
        signal: AbortSignal.any([abort, AbortSignal.timeout(settings.timeoutMs)]),
      });
      httpStatus = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (httpStatus < 200 || httpStatus > 299) error = `HTTP ${httpStatus}`;
    } catch (e) {
      const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      error = abort.aborted ? '投递中断：任务进程停止 (worker stopped)' : cause.slice(0, 400);
    }
  }
  if (error === null) {
    await executeBound(
      em,
      `update webhook_delivery set status = 'DELIVERED', delivered_at = now(), attempts = attempts + 1, last_http_status = ?,
              last_error = null, next_attempt_at = null
        where id = ? and status = 'PENDING'`,
      [httpStatus, d.id],
    );
    return;
  }
  await executeBound(
    em,
    `with u as (
       update webhook_delivery set attempts = attempts + 1, last_http_status = ?, last_error = ?,
              status = case when attempts + 1 >= ? then 'FAILED' else 'PENDING' end,
              next_attempt_at = case when attempts + 1 >= ? then null
                                     else now() + make_interval(secs => least(3600, ? * power(2, attempts))) end
        where id = ? and status = 'PENDING'
       returning id, status, next_attempt_at
     )
     select graphile_worker.add_job('deliver_webhook', json_build_object('deliveryId', u.id), run_at := u.next_attempt_at,
                                    job_key := u.id::text, max_attempts := ${JOB_MAX_ATTEMPTS})
       from u where u.status = 'PENDING'`,
    [httpStatus, error.slice(0, 500), settings.maxAttempts, settings.maxAttempts, settings.retrySeconds, d.id],
  );
}

/** A request context for reading a partner's change feed as that partner's subscription sees it. */
function feedContext(em: EntityManager, s: { id: string; region_code: string; agency_id: string; kind: string }, now: Date): RequestContext | null {
  const role = Object.keys(PARTNER_OF_ROLE).find((r) => PARTNER_OF_ROLE[r as keyof typeof PARTNER_OF_ROLE] === s.kind);
  if (!role) return null;
  const actor = actorFor({ id: s.id, username: `webhook:${s.id}`, displayName: 'webhook', role: role as keyof typeof PARTNER_OF_ROLE, regionCode: s.region_code, agencyId: s.agency_id, apiClient: true });
  return {
    em, actor, now: () => now, loaders: new Loaders(), sessionHours: 0, reads: new ReadLedger(),
    meta: { requestId: `webhook-feed-${s.id}`, ip: null, lang: 'zh', token: null },
  };
}

/** The end cursor of a partner's feed now (reading pages until the end; at most 50 pages of 1,000 a run). */
export async function feedEnd(em: EntityManager, s: { id: string; region_code: string; agency_id: string; kind: string }, since: string | null, now: Date): Promise<string | null> {
  const ctx = feedContext(em, s, now);
  if (!ctx) return since;
  const service = new ChangesService(ctx);
  let end = since;
  for (let page = 0; page < 50; page++) {
    const feed = await service.feed(end, MAX_CHANGES);
    if (feed.entries.length === 0) break;
    end = feed.endCursor;
    if (!feed.hasMore) break;
  }
  return end;
}

/**
 * The `webhook_feed` cron job: for each FEED_CHANGED subscription, if the subscriber's view of `changes` has new
 * entries past the cursor it was last told of, one delivery carrying the new end cursor (not the data: the subscriber
 * reads `changes(since:)` with its own key). The cursor moves in the same transaction as the delivery is queued, and
 * only from the value this run read, so two instances running the job at once announce each cursor once.
 */
export async function queueFeedChanged(em: EntityManager, now: Date): Promise<number> {
  const subs = await executeBound<{ id: string; region_code: string; agency_id: string; kind: string; feed_cursor: string | null }>(
    em,
    `select s.id, s.region_code, s.agency_id, ag.kind, s.feed_cursor
       from webhook_subscription s join agency ag on ag.id = s.agency_id
      where s.active and 'FEED_CHANGED' = any(s.events)`,
    [],
  );
  let queued = 0;
  for (const s of subs) {
    const end = await feedEnd(em, s, s.feed_cursor, now);
    if (!end || end === s.feed_cursor) continue;
    await em.transactional(async (tx) => {
      const moved = await executeBound(
        tx,
        `update webhook_subscription set feed_cursor = ? where id = ? and feed_cursor is not distinct from ? returning id`,
        [end, s.id, s.feed_cursor],
      );
      if (moved.length === 0) return;
      queued += (await queueWebhookEvent(tx, 'FEED_CHANGED', { subscriptionId: s.id }, { since: s.feed_cursor, endCursor: end }, `feed:${end}`, now)).length;
    });
  }
  return queued;
}
