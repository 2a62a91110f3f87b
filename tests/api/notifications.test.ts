import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';
import { startReceiver } from '../helpers/receiver.js';
import { startWorker, type JobWorker } from '../../packages/api/src/jobs/queue.js';
import { notifyUrgentAlerts } from '../../packages/api/src/modules/notifications/notifications.write.js';

/**
 * The notifications centre (issue 16): urgent alerts (by a visit or by hand) reach the users whose area holds the
 * elder, escalations reach the next level once (a real graphile-worker runs the cron task), assignments reach the
 * visitor; one's own list, unread count and mark-read; a repeated event never notifies (or texts) twice. The SMS
 * adapter is a real HTTP server.
 */
let t: TestApp;
let worker: JobWorker;
let sms: Awaited<ReturnType<typeof startReceiver>>;
let admin: TestUser;
let townA: TestUser;
let townB: TestUser;
let villageA1: TestUser;
let villageA2: TestUser;
let elderA1: ElderData;
let elderA2: ElderData;

const T = Date.parse('2026-11-20T01:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

type Note = { id: string; kind: string; title: string; body: string | null; link: string | null; elderId: string | null; alertId: string | null; readAt: string | null };
const LIST = `query($unreadOnly: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id kind title body link elderId alertId readAt } } }`;
const COUNT = `{ unreadNotificationCount }`;
const MARK = `mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id alertIds } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id } }`;

async function notes(as: TestUser, unreadOnly = false): Promise<Note[]> {
  return ok(await t.exec<{ notifications: { nodes: Note[] } }>(as, LIST, { unreadOnly, first: 100 })).notifications.nodes;
}
const unread = async (as: TestUser) => ok(await t.exec<{ unreadNotificationCount: number }>(as, COUNT)).unreadNotificationCount;

/** Queues a run of the escalation task now and waits until the worker has finished it. */
async function runEscalations(): Promise<void> {
  await t.sql(`select graphile_worker.add_job('notify_escalations')`);
  await expect.poll(async () => (await t.sql(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'notify_escalations'`))[0]!.n, { timeout: 10_000, interval: 50 }).toBe(0);
}

beforeAll(async () => {
  sms = await startReceiver();
  t = await createTestApp({ config: { sms: { url: sms.url, template: 'SMS_URGENT_1', timeoutMs: 2000 } } });
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  villageA1 = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  villageA2 = await t.user('VILLAGE_WORKER', REGIONS.villageA2);
  await t.sql(`update app_user set phone = '13800138000' where id = $1`, [villageA1.id]);
  elderA1 = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1941-02-03') });
  elderA2 = await registerElder(t, admin, { name: '司徒美兰', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1942-03-04', false) });
  worker = await startWorker({ connectionString: t.dbUrl, config: t.options.config, orm: t.orm, now: t.clock.now, pollInterval: 100, cron: false });
});
afterAll(async () => {
  await worker?.stop();
  await sms?.close();
  await t?.close();
});

describe('urgent alerts', () => {
  let urgentId: string;

  it('raised by a visit: the village, its town and the city are told, another town and another village are not; SMS to those with a phone', async () => {
    t.clock.set(iso(T));
    const visit = ok(await t.exec<any>(townA, RECORD, { input: { elderId: elderA1.id, visitedAt: iso(T), method: 'HOME', gasSafety: 'UNSAFE', mood: 'WORSE' } })).recordVisit;
    const [urgent] = await t.sql<{ id: string }>(`select id from alert where visit_id = $1 and severity = 'URGENT'`, [visit.id]);
    urgentId = urgent!.id;
    for (const who of [villageA1, townA, admin]) {
      const mine = await notes(who);
      // Only the urgent alert (the NORMAL one from the same visit notifies nobody).
      expect(mine.map((n) => [n.kind, n.alertId])).toEqual([['ALERT_URGENT', urgentId]]);
      expect(mine[0]).toMatchObject({ title: '紧急预警：燃气使用不安全', link: `/elders/${elderA1.id}`, elderId: elderA1.id, readAt: null });
      // No personal data in the text: a place and what happened, never the elder's name.
      expect(`${mine[0]!.title}${mine[0]!.body}`).not.toContain('关国华');
      expect(mine[0]!.body).toContain('东河社区居委会');
    }
    expect(await notes(townB)).toEqual([]);
    expect(await notes(villageA2)).toEqual([]);
    expect(await unread(villageA1)).toBe(1);

    // One text, to the only recipient with a phone, through the adapter, with the template and the notification id.
    await expect.poll(() => sms.received.length, { timeout: 10_000, interval: 50 }).toBe(1);
    const sent = JSON.parse(sms.received[0]!.body);
    const note = (await notes(villageA1))[0]!;
    expect(sent).toMatchObject({ id: note.id, phone: '13800138000', template: 'SMS_URGENT_1', params: { title: '紧急预警', body: note.body } });
    // The text names the place, never the alert's own title (typed by a person, it may hold a name).
    expect(sent.params.body).toContain('东河社区居委会');
    expect(JSON.stringify(sent)).not.toContain('燃气使用不安全');
    expect(sms.received[0]!.headers['idempotency-key']).toBe(note.id);
  });

  it('the same event reported again notifies and texts nobody twice', async () => {
    const em = t.orm.em.fork();
    await em.transactional((tx) => notifyUrgentAlerts(tx, [urgentId], new Date(T)));
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from notification where alert_id = $1`, [urgentId]);
    expect(n).toBe(3);
    // Give the worker a moment's worth of polls: nothing new is queued, so nothing is sent.
    await expect.poll(async () => (await t.sql(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_sms'`))[0]!.n).toBe(0);
    expect(sms.received).toHaveLength(1);
  });

  it('raised by hand: notified the same way; a NORMAL one by hand notifies nobody', async () => {
    t.clock.set(iso(T + MIN));
    const byHand = ok(await t.exec<any>(townA, RAISE, { input: { elderId: elderA1.id, severity: 'URGENT', title: '邻居来电：老人摔倒' } })).raiseAlert;
    ok(await t.exec<any>(townA, RAISE, { input: { elderId: elderA1.id, severity: 'NORMAL', title: '家中卫生较差' } }));
    const mine = await notes(villageA1);
    expect(mine.map((x) => [x.kind, x.alertId])).toEqual([['ALERT_URGENT', byHand.id], ['ALERT_URGENT', urgentId]]);
    expect((await notes(townB)).length).toBe(0);
    await expect.poll(() => sms.received.length, { timeout: 10_000, interval: 50 }).toBe(2);
  });
});

describe('escalation', () => {
  it('an unacknowledged urgent alert is announced to the town after 2 hours and to the county after 4, each once', async () => {
    t.clock.set(iso(T));
    const alert = ok(await t.exec<any>(townA, RAISE, { input: { elderId: elderA2.id, severity: 'URGENT', title: '老人独自在家发烧' } })).raiseAlert;
    const escalations = async (who: TestUser) => (await notes(who)).filter((n) => n.kind === 'ALERT_ESCALATED' && n.alertId === alert.id);

    t.clock.set(iso(T + HOUR)); // before the deadline: nothing
    await runEscalations();
    expect(await escalations(townA)).toEqual([]);

    t.clock.set(iso(T + 2 * HOUR + MIN));
    await runEscalations();
    await runEscalations(); // a second run (or a second instance) adds nothing
    const town = await escalations(townA);
    expect(town).toHaveLength(1);
    expect(town[0]).toMatchObject({ title: '预警已逾期上报乡镇（街道）：老人独自在家发烧', link: `/alerts?region=${REGIONS.villageA2}` });
    // Only the level reached: not the village, not the county yet, not another town.
    expect(await escalations(villageA2)).toEqual([]);
    expect(await escalations(admin)).toEqual([]);
    expect(await escalations(townB)).toEqual([]);

    t.clock.set(iso(T + 4 * HOUR + MIN));
    await runEscalations();
    expect(await escalations(admin)).toHaveLength(1);
    expect(await escalations(townA)).toHaveLength(1);
  });

  it('an acknowledged alert is not announced as escalated', async () => {
    t.clock.set(iso(T));
    const alert = ok(await t.exec<any>(townA, RAISE, { input: { elderId: elderA2.id, severity: 'URGENT', title: '停电无人照看' } })).raiseAlert;
    ok(await t.exec<any>(villageA2, `mutation($id: ID!) { acknowledgeAlert(id: $id, version: 1) { id } }`, { id: alert.id }));
    t.clock.set(iso(T + 3 * HOUR));
    await runEscalations();
    expect((await notes(townA)).filter((n) => n.alertId === alert.id && n.kind === 'ALERT_ESCALATED')).toEqual([]);
  });
});

describe('assignment', () => {
  it('the visitor with a login is told of new elders once; a repeat assigns and notifies nothing', async () => {
    const visitor = ok(await t.exec<any>(townA, `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id } }`, {
      input: { name: '司徒敏', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1, username: villageA1.username },
    })).createVisitor;
    const assign = () => t.exec<any>(townA, `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`, {
      input: { visitorId: visitor.id, elderIds: [elderA1.id], role: 'PRIMARY' },
    });
    expect(ok(await assign()).assignVisitor.assigned).toBe(1);
    const mine = (await notes(villageA1)).filter((n) => n.kind === 'ASSIGNMENT');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ title: '新分配给您 1 位老年人', link: '/worklist' });
    expect(ok(await assign()).assignVisitor.assigned).toBe(0);
    expect((await notes(villageA1)).filter((n) => n.kind === 'ASSIGNMENT')).toHaveLength(1);
    // Nobody else hears of it.
    expect((await notes(townA)).filter((n) => n.kind === 'ASSIGNMENT')).toEqual([]);
  });
});

describe('agency data to settle', () => {
  const RESULT = `results { status }`;
  it('a conflict reaches the town and city that settle it; a transfer the receiving town; once per sync, not per record', async () => {
    const police = await t.user('POLICE', REGIONS.city);
    t.clock.set('2026-09-10T02:00:00Z');
    const dead = await registerElder(t, admin, { name: '李伯', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1944-05-06') });
    const moving = await registerElder(t, admin, { name: '陈婆', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1945-06-07', false) });
    t.clock.set('2026-11-15T02:00:00Z');
    ok(await t.exec(townA, RECORD, { input: { elderId: dead.id, visitedAt: '2026-11-05T02:00:00Z', method: 'HOME' } }));
    const death = (records: unknown[], key: string) => t.exec<any>(police, `mutation($batch: DeathRegistrationBatch!) { syncDeathRegistrations(batch: $batch) { ${RESULT} } }`, { batch: { idempotencyKey: key, records } });
    ok(await death([{ externalId: 'SW-1', idNumber: dead.fullIdNumber, diedOn: '2026-11-01' }], 'k1'));
    const conflictsOf = async (who: TestUser) => (await notes(who)).filter((n) => n.kind === 'DATA_CONFLICT');
    for (const who of [townA, admin]) {
      expect((await conflictsOf(who)).map((n) => [n.title, n.link])).toEqual([['合作部门数据与档案不一致：1 条待处理', '/survey?tab=conflicts']]);
    }
    expect(await conflictsOf(townB)).toEqual([]);
    expect(await conflictsOf(villageA1)).toEqual([]); // village workers do not settle agency data

    ok(await t.exec(police, `mutation($batch: ResidenceChangeBatch!) { syncResidenceChanges(batch: $batch) { ${RESULT} } }`, {
      batch: { idempotencyKey: 'k2', records: [{ externalId: 'QY-1', idNumber: moving.fullIdNumber, newRegionCode: REGIONS.villageB1, newAddress: '沙塘墟1号', movedOn: '2026-11-01' }] },
    }));
    const transfers = async (who: TestUser) => (await notes(who)).filter((n) => n.kind === 'TRANSFER');
    expect((await transfers(townB)).map((n) => [n.title, n.link])).toEqual([['有 1 位老年人待接收迁入', '/survey?tab=transfers']]);
    expect(await transfers(townA)).toEqual([]);
  });
});

describe('one\'s own notifications', () => {
  it('pages newest first, counts unread, marks some or all read; another\'s ids change nothing', async () => {
    const all = await notes(villageA1);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const page1 = ok(await t.exec<any>(villageA1, LIST, { first: 2 })).notifications;
    expect(page1.totalCount).toBe(all.length);
    expect(page1.nodes.map((n: Note) => n.id)).toEqual(all.slice(0, 2).map((n) => n.id));
    const page2 = ok(await t.exec<any>(villageA1, LIST, { first: 2, after: page1.pageInfo.endCursor })).notifications;
    expect(page2.nodes.map((n: Note) => n.id)).toEqual(all.slice(2, 4).map((n) => n.id));

    const before = await unread(villageA1);
    expect(before).toBe(all.length);
    expect(ok(await t.exec<any>(villageA1, MARK, { ids: [all[0]!.id] })).markNotificationsRead).toBe(1);
    expect(await unread(villageA1)).toBe(before - 1);
    expect((await notes(villageA1, true)).map((n) => n.id)).not.toContain(all[0]!.id);

    // townA cannot mark villageA1's notification, nor see it.
    expect(ok(await t.exec<any>(townA, MARK, { ids: [all[1]!.id] })).markNotificationsRead).toBe(0);
    expect(await unread(villageA1)).toBe(before - 1);
    expect((await notes(townA)).map((n) => n.id)).not.toContain(all[1]!.id);

    expect(codeOf(await t.exec(villageA1, MARK, {}))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(villageA1, MARK, { ids: ['nope'] }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(null, COUNT))).toBe('UNAUTHENTICATED');

    expect(ok(await t.exec<any>(villageA1, MARK, { all: true })).markNotificationsRead).toBe(before - 1);
    expect(await unread(villageA1)).toBe(0);
    expect(await notes(villageA1, true)).toEqual([]);
  });
});
