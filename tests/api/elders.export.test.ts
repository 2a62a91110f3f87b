import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * 导出名单 (issue 15): the filtered elder list as xlsx over POST /elders/export.xlsx. Masked by default, full identity
 * only with the reveal scope and a stated purpose; every export audited on the server (one ELDER_EXPORT row with the
 * filter, count and purpose, one row per elder); a filter over 20,000 people refused with a message to narrow it.
 */

const TODAY = '2026-11-15T02:00:00Z';
const HEADERS = ['姓名', '性别', '年龄', '身份证号', '联系电话', '所在村（社区）', '类别', '特殊情形', '责任探访人', '最近探访日期'];
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;
const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`;

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let auditor: TestUser;
let server: { url: string; close: () => Promise<void> };
const tokens = new Map<string, string>();
const e: Record<string, { id: string; fullIdNumber: string }> = {};

async function tokenOf(user: TestUser): Promise<string> {
  if (!tokens.has(user.username)) {
    const login = ok(await t.exec<any>(null, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: user.username, p: TEST_PASSWORD }));
    tokens.set(user.username, login.login.token);
  }
  return tokens.get(user.username)!;
}

async function exportAs(user: TestUser | null, body: unknown): Promise<{ status: number; json?: any; rows?: string[][] }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers.authorization = `Bearer ${await tokenOf(user)}`;
  const res = await fetch(`${server.url}/elders/export.xlsx`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) return { status: res.status, json: await res.json() };
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const sheet = book.getWorksheet('老人名单')!;
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return { status: res.status, rows };
}

beforeAll(async () => {
  t = await createTestApp();
  // Registered on 1 November, so the visit of the 5th is after registration; "today" is the 15th.
  t.clock.set('2026-11-01T02:00:00Z');
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  auditor = await t.user('AUDITOR', REGIONS.city);
  e.guan = await registerElder(t, admin, { name: '关秀英', idNumber: idNumberFor('1944-02-01', false), regionCode: REGIONS.villageA1, phone: '13800138000', circumstances: ['LIVING_ALONE'] });
  e.li = await registerElder(t, admin, { name: '李伟', idNumber: idNumberFor('1950-03-02'), regionCode: REGIONS.villageA2, circumstances: ['EMPTY_NEST'] });
  e.chen = await registerElder(t, admin, { name: '陈沙塘', idNumber: idNumberFor('1950-04-01'), regionCode: REGIONS.villageB1 });
  const visitor = ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: '谢社工', kind: 'SOCIAL_WORKER', regionCode: REGIONS.villageA1 } })).createVisitor.id;
  ok(await t.exec(admin, ASSIGN, { input: { visitorId: visitor, elderIds: [e.guan!.id], role: 'PRIMARY' } }));
  t.clock.set(TODAY);
  ok(await t.exec(admin, RECORD_VISIT, { input: { elderId: e.guan!.id, visitedAt: '2026-11-05T02:00:00Z', method: 'HOME' } }));
  server = await t.listen();
});
afterAll(async () => {
  await server?.close();
  await t.close();
});

describe('export the filtered elder list', () => {
  it('masks ID and phone numbers by default, with every column in Chinese, and audits each elder', async () => {
    const res = await exportAs(town, { filter: { regionCode: REGIONS.townA } });
    expect(res.status).toBe(200);
    const [header, ...rows] = res.rows!;
    expect(header).toEqual(HEADERS);
    expect(rows.map((r) => r[0])).toEqual(['关秀英', '李伟']);
    const guan = rows[0]!;
    expect(guan[1]).toBe('女');
    expect(guan[2]).toBe('82');
    expect(guan[3]).toBe(`${e.guan!.fullIdNumber.slice(0, 6)}********${e.guan!.fullIdNumber.slice(-4)}`);
    expect(guan[4]).toBe('138****8000');
    expect(guan[5]).toBe('三埠街道 东河社区居委会');
    expect(guan[6]).toBe('A类');
    expect(guan[7]).toBe('独居、高龄');
    expect(guan[8]).toBe('谢社工');
    expect(guan[9]).toBe('2026-11-05');
    expect(rows.flat().join()).not.toContain(e.guan!.fullIdNumber);

    const [summary] = await t.sql(`select actor_username, purpose, detail from audit_event where action = 'ELDER_EXPORT' order by id desc limit 1`);
    expect(summary).toMatchObject({ actor_username: town.username, purpose: null, detail: { rows: 2, revealed: false, filter: { regionCode: REGIONS.townA } } });
    const reads = await t.sql(`select elder_id from audit_event where action = 'ELDER_READ' and detail->'via' ? 'eldersExport' order by elder_id`);
    expect(reads.map((r) => r.elder_id).sort()).toEqual([e.guan!.id, e.li!.id].sort());
  });

  it('reveals the full identity only for a stated purpose, audited with it as an identity reveal per elder', async () => {
    const res = await exportAs(town, { filter: { regionCode: REGIONS.villageA1 }, purpose: '社区核对探访名单' });
    expect(res.status).toBe(200);
    const [, guan] = res.rows!;
    expect(guan![3]).toBe(e.guan!.fullIdNumber);
    expect(guan![4]).toBe('13800138000');
    const [summary] = await t.sql(`select purpose, detail from audit_event where action = 'ELDER_EXPORT' order by id desc limit 1`);
    expect(summary).toMatchObject({ purpose: '社区核对探访名单', detail: { rows: 1, revealed: true } });
    const reveals = await t.sql(`select elder_id, purpose from audit_event where action = 'IDENTITY_REVEAL' and elder_id = $1`, [e.guan!.id]);
    expect(reveals).toEqual([{ elder_id: e.guan!.id, purpose: '社区核对探访名单' }]);
    // A purpose too short to say anything is refused, and nothing is exported.
    const short = await exportAs(town, { filter: {}, purpose: '看' });
    expect(short.status).toBe(400);
    expect(short.json.fieldErrors.map((f: { field: string }) => f.field)).toEqual(['purpose']);
  });

  it('exports the people behind a figure, never outside the jurisdiction', async () => {
    const notVisited = await exportAs(town, { filter: { regionCode: REGIONS.townA, period: '2026-11', visited: false } });
    expect(notVisited.rows!.slice(1).map((r) => r[0])).toEqual(['李伟']);
    const list = ok(await t.exec<any>(town, `query { elders(filter: { regionCode: "${REGIONS.townA}", period: "2026-11", visited: false }) { nodes { name } } }`));
    expect(list.elders.nodes.map((n: { name: string }) => n.name)).toEqual(['李伟']);
    // Another town's village: an empty sheet, as the list is empty.
    const outside = await exportAs(town, { filter: { regionCode: REGIONS.villageB1 } });
    expect(outside.rows).toEqual([HEADERS]);
  });

  it('refuses strangers, users without the list scope and malformed filters with a code and a message', async () => {
    expect((await exportAs(null, {})).status).toBe(401);
    expect((await exportAs(auditor, {})).json.code).toBe('FORBIDDEN');
    const bad = await exportAs(town, { filter: { classes: ['Z'], nope: 1, ageMin: 'old' } });
    expect(bad.status).toBe(400);
    expect(bad.json.fieldErrors.map((f: { field: string }) => f.field).sort()).toEqual(['filter.ageMin', 'filter.classes', 'filter.nope']);
  });

  it('refuses more than 20,000 people with a message to narrow the filter', async () => {
    // 20,001 copies of one archive in 东河社区 (new ids and ID numbers), inserted in one statement.
    await t.sql(
      `insert into elder select (jsonb_populate_record(e, jsonb_build_object('id', gen_random_uuid(), 'id_number', '4407831951' || lpad(g::text, 8, '0')))).*
         from elder e cross join generate_series(1, 20001) g where e.id = $1`,
      [e.li!.id],
    );
    const res = await exportAs(town, { filter: { regionCode: REGIONS.townA } });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('BAD_USER_INPUT');
    expect(res.json.message).toContain('20003');
    expect(res.json.message).toContain('请缩小筛选范围');
    // A village still exports.
    expect((await exportAs(town, { filter: { regionCode: REGIONS.villageA1 } })).rows!.map((r) => r[0])).toEqual(['姓名', '关秀英']);
  });
});
