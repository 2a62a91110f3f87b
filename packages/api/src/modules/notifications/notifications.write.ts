import type { EntityManager } from '@mikro-orm/postgresql';
import { ROLE_SCOPES, Scope, type RoleName, type ScopeName } from '@tanfang/schema';
import { executeBound } from '../../shared/bound-sql.js';
import { isAncestorOrSelf } from '../../shared/jurisdiction.js';

export type NotificationKindName =
  | 'ALERT_URGENT'
  | 'ALERT_ESCALATED'
  | 'ASSIGNMENT'
  | 'DATA_CONFLICT'
  | 'TRANSFER'
  | 'REPORT_DUE'
  | 'REPORT_RETURNED'
  | 'REPORT_APPROVED';

/**
 * Who receives a notification, chosen in SQL (never a list read into Node and written back):
 *  - `userIds`: these users;
 *  - `covering` + `scope`: every active user whose region subtree contains this region code and whose role has the
 *    scope (an urgent alert in a village reaches its village, town and county);
 *  - `exactRegion` + `scope`: users of exactly this region (an escalation reaching the town's level).
 */
export type Recipients = { userIds: string[] } | { covering: string; scope: ScopeName } | { exactRegion: string; scope: ScopeName };

export interface NotificationToSend {
  kind: NotificationKindName;
  /** In Chinese, without personal data: a region and what happened, never the elder's name or ID. */
  title: string;
  body?: string | null;
  /** The console route it opens (`/elders/<id>`, `/worklist`, ...). */
  link?: string | null;
  elderId?: string | null;
  alertId?: string | null;
  regionCode?: string | null;
  /** The event's identity: a recipient gets one notification per key however often the event is reported. */
  dedupeKey: string;
  recipients: Recipients;
  /** Also text the recipients who have a phone (urgent alerts); the send_sms job does nothing while SMS is off. */
  sms?: boolean;
}

/** Roles whose bundle holds a scope: recipients are chosen by what they can do, like every check in the code. */
export function rolesWith(scope: ScopeName): RoleName[] {
  return (Object.keys(ROLE_SCOPES) as RoleName[]).filter((role) => ROLE_SCOPES[role].includes(scope));
}

/**
 * The one write path of notifications: one INSERT ... SELECT for every item and every recipient, in the caller's
 * transaction (a notification exists exactly when its event committed). Repeats are dropped by the unique
 * (user_id, dedupe_key); SMS jobs are queued in the same statement for the new rows only, with the notification
 * id as job key, so a retried event never texts twice. Returns the new notifications.
 */
export async function notify(em: EntityManager, items: NotificationToSend[], at: Date): Promise<{ id: string; user_id: string; kind: string }[]> {
  if (items.length === 0) return [];
  const rows = items.map((i) => ({
    kind: i.kind, title: i.title.slice(0, 200), body: i.body?.slice(0, 1000) ?? null, link: i.link ?? null, elder_id: i.elderId ?? null,
    alert_id: i.alertId ?? null, region_code: i.regionCode ?? null, dedupe_key: i.dedupeKey, sms: i.sms ?? false,
    user_ids: 'userIds' in i.recipients ? i.recipients.userIds : null,
    covering: 'covering' in i.recipients ? i.recipients.covering : null,
    exact: 'exactRegion' in i.recipients ? i.recipients.exactRegion : null,
    roles: 'scope' in i.recipients ? rolesWith(i.recipients.scope) : null,
  }));
  return executeBound(
    em,
    `with i as (
       select * from jsonb_to_recordset(?::jsonb) as i(kind text, title text, body text, link text, elder_id uuid, alert_id uuid,
              region_code text, dedupe_key text, sms boolean, user_ids jsonb, covering text, exact text, roles jsonb)
     ),
     ins as (
       insert into notification (user_id, kind, title, body, link, elder_id, alert_id, region_code, dedupe_key, created_at)
       select distinct on (u.id, i.dedupe_key) u.id, i.kind, i.title, i.body, i.link, i.elder_id, i.alert_id, i.region_code, i.dedupe_key, ?
         from i join app_user u on u.active and (
                (i.user_ids is not null and i.user_ids @> to_jsonb(u.id::text))
             or (i.covering is not null and ${isAncestorOrSelf('u.region_code', 'i.covering')} and i.roles @> to_jsonb(u.role::text))
             or (i.exact is not null and u.region_code = i.exact and i.roles @> to_jsonb(u.role::text)))
       on conflict (user_id, dedupe_key) do nothing
       returning id, user_id, kind, dedupe_key
     ),
     sms as (
       select graphile_worker.add_job('send_sms', json_build_object('notificationId', ins.id), job_key := 'sms:' || ins.id, max_attempts := 5)
         from ins join app_user u on u.id = ins.user_id left join visitor v on v.user_id = u.id
        where coalesce(u.phone, v.phone) is not null
          and exists (select 1 from i where i.dedupe_key = ins.dedupe_key and i.sms)
     )
     select ins.id, ins.user_id, ins.kind, (select count(*) from sms) as sms from ins`,
    [JSON.stringify(rows), at],
  );
}

/**
 * Urgent alerts just raised (by a visit's findings, by hand or by an agency's record) → everyone who can read alerts
 * and whose region subtree holds the elder's village, and a text message to those with a phone. Called by
 * `raiseAlerts`, the one place alerts are inserted, in its transaction.
 */
export async function notifyUrgentAlerts(em: EntityManager, alertIds: string[], at: Date): Promise<void> {
  if (alertIds.length === 0) return;
  const alerts = await executeBound<{ id: string; elder_id: string; region_code: string; title: string; place: string }>(
    em,
    `select a.id, a.elder_id, e.region_code, a.title, concat_ws(' ', t.name, v.name) as place
       from alert a join elder e on e.id = a.elder_id
       left join region v on v.code = e.region_code left join region t on t.code = left(e.region_code, 9) and length(e.region_code) > 9
      where a.id = any(?::uuid[]) and a.severity = 'URGENT' and a.status <> 'RESOLVED'`,
    [`{${alertIds.join(',')}}`],
  );
  await notify(
    em,
    alerts.map((a) => ({
      kind: 'ALERT_URGENT' as const,
      title: `紧急预警：${a.title}`,
      body: `${a.place}有一条紧急预警，请在2小时内确认处理（逾期将上报上一级）。`,
      link: `/elders/${a.elder_id}`,
      elderId: a.elder_id,
      alertId: a.id,
      regionCode: a.region_code,
      dedupeKey: `alert:${a.id}:raised`,
      recipients: { covering: a.region_code, scope: Scope.AlertRead },
      sms: true,
    })),
    at,
  );
}

/**
 * Escalation is derived from the clock (alerts.service.ts): this finds the unacknowledged alerts whose derived level
 * is above the village and tells the users of that level's region (the town's at level 1, the county's at level 2)
 * that the alert now waits for them. Run each minute by the `notify_escalations` cron job; dedupe (alert, level)
 * makes every run after the first a no-op, on any number of instances.
 */
export async function notifyEscalations(em: EntityManager, derivedSql: string, now: Date): Promise<number> {
  const rows = await executeBound<{ id: string; elder_id: string; elder_region: string; title: string; level: number; queue: string; place: string }>(
    em,
    `select x.id, x.elder_id, x.elder_region, x.title, x.level,
            case x.level when 1 then left(x.elder_region, 9) else left(x.elder_region, 6) end as queue,
            concat_ws(' ', t.name, v.name) as place
       from (${derivedSql}) x
       left join region v on v.code = x.elder_region left join region t on t.code = left(x.elder_region, 9) and length(x.elder_region) > 9
      where x.level > 0 and x.acknowledged_at is null and x.status = 'OPEN'`,
    [now],
  );
  const created = await notify(
    em,
    rows.map((r) => ({
      kind: 'ALERT_ESCALATED' as const,
      title: `预警已逾期上报${r.level === 1 ? '乡镇（街道）' : '县（市、区）'}：${r.title}`,
      body: `${r.place}的${r.title}预警未在时限内确认，已上报到您这一级，请尽快处理。`,
      link: `/alerts?region=${r.elder_region}`,
      elderId: r.elder_id,
      alertId: r.id,
      regionCode: r.elder_region,
      dedupeKey: `alert:${r.id}:level:${r.level}`,
      recipients: { exactRegion: r.queue, scope: Scope.AlertHandle },
    })),
    now,
  );
  return created.length;
}

/**
 * Report notifications (REPORT_DUE, REPORT_RETURNED, REPORT_APPROVED), for the report-submission work to call in its
 * own transaction: `recipients` are usually the submitting region's operators (`{ exactRegion, scope:
 * Scope.ReportClose }`) or the user who submitted (`{ userIds }`); `eventId` makes it once per event (a submission's
 * id and its state, e.g. `${submissionId}:returned:${version}`).
 */
export async function notifyReport(
  em: EntityManager,
  kind: 'REPORT_DUE' | 'REPORT_RETURNED' | 'REPORT_APPROVED',
  report: { regionCode: string; period: string; eventId: string; note?: string | null },
  recipients: Recipients,
  at: Date,
): Promise<number> {
  const words = { REPORT_DUE: '待报送', REPORT_RETURNED: '被退回', REPORT_APPROVED: '已审核通过' }[kind];
  const created = await notify(
    em,
    [{
      kind,
      title: `${report.period} 情况统计表${words}`,
      body: report.note ?? null,
      link: `/reports/submissions?p=${report.period}`,
      regionCode: report.regionCode,
      dedupeKey: `report:${kind}:${report.eventId}`,
      recipients,
    }],
    at,
  );
  return created.length;
}
