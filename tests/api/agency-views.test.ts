import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { AGENCY_VIEWS, agencyViewsTable } from '../../packages/api/src/modules/agencies/agency-views.js';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Partner agencies' need-to-know views (AGENCY_VIEWS): which elders each agency sees inside its region subtree,
 * which fields are filled (the rest are null), that health data never reaches the police, jurisdiction, scopes,
 * SQL statement counts, referred alerts, and the audit row each read writes.
 */
let t: TestApp;
let admin: TestUser;
let police: TestUser;
let health: TestUser;
let disability: TestUser;
let housing: TestUser;
let policeB: TestUser;
let disabilityB: TestUser;
let housingB: TestUser;
let healthB: TestUser;

let plain: ElderData;
let incapacitated: ElderData;
let certified: ElderData;
let disabledNoCert: ElderData;
let housingArchive: ElderData;
let housingVisit: ElderData;
let housingReferred: ElderData;
let housingRule: ElderData;
let elderB: ElderData;

const ALL_FIELDS = `id view name gender birthDate idNumber village { code name fullName } addressDetail phone
  emergencyContacts { kind name relation phone } status circumstances incapacityLevel
  latestHealth { visitedOn expression mobility disease diseaseName mood }
  disability { certificateNumber category grade severe } lastVisitOn class
  housing { housingSafe visitedOn housingUnsafe indoorEnvironment }`;
const LIST = `query($filter: AgencyElderFilter, $first: Int, $after: String) {
  agencyElders(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { ${ALL_FIELDS} } } }`;
const REFERRED = `query($first: Int, $after: String) { referredAlerts(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id elderId title detail severity status raisedAt referredAt elderName village { code name fullName } } } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id alertIds } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!) { referAlert(id: $id, version: $version, to: $to) { id version status } }`;

type AgencyElder = Record<string, any> & { id: string; name: string | null };

async function view(as: TestUser, filter: Record<string, unknown> = {}, first = 100) {
  return ok(await t.exec<{ agencyElders: { totalCount: number; nodes: AgencyElder[] } }>(as, LIST, { filter, first })).agencyElders;
}
async function nodesOf(as: TestUser, filter: Record<string, unknown> = {}): Promise<AgencyElder[]> {
  return (await view(as, filter)).nodes;
}
const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id).sort();
const byId = (nodes: AgencyElder[], elder: ElderData) => nodes.find((n) => n.id === elder.id)!;

async function recordVisit(elder: ElderData, visitedAt: string, findings: Record<string, unknown> = {}) {
  return ok(await t.exec<any>(admin, RECORD, { input: { elderId: elder.id, visitedAt, method: 'HOME', ...findings } })).recordVisit;
}
async function referAlert(elder: ElderData, to: string, title = '需要转介处理') {
  const raised = ok(await t.exec<any>(admin, RAISE, { input: { elderId: elder.id, severity: 'NORMAL', title } })).raiseAlert;
  return ok(await t.exec<any>(admin, REFER, { id: raised.id, version: raised.version, to })).referAlert;
}

/** Every field of AgencyElder except id and view, with whether the agency's view fills it. */
const FIELDS = [
  'name', 'gender', 'birthDate', 'idNumber', 'village', 'addressDetail', 'phone', 'emergencyContacts', 'status',
  'circumstances', 'incapacityLevel', 'latestHealth', 'disability', 'lastVisitOn', 'class', 'housing',
] as const;

function nonNullFields(node: AgencyElder): string[] {
  return FIELDS.filter((f) => node[f] !== null && node[f] !== undefined);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  police = await t.user('POLICE', REGIONS.townA);
  health = await t.user('HEALTH', REGIONS.townA);
  disability = await t.user('DISABILITY', REGIONS.townA);
  housing = await t.user('HOUSING', REGIONS.townA);
  policeB = await t.user('POLICE', REGIONS.townB);
  disabilityB = await t.user('DISABILITY', REGIONS.townB);
  housingB = await t.user('HOUSING', REGIONS.townB);
  healthB = await t.user('HEALTH', REGIONS.townB);

  plain = await registerElder(t, admin, {
    name: '关国华',
    regionCode: REGIONS.villageA1,
    idNumber: idNumberFor('1955-03-15'),
    phone: '13812345678',
    addressDetail: '东河路1号',
    circumstances: ['LIVING_ALONE'],
    emergencyContacts: [
      { kind: 'CHILD', name: '关小明', relation: '儿子', phone: '13900001111' },
      { kind: 'VILLAGE_WORKER', name: '李主任', phone: '0750-2212345' },
    ],
  });
  incapacitated = await registerElder(t, admin, {
    name: '司徒美兰',
    regionCode: REGIONS.villageA1,
    idNumber: idNumberFor('1940-05-06', false),
    phone: '13822223333',
    addressDetail: '东河路2号',
    circumstances: ['LIVING_ALONE', 'INCAPACITATED', 'DEMENTIA'],
    incapacityLevel: 'FULL',
    emergencyContacts: [{ kind: 'CHILD', name: '司徒强', relation: '儿子', phone: '13900002222' }],
  });
  const certId = idNumberFor('1945-07-08');
  certified = await registerElder(t, admin, {
    name: '周志强',
    regionCode: REGIONS.villageA2,
    idNumber: certId,
    phone: '13833334444',
    addressDetail: '新安街3号',
    disability: { certificateNumber: `${certId}41` },
  });
  disabledNoCert = await registerElder(t, admin, {
    name: '黄丽珍',
    regionCode: REGIONS.villageA2,
    idNumber: idNumberFor('1950-01-02', false),
    disability: { category: 'VISUAL', grade: 3 },
  });
  housingArchive = await registerElder(t, admin, {
    name: '谭家明',
    regionCode: REGIONS.villageA1,
    idNumber: idNumberFor('1948-02-03'),
    phone: '13844445555',
    addressDetail: '东河路4号',
    livingConditions: { housingSafe: false },
  });
  housingVisit = await registerElder(t, admin, { name: '谢宝珠', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1949-03-04', false) });
  housingReferred = await registerElder(t, admin, { name: '邓永康', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1947-04-05') });
  housingRule = await registerElder(t, admin, { name: '梁桂英', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1946-05-06', false) });
  const certB = idNumberFor('1944-06-07');
  elderB = await registerElder(t, admin, {
    name: '吴伯',
    regionCode: REGIONS.villageB1,
    idNumber: certB,
    phone: '13855556666',
    disability: { certificateNumber: `${certB}12` },
    livingConditions: { housingSafe: false },
  });

  t.clock.set('2026-11-20T02:00:00Z');
  // Two visits: the later one is "the latest visit".
  await recordVisit(incapacitated, '2026-11-16T02:00:00Z', { mood: 'WORSE', mobility: 'UNCHANGED' });
  await recordVisit(incapacitated, '2026-11-18T02:00:00Z', { mobility: 'WORSE', disease: 'SERIOUS', diseaseName: '脑卒中', mood: 'UNCHANGED', expression: 'UNCHANGED' });
  await recordVisit(certified, '2026-11-17T02:00:00Z');
  // A visit that found the housing unsafe, with the alert rule off: only the visit flags this elder.
  await t.sql(`update alert_rule set active = false where code = 'HOUSING_UNSAFE'`);
  await recordVisit(housingVisit, '2026-11-17T02:00:00Z', { housingUnsafe: true, indoorEnvironment: 'WORSE' });
  await t.sql(`update alert_rule set active = true where code = 'HOUSING_UNSAFE'`);
  // Flagged only by an alert referred to housing (raised by hand).
  await referAlert(housingReferred, 'HOUSING', '房屋漏雨');
  // Flagged by the HOUSING_UNSAFE rule's alert (and its visit).
  await recordVisit(housingRule, '2026-11-18T02:00:00Z', { housingUnsafe: true });
  // Alerts referred elsewhere.
  await referAlert(plain, 'POLICE', '疑似电信诈骗');
  await referAlert(incapacitated, 'HEALTH', '需要上门诊疗');
  await referAlert(elderB, 'HEALTH', '镇B的转介');
  await referAlert(plain, 'SOCIAL_WORKER', '社工跟进');
});
afterAll(() => t.close());

const TOWN_A = () => [plain, incapacitated, certified, disabledNoCert, housingArchive, housingVisit, housingReferred, housingRule];

describe('the matrix is defined once', () => {
  it('AGENCY_VIEWS lists the four partner kinds and renders as a table', () => {
    expect(Object.keys(AGENCY_VIEWS).sort()).toEqual(['DISABILITY', 'HEALTH', 'HOUSING', 'POLICE']);
    const table = agencyViewsTable();
    expect(table).toContain('| emergencyContacts | yes |  |  |  |');
    expect(table).toContain('| latestHealth |  | yes |  |  |');
  });
});

describe('police view', () => {
  it('sees every elder of its town, and none of another town', async () => {
    const list = await view(police);
    expect(ids(list.nodes)).toEqual(ids(TOWN_A()));
    expect(list.totalCount).toBe(8);
    expect(list.nodes.every((n) => n.view === 'POLICE')).toBe(true);
  });

  it('gets identity (masked), address, full phones, emergency contacts and status; nothing else', async () => {
    const node = byId(await nodesOf(police), plain);
    expect(nonNullFields(node).sort()).toEqual(
      ['addressDetail', 'birthDate', 'emergencyContacts', 'gender', 'idNumber', 'name', 'phone', 'status', 'village'].sort(),
    );
    expect(node.name).toBe('关国华');
    expect(node.gender).toBe('MALE');
    expect(node.birthDate).toBe('1955-03-15');
    expect(node.idNumber).toBe(`440783********${plain.fullIdNumber.slice(-4)}`);
    expect(node.village).toEqual({ code: REGIONS.villageA1, name: '东河社区居委会', fullName: expect.stringContaining('东河社区居委会') });
    expect(node.addressDetail).toBe('东河路1号');
    expect(node.phone).toBe('13812345678');
    expect(node.emergencyContacts).toEqual([
      { kind: 'CHILD', name: '关小明', relation: '儿子', phone: '13900001111' },
      { kind: 'VILLAGE_WORKER', name: '李主任', relation: null, phone: '0750-2212345' },
    ]);
    expect(node.status).toBe('ACTIVE');
  });

  it('never receives health data', async () => {
    const result = await t.exec<any>(police, LIST, { first: 100 });
    const text = JSON.stringify(result.data);
    for (const leak of ['脑卒中', 'SERIOUS', 'INCAPACITATED', 'DEMENTIA', 'FULL', 'AGED_80_PLUS', 'WORSE']) expect(text).not.toContain(leak);
    const node = byId(ok(result).agencyElders.nodes, incapacitated);
    expect(node.circumstances).toBeNull();
    expect(node.incapacityLevel).toBeNull();
    expect(node.latestHealth).toBeNull();
    expect(node.disability).toBeNull();
    expect(node.housing).toBeNull();
  });
});

describe('health view', () => {
  it('sees every elder of its town', async () => {
    expect(ids(await nodesOf(health))).toEqual(ids(TOWN_A()));
  });

  it('gets identity, village, phone, health circumstances, incapacity and the latest visit\'s health findings', async () => {
    const node = byId(await nodesOf(health), incapacitated);
    expect(nonNullFields(node).sort()).toEqual(
      ['birthDate', 'circumstances', 'gender', 'idNumber', 'incapacityLevel', 'latestHealth', 'name', 'phone', 'village'].sort(),
    );
    expect(node.phone).toBe('13822223333');
    expect(node.idNumber).toMatch(/^440783\*{8}\d{3}[\dX]$/);
    // LIVING_ALONE is not health-related; AGED_80_PLUS is derived from the birth date.
    expect([...node.circumstances].sort()).toEqual(['AGED_80_PLUS', 'DEMENTIA', 'INCAPACITATED']);
    expect(node.incapacityLevel).toBe('FULL');
    expect(node.latestHealth).toEqual({
      visitedOn: '2026-11-18',
      expression: 'UNCHANGED',
      mobility: 'WORSE',
      disease: 'SERIOUS',
      diseaseName: '脑卒中',
      mood: 'UNCHANGED',
    });
    // No address beyond the village, no emergency contacts.
    expect(node.addressDetail).toBeNull();
    expect(node.emergencyContacts).toBeNull();
  });

  it('sees disability only as circumstances (severe from the grade), and no visit means no findings', async () => {
    const nodes = await nodesOf(health);
    const c = byId(nodes, certified);
    // Born 1945: 80 or over, derived like SEVERELY_DISABLED (grade 1).
    expect([...c.circumstances].sort()).toEqual(['AGED_80_PLUS', 'DISABLED', 'SEVERELY_DISABLED']);
    expect(c.disability).toBeNull();
    expect(c.latestHealth).toEqual({ visitedOn: '2026-11-17', expression: null, mobility: null, disease: null, diseaseName: null, mood: null });
    const p = byId(nodes, plain);
    expect(p.circumstances).toEqual([]);
    expect(p.latestHealth).toBeNull();
  });
});

describe('disability view', () => {
  it('sees elders with a certificate or the DISABLED circumstance only', async () => {
    const list = await view(disability);
    expect(ids(list.nodes)).toEqual(ids([certified, disabledNoCert]));
    expect(list.totalCount).toBe(2);
  });

  it('gets identity, village, the certificate (masked), the last visit date and the class; nothing else', async () => {
    const nodes = await nodesOf(disability);
    const node = byId(nodes, certified);
    expect(nonNullFields(node).sort()).toEqual(['birthDate', 'class', 'disability', 'gender', 'idNumber', 'lastVisitOn', 'name', 'village'].sort());
    expect(node.disability).toEqual({
      certificateNumber: `440783********${certified.fullIdNumber.slice(-4)}41`,
      category: 'PHYSICAL',
      grade: 1,
      severe: true,
    });
    expect(node.lastVisitOn).toBe('2026-11-17');
    expect(['A', 'B', 'C']).toContain(node.class);
    expect(node.phone).toBeNull();
    const other = byId(nodes, disabledNoCert);
    expect(other.disability).toEqual({ certificateNumber: null, category: 'VISUAL', grade: 3, severe: false });
    expect(other.lastVisitOn).toBeNull();
  });
});

describe('housing view', () => {
  it('sees elders whose housing was flagged: archive, visit, referred alert, HOUSING rule', async () => {
    const list = await view(housing);
    expect(ids(list.nodes)).toEqual(ids([housingArchive, housingVisit, housingReferred, housingRule]));
  });

  it('gets name, village, address, phone and housing safety; nothing else', async () => {
    const nodes = await nodesOf(housing);
    const a = byId(nodes, housingArchive);
    expect(nonNullFields(a).sort()).toEqual(['addressDetail', 'housing', 'name', 'phone', 'village'].sort());
    expect(a.addressDetail).toBe('东河路4号');
    expect(a.phone).toBe('13844445555');
    expect(a.housing).toEqual({ housingSafe: false, visitedOn: null, housingUnsafe: null, indoorEnvironment: null });
    const v = byId(nodes, housingVisit);
    expect(v.housing).toEqual({ housingSafe: null, visitedOn: '2026-11-17', housingUnsafe: true, indoorEnvironment: 'WORSE' });
    for (const n of nodes) {
      expect(n.gender).toBeNull();
      expect(n.birthDate).toBeNull();
      expect(n.idNumber).toBeNull();
    }
  });
});

describe('jurisdiction and filters', () => {
  it('an agency of town B sees nothing of town A', async () => {
    expect(ids(await nodesOf(policeB))).toEqual([elderB.id]);
    expect(ids(await nodesOf(healthB))).toEqual([elderB.id]);
    expect(ids(await nodesOf(disabilityB))).toEqual([elderB.id]);
    expect(ids(await nodesOf(housingB))).toEqual([elderB.id]);
    const r = await t.exec(policeB, LIST, { filter: { regionCode: REGIONS.villageA1 } });
    expect(codeOf(r)).toBe('FORBIDDEN');
  });

  it('a city agency sees both towns', async () => {
    const cityPolice = await t.user('POLICE', REGIONS.city);
    expect(ids(await nodesOf(cityPolice))).toEqual(ids([...TOWN_A(), elderB]));
  });

  it('filters by region and by text (name prefix, ID-number tail)', async () => {
    expect(ids(await nodesOf(police, { regionCode: REGIONS.villageA2 }))).toEqual(ids([certified, disabledNoCert, housingReferred, housingRule]));
    expect(ids(await nodesOf(police, { text: '司徒' }))).toEqual([incapacitated.id]);
    expect(ids(await nodesOf(police, { text: certified.fullIdNumber.slice(-6) }))).toEqual([certified.id]);
    expect(ids(await nodesOf(police, { text: certified.fullIdNumber }))).toEqual([certified.id]);
    expect(ids(await nodesOf(disability, { text: '关' }))).toEqual([]);
    expect(codeOf(await t.exec(police, LIST, { filter: { text: '12' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(police, LIST, { filter: { regionCode: '12345' } }))).toBe('BAD_USER_INPUT');
  });

  it('pages by name with a cursor; a bad cursor is BAD_USER_INPUT', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: any = ok(await t.exec<any>(police, LIST, { first: 3, after })).agencyElders;
      expect(page.totalCount).toBe(8);
      seen.push(...page.nodes.map((n: AgencyElder) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect([...seen].sort()).toEqual(ids(TOWN_A()));
    expect(new Set(seen).size).toBe(8);
    expect(codeOf(await t.exec(police, LIST, { after: 'bm9wZQ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(police, LIST, { first: 0 }))).toBe('BAD_USER_INPUT');
  });
});

describe('who may read', () => {
  it('civil-affairs roles, integrators and auditors are FORBIDDEN; no login is UNAUTHENTICATED', async () => {
    for (const role of ['ADMIN', 'TOWN_OPERATOR', 'VILLAGE_WORKER', 'INTEGRATOR', 'AUDITOR'] as const) {
      const u = await t.user(role, role === 'VILLAGE_WORKER' ? REGIONS.villageA1 : REGIONS.townA);
      expect(codeOf(await t.exec(u, LIST, {})), role).toBe('FORBIDDEN');
      expect(codeOf(await t.exec(u, REFERRED, {})), role).toBe('FORBIDDEN');
    }
    expect(codeOf(await t.exec(null, LIST, {}))).toBe('UNAUTHENTICATED');
  });

  it('a partner user without an agency is FORBIDDEN', async () => {
    const u = await t.user('POLICE', REGIONS.townA);
    const orphan: TestUser = { ...u, actor: actorFor({ id: u.id, username: u.username, displayName: u.username, role: 'POLICE', regionCode: REGIONS.townA, agencyId: null }) };
    expect(codeOf(await t.exec(orphan, LIST, {}))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(orphan, REFERRED, {}))).toBe('FORBIDDEN');
  });

  it('a user whose agency is of another kind than its role is FORBIDDEN', async () => {
    const u = await t.user('POLICE', REGIONS.townA);
    const mixed: TestUser = { ...u, actor: actorFor({ id: u.id, username: u.username, displayName: u.username, role: 'POLICE', regionCode: REGIONS.townA, agencyId: health.actor.agencyId }) };
    expect(codeOf(await t.exec(mixed, LIST, {}))).toBe('FORBIDDEN');
  });
});

describe('referred alerts', () => {
  const list = async (as: TestUser) => ok(await t.exec<any>(as, REFERRED, { first: 100 })).referredAlerts;

  it('each agency sees the alerts referred to its kind in its region, with the elder name and village only', async () => {
    const p = await list(police);
    expect(p.nodes.map((n: any) => n.title)).toEqual(['疑似电信诈骗']);
    expect(p.nodes[0]).toMatchObject({
      elderId: plain.id,
      elderName: '关国华',
      severity: 'NORMAL',
      status: 'REFERRED',
      village: { code: REGIONS.villageA1, name: '东河社区居委会' },
    });
    expect(p.nodes[0].referredAt).toBeTruthy();
    expect((await list(health)).nodes.map((n: any) => n.title)).toEqual(['需要上门诊疗']);
    const h = (await list(housing)).nodes.map((n: any) => n.title).sort();
    expect(h).toEqual(['房屋漏雨']);
    expect((await list(disability)).nodes).toEqual([]);
    // Town B's health sees only its own town's referral.
    expect((await list(healthB)).nodes.map((n: any) => n.title)).toEqual(['镇B的转介']);
    expect((await list(policeB)).totalCount).toBe(0);
  });
});

describe('audit and SQL statements', () => {
  it('one AGENCY_VIEW_READ row per request, listing the elders read', async () => {
    const before = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'AGENCY_VIEW_READ'`);
    const list = await view(disability);
    const rows = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'AGENCY_VIEW_READ'`);
    expect(rows[0]!.n).toBe(before[0]!.n + 1);
    const [last] = await t.sql<{ actor_id: string; actor_role: string; detail: any; region_code: string }>(
      `select actor_id, actor_role, detail, region_code from audit_event where action = 'AGENCY_VIEW_READ' order by id desc limit 1`,
    );
    expect(last!.actor_id).toBe(disability.id);
    expect(last!.actor_role).toBe('DISABILITY');
    expect(last!.region_code).toBe(REGIONS.townA);
    expect(last!.detail.query).toBe('agencyElders');
    expect([...last!.detail.elderIds].sort()).toEqual(ids(list.nodes));

    await t.exec(police, REFERRED, {});
    const [ref] = await t.sql<{ detail: any }>(`select detail from audit_event where action = 'AGENCY_VIEW_READ' order by id desc limit 1`);
    expect(ref!.detail).toMatchObject({ query: 'referredAlerts', view: 'POLICE', elderIds: [plain.id] });
  });

  it('the number of SQL statements does not grow with the page: 5 elders or 50', async () => {
    const town = '440783104';
    const village = '440783104001';
    const agencies = {
      POLICE: await t.user('POLICE', town),
      HEALTH: await t.user('HEALTH', town),
      DISABILITY: await t.user('DISABILITY', town),
      HOUSING: await t.user('HOUSING', town),
    };
    const add = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = idNumberFor('1950-06-15');
        const elder = await registerElder(t, admin, {
          name: `苍城${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉'[Math.floor(i / 10) + (n > 5 ? 1 : 0)]}`,
          regionCode: village,
          idNumber: id,
          phone: '13800000000',
          disability: { certificateNumber: `${id}43` },
          livingConditions: { housingSafe: false },
          emergencyContacts: [{ kind: 'CHILD', name: '子女', phone: '13900000000' }],
        });
        await referAlert(elder, 'POLICE', '转介公安');
      }
    };
    const counts = async (expected: number) => {
      const out: Record<string, number> = {};
      for (const [kind, u] of Object.entries(agencies)) {
        const r = await t.exec<any>(u, LIST, { first: 100 });
        expect(ok(r).agencyElders.nodes).toHaveLength(expected);
        out[kind] = r.sqlStatements;
      }
      const r = await t.exec<any>(agencies.POLICE, REFERRED, { first: 100 });
      expect(ok(r).referredAlerts.nodes).toHaveLength(expected);
      out.referredAlerts = r.sqlStatements;
      return out;
    };
    await add(5);
    const five = await counts(5);
    await add(45);
    const fifty = await counts(50);
    expect(fifty).toEqual(five);
    // agencyElders compiled (the default): the agency, the page, the total and the audit row in one statement
    // (agency-views.compiled.test.ts compares it with the uncompiled path's three). referredAlerts: the agency, the
    // page, the audit row.
    const { referredAlerts, ...views } = five;
    for (const n of Object.values(views)) expect(n).toBe(1);
    expect(referredAlerts).toBe(3);
  });
});
