import type { EntityManager } from '@mikro-orm/postgresql';
import type { SmsSettings } from '../../config/env.js';
import { executeBound } from '../../shared/bound-sql.js';

/**
 * The SMS channel, behind a small HTTP adapter of the office's choosing (its SMS provider's gateway or a relay):
 * `POST TANFANG_SMS_URL` with JSON `{ id, phone, template, params: { title, body } }`, where `template` is
 * TANFANG_SMS_TEMPLATE (providers in China send only pre-approved templates) and `id` the notification's id, also
 * sent as `Idempotency-Key` (a retry after a lost answer must not text twice if the gateway honours it). 2xx = sent;
 * anything else fails the `send_sms` job, which graphile-worker retries with its backoff (5 attempts).
 * Off (no URL): the job does nothing, so turning SMS on later does not text old alerts.
 * A text leaves the system through a carrier: it says what kind of thing happened and where (the notification's
 * fixed body), never the alert's own title, which a person may have typed with a name in it.
 */
const SMS_TITLES: Record<string, string> = { ALERT_URGENT: '紧急预警', ALERT_ESCALATED: '预警逾期上报' };

export async function sendSms(em: EntityManager, sms: SmsSettings | null, job: { notificationId: string }, abort: AbortSignal): Promise<void> {
  if (!sms) return;
  const [n] = await executeBound<{ id: string; kind: string; body: string | null; phone: string | null }>(
    em,
    `select n.id, n.kind, n.body, coalesce(u.phone, v.phone) as phone
       from notification n join app_user u on u.id = n.user_id left join visitor v on v.user_id = u.id
      where n.id = ?::uuid and u.active`,
    [job.notificationId],
  );
  if (!n?.phone) return;
  const response = await fetch(sms.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': n.id },
    body: JSON.stringify({ id: n.id, phone: n.phone, template: sms.template, params: { title: SMS_TITLES[n.kind] ?? '探访系统通知', body: n.body } }),
    signal: AbortSignal.any([abort, AbortSignal.timeout(sms.timeoutMs)]),
  });
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new Error(`SMS gateway answered HTTP ${response.status}`);
}
