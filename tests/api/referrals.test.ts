import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';
import { ROLE_SCOPES, Scope } from '@tanfang/schema';

/**
 * The referral loop (issue 16, item 3): the agency an alert is referred to answers it (accept, decline with a reason,
 * outcome with a date), the town sees the answer in the alert's timeline, response times are counted, and nobody but
 * that agency can answer. Service organisations (social work) are agencies with their own users.
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let housing: TestUser;
let housingB: TestUser;
let counselling: TestUser;
let elderA1: ElderData;
let elderA2: ElderData;

const DEFAULT_NOW = '2026-11-15T02:00:00Z';
/** 2026-11-20 09:00 in China. */
const T = Date.parse('2026-11-20T01:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const setClock = (ms: number) => t.clock.set(new Date(ms).toISOString());

const ALERT_FIELDS = `id status version referredTo referredAt referralState referralRespondedAt referralResponseMinutes referralOutcomeMinutes
  referralOutcomeOn referralAnswer events { status note referredTo actor actorName response outcomeOn agencyName }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { ${ALERT_FIELDS} } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!) { referAlert(id: $id, version: $version, to: $to) { ${ALERT_FIELDS} } }`;
const LIST = `query($filter: AlertFilter) { alerts(filter: $filter, first: 100) { nodes { ${ALERT_FIELDS} } } }`;
const REFERRED_FIELDS = `id version status referredTo referralState referralRespondedAt referralResponseMinutes referralOutcomeMinutes referralOutcomeOn referralAnswer elderName`;
const RESPOND = `mutation($alertId: ID!, $version: Int!, $response: ReferralResponse!, $note: String, $outcomeDate: Date) {
  respondToReferral(alertId: $alertId, version: $version, response: $response, note: $note, outcomeDate: $outcomeDate) { ${REFERRED_FIELDS} } }`;
const REFERRED = `query { referredAlerts(first: 100) { totalCount nodes { ${REFERRED_FIELDS} } } }`;

type Alert = {
  id: string;
  status: string;
  version: number;
  referredTo: string | null;
  referralState: string | null;
  referralResponseMinutes: number | null;
  referralOutcomeMinutes: number | null;
  referralOutcomeOn: string | null;
  referralAnswer: string | null;
  events: { status: string; note: string | null; actorName: string | null; response: string | null; outcomeOn: string | null; agencyName: string | null }[];
};

async function referred(elder: ElderData, to: string, title = '房屋漏雨，存在安全隐患'): Promise<Alert> {
  const raised = ok(await t.exec<{ raiseAlert: Alert }>(townA, RAISE, { input: { elderId: elder.id, severity: 'NORMAL', title } })).raiseAlert;
  return ok(await t.exec<{ referAlert: Alert }>(townA, REFER, { id: raised.id, version: raised.version, to })).referAlert;
}
const respond = (as: TestUser, alertId: string, version: number, response: string, note?: string | null, outcomeDate?: string | null) =>
  t.exec<{ respondToReferral: Alert }>(as, RESPOND, { alertId, version, response, note, outcomeDate });
async function townSees(alertId: string, elder: ElderData): Promise<Alert> {
  const nodes = ok(await t.exec<{ alerts: { nodes: Alert[] } }>(townA, LIST, { filter: { elderId: elder.id, status: ['OPEN', 'ACKNOWLEDGED', 'REFERRED', 'RESOLVED'] } })).alerts.nodes;
  return nodes.find((a) => a.id === alertId)!;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  housing = await t.user('HOUSING', REGIONS.city);
  housingB = await t.user('HOUSING', REGIONS.townB);
  counselling = await t.user('COUNSELLING', REGIONS.city);
  elderA1 = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1941-02-03') });
  elderA2 = await registerElder(t, admin, { name: '司徒美兰', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1942-03-04', false) });
});
afterEach(() => t.clock.set(DEFAULT_NOW));
afterAll(() => t.close());

describe('respondToReferral', () => {
  it('housing accepts, then reports the outcome; the town sees both in the timeline by name and agency, with response times', async () => {
    setClock(T);
    const alert = await referred(elderA1, 'HOUSING');
    expect(alert).toMatchObject({ status: 'REFERRED', referralState: 'PENDING', referralResponseMinutes: null });

    // The partner lists it with the version to answer with.
    const listed = ok(await t.exec<any>(housing, REFERRED)).referredAlerts.nodes.find((n: any) => n.id === alert.id);
    expect(listed).toMatchObject({ version: alert.version, referralState: 'PENDING', referredTo: 'HOUSING', elderName: '关国华' });

    setClock(T + 90 * MIN);
    const accepted = ok(await respond(housing, alert.id, alert.version, 'ACCEPT', '已安排人员上门查看')).respondToReferral;
    expect(accepted).toMatchObject({ status: 'REFERRED', referralState: 'ACCEPTED', referralResponseMinutes: 90, referralOutcomeMinutes: null, version: alert.version + 1 });

    setClock(T + 2 * DAY + 30 * MIN);
    const done = ok(await respond(housing, alert.id, accepted.version, 'OUTCOME', '已完成屋面修缮', '2026-11-21')).respondToReferral;
    expect(done).toMatchObject({ referralState: 'OUTCOME', referralOutcomeOn: '2026-11-21', referralAnswer: '已完成屋面修缮', referralResponseMinutes: 90, referralOutcomeMinutes: 2 * 24 * 60 + 30 });

    const seen = await townSees(alert.id, elderA1);
    expect(seen).toMatchObject({ status: 'REFERRED', referralState: 'OUTCOME', referralOutcomeOn: '2026-11-21', referralResponseMinutes: 90 });
    const answers = seen.events.filter((e) => e.response);
    expect(answers).toEqual([
      { status: 'REFERRED', note: '已安排人员上门查看', referredTo: 'HOUSING', actor: housing.username, actorName: `测试 ${housing.username}`, response: 'ACCEPT', outcomeOn: null, agencyName: `HOUSING ${REGIONS.city}` },
      { status: 'REFERRED', note: '已完成屋面修缮', referredTo: 'HOUSING', actor: housing.username, actorName: `测试 ${housing.username}`, response: 'OUTCOME', outcomeOn: '2026-11-21', agencyName: `HOUSING ${REGIONS.city}` },
    ]);

    // Audited, naming the elder and the answer.
    const audits = await t.sql<{ action: string; elder_id: string; detail: any }>(
      `select action, elder_id, detail from audit_event where action = 'REFERRAL_RESPOND' and detail ->> 'alertId' = $1 order by id`,
      [alert.id],
    );
    expect(audits.map((a) => [a.elder_id, a.detail.response])).toEqual([[elderA1.id, 'ACCEPT'], [elderA1.id, 'OUTCOME']]);

    // Nothing after the outcome: the town resolves it.
    expect(codeOf(await respond(housing, alert.id, done.version, 'DECLINE', '不归我们管'))).toBe('CONFLICT');
  });

  it('a decline needs a reason and hands the alert back to the town (acknowledged, in its to-do part of the queue)', async () => {
    setClock(T);
    const alert = await referred(elderA2, 'HOUSING');
    setClock(T + 3 * HOUR);
    for (const note of [null, ' ', '无']) {
      const res = await respond(housing, alert.id, alert.version, 'DECLINE', note);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(res)).toEqual(['note']);
    }
    const declined = ok(await respond(housing, alert.id, alert.version, 'DECLINE', '该房屋不属于危房鉴定范围，请联系村委会')).respondToReferral;
    expect(declined).toMatchObject({ status: 'ACKNOWLEDGED', referralState: 'DECLINED', referralResponseMinutes: 180, referralAnswer: '该房屋不属于危房鉴定范围，请联系村委会' });

    const seen = await townSees(alert.id, elderA2);
    expect(seen.status).toBe('ACKNOWLEDGED');
    expect(seen.events.at(-1)).toMatchObject({ status: 'ACKNOWLEDGED', response: 'DECLINE', note: '该房屋不属于危房鉴定范围，请联系村委会' });
    // The town's queue (not resolved, not in another's hands) holds it again.
    const open = ok(await t.exec<{ alerts: { nodes: Alert[] } }>(townA, LIST, { filter: { elderId: elderA2.id, status: ['OPEN', 'ACKNOWLEDGED'] } })).alerts.nodes;
    expect(open.map((a) => a.id)).toContain(alert.id);

    // Declined is final for this referral; the town can refer it again, which waits for a new answer.
    expect(codeOf(await respond(housing, alert.id, declined.version, 'ACCEPT'))).toBe('CONFLICT');
    const again = ok(await t.exec<{ referAlert: Alert }>(townA, REFER, { id: alert.id, version: seen.version, to: 'HOUSING' })).referAlert;
    expect(again).toMatchObject({ status: 'REFERRED', referralState: 'PENDING', referralResponseMinutes: null, referralAnswer: null });
  });

  it('checks the outcome date: required, not in the future, not before the referral day (China time)', async () => {
    // Referred at 2026-11-20 00:30 in China (16:30 UTC the day before).
    setClock(Date.parse('2026-11-19T16:30:00Z'));
    const alert = await referred(elderA1, 'HOUSING', '燃气管老化');
    setClock(Date.parse('2026-11-22T02:00:00Z'));
    const missing = await respond(housing, alert.id, alert.version, 'OUTCOME', '已更换燃气管', null);
    expect([codeOf(missing), fieldsOf(missing)]).toEqual(['BAD_USER_INPUT', ['outcomeDate']]);
    const future = await respond(housing, alert.id, alert.version, 'OUTCOME', '已更换燃气管', '2026-11-23');
    expect([codeOf(future), fieldsOf(future)]).toEqual(['BAD_USER_INPUT', ['outcomeDate']]);
    const before = await respond(housing, alert.id, alert.version, 'OUTCOME', '已更换燃气管', '2026-11-19');
    expect([codeOf(before), fieldsOf(before)]).toEqual(['BAD_USER_INPUT', ['outcomeDate']]);
    const both = await respond(housing, alert.id, alert.version, 'OUTCOME', '', '2026-11-23');
    expect(fieldsOf(both).sort()).toEqual(['note', 'outcomeDate']);
    expect(codeOf(await respond(housing, alert.id, alert.version, 'ACCEPT', null, '2026-11-20'))).toBe('BAD_USER_INPUT');

    // The referral day and today are both fine; an outcome without acceptance answers both at once.
    const done = ok(await respond(housing, alert.id, alert.version, 'OUTCOME', '已更换燃气管', '2026-11-20')).respondToReferral;
    expect(done).toMatchObject({ referralState: 'OUTCOME', referralOutcomeOn: '2026-11-20', referralResponseMinutes: 2 * 24 * 60 + 570, referralOutcomeMinutes: 2 * 24 * 60 + 570 });
  });

  it('only the agency it is referred to answers: another kind, or the same kind elsewhere, gets NOT_FOUND; civil affairs FORBIDDEN', async () => {
    setClock(T);
    const alert = await referred(elderA1, 'HOUSING', '墙体开裂');
    expect(codeOf(await respond(counselling, alert.id, alert.version, 'ACCEPT'))).toBe('NOT_FOUND');
    // Housing of another town: the elder is outside its region, like a missing alert.
    expect(codeOf(await respond(housingB, alert.id, alert.version, 'ACCEPT'))).toBe('NOT_FOUND');
    expect(codeOf(await respond(housing, '00000000-0000-0000-0000-000000000000', 1, 'ACCEPT'))).toBe('NOT_FOUND');
    expect(codeOf(await respond(housing, 'not-an-id', 1, 'ACCEPT'))).toBe('NOT_FOUND');
    expect(codeOf(await respond(townA, alert.id, alert.version, 'ACCEPT'))).toBe('FORBIDDEN');
    // Partners still cannot resolve: answering is their part.
    const resolve = await t.exec(housing, `mutation($id: ID!, $v: Int!) { resolveAlert(id: $id, version: $v, resolution: "已处理") { id } }`, { id: alert.id, v: alert.version });
    expect(codeOf(resolve)).toBe('FORBIDDEN');
    const [row] = await t.sql<{ version: number; referral_state: string }>(`select version, referral_state from alert where id = $1`, [alert.id]);
    expect(row).toEqual({ version: alert.version, referral_state: 'PENDING' });
  });

  it('a counselling organisation subscribed to ALERT_REFERRED gets a delivery when an alert is referred to COUNSELLOR (ids only)', async () => {
    const SUBSCRIBE = `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }`;
    const sub = ok(await t.exec<any>(counselling, SUBSCRIBE, { i: { url: 'http://127.0.0.1:9/referrals', events: ['ALERT_REFERRED'] } })).createWebhookSubscription.subscription;
    const alert = await referred(elderA2, 'COUNSELLOR', '情绪低落，需要心理疏导');
    const deliveries = await t.sql<{ payload: Record<string, unknown> }>(`select payload from webhook_delivery where subscription_id = $1`, [sub.id]);
    expect(deliveries).toEqual([{ payload: { alertId: alert.id, referredTo: 'COUNSELLOR', regionCode: REGIONS.villageA2 } }]);
    // Housing's referral earlier did not reach the counselling organisation.
    const [others] = await t.sql<{ n: number }>(`select count(*)::int as n from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id where s.id = $1 and d.payload ->> 'referredTo' <> 'COUNSELLOR'`, [sub.id]);
    expect(others!.n).toBe(0);
  });

  it('a stale version is CONFLICT (the town changed the alert meanwhile)', async () => {
    setClock(T);
    const alert = await referred(elderA2, 'HOUSING', '屋顶瓦片脱落');
    ok(await respond(housing, alert.id, alert.version, 'ACCEPT'));
    const stale = await respond(housing, alert.id, alert.version, 'OUTCOME', '已修缮', '2026-11-20');
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.extensions!.currentVersion).toBe(alert.version + 1);
  });
});

describe('service organisations', () => {
  it('alert.respond:referred belongs to every agency role an alert can be referred to, and to nobody else', () => {
    const holders = Object.entries(ROLE_SCOPES).filter(([, scopes]) => scopes.includes(Scope.AlertRespondReferred)).map(([role]) => role).sort();
    expect(holders).toEqual(['COUNSELLING', 'DISABILITY', 'HEALTH', 'HOUSING', 'LEGAL_AID', 'POLICE', 'SOCIAL_WORK']);
  });

  it('an admin creates a SOCIAL_WORK user for the social-work agency; it logs in, lists its referrals and answers one', async () => {
    // The admin registers the organisation, then gives its worker an account of its role.
    const CREATE_AGENCY = `mutation($kind: AgencyKind!, $region: String!, $name: String!) { createAgency(kind: $kind, regionCode: $region, name: $name) { id kind name regionCode } }`;
    const agency = ok(await t.exec<any>(admin, CREATE_AGENCY, { kind: 'SOCIAL_WORK', region: REGIONS.city, name: '开平市社会工作服务中心' })).createAgency;
    expect(agency).toMatchObject({ kind: 'SOCIAL_WORK', name: '开平市社会工作服务中心', regionCode: REGIONS.city });
    expect(codeOf(await t.exec(admin, CREATE_AGENCY, { kind: 'SOCIAL_WORK', region: REGIONS.city, name: '另一个社工中心' }))).toBe('CONFLICT');
    expect(codeOf(await t.exec(townA, CREATE_AGENCY, { kind: 'SOCIAL_WORK', region: REGIONS.townA, name: '三埠社工站' }))).toBe('FORBIDDEN');
    const [audit] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'AGENCY_CREATE' and detail ->> 'agencyId' = $1`, [agency.id]);
    expect(audit!.n).toBe(1);
    const password = 'social-work-2026';
    const created = await t.exec<any>(
      admin,
      `mutation($input: CreateUserInput!) { createUser(input: $input) { username role roleLabel agencyName } }`,
      { input: { username: 'sw_guan', displayName: '关社工', password, role: 'SOCIAL_WORK', regionCode: REGIONS.city, agencyId: agency!.id } },
    );
    expect(ok(created).createUser).toEqual({ username: 'sw_guan', role: 'SOCIAL_WORK', roleLabel: '社会工作服务机构', agencyName: '开平市社会工作服务中心' });
    // The role needs an agency of its own kind.
    const [other] = await t.sql<{ id: string }>(`select id from agency where kind = 'HOUSING' and region_code = $1`, [REGIONS.city]);
    const wrong = await t.exec(admin, `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { username: 'sw_wrong', displayName: '错社工', password, role: 'SOCIAL_WORK', regionCode: REGIONS.city, agencyId: other!.id },
    });
    expect(fieldsOf(wrong)).toEqual(['agencyId']);

    setClock(T);
    const toSocial = await referred(elderA1, 'SOCIAL_WORKER', '独居老人情绪低落，需社工介入');
    const toHousing = await referred(elderA2, 'HOUSING', '门窗损坏');

    const server = await t.listen();
    try {
      const post = async (token: string | null, query: string, variables: Record<string, unknown> = {}) => {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        return (await res.json()) as { data?: any; errors?: any[] };
      };
      const login = await post(null, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token me { role scopes } } }`, { u: 'sw_guan', p: password });
      const { token, me } = login.data.login;
      expect(me.role).toBe('SOCIAL_WORK');
      expect([...me.scopes].sort()).toEqual(['alert.read:referred', 'alert.respond:referred', 'apiclient.manage', 'region.read', 'webhook.manage']);

      const list = await post(token, REFERRED);
      expect(list.data.referredAlerts.nodes.map((n: any) => n.id)).toEqual([toSocial.id]);
      // No archive: the civil-affairs lists are refused.
      const elders = await post(token, `{ elders(first: 1) { totalCount } }`);
      expect(elders.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      // The housing referral is not theirs.
      const notTheirs = await post(token, RESPOND, { alertId: toHousing.id, version: toHousing.version, response: 'ACCEPT' });
      expect(notTheirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      setClock(T + 45 * MIN);
      const answered = await post(token, RESPOND, { alertId: toSocial.id, version: toSocial.version, response: 'ACCEPT', note: '社工明日上门' });
      expect(answered.errors).toBeUndefined();
      expect(answered.data.respondToReferral).toMatchObject({ referralState: 'ACCEPTED', referralResponseMinutes: 45 });
    } finally {
      await server.close();
    }
    const seen = await townSees(toSocial.id, elderA1);
    expect(seen.events.at(-1)).toMatchObject({ response: 'ACCEPT', actorName: '关社工', agencyName: '开平市社会工作服务中心', note: '社工明日上门' });
  });

  it('an API key of a service organisation answers as its agency', async () => {
    const [agency] = await t.sql<{ id: string }>(
      `insert into agency (kind, name, region_code, created_at) values ('LEGAL_AID', '开平市司法局法律援助中心', $1, now()) returning id`,
      [REGIONS.city],
    );
    const legal = await t.user('LEGAL_AID', REGIONS.city);
    expect(legal.actor.agencyId).toBe(agency!.id);
    const created = ok(await t.exec<any>(legal, `mutation($a: ID!) { createApiClient(agencyId: $a, name: "法援业务系统") { key } }`, { a: agency!.id }));
    setClock(T);
    const alert = await referred(elderA2, 'LEGAL_AID', '赡养纠纷，需法律援助');
    const server = await t.listen();
    try {
      setClock(T + 20 * HOUR);
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${created.createApiClient.key}` },
        body: JSON.stringify({ query: RESPOND, variables: { alertId: alert.id, version: alert.version, response: 'OUTCOME', note: '已调解，子女签订赡养协议', outcomeDate: '2026-11-20' } }),
      });
      const body = (await res.json()) as { data?: { respondToReferral: Partial<Alert> }; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      expect(body.data?.respondToReferral).toMatchObject({ referralState: 'OUTCOME', referralResponseMinutes: 20 * 60, referralOutcomeMinutes: 20 * 60 });
    } finally {
      await server.close();
    }
    const seen = await townSees(alert.id, elderA2);
    expect(seen.events.at(-1)).toMatchObject({ response: 'OUTCOME', actorName: '法援业务系统', agencyName: '开平市司法局法律援助中心', outcomeOn: '2026-11-20' });
  });
});

