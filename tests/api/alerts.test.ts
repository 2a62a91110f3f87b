import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Alerts: raised by the rules table from a visit's findings (in the visit's transaction) or by hand; handled
 * open > acknowledged > referred > resolved with a version guard; escalated village → town → county by the clock
 * the test controls (never stored); seen and handled only inside the jurisdiction.
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let townB: TestUser;
let villageA1: TestUser;
let villageA2: TestUser;
let elderA1: ElderData;
let elderA2: ElderData;
let elderB1: ElderData;

const DEFAULT_NOW = '2026-11-15T02:00:00Z';
/** A moment after every elder was registered: 2026-11-20 09:00 in China. */
const T = Date.parse('2026-11-20T01:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const setClock = (ms: number) => t.clock.set(iso(ms));

const ALERT_FIELDS = `id elderId regionCode visitId ruleCode title detail severity status raisedAt acknowledgeBy acknowledgedAt
  referredTo suggestedReferral resolvedAt resolution escalationLevel queueRegionCode version
  events { at status note referredTo actor }`;

const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { ${ALERT_FIELDS} } }`;
const ACK = `mutation($id: ID!, $version: Int!, $note: String) { acknowledgeAlert(id: $id, version: $version, note: $note) { ${ALERT_FIELDS} } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!, $note: String) { referAlert(id: $id, version: $version, to: $to, note: $note) { ${ALERT_FIELDS} } }`;
const RESOLVE = `mutation($id: ID!, $version: Int!, $resolution: String!) { resolveAlert(id: $id, version: $version, resolution: $resolution) { ${ALERT_FIELDS} } }`;
const LIST = `query($filter: AlertFilter, $first: Int, $after: String) {
  alerts(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${ALERT_FIELDS} } } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id seq alertIds gasSafety mood } }`;

type Alert = {
  id: string;
  elderId: string;
  regionCode: string;
  visitId: string | null;
  ruleCode: string | null;
  title: string;
  detail: string | null;
  severity: 'URGENT' | 'NORMAL';
  status: 'OPEN' | 'ACKNOWLEDGED' | 'REFERRED' | 'RESOLVED';
  raisedAt: string;
  acknowledgeBy: string | null;
  acknowledgedAt: string | null;
  referredTo: string | null;
  suggestedReferral: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  escalationLevel: number;
  queueRegionCode: string;
  version: number;
  events: { at: string; status: string; note: string | null; referredTo: string | null; actor: string | null }[];
};

const raiseAs = (as: TestUser, input: Record<string, unknown>) => t.exec<{ raiseAlert: Alert }>(as, RAISE, { input });
async function raise(as: TestUser, elder: ElderData, severity: 'URGENT' | 'NORMAL', title = '邻居来电反映异常', detail?: string): Promise<Alert> {
  return ok(await raiseAs(as, { elderId: elder.id, severity, title, detail })).raiseAlert;
}
const ack = (as: TestUser, id: string, version: number, note?: string) => t.exec<{ acknowledgeAlert: Alert }>(as, ACK, { id, version, note });
const refer = (as: TestUser, id: string, version: number, to: string, note?: string) => t.exec<{ referAlert: Alert }>(as, REFER, { id, version, to, note });
const resolve = (as: TestUser, id: string, version: number, resolution: string) => t.exec<{ resolveAlert: Alert }>(as, RESOLVE, { id, version, resolution });

async function list(as: TestUser, filter: Record<string, unknown> = {}, first = 100): Promise<Alert[]> {
  return ok(await t.exec<{ alerts: { nodes: Alert[] } }>(as, LIST, { filter, first })).alerts.nodes;
}
const idsOf = (alerts: Alert[]) => alerts.map((a) => a.id);
const ALL_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'REFERRED', 'RESOLVED'];

/** One alert as `as` sees it now (any status), or undefined when it is not visible. */
async function seen(as: TestUser, alert: Pick<Alert, 'id' | 'elderId'>): Promise<Alert | undefined> {
  return (await list(as, { elderId: alert.elderId, status: ALL_STATUSES })).find((a) => a.id === alert.id);
}

async function dbRow(id: string) {
  const [row] = await t.sql(
    `select status, version, acknowledged_at, referred_to, resolved_at, resolution,
            (select count(*)::int from alert_event e where e.alert_id = a.id) as events
       from alert a where id = $1`,
    [id],
  );
  return row;
}

function visitInput(elder: ElderData, findings: Record<string, unknown> = {}, at = t.clock.now()) {
  return { elderId: elder.id, visitedAt: at.toISOString(), method: 'HOME', ...findings };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  villageA1 = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  villageA2 = await t.user('VILLAGE_WORKER', REGIONS.villageA2);
  elderA1 = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1941-02-03') });
  elderA2 = await registerElder(t, admin, { name: '司徒美兰', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1942-03-04', false) });
  elderB1 = await registerElder(t, admin, { name: '周志强', regionCode: REGIONS.villageB1, idNumber: idNumberFor('1943-04-05') });
});
afterEach(() => t.clock.set(DEFAULT_NOW));
afterAll(() => t.close());

describe('alerts raised by a visit', () => {
  it('gas UNSAFE and mood WORSE raise an URGENT and a NORMAL alert by the rules table, in the visit', async () => {
    setClock(T);
    const visit = ok(await t.exec<any>(townA, RECORD, { input: visitInput(elderA1, { gasSafety: 'UNSAFE', mood: 'WORSE', mobility: 'UNCHANGED' }) })).recordVisit;
    expect(visit.alertIds).toHaveLength(2);

    const alerts = (await list(townA, { elderId: elderA1.id })).filter((a) => a.visitId === visit.id);
    expect(alerts.map((a) => a.id).sort()).toEqual([...visit.alertIds].sort());
    // Most urgent first.
    expect(alerts.map((a) => [a.ruleCode, a.severity, a.title])).toEqual([
      ['GAS_UNSAFE', 'URGENT', '燃气使用不安全'],
      ['MOOD_WORSE', 'NORMAL', '情绪状态变差'],
    ]);
    const [gas, mood] = alerts as [Alert, Alert];
    expect(gas).toMatchObject({
      elderId: elderA1.id,
      regionCode: REGIONS.villageA1,
      visitId: visit.id,
      status: 'OPEN',
      raisedAt: iso(T),
      acknowledgeBy: iso(T + 2 * HOUR),
      escalationLevel: 0,
      queueRegionCode: REGIONS.villageA1,
      suggestedReferral: null,
      version: 1,
    });
    expect(gas.events).toEqual([{ at: iso(T), status: 'OPEN', note: '探访发现', referredTo: null, actor: townA.username }]);
    expect(mood).toMatchObject({ acknowledgeBy: iso(T + 3 * DAY), suggestedReferral: 'COUNSELLOR', escalationLevel: 0 });

    // The Visit lists the alert ids, in the list of visits too.
    const listed = ok(await t.exec<any>(villageA1, `query($f: VisitFilter) { visits(filter: $f) { nodes { id alertIds } } }`, { f: { elderId: elderA1.id } }));
    expect(listed.visits.nodes.find((v: any) => v.id === visit.id).alertIds.sort()).toEqual([...visit.alertIds].sort());
    const [{ n }] = await t.sql(`select count(*)::int as n from alert where visit_id = $1`, [visit.id]);
    expect(n).toBe(2);
  });

  it('a visit with no bad findings raises none', async () => {
    setClock(T);
    const visit = ok(
      await t.exec<any>(townA, RECORD, {
        input: visitInput(elderA2, {
          gasSafety: 'SAFE', electricitySafety: 'FAIRLY_SAFE', waterHeatingSafety: 'SAFE', housingUnsafe: false, unattended: false,
          mood: 'BETTER', mobility: 'UNCHANGED', expression: 'UNCHANGED', disease: 'BETTER', personalHygiene: 'UNCHANGED', homeHygiene: 'BETTER',
        }),
      }),
    ).recordVisit;
    expect(visit.alertIds).toEqual([]);
    const [{ n }] = await t.sql(`select count(*)::int as n from alert where visit_id = $1`, [visit.id]);
    expect(n).toBe(0);
    // A bare visit (only the required fields) raises none either.
    expect(ok(await t.exec<any>(townA, RECORD, { input: visitInput(elderA2) })).recordVisit.alertIds).toEqual([]);
  });

  it('a SERIOUS disease raises an URGENT alert with the disease name as its detail', async () => {
    setClock(T);
    const visit = ok(await t.exec<any>(admin, RECORD, { input: visitInput(elderA1, { disease: 'SERIOUS', diseaseName: '肺炎' }) })).recordVisit;
    expect(visit.alertIds).toHaveLength(1);
    const alert = (await seen(admin, { id: visit.alertIds[0], elderId: elderA1.id }))!;
    expect(alert).toMatchObject({ ruleCode: 'SERIOUS_ILLNESS', severity: 'URGENT', title: '患严重疾病', detail: '肺炎', suggestedReferral: 'HEALTH' });
  });

  it('a retried submission (same idempotencyKey) records once and raises its alerts once', async () => {
    setClock(T);
    const input = { ...visitInput(elderA1, { electricitySafety: 'UNSAFE' }), idempotencyKey: 'alerts-retry-1' };
    const first = ok(await t.exec<any>(townA, RECORD, { input })).recordVisit;
    const again = ok(await t.exec<any>(townA, RECORD, { input })).recordVisit;
    expect(again.id).toBe(first.id);
    expect(again.alertIds).toEqual(first.alertIds);
    const [{ n }] = await t.sql(`select count(*)::int as n from alert where visit_id = $1`, [first.id]);
    expect(n).toBe(1);
  });
});

describe('raising an alert by hand', () => {
  it('raises an open alert with no rule, audited', async () => {
    setClock(T);
    const alert = await raise(villageA1, elderA1, 'URGENT', '  邻居反映老人两天未出门  ', '电话 0750 来电');
    expect(alert).toMatchObject({
      elderId: elderA1.id,
      regionCode: REGIONS.villageA1,
      visitId: null,
      ruleCode: null,
      suggestedReferral: null,
      title: '邻居反映老人两天未出门',
      detail: '电话 0750 来电',
      severity: 'URGENT',
      status: 'OPEN',
      raisedAt: iso(T),
      acknowledgeBy: iso(T + 2 * HOUR),
      escalationLevel: 0,
      queueRegionCode: REGIONS.villageA1,
      version: 1,
      acknowledgedAt: null,
      resolvedAt: null,
    });
    expect(alert.events).toEqual([{ at: iso(T), status: 'OPEN', note: '电话 0750 来电', referredTo: null, actor: villageA1.username }]);
    const audit = await t.sql(`select action, elder_id, actor_id from audit_event where detail->>'alertId' = $1`, [alert.id]);
    expect(audit).toEqual([{ action: 'ALERT_RAISE', elder_id: elderA1.id, actor_id: villageA1.id }]);
  });
});

describe('lifecycle', () => {
  it('open > acknowledged > referred > resolved, with every step in the events, in order, with its actor', async () => {
    setClock(T);
    const raised = await raise(villageA1, elderA1, 'NORMAL', '老人反映孤独');
    setClock(T + 10 * MIN);
    const acked = ok(await ack(villageA1, raised.id, 1, '已电话联系家属')).acknowledgeAlert;
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', version: 2, acknowledgedAt: iso(T + 10 * MIN), acknowledgeBy: null, escalationLevel: 0 });
    setClock(T + HOUR);
    const referred = ok(await refer(townA, raised.id, 2, 'HEALTH', '请家庭医生上门')).referAlert;
    expect(referred).toMatchObject({ status: 'REFERRED', version: 3, referredTo: 'HEALTH', acknowledgedAt: iso(T + 10 * MIN) });
    setClock(T + DAY);
    const resolved = ok(await resolve(villageA1, raised.id, 3, '  家庭医生已上门，老人情况稳定  ')).resolveAlert;
    expect(resolved).toMatchObject({
      status: 'RESOLVED',
      version: 4,
      referredTo: 'HEALTH',
      resolution: '家庭医生已上门，老人情况稳定',
      resolvedAt: iso(T + DAY),
      acknowledgedAt: iso(T + 10 * MIN),
      acknowledgeBy: null,
      escalationLevel: 0,
    });
    expect(resolved.events).toEqual([
      { at: iso(T), status: 'OPEN', note: null, referredTo: null, actor: villageA1.username },
      { at: iso(T + 10 * MIN), status: 'ACKNOWLEDGED', note: '已电话联系家属', referredTo: null, actor: villageA1.username },
      { at: iso(T + HOUR), status: 'REFERRED', note: '请家庭医生上门', referredTo: 'HEALTH', actor: townA.username },
      { at: iso(T + DAY), status: 'RESOLVED', note: '家庭医生已上门，老人情况稳定', referredTo: null, actor: villageA1.username },
    ]);
    const audit = await t.sql<{ action: string }>(`select action from audit_event where detail->>'alertId' = $1 order by id`, [raised.id]);
    expect(audit.map((a) => a.action)).toEqual(['ALERT_RAISE', 'ALERT_ACKNOWLEDGE', 'ALERT_REFER', 'ALERT_RESOLVE']);

    // Resolved alerts leave the default list (not yet resolved) but can be asked for.
    expect(idsOf(await list(villageA1, { elderId: elderA1.id }))).not.toContain(raised.id);
    expect(idsOf(await list(villageA1, { elderId: elderA1.id, status: ['RESOLVED'] }))).toContain(raised.id);
  });

  it('a referral may be referred on (to another agency)', async () => {
    const a = await raise(villageA1, elderA1, 'NORMAL');
    ok(await refer(villageA1, a.id, 1, 'SOCIAL_WORKER'));
    const again = ok(await refer(villageA1, a.id, 2, 'COUNSELLOR', '社工建议心理疏导')).referAlert;
    expect(again).toMatchObject({ status: 'REFERRED', referredTo: 'COUNSELLOR', version: 3 });
    expect(again.events.map((e) => [e.status, e.referredTo])).toEqual([
      ['OPEN', null],
      ['REFERRED', 'SOCIAL_WORKER'],
      ['REFERRED', 'COUNSELLOR'],
    ]);
  });

  it('may skip forward: an open alert can be resolved (or referred) directly, which acknowledges it', async () => {
    setClock(T);
    const a = await raise(villageA1, elderA1, 'URGENT');
    setClock(T + 30 * MIN);
    const resolved = ok(await resolve(villageA1, a.id, 1, '误报，老人外出探亲')).resolveAlert;
    expect(resolved).toMatchObject({ status: 'RESOLVED', version: 2, acknowledgedAt: iso(T + 30 * MIN), resolvedAt: iso(T + 30 * MIN), acknowledgeBy: null });
    expect(resolved.events.map((e) => e.status)).toEqual(['OPEN', 'RESOLVED']);

    const b = await raise(villageA1, elderA1, 'URGENT');
    const referred = ok(await refer(villageA1, b.id, 1, 'POLICE')).referAlert;
    expect(referred).toMatchObject({ status: 'REFERRED', referredTo: 'POLICE', acknowledgedAt: iso(T + 30 * MIN), acknowledgeBy: null });
    // Acknowledged by the referral, it escalates no more.
    setClock(T + 5 * DAY);
    expect(await seen(villageA1, b)).toMatchObject({ escalationLevel: 0, queueRegionCode: REGIONS.villageA1 });
  });

  it('going back, or acting on a resolved alert, is CONFLICT and changes nothing', async () => {
    const a = await raise(villageA1, elderA1, 'NORMAL');
    ok(await ack(villageA1, a.id, 1));
    const again = await ack(villageA1, a.id, 2);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions!.status).toBe('ACKNOWLEDGED');
    ok(await refer(villageA1, a.id, 2, 'HOUSING'));
    expect(codeOf(await ack(villageA1, a.id, 3))).toBe('CONFLICT');

    ok(await resolve(villageA1, a.id, 3, '已转住建部门处理完毕'));
    const before = await dbRow(a.id);
    expect(before).toMatchObject({ status: 'RESOLVED', version: 4, events: 4 });
    for (const result of [
      await ack(villageA1, a.id, 4),
      await refer(villageA1, a.id, 4, 'HEALTH'),
      await resolve(villageA1, a.id, 4, '再次办结'),
    ]) {
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.errors![0]!.extensions!.status).toBe('RESOLVED');
      expect(result.data ?? null).toBeNull();
    }
    expect(await dbRow(a.id)).toEqual(before);
  });

  it('a stale version is CONFLICT (with the current version) and changes nothing', async () => {
    const a = await raise(villageA1, elderA1, 'URGENT');
    ok(await ack(townA, a.id, 1, '镇里已确认'));
    const before = await dbRow(a.id);
    for (const result of [await ack(villageA1, a.id, 1), await refer(villageA1, a.id, 1, 'HEALTH'), await resolve(villageA1, a.id, 1, '已处理完毕')]) {
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.errors![0]!.extensions!.currentVersion).toBe(2);
    }
    // A version from the future is just as stale.
    expect(codeOf(await resolve(villageA1, a.id, 7, '已处理完毕'))).toBe('CONFLICT');
    expect(await dbRow(a.id)).toEqual(before);
    expect(before).toMatchObject({ status: 'ACKNOWLEDGED', version: 2, referred_to: null, resolution: null, events: 2 });
  });

  it('two acknowledgements at once with the same version: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await raise(villageA1, elderA1, 'URGENT');
      const results = await Promise.all([ack(villageA1, a.id, 1, '村里确认'), ack(townA, a.id, 1, '镇里确认')]);
      const winners = results.filter((r) => !r.errors);
      const losers = results.filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers.map(codeOf)).toEqual(['CONFLICT']);
      const row = await dbRow(a.id);
      expect(row).toMatchObject({ status: 'ACKNOWLEDGED', version: 2, events: 2 });
      const [{ n }] = await t.sql(`select count(*)::int as n from audit_event where action = 'ALERT_ACKNOWLEDGE' and detail->>'alertId' = $1`, [a.id]);
      expect(n).toBe(1);
    }
  });

  it('two different moves at once (resolve and refer) with the same version: exactly one wins', async () => {
    const a = await raise(villageA1, elderA1, 'NORMAL');
    const results: GqlResult<unknown>[] = await Promise.all([resolve(villageA1, a.id, 1, '已上门处理'), refer(townA, a.id, 1, 'HEALTH')]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map(codeOf)).toEqual(['CONFLICT']);
    expect(await dbRow(a.id)).toMatchObject({ version: 2, events: 2 });
  });
});

describe('escalation by the clock', () => {
  const queue = async (as: TestUser, code: string) => idsOf(await list(as, { queueRegionCode: code }));

  it('URGENT: village until 2 hours, then the town, then the county after 4 hours, and it stays there', async () => {
    setClock(T);
    const a = await raise(villageA1, elderA1, 'URGENT', '老人家中有燃气味');

    setClock(T + HOUR + 59 * MIN);
    expect(await seen(townA, a)).toMatchObject({ escalationLevel: 0, queueRegionCode: REGIONS.villageA1, acknowledgeBy: iso(T + 2 * HOUR) });
    expect(await queue(villageA1, REGIONS.villageA1)).toContain(a.id);
    expect(await queue(townA, REGIONS.townA)).not.toContain(a.id);
    expect(idsOf(await list(townA, { escalated: true }))).not.toContain(a.id);

    setClock(T + 2 * HOUR + MIN);
    expect(await seen(townA, a)).toMatchObject({ escalationLevel: 1, queueRegionCode: REGIONS.townA, acknowledgeBy: iso(T + 4 * HOUR), status: 'OPEN' });
    expect(await queue(townA, REGIONS.townA)).toContain(a.id);
    expect(await queue(villageA1, REGIONS.villageA1)).not.toContain(a.id);
    expect(await queue(admin, REGIONS.city)).not.toContain(a.id);
    expect(idsOf(await list(townA, { escalated: true }))).toContain(a.id);
    // The village still sees its own elder's alert in its list, only not in its queue.
    expect(idsOf(await list(villageA1))).toContain(a.id);

    setClock(T + 4 * HOUR + MIN);
    expect(await seen(admin, a)).toMatchObject({ escalationLevel: 2, queueRegionCode: REGIONS.city });
    expect(await queue(admin, REGIONS.city)).toContain(a.id);
    expect(await queue(townA, REGIONS.townA)).not.toContain(a.id);

    for (const later of [T + 6 * HOUR + MIN, T + 30 * DAY]) {
      setClock(later);
      expect(await seen(admin, a)).toMatchObject({ escalationLevel: 2, queueRegionCode: REGIONS.city, status: 'OPEN' });
      expect(await queue(admin, REGIONS.city)).toContain(a.id);
    }
    // Nothing was stored by reading it.
    expect(await dbRow(a.id)).toMatchObject({ status: 'OPEN', version: 1, events: 1 });
  });

  it('NORMAL: escalates after 3 days, and again after 6', async () => {
    setClock(T);
    const a = await raise(villageA1, elderA1, 'NORMAL', '老人情绪低落');
    setClock(T + 3 * DAY - MIN);
    expect(await seen(villageA1, a)).toMatchObject({ escalationLevel: 0, queueRegionCode: REGIONS.villageA1, acknowledgeBy: iso(T + 3 * DAY) });
    setClock(T + 3 * DAY + MIN);
    expect(await seen(villageA1, a)).toMatchObject({ escalationLevel: 1, queueRegionCode: REGIONS.townA, acknowledgeBy: iso(T + 6 * DAY) });
    expect(await queue(townA, REGIONS.townA)).toContain(a.id);
    setClock(T + 6 * DAY + MIN);
    expect(await seen(villageA1, a)).toMatchObject({ escalationLevel: 2, queueRegionCode: REGIONS.city });
  });

  it('acknowledging at the town level freezes it there; acknowledgeBy is shown only while it is open', async () => {
    setClock(T);
    const a = await raise(villageA1, elderA1, 'URGENT');
    expect(a.acknowledgeBy).toBe(iso(T + 2 * HOUR));
    setClock(T + 3 * HOUR);
    const acked = ok(await ack(townA, a.id, 1, '镇里已派人')).acknowledgeAlert;
    expect(acked).toMatchObject({ escalationLevel: 1, queueRegionCode: REGIONS.townA, acknowledgeBy: null, acknowledgedAt: iso(T + 3 * HOUR) });
    for (const later of [T + 5 * HOUR, T + 10 * DAY]) {
      setClock(later);
      expect(await seen(townA, a)).toMatchObject({ escalationLevel: 1, queueRegionCode: REGIONS.townA, acknowledgeBy: null });
      expect(await queue(townA, REGIONS.townA)).toContain(a.id);
      expect(await queue(admin, REGIONS.city)).not.toContain(a.id);
    }
    // Resolving later keeps the level where acknowledgement froze it.
    const resolved = ok(await resolve(townA, a.id, 2, '已排除隐患')).resolveAlert;
    expect(resolved).toMatchObject({ escalationLevel: 1, acknowledgeBy: null });
  });

  it('acknowledged in time, it never leaves the village', async () => {
    setClock(T);
    const a = await raise(villageA1, elderA1, 'URGENT');
    setClock(T + HOUR);
    ok(await ack(villageA1, a.id, 1));
    setClock(T + 30 * DAY);
    expect(await seen(villageA1, a)).toMatchObject({ escalationLevel: 0, queueRegionCode: REGIONS.villageA1, acknowledgeBy: null });
  });

  it('a reader whose clock is a moment behind the raiser sees a fresh alert at the village, not escalated', async () => {
    // Several API instances never agree to the millisecond: a just-raised alert must not look "escalated" (or go
    // to a negative level) to an instance whose clock is slightly behind.
    setClock(T);
    const a = await raise(villageA1, elderA1, 'URGENT');
    setClock(T - 1_000);
    expect(await seen(villageA1, a)).toMatchObject({ escalationLevel: 0, queueRegionCode: REGIONS.villageA1, acknowledgeBy: iso(T + 2 * HOUR) });
    expect(await queue(villageA1, REGIONS.villageA1)).toContain(a.id);
    expect(idsOf(await list(villageA1, { escalated: true }))).not.toContain(a.id);
  });

  it('the list puts urgent before normal, then the nearest deadline (an escalated one, raised earlier, first)', async () => {
    const elder = await registerElder(t, admin, { name: '谭月娥', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1944-05-06', false) });
    setClock(T);
    const oldNormal = await raise(villageA1, elder, 'NORMAL', '较早的一般预警');
    setClock(T + 10 * MIN);
    const urgent = await raise(villageA1, elder, 'URGENT', '较晚的紧急预警');
    setClock(T + 20 * MIN);
    const newNormal = await raise(villageA1, elder, 'NORMAL', '最晚的一般预警');
    setClock(T + HOUR);
    expect(idsOf(await list(villageA1, { elderId: elder.id }))).toEqual([urgent.id, oldNormal.id, newNormal.id]);
    setClock(T + 3 * DAY + 5 * MIN); // both urgent (level 2) and the old normal (level 1) escalated; the new one not yet
    expect(idsOf(await list(villageA1, { elderId: elder.id }))).toEqual([urgent.id, oldNormal.id, newNormal.id]);
    expect(idsOf(await list(villageA1, { elderId: elder.id, escalated: true }))).toEqual([urgent.id, oldNormal.id]);
    expect(idsOf(await list(villageA1, { elderId: elder.id, severity: 'NORMAL' }))).toEqual([oldNormal.id, newNormal.id]);

    // Pages follow the same order.
    const page1 = ok(await t.exec<any>(villageA1, LIST, { filter: { elderId: elder.id }, first: 2 })).alerts;
    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await t.exec<any>(villageA1, LIST, { filter: { elderId: elder.id }, first: 2, after: page1.pageInfo.endCursor })).alerts;
    expect([...idsOf(page1.nodes), ...idsOf(page2.nodes)]).toEqual([urgent.id, oldNormal.id, newNormal.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });
});

describe('jurisdiction', () => {
  it('a town B user cannot see town A alerts, nor act on them (NOT_FOUND, like a missing id), and nothing changes', async () => {
    setClock(T);
    const a = await raise(villageA1, elderA1, 'URGENT');
    setClock(T + 5 * HOUR); // escalated to the county: still not town B's

    expect(idsOf(await list(townB))).not.toContain(a.id);
    expect(await list(townB, { elderId: elderA1.id, status: ALL_STATUSES })).toEqual([]);
    expect(codeOf(await t.exec(townB, LIST, { filter: { regionCode: REGIONS.townA } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townB, LIST, { filter: { queueRegionCode: REGIONS.townA } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townB, LIST, { filter: { queueRegionCode: REGIONS.city } }))).toBe('FORBIDDEN');

    const missing = await ack(townB, '00000000-0000-4000-8000-000000000000', 1);
    for (const result of [await ack(townB, a.id, 1), await refer(townB, a.id, 1, 'POLICE'), await resolve(townB, a.id, 1, '越权办结')]) {
      expect(codeOf(result)).toBe('NOT_FOUND');
      expect(result.errors![0]!.message).toBe(missing.errors![0]!.message);
    }
    expect(codeOf(await raiseAs(townB, { elderId: elderA1.id, severity: 'URGENT', title: '越权预警' }))).toBe('NOT_FOUND');
    expect(await dbRow(a.id)).toMatchObject({ status: 'OPEN', version: 1, events: 1 });
    const [{ n }] = await t.sql(`select count(*)::int as n from alert where raised_by = $1`, [townB.id]);
    expect(n).toBe(0);

    // Town B's own alerts are its own; town A does not see them.
    const b = await raise(townB, elderB1, 'NORMAL', '沙塘镇预警');
    expect(idsOf(await list(townB))).toContain(b.id);
    expect(idsOf(await list(townA, { status: ALL_STATUSES }))).not.toContain(b.id);
    expect(codeOf(await ack(townA, b.id, 1))).toBe('NOT_FOUND');
    expect(idsOf(await list(admin))).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('a village worker sees and handles only their own village', async () => {
    const inA1 = await raise(townA, elderA1, 'NORMAL', '东河社区预警');
    const inA2 = await raise(townA, elderA2, 'NORMAL', '新安社区预警');
    const mine = await list(villageA1, { status: ALL_STATUSES });
    expect(idsOf(mine)).toContain(inA1.id);
    expect(idsOf(mine)).not.toContain(inA2.id);
    expect(mine.every((a) => a.regionCode === REGIONS.villageA1)).toBe(true);
    expect(await list(villageA1, { elderId: elderA2.id })).toEqual([]);
    expect(idsOf(await list(villageA2))).toContain(inA2.id);

    expect(codeOf(await ack(villageA1, inA2.id, 1))).toBe('NOT_FOUND');
    expect(codeOf(await raiseAs(villageA1, { elderId: elderA2.id, severity: 'URGENT', title: '隔壁社区' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(villageA1, LIST, { filter: { regionCode: REGIONS.townA } }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(villageA1, LIST, { filter: { queueRegionCode: REGIONS.townA } }))).toBe('FORBIDDEN');
    expect(await dbRow(inA2.id)).toMatchObject({ status: 'OPEN', version: 1 });

    // The town sees both, and can narrow to one village.
    const town = idsOf(await list(townA));
    expect(town).toEqual(expect.arrayContaining([inA1.id, inA2.id]));
    const narrowed = await list(townA, { regionCode: REGIONS.villageA2 });
    expect(idsOf(narrowed)).toContain(inA2.id);
    expect(narrowed.every((a) => a.regionCode === REGIONS.villageA2)).toBe(true);
  });

  it('an elder who moves to town B takes their alerts along: town A no longer sees or handles them, town B does', async () => {
    const elder = await registerElder(t, admin, { name: '梁启明', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1945-07-07') });
    setClock(T);
    const visit = ok(await t.exec<any>(townA, RECORD, { input: visitInput(elder, { disease: 'SERIOUS', diseaseName: '肺癌' }) })).recordVisit;
    const [alertId] = visit.alertIds as [string];
    const alert = { id: alertId, elderId: elder.id };
    expect(await seen(villageA1, alert)).toMatchObject({ regionCode: REGIONS.villageA1, queueRegionCode: REGIONS.villageA1 });

    ok(await t.exec(admin, `mutation($id: ID!, $v: Int!) { updateElder(id: $id, version: $v, input: { regionCode: "${REGIONS.villageB1}" }) { id } }`, { id: elder.id, v: elder.version }));
    expect(await seen(townA, alert)).toBeUndefined();
    expect(await seen(villageA1, alert)).toBeUndefined();
    expect(codeOf(await ack(townA, alertId, 1))).toBe('NOT_FOUND');
    expect(await seen(townB, alert)).toMatchObject({ regionCode: REGIONS.villageB1, queueRegionCode: REGIONS.villageB1, detail: '肺癌' });
    setClock(T + 2 * HOUR + MIN);
    expect(idsOf(await list(townB, { queueRegionCode: REGIONS.townB }))).toContain(alertId);
    expect(idsOf(await list(townA, { queueRegionCode: REGIONS.townA }))).not.toContain(alertId);
    expect(ok(await ack(townB, alertId, 1, '沙塘镇已接手')).acknowledgeAlert).toMatchObject({ status: 'ACKNOWLEDGED', regionCode: REGIONS.villageB1 });
  });

  it('roles without alert scopes get FORBIDDEN; anonymous callers UNAUTHENTICATED', async () => {
    const a = await raise(villageA1, elderA1, 'NORMAL');
    for (const role of ['POLICE', 'HEALTH', 'INTEGRATOR', 'AUDITOR'] as const) {
      const user = await t.user(role, REGIONS.city);
      for (const result of [
        await t.exec(user, LIST),
        await raiseAs(user, { elderId: elderA1.id, severity: 'URGENT', title: '无权预警' }),
        await ack(user, a.id, 1),
        await refer(user, a.id, 1, 'HEALTH'),
        await resolve(user, a.id, 1, '无权办结'),
        await resolve(user, a.id, 1, ''),
      ]) {
        expect(codeOf(result), role).toBe('FORBIDDEN');
      }
    }
    expect(codeOf(await t.exec(null, LIST))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.exec(null, ACK, { id: a.id, version: 1 }))).toBe('UNAUTHENTICATED');
    expect(await dbRow(a.id)).toMatchObject({ status: 'OPEN', version: 1, events: 1 });
  });
});

describe('bad input', () => {
  it('resolving without a resolution text is BAD_USER_INPUT and changes nothing', async () => {
    const a = await raise(villageA1, elderA1, 'NORMAL');
    for (const text of ['', '   ', '好']) {
      const result = await resolve(villageA1, a.id, 1, text);
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['resolution']);
    }
    expect(codeOf(await resolve(villageA1, a.id, 1, '长'.repeat(1001)))).toBe('BAD_USER_INPUT');
    // Leaving the argument out is refused by the schema itself.
    expect(codeOf(await t.exec(villageA1, `mutation($id: ID!) { resolveAlert(id: $id, version: 1) { id } }`, { id: a.id }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await dbRow(a.id)).toMatchObject({ status: 'OPEN', version: 1, events: 1, resolution: null });
  });

  it('raiseAlert: a title too short or too long, a detail too long, an unknown elder', async () => {
    for (const title of ['', '  ', '火', '长'.repeat(101)]) {
      const result = await raiseAs(villageA1, { elderId: elderA1.id, severity: 'URGENT', title });
      expect(codeOf(result), title).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['title']);
    }
    const longDetail = await raiseAs(villageA1, { elderId: elderA1.id, severity: 'URGENT', title: '燃气泄漏', detail: '长'.repeat(1001) });
    expect(fieldsOf(longDetail)).toEqual(['detail']);
    expect(codeOf(await raiseAs(villageA1, { elderId: '00000000-0000-4000-8000-000000000000', severity: 'URGENT', title: '燃气泄漏' }))).toBe('NOT_FOUND');
    expect(codeOf(await raiseAs(villageA1, { elderId: 'not-an-id', severity: 'URGENT', title: '燃气泄漏' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(villageA1, RAISE, { input: { elderId: elderA1.id, severity: 'VERY', title: '燃气泄漏' } }))).toBe('BAD_USER_INPUT');
    const [{ n }] = await t.sql(`select count(*)::int as n from alert where title in ('燃气泄漏', '火')`);
    expect(n).toBe(0);
  });

  it('an unknown alert id is NOT_FOUND; a note too long is BAD_USER_INPUT', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'abc', '']) {
      expect(codeOf(await ack(villageA1, id, 1)), id).toBe('NOT_FOUND');
      expect(codeOf(await refer(villageA1, id, 1, 'HEALTH')), id).toBe('NOT_FOUND');
      expect(codeOf(await resolve(villageA1, id, 1, '已处理完毕')), id).toBe('NOT_FOUND');
    }
    const a = await raise(villageA1, elderA1, 'NORMAL');
    const long = await ack(villageA1, a.id, 1, '长'.repeat(1001));
    expect(codeOf(long)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(long)).toEqual(['note']);
    expect(codeOf(await refer(villageA1, a.id, 1, 'NOWHERE'))).toBe('BAD_USER_INPUT');
    expect(await dbRow(a.id)).toMatchObject({ status: 'OPEN', version: 1, events: 1 });
    // Filters that cannot match: an invalid elder id gives an empty list, an invalid cursor an error.
    expect(await list(villageA1, { elderId: 'nope' })).toEqual([]);
    expect(codeOf(await t.exec(villageA1, LIST, { after: 'garbage' }))).toBe('BAD_USER_INPUT');
  });
});

describe('the queue by name, in order of urgency', () => {
  const NAMED = `query($filter: AlertFilter, $first: Int) { alerts(filter: $filter, first: $first) { totalCount nodes {
    id status severity ruleCode ruleTitle ruleTitleEn raisedByName events { actor actorName }
    elder { id name idNumber phone region { code fullName } } } } }`;
  const named = async (as: TestUser, filter: Record<string, unknown>) =>
    ok(await t.exec<{ alerts: { totalCount: number; nodes: any[] } }>(as, NAMED, { filter, first: 100 })).alerts.nodes;

  it('URGENT first, then open/acknowledged before referred/resolved, then the nearest deadline (an escalated one first)', async () => {
    const elder = await registerElder(t, admin, { name: '欧阳顺娣', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1939-06-07', false) });
    setClock(T);
    const normalOld = await raise(villageA1, elder, 'NORMAL', '三天前的一般预警');
    setClock(T + 1 * DAY);
    const urgentReferred = await raise(villageA1, elder, 'URGENT', '已转介的紧急预警');
    ok(await refer(villageA1, urgentReferred.id, urgentReferred.version, 'HEALTH'));
    setClock(T + 3 * DAY + HOUR); // normalOld escalated to the town; its next deadline (T+6d) is later than normalNew's
    const normalNew = await raise(villageA1, elder, 'NORMAL', '新的一般预警');
    const normalResolved = await raise(villageA1, elder, 'NORMAL', '已办结的一般预警');
    ok(await resolve(villageA1, normalResolved.id, normalResolved.version, '已上门处理'));
    setClock(T + 3 * DAY + 2 * HOUR);
    const urgentAck = await raise(villageA1, elder, 'URGENT', '已确认的紧急预警');
    ok(await ack(villageA1, urgentAck.id, urgentAck.version));
    setClock(T + 3 * DAY + 3 * HOUR);
    const urgentNew = await raise(villageA1, elder, 'URGENT', '刚发生的紧急预警');

    const all = await list(villageA1, { elderId: elder.id, status: ALL_STATUSES });
    expect(all.map((a) => a.title)).toEqual(['已确认的紧急预警', '刚发生的紧急预警', '已转介的紧急预警', '三天前的一般预警', '新的一般预警', '已办结的一般预警']);
    expect(idsOf(all)).toEqual([urgentAck.id, urgentNew.id, urgentReferred.id, normalOld.id, normalNew.id, normalResolved.id]);
    expect(all.find((a) => a.id === normalOld.id)!.escalationLevel).toBe(1);
    // The default (unresolved) list keeps the same order without the resolved one.
    expect(idsOf(await list(villageA1, { elderId: elder.id }))).toEqual([urgentAck.id, urgentNew.id, urgentReferred.id, normalOld.id, normalNew.id]);
  });

  it('each alert names its elder (masked like any list), the village path, the rule in words and the raiser by name', async () => {
    const elder = await registerElder(t, admin, { name: '关秀英', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1938-07-08', false), phone: '13800138000' });
    setClock(T);
    const visit = ok(await t.exec<any>(townA, RECORD, { input: visitInput(elder, { gasSafety: 'UNSAFE' }) })).recordVisit;
    const byHand = await raise(villageA1, elder, 'NORMAL', '邻居反映老人多日未出门');
    const nodes = await named(townA, { elderId: elder.id });
    const gas = nodes.find((n) => n.id === visit.alertIds[0]);
    expect(gas).toMatchObject({ ruleCode: 'GAS_UNSAFE', ruleTitle: '燃气使用不安全', ruleTitleEn: 'Gas use unsafe', raisedByName: `测试 ${townA.username}` });
    expect(gas.events).toEqual([{ actor: townA.username, actorName: `测试 ${townA.username}` }]);
    expect(gas.elder.id).toBe(elder.id);
    expect(gas.elder.name).toBe('关秀英');
    expect(gas.elder.idNumber).toMatch(/^440783\*{8}\d{3}[\dX]$/);
    expect(gas.elder.idNumber).not.toBe(elder.fullIdNumber);
    expect(gas.elder.phone).toBe('138****8000');
    expect(gas.elder.region.code).toBe(REGIONS.villageA1);
    expect(gas.elder.region.fullName).toMatch(/开平市.+/);
    const hand = nodes.find((n) => n.id === byHand.id);
    expect(hand).toMatchObject({ ruleCode: null, ruleTitle: null, ruleTitleEn: null, raisedByName: `测试 ${villageA1.username}` });
  });

  it('the elders on a page are loaded in one batch and their reads audited: one ELDER_READ row per elder, via alerts', async () => {
    const e1 = await registerElder(t, admin, { name: '司徒锦芳', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1937-08-09', false) });
    const e2 = await registerElder(t, admin, { name: '司徒锦棠', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1937-09-10') });
    setClock(T);
    await raise(townA, e1, 'URGENT');
    await raise(townA, e1, 'NORMAL');
    await raise(townA, e2, 'NORMAL');
    const readsFor = async (names: string[]) => {
      const before = await t.sql<{ id: string }>(`select coalesce(max(id), 0)::text as id from audit_event`);
      const results = [];
      for (const name of names) results.push(await t.exec<any>(townA, NAMED, { filter: { elder: name }, first: 100 }));
      const rows = await t.sql<{ elder_id: string; detail: { via: string[]; parts: string[] } }>(
        `select elder_id, detail from audit_event where id > $1 and action = 'ELDER_READ' and actor_username = $2 order by elder_id`,
        [before[0]!.id, townA.username],
      );
      return { results, rows };
    };
    const one = await readsFor(['司徒锦芳']);
    expect(ok(one.results[0]!).alerts.nodes).toHaveLength(2);
    expect(one.rows).toEqual([{ elder_id: e1.id, detail: { via: ['alerts'], parts: ['archive'] } }]);

    // Two elders on the page cost what one costs: the archives come in one batched statement, not one per alert.
    const single = await t.exec<any>(townA, NAMED, { filter: { regionCode: REGIONS.villageA2, elderId: e2.id }, first: 100 });
    const many = await t.exec<any>(townA, NAMED, { filter: { regionCode: REGIONS.villageA2 }, first: 100 });
    expect(ok(single).alerts.nodes).toHaveLength(1);
    expect(ok(many).alerts.nodes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ok(many).alerts.nodes.map((n: any) => n.elder.id)).size).toBeGreaterThanOrEqual(2);
    expect(many.sqlStatements).toBe(single.sqlStatements);
  });

  it('filter.elder finds alerts by name or by the last 4+ characters of the ID number, only inside the jurisdiction', async () => {
    const elder = await registerElder(t, admin, { name: '黄带好', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1936-10-11', false) });
    const other = await registerElder(t, admin, { name: '黄带娣', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1936-10-12', false) });
    setClock(T);
    const mine = await raise(villageA1, elder, 'URGENT');
    const notMine = await raise(villageA1, other, 'URGENT');

    const byName = await named(townA, { elder: ' 黄带好 ' });
    expect(byName.map((n) => n.id)).toEqual([mine.id]);
    expect(byName[0].elder.name).toBe('黄带好');

    for (const tail of [elder.fullIdNumber.slice(-4), elder.fullIdNumber.slice(-8), elder.fullIdNumber.toLowerCase().slice(-6)]) {
      const nodes = await named(townA, { elder: tail });
      expect(nodes.map((n) => n.id), tail).toContain(mine.id);
      expect(nodes.map((n) => n.id), tail).not.toContain(notMine.id);
      for (const n of nodes) expect(n.elder.idNumber.slice(-4)).toBe(elder.fullIdNumber.slice(-4));
    }
    expect(idsOf(await list(townA, { elder: elder.fullIdNumber }))).toEqual([mine.id]);

    // Outside the jurisdiction the elder is not found: an empty list, as for a name no one has.
    expect(await list(townB, { elder: '黄带好' })).toEqual([]);
    expect(await list(townB, { elder: elder.fullIdNumber.slice(-8) })).toEqual([]);
    expect(await list(villageA2, { elder: '黄带好' })).toEqual([]);
    expect(await list(townA, { elder: '无此人' })).toEqual([]);

    // Anything else is a mistake the user can fix.
    for (const bad of ['', '123', '黄1', 'x'.repeat(51)]) {
      const result = await t.exec(townA, LIST, { filter: { elder: bad } });
      expect(codeOf(result), bad).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result), bad).toEqual(['filter.elder']);
    }
  });
});
