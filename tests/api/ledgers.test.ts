import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

// 新安社区 holds this file's archives; 东河社区 (A1) gets the 501 clones of the batch-limit test.
const VILLAGE = REGIONS.villageA2;

const FORMS = `query($elderId: ID, $villageCode: String, $purpose: String, $part: Int) {
  registrationForms(elderId: $elderId, villageCode: $villageCode, revealPurpose: $purpose, part: $part) {
    elderId name gender birthDate idNumber identityRevealed phone addressDetail livesAtRegisteredResidence circumstances
    disabled disabilityCertificateNumber livingAloneOrEmptyNest leftBehind incapacitated familyPlanningSpecial acceptsVisits
    place { county town village villageCode }
    emergencyContacts { name relation phone }
    householdMembers { name gender idNumber relation health assistance }
    waterSafe electricitySafe housingSafe householdMonthlyIncome monthlyBenefits
    helpReceived { unitType unitName measures } } }`;
const RECORDS = `query($visitId: ID, $villageCode: String, $from: Date, $to: Date, $part: Int) {
  visitRecordForms(visitId: $visitId, villageCode: $villageCode, from: $from, to: $to, part: $part) {
    visitId elderId elderName elderPhone seq visitedOn method visitorName enteredByName mobility gasSafety diseaseName disease
    serviceNeeds place { town village } careServices { kind content deliveredOn } } }`;

let t: TestApp;
let town: TestUser;
let townB: TestUser;
let worker: TestUser;
let integrator: TestUser;
let lin: ElderData & { fullIdNumber: string };
let zhou: ElderData & { fullIdNumber: string };
let visitId: string;
let server: { url: string; close: () => Promise<void> };

async function tokenOf(as: TestUser): Promise<string> {
  return ok(await t.exec<any>(null, `mutation($u: String!) { login(username: $u, password: "test-password-1") { token } }`, { u: as.username })).login.token;
}

async function download(as: TestUser | null, path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: as ? { authorization: `Bearer ${await tokenOf(as)}` } : {} });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, json: () => JSON.parse(body.toString('utf8')) as { code: string; message: string } };
}

async function sheetRows(body: Buffer, sheetName: string): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as never);
  const sheet = book.getWorksheet(sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

const audits = (action: string, elderId?: string) =>
  t.sql<{ elder_id: string; purpose: string | null; detail: any }>(
    `select elder_id, purpose, detail from audit_event where action = $1 ${elderId ? 'and elder_id = $2' : ''} order by id`,
    elderId ? [action, elderId] : [action],
  );

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-01T02:00:00Z');
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  worker = await t.user('VILLAGE_WORKER', VILLAGE);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  lin = await registerElder(t, town, {
    name: '林秀英', regionCode: VILLAGE, idNumber: idNumberFor('1940-02-03', false), phone: '13812345678', addressDetail: '新安路 8 号',
    livesAtRegisteredResidence: true, circumstances: ['LIVING_ALONE', 'MINIMUM_ALLOWANCE'], incapacityLevel: 'PARTIAL',
    livingConditions: { waterSafe: true, electricitySafe: false, housingSafe: true, householdMonthlyIncome: 1200, monthlyBenefits: 800.5 },
    emergencyContacts: [{ kind: 'CHILD', name: '林小华', relation: '女儿', phone: '13987654321' }],
    householdMembers: [{ name: '林小华', gender: 'FEMALE', idNumber: idNumberFor('1968-05-06', false), relation: '女儿', health: '健康', assistance: 'NONE' }],
    helpReceived: [{ unitType: 'SOCIAL_ORGANIZATION', unitName: '开平市慈善会', measures: '每月送米面油' }],
  });
  zhou = await registerElder(t, town, { name: '周伯', regionCode: VILLAGE, idNumber: idNumberFor('1945-07-08', true), circumstances: ['LEFT_BEHIND'] });

  const team = ok(await t.exec<any>(town, `mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }`, { i: { name: '新安社区探访关爱队', kind: 'VISITING', regionCode: VILLAGE } })).createTeam;
  const visitor = ok(await t.exec<any>(town, `mutation($i: CreateVisitorInput!) { createVisitor(input: $i) { id } }`, {
    i: { name: '陈探访', kind: 'SOCIAL_WORKER', phone: '13700001111', regionCode: VILLAGE, teamId: team.id },
  })).createVisitor;
  ok(await t.exec(town, `mutation($i: AssignVisitorInput!) { assignVisitor(input: $i) { assigned } }`, { i: { elderIds: [lin.id, zhou.id], visitorId: visitor.id } }));
  t.clock.set('2026-11-15T02:00:00Z');
  const visit = ok(await t.exec<any>(town, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, {
    i: {
      elderId: lin.id, visitedAt: '2026-11-10T01:30:00Z', method: 'HOME', visitorId: visitor.id, mobility: 'WORSE', gasSafety: 'UNSAFE',
      disease: 'SERIOUS', diseaseName: '高血压', serviceNeeds: '需要助餐',
      careServices: [{ kind: 'CLEANING', content: '打扫卫生', deliveredOn: '2026-11-10' }],
    },
  })).recordVisit;
  visitId = visit.id;
  ok(await t.exec(town, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, { i: { elderId: zhou.id, visitedAt: '2026-11-12T06:00:00Z', method: 'PHONE', visitorId: visitor.id } }));
  server = await t.listen();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

describe('基本信息登记表 (registrationForms)', () => {
  it('prints a village’s active elders in the form’s order, identity masked, and audits each form', async () => {
    const before = (await audits('ELDER_READ')).length;
    const forms = ok(await t.exec<any>(town, FORMS, { villageCode: VILLAGE })).registrationForms;
    expect(forms.map((f: any) => f.name)).toEqual(['周伯', '林秀英'].sort());
    const f = forms.find((x: any) => x.name === '林秀英');
    expect(f.identityRevealed).toBe(false);
    expect(f.idNumber).toBe(`${lin.fullIdNumber.slice(0, 6)}********${lin.fullIdNumber.slice(-4)}`);
    expect(f.phone).toBe('138****5678');
    expect(f.place).toEqual({ county: '开平市', town: '三埠街道', village: expect.stringContaining('新安'), villageCode: VILLAGE });
    expect(f).toMatchObject({ gender: 'FEMALE', livingAloneOrEmptyNest: true, leftBehind: false, incapacitated: true, disabled: false, electricitySafe: false, householdMonthlyIncome: 1200, monthlyBenefits: 800.5 });
    expect(f.emergencyContacts).toEqual([{ name: '林小华', relation: '女儿', phone: '139****4321' }]);
    expect(f.householdMembers[0]).toMatchObject({ name: '林小华', relation: '女儿', assistance: 'NONE' });
    expect(f.householdMembers[0].idNumber).toMatch(/^440783\*{8}\d{3}[\dX]$/);
    expect(f.helpReceived).toEqual([{ unitType: 'SOCIAL_ORGANIZATION', unitName: '开平市慈善会', measures: '每月送米面油' }]);
    const rows = (await audits('ELDER_READ')).slice(before);
    expect(rows.map((r) => r.elder_id).sort()).toEqual([lin.id, zhou.id].sort());
    expect(rows[0]!.detail.via).toEqual(['registrationForms:village']);
  });

  it('shows full identity only with the reveal scope and a stated purpose, audited with it', async () => {
    const noPurpose = await t.exec(town, FORMS, { elderId: lin.id, purpose: ' ' });
    expect(codeOf(noPurpose)).toBe('BAD_USER_INPUT');
    // An integrator has neither the archive nor the reveal scope.
    expect(codeOf(await t.exec(integrator, FORMS, { elderId: lin.id, purpose: '存档' }))).toBe('FORBIDDEN');
    const [f] = ok(await t.exec<any>(town, FORMS, { elderId: lin.id, purpose: '县民政局存档（一式两份）' })).registrationForms;
    expect(f.identityRevealed).toBe(true);
    expect(f.idNumber).toBe(lin.fullIdNumber);
    expect(f.phone).toBe('13812345678');
    expect(f.emergencyContacts[0].phone).toBe('13987654321');
    const reveals = await audits('IDENTITY_REVEAL', lin.id);
    expect(reveals.at(-1)!.purpose).toBe('县民政局存档（一式两份）');
  });

  it('refuses another town’s village and answers an archive outside the area like a missing one', async () => {
    expect(codeOf(await t.exec(townB, FORMS, { villageCode: VILLAGE }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townB, FORMS, { elderId: lin.id }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(town, FORMS, { elderId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(town, FORMS, {}))).toBe('BAD_USER_INPUT');
  });

  it('prints a batch above 200 forms in parts: asked whole it is refused with the number of parts, each part audits its own forms', async () => {
    await t.sql(
      `insert into elder select (jsonb_populate_record(null::elder, to_json(e)::jsonb || jsonb_build_object(
         'id', gen_random_uuid(), 'region_code', $1::text, 'name', '克隆' || g, 'id_number', '9' || lpad(g::text, 17, '0')))).*
         from elder e, generate_series(1, 501) g where e.id = $2`,
      [REGIONS.villageA1, zhou.id],
    );
    const refused = await t.exec(town, FORMS, { villageCode: REGIONS.villageA1 });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.message).toBe('本村（社区）共 501 份登记表，一次最多打印 200 份：请分 3 批打印');
    expect(refused.errors![0]!.extensions).toMatchObject({ limit: 'PRINT_PARTS', forms: 501, parts: 3, partSize: 200 });
    const before = (await audits('ELDER_READ')).length;
    const parts: any[][] = [];
    for (const part of [1, 2, 3]) parts.push(ok(await t.exec<any>(town, FORMS, { villageCode: REGIONS.villageA1, part })).registrationForms);
    expect(parts.map((p) => p.length)).toEqual([200, 200, 101]);
    // The parts are the batch in its order (name, then id), each form once.
    const names = parts.flat().map((f: any) => f.name as string);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(parts.flat().map((f: any) => f.elderId)).size).toBe(501);
    expect((await audits('ELDER_READ')).length - before).toBe(501);
    for (const part of [4, 0, -1]) expect(codeOf(await t.exec(town, FORMS, { villageCode: REGIONS.villageA1, part })), `part ${part}`).toBe('BAD_USER_INPUT');
    // One form has no parts.
    expect(codeOf(await t.exec(town, FORMS, { elderId: zhou.id, part: 2 }))).toBe('BAD_USER_INPUT');
    expect(ok(await t.exec<any>(town, FORMS, { elderId: zhou.id, part: 1 })).registrationForms).toHaveLength(1);
  });

  it('serves a part of 200 forms in a bounded number of statements, closed archives left out', async () => {
    await t.sql(`update elder set status = 'DECEASED', status_date = '2026-11-01' where region_code = $1 and name in ('克隆1', '克隆2')`, [REGIONS.villageA1]);
    const started = performance.now();
    const served = await t.exec<any>(town, FORMS, { villageCode: REGIONS.villageA1, part: 1 });
    console.log(`200 registration forms: ${served.sqlStatements} SQL statements, ${Math.round(performance.now() - started)} ms`);
    expect(ok(served).registrationForms).toHaveLength(200);
    // Region lookup, the elders, three child tables, the read audit: no statement per form.
    expect(served.sqlStatements).toBeLessThanOrEqual(8);
    const last = ok(await t.exec<any>(town, FORMS, { villageCode: REGIONS.villageA1, part: 3 })).registrationForms;
    expect(last).toHaveLength(99);
    expect(last.map((f: any) => f.name)).not.toContain('克隆1');
  });
});

describe('探访关爱服务记录表 (visitRecordForms)', () => {
  it('prints one visit with its findings, visitor, entry person and care services', async () => {
    const [f] = ok(await t.exec<any>(town, RECORDS, { visitId })).visitRecordForms;
    expect(f).toMatchObject({ elderName: '林秀英', elderPhone: '138****5678', seq: 1, visitedOn: '2026-11-10', method: 'HOME', visitorName: '陈探访', mobility: 'WORSE', gasSafety: 'UNSAFE', disease: 'SERIOUS', diseaseName: '高血压' });
    expect(f.enteredByName).toContain(town.username);
    expect(f.careServices).toEqual([{ kind: 'CLEANING', content: '打扫卫生', deliveredOn: '2026-11-10' }]);
    const reads = await audits('ELDER_READ', lin.id);
    expect(reads.at(-1)!.detail).toMatchObject({ via: ['visitRecordForms'], parts: ['visits'] });
  });

  it('prints a village’s visits of a period, and refuses another town, a missing period or a reversed one', async () => {
    const forms = ok(await t.exec<any>(town, RECORDS, { villageCode: VILLAGE, from: '2026-11-01', to: '2026-11-30' })).visitRecordForms;
    expect(forms.map((f: any) => f.elderName)).toEqual(['林秀英', '周伯']);
    expect(ok(await t.exec<any>(town, RECORDS, { villageCode: VILLAGE, from: '2026-11-11', to: '2026-11-30' })).visitRecordForms).toHaveLength(1);
    expect(codeOf(await t.exec(townB, RECORDS, { villageCode: VILLAGE, from: '2026-11-01', to: '2026-11-30' }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(townB, RECORDS, { visitId }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(town, RECORDS, { villageCode: VILLAGE }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(town, RECORDS, { villageCode: VILLAGE, from: '2026-11-30', to: '2026-11-01' }))).toBe('BAD_USER_INPUT');
    // Parts as registrationForms' (the same rule): two forms are one part; there is no second, and one visit has none.
    expect(ok(await t.exec<any>(town, RECORDS, { villageCode: VILLAGE, from: '2026-11-01', to: '2026-11-30', part: 1 })).visitRecordForms).toHaveLength(2);
    expect(codeOf(await t.exec(town, RECORDS, { villageCode: VILLAGE, from: '2026-11-01', to: '2026-11-30', part: 2 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(town, RECORDS, { visitId, part: 2 }))).toBe('BAD_USER_INPUT');
  });
});

describe('spreadsheets', () => {
  it('探访台账: official headers, a row per visit in words, ID numbers masked, audited per elder', async () => {
    const res = await download(town, `/ledgers/${REGIONS.townA}/visits.xlsx?from=2026-11-01&to=2026-11-30`);
    expect(res.status).toBe(200);
    const rows = await sheetRows(res.body, '探访台账');
    expect(String(rows[0]![0])).toContain('三埠街道特殊困难老年人探访关爱服务台账');
    expect(rows[3]).toEqual(['序号', '探访日期', '探访时间', '老年人姓名', '公民身份号码', '乡镇（街道）', '村（社区）', '第几次探访', '探访方式', '探访人员', '探访发现', '老年人服务需求', '实施关爱服务建议', '服务满意度', '信息录入人']);
    const data = rows.slice(4);
    expect(data).toHaveLength(2);
    const [first, second] = data as unknown[][];
    expect(first!.slice(0, 10)).toEqual([1, '2026-11-10', '09:30', '林秀英', `${lin.fullIdNumber.slice(0, 6)}********${lin.fullIdNumber.slice(-4)}`, '三埠街道', expect.stringContaining('新安'), 1, '上门入户', '陈探访']);
    expect(first![10]).toBe('行动能力较差；疾病状况严重（高血压）；燃气不安全');
    expect(second![8]).toBe('电话问候');
    expect(JSON.stringify(rows)).not.toContain(lin.fullIdNumber);
    const reads = await audits('ELDER_READ', zhou.id);
    expect(reads.at(-1)!.detail.via).toEqual(['visitLedger.xlsx']);
  });

  it('联系人名单 per village with the contact’s phone and elders held; 组建队伍情况 by kind and member', async () => {
    const contacts = await download(town, `/ledgers/${REGIONS.townA}/contacts.xlsx`);
    expect(contacts.status).toBe(200);
    const rows = await sheetRows(contacts.body, '联系人名单');
    expect(rows[3]).toEqual(['序号', '乡镇（街道）', '村（社区）', '联系人姓名', '人员类别', '所属队伍', '联系电话', '结对老年人数', '协助探访老年人数']);
    expect(rows.slice(4)).toEqual([[1, '三埠街道', expect.stringContaining('新安'), '陈探访', '社会工作者（双百社工）', '新安社区探访关爱队', '13700001111', 2, 0]]);

    const teams = await download(town, `/ledgers/${REGIONS.townA}/teams.xlsx`);
    expect(teams.status).toBe(200);
    expect((await sheetRows(teams.body, '队伍汇总')).slice(3)).toEqual([['队伍类别', '队伍数', '队员人数'], ['摸底排查专班', 0, 0], ['日常联络队伍', 0, 0], ['探访关爱队伍', 1, 1]]);
    const members = (await sheetRows(teams.body, '队伍成员')).slice(4);
    expect(members).toEqual([[1, '探访关爱队伍', '新安社区探访关爱队', expect.stringContaining('新安'), '陈探访', '社会工作者（双百社工）', '13700001111']]);
    const exports = await audits('LEDGER_EXPORT');
    expect(exports.map((e) => e.detail.ledger)).toEqual(['contacts', 'teams']);
  });

  it('refuses without a token, another town, a village worker’s team lists, and a bad period, in Chinese', async () => {
    expect((await download(null, `/ledgers/${REGIONS.townA}/contacts.xlsx`)).status).toBe(401);
    const other = await download(town, `/ledgers/${REGIONS.villageB1}/visits.xlsx?from=2026-11-01&to=2026-11-30`);
    expect(other.status).toBe(403);
    expect(other.json().message).toContain('不在您的管辖范围内');
    expect((await download(worker, `/ledgers/${VILLAGE}/teams.xlsx`)).status).toBe(403);
    expect((await download(worker, `/ledgers/${VILLAGE}/visits.xlsx?from=2026-11-01&to=2026-11-30`)).status).toBe(200);
    const bad = await download(town, `/ledgers/${REGIONS.townA}/visits.xlsx?from=2026-11-01`);
    expect(bad.status).toBe(400);
    expect(bad.json().message).toContain('结束日期');
    expect((await download(town, `/ledgers/${REGIONS.townA}/other.xlsx`)).status).toBe(404);
  });
});
