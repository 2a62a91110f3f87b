import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';
import { startReceiver, type Received } from '../helpers/receiver.js';
import { deleteFailedJobs, FAILED_JOB_DAYS, startWorker, type JobWorker } from '../../packages/api/src/jobs/queue.js';
import { queueWebhookEvent } from '../../packages/api/src/modules/webhooks/webhooks.delivery.js';
import { checkWebhookUrl } from '../../packages/api/src/modules/webhooks/webhooks.url.js';

/**
 * Outbound webhooks (issue 16): signed deliveries of ALERT_REFERRED (and REPORT_APPROVED through the wire point) to
 * real node:http receivers by real graphile-worker runners: retried with the same delivery id after a 500 and never
 * sent again once delivered; at least once across a worker stopped mid-request; exactly once with two runners on
 * one database; each owner sees only its own subscriptions and log.
 */
let t: TestApp;
let police: TestUser;
let police2: TestUser;
let health: TestUser;
let disability: TestUser;
let integrator: TestUser;
let admin: TestUser;
let townA: TestUser;
let village: TestUser;
let elder: ElderData;
const workers: JobWorker[] = [];
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) { secret subscription { id url events active ownerName } } }`;
const LIST = `{ webhookSubscriptions { id url events ownerName } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 100) {
  totalCount nodes { id event payload status attempts lastHttpStatus lastError deliveredAt } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!) { referAlert(id: $id, version: $version, to: $to) { id } }`;

type Delivery = { id: string; event: string; payload: string; status: string; attempts: number; lastHttpStatus: number | null; lastError: string | null; deliveredAt: string | null };

const work = async (options: { abortAfterMs?: number; reportSeconds?: number } = {}) => {
  const w = await startWorker({
    connectionString: t.dbUrl, config: t.options.config, orm: t.orm, pollInterval: 100, cron: false, abortAfterMs: options.abortAfterMs ?? 200,
    reportSeconds: options.reportSeconds,
  });
  workers.push(w);
  return w;
};
const receiver = async (respond?: Parameters<typeof startReceiver>[0]) => {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
};
async function subscribe(as: TestUser, url: string, events: string[]) {
  return ok(await t.exec<any>(as, CREATE, { input: { url, events } })).createWebhookSubscription as { secret: string; subscription: { id: string } };
}
async function deliveries(as: TestUser, id: string): Promise<Delivery[]> {
  return ok(await t.exec<any>(as, DELIVERIES, { id })).webhookDeliveries.nodes;
}
/** An alert in the elder's village referred to an agency kind. */
async function referTo(to: string): Promise<string> {
  const alert = ok(await t.exec<any>(townA, RAISE, { input: { elderId: elder.id, severity: 'NORMAL', title: `需要${to}协助` } })).raiseAlert;
  ok(await t.exec(townA, REFER, { id: alert.id, version: alert.version, to }));
  return alert.id;
}
function verify(secret: string, r: Received): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['x-tanfang-signature']));
  if (!m) return false;
  return createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex') === m[2];
}
/**
 * Delivery jobs still to run. Not counted: a job graphile-worker failed for good when a worker was stopped in the
 * middle of it (its delivery was queued again under a new job with the same key, see the stop test).
 */
const jobsLeft = async () =>
  (await t.sql<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'deliver_webhook' and attempts < max_attempts`))[0]!.n;

beforeAll(async () => {
  t = await createTestApp({ config: { webhooks: { timeoutMs: 5000, retrySeconds: 0, maxAttempts: 5, allowPrivate: true } } });
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  village = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  police = await t.user('POLICE', REGIONS.city);
  police2 = await t.user('POLICE', REGIONS.city);
  health = await t.user('HEALTH', REGIONS.city);
  disability = await t.user('DISABILITY', REGIONS.city);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  elder = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1941-02-03') });
  t.clock.set(new Date().toISOString());
  await work();
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const r of receivers) await r.close();
  await t?.close();
});

describe('delivery', () => {
  it('an alert referred to the police reaches its receiver signed, with a stable delivery id and ids only; health hears nothing', async () => {
    const rx = await receiver();
    const other = await receiver();
    const sub = await subscribe(police, rx.url, ['ALERT_REFERRED']);
    expect(sub.secret).toMatch(/^whsec_/);
    await subscribe(health, other.url, ['ALERT_REFERRED']);
    const referred = Date.now();
    const alertId = await referTo('POLICE');

    await expect.poll(() => rx.received.length, { timeout: 10_000, interval: 10 }).toBe(1);
    console.log(`[webhooks] referral to receipt: ${rx.received[0]!.at - referred} ms (raise + refer + queue + POST)`);
    const r = rx.received[0]!;
    expect(verify(sub.secret, r)).toBe(true);
    expect(verify('whsec_wrong', r)).toBe(false);
    expect(r.headers['x-tanfang-event']).toBe('ALERT_REFERRED');
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ id: r.headers['x-tanfang-delivery'], event: 'ALERT_REFERRED', data: { alertId, referredTo: 'POLICE', regionCode: REGIONS.villageA1 } });
    expect(r.body).not.toContain('关国华');
    expect(r.body).not.toContain(elder.fullIdNumber);

    await expect.poll(async () => (await deliveries(police, sub.subscription.id))[0]?.status, { timeout: 10_000, interval: 50 }).toBe('DELIVERED');
    const [d] = await deliveries(police, sub.subscription.id);
    expect(d).toMatchObject({ id: body.id, attempts: 1, lastHttpStatus: 200, lastError: null });
    expect(other.received).toEqual([]);
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'WEBHOOK_CREATE' and actor_id = $1`, [police.id]);
    expect(n).toBe(1);
  });

  it('a receiver answering 500 is retried with the same delivery id, then delivered, and never sent again', async () => {
    const rx = await receiver((_r, n) => (n === 1 ? 500 : 200));
    const sub = await subscribe(disability, rx.url, ['ALERT_REFERRED']);
    await referTo('DISABILITY');
    await expect.poll(async () => (await deliveries(disability, sub.subscription.id))[0]?.status, { timeout: 10_000, interval: 50 }).toBe('DELIVERED');
    expect(rx.received).toHaveLength(2);
    const [first, second] = rx.received as [Received, Received];
    expect(second.headers['x-tanfang-delivery']).toBe(first.headers['x-tanfang-delivery']);
    expect(JSON.parse(second.body).id).toBe(JSON.parse(first.body).id);
    expect(verify(sub.secret, second)).toBe(true);
    const [d] = await deliveries(disability, sub.subscription.id);
    expect(d).toMatchObject({ attempts: 2, lastHttpStatus: 200, lastError: null });

    // The job run again (a duplicate, a stale retry): a delivered delivery is left alone.
    await t.sql(`select graphile_worker.add_job('deliver_webhook', json_build_object('deliveryId', $1::text))`, [d!.id]);
    await expect.poll(jobsLeft, { timeout: 10_000, interval: 50 }).toBe(0);
    expect(rx.received).toHaveLength(2);
    // Deleted: no more deliveries to it.
    expect(ok(await t.exec<any>(disability, DELETE, { id: sub.subscription.id })).deleteWebhookSubscription).toBe(true);
    await referTo('DISABILITY');
    expect((await t.sql<{ n: number }>(`select count(*)::int as n from webhook_delivery where subscription_id = $1`, [sub.subscription.id]))[0]!.n).toBe(1);
  });

  it('a receiver that keeps failing is tried TANFANG_WEBHOOK_MAX_ATTEMPTS times, then the delivery is FAILED and left alone', async () => {
    const rx = await receiver(() => 503);
    const sub = await subscribe(integrator, rx.url, ['REPORT_APPROVED']);
    await t.orm.em.fork().transactional((tx) => queueWebhookEvent(tx, 'REPORT_APPROVED', { regionCode: REGIONS.townB }, { regionCode: REGIONS.townB, period: '2026-11' }, 'failing', new Date()));
    await expect.poll(async () => (await deliveries(integrator, sub.subscription.id))[0]?.status, { timeout: 10_000, interval: 50 }).toBe('FAILED');
    const [d] = await deliveries(integrator, sub.subscription.id);
    expect(d).toMatchObject({ attempts: 5, lastHttpStatus: 503, lastError: 'HTTP 503', deliveredAt: null });
    expect(rx.received).toHaveLength(5);
    expect(new Set(rx.received.map((r) => r.headers['x-tanfang-delivery']))).toEqual(new Set([d!.id]));
    await expect.poll(jobsLeft, { timeout: 10_000, interval: 50 }).toBe(0);
    expect(ok(await t.exec<any>(integrator, DELETE, { id: sub.subscription.id })).deleteWebhookSubscription).toBe(true);
  });

  it('the worker stopped mid-delivery: delivered at least once after a restart, with the same delivery id', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<number>((resolve) => (release = () => resolve(200)));
    const rx = await receiver((_r, n) => (n === 1 ? held : 200));
    const hx = await subscribe(health, rx.url, ['ALERT_REFERRED']);
    await referTo('HEALTH');
    await expect.poll(() => rx.received.length, { timeout: 10_000, interval: 50 }).toBe(1);

    // Graceful stop while the receiver holds the request: the request is aborted, the attempt recorded, the job
    // queued again under the same key.
    await workers.shift()!.stop();
    const [d] = await deliveries(health, hx.subscription.id);
    expect(d).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(d!.lastError).toContain('worker stopped');

    await work();
    await expect.poll(async () => (await deliveries(health, hx.subscription.id))[0]?.status, { timeout: 10_000, interval: 50 }).toBe('DELIVERED');
    expect(rx.received).toHaveLength(2);
    expect(rx.received[1]!.headers['x-tanfang-delivery']).toBe(rx.received[0]!.headers['x-tanfang-delivery']);
    release();
  });

  it('two workers on one database send each delivery exactly once (REPORT_APPROVED to an integrator)', async () => {
    await work(); // a second runner beside the first
    expect(workers).toHaveLength(2);
    const rx = await receiver(() => new Promise((r) => setTimeout(() => r(200), 5)));
    const sub = await subscribe(integrator, rx.url, ['REPORT_APPROVED']);
    const started = Date.now();
    const em = t.orm.em.fork();
    const ids = await em.transactional(async (tx) => {
      const all: string[] = [];
      for (let i = 0; i < 40; i++) {
        all.push(...(await queueWebhookEvent(tx, 'REPORT_APPROVED', { regionCode: REGIONS.townA }, { regionCode: REGIONS.townA, period: `2026-${i}` }, `report:${i}`, new Date())));
      }
      return all;
    });
    expect(ids).toHaveLength(40);
    await expect.poll(async () => (await t.sql<{ n: number }>(`select count(*)::int as n from webhook_delivery where subscription_id = $1 and status = 'DELIVERED'`, [sub.subscription.id]))[0]!.n, { timeout: 20_000, interval: 50 }).toBe(40);
    const elapsed = Date.now() - started;
    await expect.poll(jobsLeft, { timeout: 10_000, interval: 50 }).toBe(0);
    const seen = rx.received.map((r) => String(r.headers['x-tanfang-delivery']));
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
    expect(new Set(seen)).toEqual(new Set(ids));
    console.log(`[webhooks] 40 deliveries by two workers in ${elapsed} ms (${((40 * 1000) / elapsed).toFixed(0)}/s)`);
    // The same event queued again makes no second delivery.
    const again = await em.transactional((tx) => queueWebhookEvent(tx, 'REPORT_APPROVED', { regionCode: REGIONS.townA }, { regionCode: REGIONS.townA, period: '2026-0' }, 'report:0', new Date()));
    expect(again).toEqual([]);
  });
});

describe('who sees what', () => {
  it('an agency sees only its own subscriptions and logs (shared by its users); admins see the jurisdiction\'s; others nothing', async () => {
    const mine = ok(await t.exec<any>(police, LIST)).webhookSubscriptions;
    expect(mine.length).toBe(1);
    expect(mine[0].ownerName).toContain('POLICE');
    // Another user of the same agency manages the same subscription.
    expect(ok(await t.exec<any>(police2, LIST)).webhookSubscriptions.map((s: any) => s.id)).toEqual(mine.map((s: any) => s.id));
    const healthSubs = ok(await t.exec<any>(health, LIST)).webhookSubscriptions;
    expect(healthSubs.map((s: any) => s.id)).not.toContain(mine[0].id);
    // Outside one's own: NOT_FOUND, like a missing one.
    expect(codeOf(await t.exec(police, DELIVERIES, { id: healthSubs[0].id }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(police, DELETE, { id: healthSubs[0].id }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(police, DELIVERIES, { id: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    // The integrator sees its own only.
    expect(ok(await t.exec<any>(integrator, LIST)).webhookSubscriptions).toHaveLength(1);
    // The city's admin reads every owner's (and their logs) but registers none.
    const all = ok(await t.exec<any>(admin, LIST)).webhookSubscriptions;
    expect(all.length).toBe(4); // police, health ×2, integrator (the deleted one is gone)
    expect((await deliveries(admin, mine[0].id)).length).toBe(1);
    expect(codeOf(await t.exec(admin, CREATE, { input: { url: 'http://127.0.0.1:1/x', events: ['REPORT_APPROVED'] } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(village, LIST))).toBe('FORBIDDEN');
    // The secret is never readable after creation.
    expect(codeOf(await t.exec(police, `{ webhookSubscriptions { id secret } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects bad URLs and events an owner cannot have; private addresses in production', async () => {
    expect(codeOf(await t.exec(police, CREATE, { input: { url: 'ftp://example.com/x', events: ['ALERT_REFERRED'] } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(police, CREATE, { input: { url: 'not a url', events: ['ALERT_REFERRED'] } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(police, CREATE, { input: { url: 'http://127.0.0.1:9/x', events: [] } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(integrator, CREATE, { input: { url: 'http://127.0.0.1:9/x', events: ['ALERT_REFERRED'] } }))).toBe('BAD_USER_INPUT');
    for (const url of ['http://127.0.0.1/x', 'http://10.1.2.3/x', 'http://192.168.0.9/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://localhost/x']) {
      expect((await checkWebhookUrl(url, false)).ok, url).toBe(false);
    }
    expect((await checkWebhookUrl('https://203.0.113.10/hook', false)).ok).toBe(true);
    expect((await checkWebhookUrl('http://127.0.0.1/x', true)).ok).toBe(true);
  });
});

describe('FEED_CHANGED', () => {
  it('new entries in the subscriber\'s view make one delivery carrying the end cursor; nothing new, nothing sent', async () => {
    const rx = await receiver();
    const sub = await subscribe(police2, rx.url, ['FEED_CHANGED']);
    const runFeed = async () => {
      await t.sql(`select graphile_worker.add_job('webhook_feed')`);
      await expect.poll(async () => (await t.sql<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'webhook_feed'`))[0]!.n, { timeout: 10_000, interval: 50 }).toBe(0);
    };
    // Nothing happened since the subscription: nothing to announce (history before it is not announced).
    await runFeed();
    expect(await deliveries(police2, sub.subscription.id)).toEqual([]);

    await registerElder(t, admin, { name: '周志强', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1943-04-05') });
    await runFeed();
    await expect.poll(() => rx.received.length, { timeout: 10_000, interval: 50 }).toBe(1);
    const body = JSON.parse(rx.received[0]!.body);
    expect(body.event).toBe('FEED_CHANGED');
    expect(Object.keys(body.data).sort()).toEqual(['endCursor', 'since']);
    // The subscriber reads the data itself, with its own key, from the cursor it had: the feed ends where announced.
    const feed = ok(await t.exec<any>(police2, `query($since: String) { changes(since: $since, first: 1000) { endCursor entries { entity op } } }`, { since: body.data.since })).changes;
    expect(feed.entries.length).toBeGreaterThan(0);
    expect(feed.endCursor).toBe(body.data.endCursor);
    expect(JSON.stringify(body)).not.toContain('周志强');

    await runFeed();
    expect(await deliveries(police2, sub.subscription.id)).toHaveLength(1);
  });
});

describe('report refresher', () => {
  it('runs at once and reschedules itself as ONE job per database, however many workers start it (or run it)', async () => {
    // Two workers already run without the refresher configured: they run its job all the same (the interval is in it).
    expect((await t.sql(`select * from report_rollup_state`)).length).toBe(0);
    await work({ reportSeconds: 3600 });
    await work({ reportSeconds: 3600 });
    await expect.poll(async () => (await t.sql(`select period from report_rollup_state`)).length, { timeout: 20_000, interval: 100 }).toBe(2);
    await expect.poll(async () => (await t.sql(`select 1 from compliance_snapshot_state where valid`)).length, { timeout: 20_000, interval: 100 }).toBe(1);
    // The next run is queued once, an interval ahead, under the one key (no second copy from the second worker).
    await expect.poll(async () => (await t.sql<{ key: string; ahead: boolean }>(
      `select key, run_at > now() + interval '59 minutes' as ahead from graphile_worker.jobs where task_identifier = 'refresh_reports' and attempts < max_attempts`,
    )), { timeout: 10_000, interval: 100 }).toEqual([{ key: 'refresh_reports', ahead: true }]);
  });

  it('a stop past its grace ends a running refresh between towns, and its next run is queued at once, not an interval later', async () => {
    // Only this test's worker runs the refresh (the others would finish it and hide whether it was cut short).
    for (const w of workers.splice(0)) await w.stop();
    await registerElder(t, admin, { name: '司马秀兰', regionCode: REGIONS.villageB1, idNumber: idNumberFor('1943-03-04') });
    // A new day for both (a full refresh, town by town), and the refresher due now.
    await t.sql(`update report_rollup_state set as_of = as_of - 1`);
    await t.sql(`update compliance_snapshot_state set valid = false`);
    // The snapshot's first town waits on this lock, so the stop lands while the refresh runs.
    const blocker = new pg.Client({ connectionString: t.dbUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table compliance_snapshot in exclusive mode');
      await t.sql(`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where task_identifier = 'refresh_reports'), run_at := now())`);
      const w = await work({ reportSeconds: 3600, abortAfterMs: 50 });
      await expect.poll(async () => (await t.sql(`select 1 from pg_locks where relation = 'compliance_snapshot'::regclass and not granted`)).length, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
      const stopping = w.stop();
      await new Promise((resolve) => setTimeout(resolve, 200)); // past the 50 ms grace: the signal is aborted
      await blocker.query('commit');
      await stopping;
    } finally {
      await blocker.end();
    }
    // Cut short: the snapshot was not finished, and the next run waits for no interval; nothing is left locked.
    expect((await t.sql(`select 1 from compliance_snapshot_state where valid`)).length).toBe(0);
    expect(await t.sql<{ locked: boolean; soon: boolean }>(
      `select locked_at is not null as locked, run_at < now() + interval '1 minute' as soon from graphile_worker.jobs where task_identifier = 'refresh_reports'`,
    )).toEqual([{ locked: false, soon: true }]);
    // The next worker finishes it.
    await work({ reportSeconds: 3600 });
    await expect.poll(async () => (await t.sql(`select 1 from compliance_snapshot_state where valid`)).length, { timeout: 20_000, interval: 100 }).toBe(1);
  });
});

describe('failed jobs', () => {
  it('are removed once they failed for good more than FAILED_JOB_DAYS ago; pending, retrying and recent ones stay', async () => {
    const [failed] = await t.sql<{ id: string }>(`select id from graphile_worker.add_job('retention_probe', '{}'::json, max_attempts := 1, run_at := now() + interval '1 day')`);
    await t.sql(`select graphile_worker.permanently_fail_jobs(array[$1::bigint], 'probe')`, [failed!.id]);
    const [pending] = await t.sql<{ id: string }>(`select id from graphile_worker.add_job('retention_probe', '{}'::json, max_attempts := 5, run_at := now() + interval '1 day')`);
    const query = async (text: string, values?: unknown[]) => ({ rows: await t.sql(text, values) });
    const probes = async () => (await t.sql<{ id: string }>(`select id from graphile_worker.jobs where task_identifier = 'retention_probe' order by id`)).map((r) => r.id);

    // Failed today: kept for diagnosis.
    expect(await deleteFailedJobs(query, new Date())).toBe(0);
    expect(await probes()).toEqual([failed!.id, pending!.id]);
    // A month and a day later: the failed one goes, the pending one stays.
    expect(await deleteFailedJobs(query, new Date(Date.now() + (FAILED_JOB_DAYS + 1) * 86_400_000))).toBe(1);
    expect(await probes()).toEqual([pending!.id]);
    await t.sql(`select graphile_worker.complete_jobs(array[$1::bigint])`, [pending!.id]);
  });
});
