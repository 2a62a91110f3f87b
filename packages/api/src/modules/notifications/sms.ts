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
 */
export async function sendSms(em: EntityManager, sms: SmsSettings | null, job: { notificationId: string }, abort: AbortSignal): Promise<void> {
  if (!sms) return;
  const [n] = await executeBound<{ id: string; title: string; body: string | null; phone: string | null }>(
    em,
    `select n.id, n.title, n.body, coalesce(u.phone, v.phone) as phone
       from notification n join app_user u on u.id = n.user_id left join visitor v on v.user_id = u.id
      where n.id = ?::uuid and u.active`,
    [job.notificationId],
  );
  if (!n?.phone) return;
  const response = await fetch(sms.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': n.id },
    body: JSON.stringify({ id: n.id, phone: n.phone, template: sms.template, params: { title: n.title, body: n.body } }),
    signal: AbortSignal.any([abort, AbortSignal.timeout(sms.timeoutMs)]),
  });
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new Error(`SMS gateway answered HTTP ${response.status}`);
}
